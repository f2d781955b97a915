// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Gets backup jobs of a vault (or of a piped item), filtered by status, operation, time and kind.</summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultJob")]
[OutputType(typeof(BackupJob))]
public sealed class GetRecoveryVaultJobCommand : VaultScopedCmdletBase
{
    /// <summary>One job by id.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? JobId { get; set; }

    /// <summary>Only jobs of this item (piped from Get-RecoveryVaultItem).</summary>
    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNull]
    public BackupItem? Item { get; set; }

    /// <summary>InProgress, Completed, Failed, CompletedWithWarnings, Cancelled, Cancelling.</summary>
    [Parameter]
    [ValidateSet("InProgress", "Completed", "Failed", "CompletedWithWarnings", "Cancelled", "Cancelling")]
    public string? Status { get; set; }

    /// <summary>Backup, Restore, ConfigureBackup, DisableBackup, DeleteBackupData, Register, UnRegister…</summary>
    [Parameter]
    [ValidateSet("Backup", "Restore", "ConfigureBackup", "DisableBackup", "DeleteBackupData", "Register", "UnRegister", "Undelete", "CrossRegionRestore")]
    public string? Operation { get; set; }

    /// <summary>Jobs started at or after (default: 7 days ago).</summary>
    [Parameter]
    public DateTime? From { get; set; }

    /// <summary>Jobs started at or before (default: no limit).</summary>
    [Parameter]
    public DateTime? To { get; set; }

    /// <summary>Kind of workload.</summary>
    [Parameter]
    [ValidateSet("AzureVM", "AzureFileShare", "SqlDatabase", "MarsServer")]
    public string? Kind { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (Item is not null && VaultId is null)
        {
            VaultId = Item.VaultId;
        }
        var vault = ResolveVault();
        if (vault is null)
        {
            return;
        }
        Run(async ct =>
        {
            try
            {
                if (JobId is not null)
                {
                    Emit(await JobSupport.GetAsync(Session, vault, JobId, ct).ConfigureAwait(false));
                    return;
                }
                var filters = new List<string>
                {
                    $"startTime eq '{BackupJobCmdletBase.FilterDate(From ?? DateTime.UtcNow.AddDays(-7))}'",
                    $"endTime eq '{BackupJobCmdletBase.FilterDate(To ?? BackupJobCmdletBase.OpenEnd)}'",
                };
                if (Status is not null)
                {
                    filters.Add($"status eq '{Status}'");
                }
                if (Operation is not null)
                {
                    filters.Add($"operation eq '{Operation}'");
                }
                if ((Kind ?? Item?.Kind) is { } kind && BackupKinds.Map.TryGetValue(kind, out var pair))
                {
                    filters.Add($"backupManagementType eq '{pair.Management}'");
                }
                await foreach (var d in Session.ListBackupAsync(vault, "backupJobs", string.Join(" and ", filters), ct).ConfigureAwait(false))
                {
                    var job = new BackupJob(d, vault.ToString());
                    if (Item is null || string.Equals(job.EntityFriendlyName, Item.FriendlyName, StringComparison.OrdinalIgnoreCase))
                    {
                        Emit(job);
                    }
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, JobId is null ? vault.ToString() : $"{vault}/backupJobs/{JobId}", JobId is null ? ErrorIds.VaultNotFound : ErrorIds.JobNotFound);
            }
        });
    }
}
