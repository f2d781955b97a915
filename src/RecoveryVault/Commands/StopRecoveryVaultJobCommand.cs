// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Cancels running backup jobs.</summary>
[Cmdlet(VerbsLifecycle.Stop, "RecoveryVaultJob", SupportsShouldProcess = true)]
[OutputType(typeof(BackupJob))]
public sealed class StopRecoveryVaultJobCommand : RecoveryVaultCmdletBase
{
    /// <summary>The job (from Get-RecoveryVaultJob or any cmdlet that starts work).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [ValidateNotNull]
    public BackupJob? Job { get; set; }

    /// <summary>Return the job after the cancellation.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var job = Job!;
        var vault = RecoveryVaultResourceId.Parse(job.VaultId);
        Run(async ct =>
        {
            try
            {
                // The piped object may be stale: ask the service where the job is now.
                job = await JobSupport.GetAsync(Session, vault, job.JobId, ct).ConfigureAwait(false);
                if (job.IsFinished)
                {
                    EmitWarning($"Job {job.JobId} already ended ({job.Status}); nothing to cancel.");
                }
                else if (await ShouldProcessAsync(job.Id, $"Cancel {job.Operation} job of '{job.EntityFriendlyName}'").ConfigureAwait(false))
                {
                    await Session.BackupOperationAsync(vault, "POST", $"backupJobs/{Uri.EscapeDataString(job.JobId)}/cancel", null, wait: true, ct).ConfigureAwait(false);
                }
                if (PassThru)
                {
                    Emit(await JobSupport.GetAsync(Session, vault, job.JobId, ct).ConfigureAwait(false));
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, job.Id, ErrorIds.JobNotFound);
            }
        });
    }
}
