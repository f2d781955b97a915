// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Models;

namespace RecoveryVault.Internal;

/// <summary>Base of cmdlets that start backup work: they return the job (or the resource with -PassThru) and take -Wait.</summary>
public abstract class BackupJobCmdletBase : RecoveryVaultCmdletBase
{
    /// <summary>Wait for the job to finish (with progress).</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Return the affected resource instead of the job.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>
    /// Runs a write on a protected item and writes its job (waiting with -Wait), or the item as it is afterwards
    /// with -PassThru (nothing when the write removed it).
    /// </summary>
    protected async Task ChangeItemAsync(RecoveryVaultResourceId vault, string itemPath, string method, string relativePath, System.Text.Json.Nodes.JsonObject? body,
        string target, CancellationToken ct)
    {
        var result = await Session.BackupOperationAsync(vault, method, relativePath, body, wait: true, ct).ConfigureAwait(false);
        await EmitJobOrResourceAsync(vault, result, target, async token =>
        {
            try
            {
                return new BackupItem(await Session.GetBackupAsync(vault, itemPath, token).ConfigureAwait(false), vault.ToString());
            }
            catch (RecoveryVaultServiceException ex) when (ex.Status == 404)
            {
                return null;
            }
        }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The item as the service holds it now: a PUT replaces the whole item, so it is built from the current state
    /// (disk exclusions someone else set since the piped object was read survive), not from a stale pipeline object.
    /// </summary>
    protected async Task<BackupItem> CurrentAsync(RecoveryVaultResourceId vault, string itemPath, BackupItem piped, CancellationToken ct)
    {
        try
        {
            return new BackupItem(await Session.GetBackupAsync(vault, itemPath, ct).ConfigureAwait(false), vault.ToString());
        }
        catch (RecoveryVaultServiceException ex) when (ex.Status == 404)
        {
            return piped;
        }
    }

    /// <summary>Enable/Disable/Resume/Set on what is already so: say so, succeed, and pass the item on with -PassThru.</summary>
    protected void AlreadyDone(BackupItem item, string message)
    {
        EmitWarning(message);
        if (PassThru)
        {
            Emit(item);
        }
    }

    /// <summary>Writes the job of a started operation (waiting when asked), or the resource with -PassThru.</summary>
    protected async Task EmitJobOrResourceAsync(RecoveryVaultResourceId vault, BackupOperationResult result, string target, Func<CancellationToken, Task<object?>>? resource, CancellationToken ct)
    {
        BackupJob? job = null;
        if (result.JobId is not null)
        {
            try
            {
                job = await JobSupport.GetAsync(Session, vault, result.JobId, ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex) when (ex.Status == 0 || ex.Status >= 500)
            {
                // The work started; only reading its job failed. The job id is what the caller needs to follow it, so
                // the job goes out with what is known of it (its id; no status was read), then the error.
                Emit(new BackupJob(new Engine.Models.BackupResourceData(new System.Text.Json.Nodes.JsonObject
                {
                    ["id"] = $"{vault}/backupJobs/{result.JobId}",
                    ["name"] = result.JobId,
                    ["type"] = "Microsoft.RecoveryServices/vaults/backupJobs",
                    ["properties"] = new System.Text.Json.Nodes.JsonObject(),
                }), vault.ToString()));
                throw new RecoveryVaultServiceException(ex.Status, ex.ErrorCode,
                    $"The operation started (job {result.JobId}), but reading the job failed: {ex.Message}. Follow it with Get-RecoveryVaultJob -VaultId '{vault}' -JobId '{result.JobId}'",
                    target, ex.RequestId, ex.Details, ex);
            }
            if (Wait)
            {
                try
                {
                    job = (await JobSupport.WaitAsync(Session, [job], null, EmitProgress, ct).ConfigureAwait(false))[0];
                }
                catch (RecoveryVaultServiceException)
                {
                    // Waiting failed, not the work: the job goes out (with its id) before the error does.
                    Emit(job);
                    throw;
                }
                if (job.Status == "Failed")
                {
                    EmitError(JobSupport.FailedRecord(job, target));
                }
            }
        }
        else
        {
            EmitVerbose($"The service started no job for {target}.");
        }
        if (PassThru && resource is not null)
        {
            Emit(await resource(ct).ConfigureAwait(false));
        }
        else if (job is not null)
        {
            Emit(job);
        }
    }
}
