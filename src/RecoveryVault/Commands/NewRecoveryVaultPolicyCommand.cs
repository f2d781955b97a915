// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Text.Json.Nodes;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Creates a backup policy from a schedule and retention (validated before any request).</summary>
[Cmdlet(VerbsCommon.New, "RecoveryVaultPolicy", SupportsShouldProcess = true)]
[OutputType(typeof(BackupPolicy))]
public sealed class NewRecoveryVaultPolicyCommand : VaultScopedCmdletBase
{
    /// <summary>Policy name.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNamePattern("^[a-zA-Z][a-zA-Z0-9_-]{2,149}$", "The policy name '{0}' is not valid: 3 to 150 letters, digits, hyphens and underscores, starting with a letter.")]
    public string Name { get; set; } = string.Empty;

    /// <summary>What the policy protects.</summary>
    [Parameter(Mandatory = true)]
    [ValidateWorkloadKind(ProtectableOnly = true)]
    [ArgumentCompleter(typeof(WorkloadKindCompleter))]
    public string Kind { get; set; } = string.Empty;

    /// <summary>When backups run (New-RecoveryVaultSchedule; default daily 22:00 UTC).</summary>
    [Parameter]
    [ValidateNotNull]
    public BackupSchedule? Schedule { get; set; }

    /// <summary>What is kept (New-RecoveryVaultRetention; default 30 daily points).</summary>
    [Parameter]
    [ValidateNotNull]
    public BackupRetention? Retention { get; set; }

    /// <summary>Enhanced VM policy (V2: hourly backups, trusted launch, 1–30 days of instant restore).</summary>
    [Parameter]
    public SwitchParameter Enhanced { get; set; }

    /// <summary>Days of instant restore snapshots (VM: standard 1–5, default 2, exactly 5 for weekly; enhanced 1–30, default 7).</summary>
    [Parameter]
    [ValidateRange(1, 30)]
    public int? InstantRestoreDays { get; set; }

    /// <summary>SQL log backup interval in minutes.</summary>
    [Parameter]
    [ValidateSet("15", "30", "60", "120", "240", "480", "720", "1440")]
    public int LogBackupIntervalMinutes { get; set; } = 60;

    /// <summary>SQL log backup retention in days (7–35).</summary>
    [Parameter]
    [ValidateRange(7, 35)]
    public int LogRetentionDays { get; set; } = 15;

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var vault = ResolveVault();
        if (vault is null)
        {
            return;
        }
        var schedule = Schedule ?? new BackupSchedule("Daily", new TimeSpan(22, 0, 0), [], null, null, "UTC");
        var retention = Retention ?? new BackupRetention(30, null, [DayOfWeek.Sunday], null, null, ["January"], "First");
        JsonObject body;
        try
        {
            body = new PolicyDefinition(WorkloadCatalogue.Get(Kind), schedule.ToEngine(), retention.ToEngine())
            {
                Enhanced = Enhanced,
                InstantRestoreDays = InstantRestoreDays,
                LogIntervalMinutes = LogBackupIntervalMinutes,
                LogRetentionDays = LogRetentionDays,
                LogSettingsGiven = MyInvocation.BoundParameters.ContainsKey(nameof(LogBackupIntervalMinutes)) || MyInvocation.BoundParameters.ContainsKey(nameof(LogRetentionDays)),
            }.ToBody();
        }
        catch (BackupRequestException ex)
        {
            WriteError(InputError(ex.Message, ErrorIds.ForRequestProblem(ex.Code), Name));
            return;
        }
        var target = $"{vault}/backupPolicies/{Name}";
        Run(async ct =>
        {
            if (!await ShouldProcessAsync(target, $"Create {Kind} backup policy ({schedule}; keep {retention})").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                var path = BackupPath.Policy(Name);
                // A PUT would silently replace a policy of that name: New only creates (Set-RecoveryVaultPolicy changes).
                try
                {
                    var existing = new BackupPolicy(await Session.GetBackupAsync(vault, path, ct).ConfigureAwait(false), vault.ToString());
                    EmitError(new ErrorRecord(new InvalidOperationException($"Vault '{vault.Name}' already has a policy named '{existing.Name}' ({existing.Kind}); use Set-RecoveryVaultPolicy to change it, or another name."),
                        ErrorIds.PolicyAlreadyExists, ErrorCategory.ResourceExists, existing.Id));
                    return;
                }
                catch (RecoveryVaultServiceException ex) when (ex.Status == 404)
                {
                }
                await Session.BackupOperationAsync(vault, "PUT", path, body, wait: true, ct).ConfigureAwait(false);
                Emit(new BackupPolicy(await Session.GetBackupAsync(vault, path, ct).ConfigureAwait(false), vault.ToString()));
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, target, ErrorIds.VaultNotFound);
            }
        });
    }
}
