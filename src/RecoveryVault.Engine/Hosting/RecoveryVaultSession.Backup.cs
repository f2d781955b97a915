// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using RecoveryVault.Engine.Backup;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Engine.Hosting;

/// <summary>What a started backup write gave back: the final resource (if any), the job it started, the last status.</summary>
/// <param name="Resource">The resource the operation returned, when it returned one.</param>
/// <param name="JobId">The job id from the status document, when the service started a job.</param>
/// <param name="Status">The last status document.</param>
/// <param name="Completed">False with -NoWait style calls.</param>
public sealed record BackupOperationResult(BackupResourceData? Resource, string? JobId, JsonObject? Status, bool Completed);

public sealed partial class RecoveryVaultSession
{
    /// <summary>Streams a backup collection of a vault.</summary>
    public IAsyncEnumerable<BackupResourceData> ListBackupAsync(RecoveryVaultResourceId vaultId, string relativePath, string? filter, CancellationToken ct) =>
        Stream(_client.GetBackupResourcesAsync(vaultId, relativePath, filter, ct), vaultId + "/" + relativePath, ct);

    /// <summary>Streams what a typed query asks for.</summary>
    public IAsyncEnumerable<BackupResourceData> ListBackupAsync(RecoveryVaultResourceId vaultId, BackupListRequest request, CancellationToken ct) =>
        ListBackupAsync(vaultId, request.Path, request.Filter, ct);

    /// <summary>
    /// Streams the jobs of a query, one request per 30-day window (newest first); a job on a window's edge is
    /// listed once.
    /// </summary>
    public async IAsyncEnumerable<BackupResourceData> ListJobsAsync(RecoveryVaultResourceId vaultId, JobQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var request in query.ToRequests(ServiceNow))
        {
            await foreach (var job in ListBackupAsync(vaultId, request, ct).ConfigureAwait(false))
            {
                if (job.Id is null || seen.Add(job.Id))
                {
                    yield return job;
                }
            }
        }
    }

    /// <summary>Discovers new sources of a kind (refreshContainers with its backupManagementType filter) and waits for it.</summary>
    public Task RefreshContainersAsync(RecoveryVaultResourceId vaultId, WorkloadDescriptor kind, CancellationToken ct) =>
        Call(() => ResendAsync(async t => (await _client.RefreshContainersAsync(WaitUntil.Completed, vaultId, kind, t).ConfigureAwait(false)).HasCompleted, ct),
            vaultId + "/" + BackupPath.RefreshContainers);

    /// <summary>Looks for new databases in a registered container (inquire) and waits for it.</summary>
    public Task InquireContainerAsync(RecoveryVaultResourceId vaultId, string containerName, WorkloadDescriptor kind, CancellationToken ct) =>
        Call(() => ResendAsync(async t => (await _client.InquireContainerAsync(WaitUntil.Completed, vaultId, containerName, kind, t).ConfigureAwait(false)).HasCompleted, ct),
            vaultId + "/" + BackupPath.Container(BackupPath.AzureFabric, containerName));

    /// <summary>Gets a backup resource.</summary>
    public Task<BackupResourceData> GetBackupAsync(RecoveryVaultResourceId vaultId, string relativePath, CancellationToken ct) =>
        Call(async () => (await _client.GetBackupResourceAsync(vaultId, relativePath, ct).ConfigureAwait(false)).Value, vaultId + "/" + relativePath);

    /// <summary>
    /// Runs a backup write exactly once (a lost answer is followed by a look for its effect, never by a blind re-send)
    /// and, unless <paramref name="wait"/> is false, follows it to the end. A write found already done comes back as
    /// that effect: its job, or the resource as it is.
    /// </summary>
    public Task<BackupOperationResult> BackupOperationAsync(RecoveryVaultResourceId vaultId, string method, string relativePath, JsonObject? body, bool wait, CancellationToken ct) =>
        Call(async () =>
        {
            var before = ServiceNow;
            var started = await StartBackupOnceAsync(vaultId, method, relativePath, body, ct).ConfigureAwait(false);
            if (started.Operation is not { } op)
            {
                return started.Adopted!;
            }
            if (wait)
            {
                await op.WaitForCompletionAsync(ct).ConfigureAwait(false);
            }
            var status = op.LastStatus;
            if (!wait && !op.HasCompleted)
            {
                // One look at the status so the caller gets the job id even without waiting.
                try
                {
                    await op.UpdateStatusAsync(ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsAmbiguous(ex) && !ct.IsCancellationRequested)
                {
                    // The work started; the status was lost on the way. The job names it as well.
                    if (BackupProbe(vaultId, method, relativePath, body) is { } probe
                        && await probe.Look(before, ct).ConfigureAwait(false) is { Done: true, Value.Adopted: { } found })
                    {
                        return found;
                    }
                    throw;
                }
                status = op.LastStatus;
            }
            var jobId = status?["properties"]?["jobId"]?.GetValue<string>();
            return new BackupOperationResult(op.ValueOrDefault, jobId, status, op.HasCompleted);
        }, vaultId + "/" + relativePath);

    /// <summary>Downloads a file the service pointed at (no credential is sent).</summary>
    public Task<byte[]> DownloadAsync(Uri url, CancellationToken ct) => Call(() => _client.DownloadAsync(url, ct), url.GetLeftPart(UriPartial.Path));

    /// <summary>The ARM endpoint's view of an arbitrary resource (VMs, storage accounts), for validation.</summary>
    public Task<bool> ResourceExistsAsync(string resourceId, string apiVersion, CancellationToken ct) =>
        Call(async () =>
        {
            try
            {
                await _client.SendAsync(true, RequestMethod.Get, _client.BuildUri(RecoveryVaultResourceId.Parse(resourceId).ToPath(), apiVersion), null, ct).ConfigureAwait(false);
                return true;
            }
            catch (RecoveryVaultRequestFailedException ex) when (ex.Status == 404)
            {
                return false;
            }
        }, resourceId);
}
