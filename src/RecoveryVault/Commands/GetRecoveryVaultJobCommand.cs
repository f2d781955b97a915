// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Engine.Models;
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

    /// <summary>Jobs started at or after (default: 24 hours before -To, as in Az). Ranges over 30 days are read in 30-day windows.</summary>
    [Parameter]
    public DateTime? From { get; set; }

    /// <summary>Jobs started at or before (default: now).</summary>
    [Parameter]
    public DateTime? To { get; set; }

    /// <summary>Kind of workload.</summary>
    [Parameter]
    [ValidateWorkloadKind]
    [ArgumentCompleter(typeof(WorkloadKindCompleter))]
    public string? Kind { get; set; }

    /// <summary>
    /// Reads each listed job by itself (one GET per job) for what lists leave out: sub-tasks with status and duration;
    /// and names the protected item the job is about (ItemId) when one item of the vault matches it.
    /// </summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    /// <summary>How many vaults (or piped items) are read at once (1: one after another). Output is the same either way: grouped per vault, in input order.</summary>
    [Parameter]
    [ValidateRange(1, MaxThrottleLimit)]
    public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    // The vault's protected items, read once per call the first time a job's item is looked for.
    private async Task<string?> ItemIdOfAsync(RecoveryVault.Engine.RecoveryVaultResourceId vault, BackupJob job, Dictionary<string, List<BackupResourceData>> items, CancellationToken ct)
    {
        if (job.EntityFriendlyName is null)
        {
            return null;
        }
        var key = vault.ToString();
        if (!items.TryGetValue(key, out var list))
        {
            list = [];
            await foreach (var d in Session.ListBackupAsync(vault, new ItemQuery().ToRequest(), ct).ConfigureAwait(false))
            {
                list.Add(d);
            }
            items[key] = list;
        }
        var matches = list.Where(d => d.Id is not null && JobMatch.IsForItem(job.Data, d.Id, d.Read("friendlyName") ?? string.Empty)).Take(2).ToList();
        return matches.Count == 1 ? matches[0].Id : null;
    }

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
        if (From is { } from && To is { } to && UserTime(from) > UserTime(to))
        {
            WriteErrorInOrder(InputError($"-From ({from:u}) is later than -To ({to:u}).", ErrorIds.InvalidParameterCombination, vault.ToString()));
            return;
        }
        // Bound from the pipeline: the next record rebinds them while this one is still being read.
        var jobId = JobId;
        var item = Item;
        Fan(ThrottleLimit, async ct =>
        {
            try
            {
                var items = new Dictionary<string, List<BackupResourceData>>(StringComparer.OrdinalIgnoreCase);
                if (jobId is not null)
                {
                    var one = await JobSupport.GetAsync(Session, vault, jobId, ct).ConfigureAwait(false);
                    one.ItemId = item?.Id ?? (Detailed ? await ItemIdOfAsync(vault, one, items, ct).ConfigureAwait(false) : null);
                    Emit(one);
                    return;
                }
                var query = new JobQuery
                {
                    From = UserTime(From),
                    To = UserTime(To),
                    Status = Status,
                    Operation = Operation,
                    Kind = WorkloadCatalogue.Find(Kind ?? item?.Kind),
                };
                await foreach (var d in Session.ListJobsAsync(vault, query, ct).ConfigureAwait(false))
                {
                    if (item is null || JobMatch.IsForItem(d, item.Id, item.FriendlyName))
                    {
                        var job = new BackupJob(d, vault.ToString());
                        if (Detailed)
                        {
                            job = await JobSupport.GetAsync(Session, vault, job.JobId, ct).ConfigureAwait(false);
                            job.ItemId = item?.Id ?? await ItemIdOfAsync(vault, job, items, ct).ConfigureAwait(false);
                        }
                        else
                        {
                            job.ItemId = item?.Id;
                        }
                        Emit(job);
                    }
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, jobId is null ? vault.ToString() : $"{vault}/backupJobs/{jobId}", jobId is null ? ErrorIds.VaultNotFound : ChildNotFoundId(ex, ErrorIds.JobNotFound));
            }
        });
    }
}
