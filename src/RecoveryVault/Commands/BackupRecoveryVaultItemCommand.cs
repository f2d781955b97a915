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

    /// <summary>Keep this recovery point until (default: the policy's daily retention, 30 days for VMs).</summary>
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
        if (item.Kind == BackupKinds.MarsServer)
        {
            WriteError(InputError($"'{item.FriendlyName}' is backed up by the MARS agent on its server; start the backup there.", ErrorIds.UnsupportedForKind, item.Id));
            return;
        }
        if (BackupType is not null && item.Kind != BackupKinds.SqlDatabase)
        {
            WriteError(InputError("-BackupType applies to SQL databases only.", ErrorIds.UnsupportedForKind, item.Id));
            return;
        }
        var retain = RetainUntil ?? DateTime.UtcNow.AddDays(30);
        if (retain.ToUniversalTime() <= DateTime.UtcNow.AddDays(1))
        {
            WriteError(InputError($"-RetainUntil must be at least one day ahead (got {retain:u}).", ErrorIds.InvalidRetention, item.Id));
            return;
        }
        var properties = new JsonObject
        {
            ["objectType"] = item.Kind switch
            {
                BackupKinds.AzureFileShare => "AzureFileShareBackupRequest",
                BackupKinds.SqlDatabase => "AzureWorkloadBackupRequest",
                _ => "IaasVMBackupRequest",
            },
            ["recoveryPointExpiryTimeInUTC"] = retain.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        if (item.Kind == BackupKinds.SqlDatabase)
        {
            properties["backupType"] = BackupType ?? "Full";
            properties["enableCompression"] = false;
        }
        var vault = RecoveryVaultResourceId.Parse(item.VaultId);
        var path = BackupPaths.Item(item.Id);
        Run(async ct =>
        {
            if (!await ShouldProcessAsync(item.Id, $"Back up now (keep until {retain:yyyy-MM-dd})").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                var result = await Session.BackupOperationAsync(vault, "POST", path + "/backup", new JsonObject { ["properties"] = properties }, wait: false, ct).ConfigureAwait(false);
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
        var filter = $"status eq 'InProgress' and operation eq 'Backup' and startTime eq '{FilterDate(DateTimeOffset.UtcNow.AddDays(-30))}' and endTime eq '{FilterDate(OpenEnd)}'";
        await foreach (var d in Session.ListBackupAsync(vault, "backupJobs", filter, ct).ConfigureAwait(false))
        {
            var job = new BackupJob(d, vault.ToString());
            if (string.Equals(job.EntityFriendlyName, item.FriendlyName, StringComparison.OrdinalIgnoreCase) && !job.IsFinished)
            {
                return job;
            }
        }
        return null;
    }
}
