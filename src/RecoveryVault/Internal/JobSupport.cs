// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Models;

namespace RecoveryVault.Internal;

/// <summary>Reads and waits for backup jobs.</summary>
internal static class JobSupport
{
    public static async Task<BackupJob> GetAsync(RecoveryVaultSession session, RecoveryVaultResourceId vault, string jobId, CancellationToken ct) =>
        new(await session.GetBackupAsync(vault, "backupJobs/" + Uri.EscapeDataString(jobId), ct).ConfigureAwait(false), vault.ToString());

    /// <summary>The non-terminating error for a job that ended Failed.</summary>
    public static ErrorRecord FailedRecord(BackupJob job, string? target) =>
        new(new InvalidOperationException($"Job {job.JobId} ({job.Operation} of {job.EntityFriendlyName}) failed: {job.ErrorMessage ?? "no details"}."),
            ErrorIds.JobFailed, ErrorCategory.OperationStopped, target);

    /// <summary>
    /// Polls jobs until each finishes or the timeout passes, reporting progress. Job GETs carry no Retry-After, so
    /// polls back off from one second to fifteen; Ctrl+C cancels the wait, never the jobs.
    /// </summary>
    public static async Task<IReadOnlyList<BackupJob>> WaitAsync(RecoveryVaultSession session, IReadOnlyList<BackupJob> jobs, TimeSpan? timeout,
        Action<ProgressRecord> progress, CancellationToken ct)
    {
        var current = jobs.ToList();
        var started = DateTimeOffset.UtcNow;
        var delay = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            for (int i = 0; i < current.Count; i++)
            {
                if (!current[i].IsFinished)
                {
                    current[i] = await GetAsync(session, RecoveryVaultResourceId.Parse(current[i].VaultId), current[i].JobId, ct).ConfigureAwait(false);
                }
            }
            var done = current.Count(j => j.IsFinished);
            var record = new ProgressRecord(0x52560001, "Waiting for backup jobs",
                $"{done} of {current.Count} finished; " + string.Join(", ", current.Where(j => !j.IsFinished).Take(3).Select(j => $"{j.Operation} {j.EntityFriendlyName}: {j.Status}")))
            {
                PercentComplete = current.Count == 0 ? 100 : (int)(100.0 * done / current.Count),
            };
            if (done == current.Count)
            {
                record.RecordType = ProgressRecordType.Completed;
                progress(record);
                return current;
            }
            progress(record);
            if (timeout is { } t && DateTimeOffset.UtcNow - started > t)
            {
                throw new TimeoutException($"{current.Count - done} job(s) still running after {t}: {string.Join(", ", current.Where(j => !j.IsFinished).Select(j => j.JobId))}.");
            }
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 15_000));
        }
    }
}
