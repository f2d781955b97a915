// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Waits for backup jobs (all piped ones together) and returns them finished.</summary>
[Cmdlet(VerbsLifecycle.Wait, "RecoveryVaultJob")]
[OutputType(typeof(BackupJob))]
public sealed class WaitRecoveryVaultJobCommand : RecoveryVaultCmdletBase
{
    private readonly List<BackupJob> _jobs = [];

    /// <summary>Jobs to wait for.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [ValidateNotNull]
    public BackupJob[] Job { get; set; } = [];

    /// <summary>Give up after this many seconds (the jobs go on).</summary>
    [Parameter]
    [ValidateRange(1, 86400 * 7)]
    public int? TimeoutSeconds { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord() => _jobs.AddRange(Job);

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_jobs.Count == 0)
        {
            return;
        }
        Run(async ct =>
        {
            IReadOnlyList<BackupJob> done;
            try
            {
                done = await JobSupport.WaitAsync(Session, _jobs, TimeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : null, EmitProgress, ct).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                EmitError(new ErrorRecord(ex, ErrorIds.WaitTimedOut, ErrorCategory.OperationTimeout, string.Join(",", _jobs.Select(j => j.JobId))));
                return;
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, null, ErrorIds.JobNotFound);
                return;
            }
            foreach (var job in done)
            {
                if (job.Status == "Failed")
                {
                    EmitError(JobSupport.FailedRecord(job, job.Id));
                }
                Emit(job);
            }
        });
    }
}
