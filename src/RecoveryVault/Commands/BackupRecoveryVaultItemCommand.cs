// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Management.Automation;
using System.Text.Json.Nodes;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Takes an on-demand backup of protected items now; returns the backup jobs.</summary>
[Cmdlet(VerbsData.Backup, "RecoveryVaultItem", SupportsShouldProcess = true)]
[OutputType(typeof(BackupJob), typeof(BackupItem), typeof(RecoveryVaultBackgroundJob))]
public sealed class BackupRecoveryVaultItemCommand : BackupJobCmdletBase
{
    /// <summary>The item (from Get-RecoveryVaultItem).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [ValidateNotNull]
    public BackupItem? InputObject { get; set; }

    /// <summary>Keep this recovery point until (default 30 days; a SQL Full backup at least and by default 45 days; SQL Differential and Log backups follow the policy and take no date).</summary>
    [Parameter]
    public DateTime? RetainUntil { get; set; }

    /// <summary>SQL backup type.</summary>
    [Parameter]
    [ValidateSet("Full", "Differential", "Log", "CopyOnlyFull")]
    public string? BackupType { get; set; }

    /// <summary>Run in a background job and return it at once (Receive-Job gets the output).</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (DeferToJob(AsJob))
        {
            return;
        }
        var item = InputObject!;
        if (WorkloadCatalogue.Find(item.Kind) is not { } kind || kind.BackupRequestType is null)
        {
            WriteError(InputError($"'{item.FriendlyName}' ({item.Kind ?? item.BackupManagementType}) is backed up by its agent on its server; start the backup there.", ErrorIds.UnsupportedForKind, item.Id));
            return;
        }
        var request = new OnDemandBackupRequest(kind)
        {
            RetainUntil = UserTime(RetainUntil),
            BackupType = BackupType,
        };
        JsonObject body;
        DateTimeOffset? retain;
        try
        {
            var now = Session.ServiceNow;
            body = request.ToBody(now);
            retain = request.EffectiveRetainUntil(now);
        }
        catch (BackupRequestException ex)
        {
            WriteError(InputError(ex.Message, ErrorIds.ForRequestProblem(ex.Code), item.Id));
            return;
        }
        var vault = RecoveryVaultResourceId.Parse(item.VaultId);
        var path = BackupPath.Item(item.Id);
        Run(async ct =>
        {
            if (!await ShouldProcessAsync(item.Id, retain is { } keep ? $"Back up now (keep until {keep:yyyy-MM-dd})" : $"Back up now ({BackupType}, kept as the policy says)").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                var result = await Session.BackupOperationAsync(vault, "POST", path + "/backup", body, wait: false, ct).ConfigureAwait(false);
                await EmitJobOrResourceAsync(vault, result, item.Id,
                    async token => new BackupItem(await Session.GetBackupAsync(vault, path, token).ConfigureAwait(false), vault.ToString()), ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex) when (ex.ErrorCode == "UserErrorBackupOperationInProgress")
            {
                // A backup of this item is running already (often the scheduled one): that is the backup asked for.
                var running = await FindRunningBackupAsync(vault, item, ct).ConfigureAwait(false);
                if (running is null)
                {
                    EmitServiceError(ex, item.Id, ErrorIds.ItemNotFound);
                    return;
                }
                EmitWarning($"A backup of '{item.FriendlyName}' is already running (job {running.JobId}); returning that job instead of starting another.");
                await EmitJobOrResourceAsync(vault, new BackupOperationResult(null, running.JobId, null, true), item.Id,
                    async token => new BackupItem(await Session.GetBackupAsync(vault, path, token).ConfigureAwait(false), vault.ToString()), ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, item.Id, ErrorIds.ItemNotFound);
            }
        });
    }

    private async Task<BackupJob?> FindRunningBackupAsync(RecoveryVaultResourceId vault, BackupItem item, CancellationToken ct)
    {
        // A backup runs for hours at most; a week of InProgress backups is where the running one must be.
        var query = new JobQuery { Status = "InProgress", Operation = "Backup", From = Session.ServiceNow.AddDays(-7), Kind = WorkloadCatalogue.Find(item.Kind) };
        await foreach (var d in Session.ListJobsAsync(vault, query, ct).ConfigureAwait(false))
        {
            var job = new BackupJob(d, vault.ToString());
            if (JobMatch.IsForItem(d, item.Id, item.FriendlyName) && !job.IsFinished)
            {
                return job;
            }
        }
        return null;
    }
}
