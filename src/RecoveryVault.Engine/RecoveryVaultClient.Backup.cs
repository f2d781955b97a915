// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using RecoveryVault.Engine.Backup;
using RecoveryVault.Engine.Models;
using RecoveryVault.Engine.Operations;

namespace RecoveryVault.Engine;

public partial class RecoveryVaultClient
{
    /// <summary>The URI of a backup path under a vault (e.g. "backupPolicies/DefaultPolicy"), with the backup api-version.</summary>
    public virtual Uri GetBackupUri(RecoveryVaultResourceId vaultId, string relativePath, string? filter = null) =>
        BuildUri(vaultId.ToPath() + "/" + relativePath.TrimStart('/'), _options.BackupApiVersion, ("$filter", filter));

    /// <summary>Lists a backup collection of a vault (backupPolicies, backupProtectedItems, backupProtectableItems,
    /// backupProtectionContainers, backupJobs, a container's items, an item's recoveryPoints…) with an OData filter.</summary>
    public virtual AsyncPageable<BackupResourceData> GetBackupResourcesAsync(RecoveryVaultResourceId vaultId, string relativePath, string? filter = null, CancellationToken cancellationToken = default) =>
        GetAsyncPageable(GetBackupUri(vaultId, relativePath, filter), o => new BackupResourceData(o), cancellationToken);

    /// <summary>Lists what a typed query asks for (<see cref="ItemQuery"/>, <see cref="JobQuery"/>, …).</summary>
    public virtual AsyncPageable<BackupResourceData> GetBackupResourcesAsync(RecoveryVaultResourceId vaultId, BackupListRequest request, CancellationToken cancellationToken = default) =>
        GetBackupResourcesAsync(vaultId, request.Path, request.Filter, cancellationToken);

    /// <summary>Lists a backup collection of a vault.</summary>
    public virtual Pageable<BackupResourceData> GetBackupResources(RecoveryVaultResourceId vaultId, string relativePath, string? filter = null, CancellationToken cancellationToken = default) =>
        GetPageable(GetBackupUri(vaultId, relativePath, filter), o => new BackupResourceData(o), cancellationToken);

    /// <summary>Gets one backup resource.</summary>
    public virtual async Task<Response<BackupResourceData>> GetBackupResourceAsync(RecoveryVaultResourceId vaultId, string relativePath, CancellationToken cancellationToken = default) =>
        await GetAsync(true, GetBackupUri(vaultId, relativePath), o => new BackupResourceData(o), cancellationToken).ConfigureAwait(false);

    /// <summary>Gets one backup resource.</summary>
    public virtual Response<BackupResourceData> GetBackupResource(RecoveryVaultResourceId vaultId, string relativePath, CancellationToken cancellationToken = default) =>
        GetAsync(false, GetBackupUri(vaultId, relativePath), o => new BackupResourceData(o), cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Starts a backup write (PUT/POST/DELETE) and follows its async style (B or C): the returned operation polls
    /// <c>Azure-AsyncOperation</c> (operationsStatus) or <c>Location</c> (operationResults) and keeps the last status
    /// document, whose <c>properties.jobId</c> names the job the service started.
    /// </summary>
    public virtual async Task<ArmOperation<BackupResourceData>> StartBackupOperationAsync(WaitUntil waitUntil, RequestMethod method, RecoveryVaultResourceId vaultId,
        string relativePath, JsonObject? body, CancellationToken cancellationToken = default) =>
        await StartBackupOperationAsync(waitUntil, method, vaultId, relativePath, null, body, cancellationToken).ConfigureAwait(false);

    /// <summary>A backup write whose request takes a <c>$filter</c> (refreshContainers).</summary>
    public virtual async Task<ArmOperation<BackupResourceData>> StartBackupOperationAsync(WaitUntil waitUntil, RequestMethod method, RecoveryVaultResourceId vaultId,
        string relativePath, string? filter, JsonObject? body, CancellationToken cancellationToken = default) =>
        await StartOperationAsync(true, waitUntil, method, GetBackupUri(vaultId, relativePath, filter), body, o => new BackupResourceData(o), cancellationToken).ConfigureAwait(false);

    /// <summary>Sync twin of <see cref="StartBackupOperationAsync(WaitUntil, RequestMethod, RecoveryVaultResourceId, string, JsonObject?, CancellationToken)"/>.</summary>
    public virtual ArmOperation<BackupResourceData> StartBackupOperation(WaitUntil waitUntil, RequestMethod method, RecoveryVaultResourceId vaultId,
        string relativePath, JsonObject? body, CancellationToken cancellationToken = default) =>
        StartOperationAsync(false, waitUntil, method, GetBackupUri(vaultId, relativePath), body, o => new BackupResourceData(o), cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Discovers new sources of a kind (ProtectionContainers_Refresh, official example RefreshContainers); a discovery
    /// sent twice discovers the same sources, so it is re-sent like a read after a lost answer:
    /// POST backupFabrics/Azure/refreshContainers with <c>$filter=backupManagementType eq '…'</c>.
    /// </summary>
    public virtual Task<ArmOperation<BackupResourceData>> RefreshContainersAsync(WaitUntil waitUntil, RecoveryVaultResourceId vaultId, WorkloadDescriptor kind, CancellationToken cancellationToken = default) =>
        StartOperationAsync(true, waitUntil, RequestMethod.Post, GetBackupUri(vaultId, BackupPath.RefreshContainers,
            new ODataFilter().Eq("backupManagementType", kind.RefreshFilter ?? throw new ArgumentException($"{kind} sources are not discovered by a refresh.", nameof(kind))).Build()),
            null, o => new BackupResourceData(o), cancellationToken, safeToResend: true).AsTask();

    /// <summary>
    /// Looks for new workloads (databases) inside a registered container (ProtectionContainers_Inquire, official
    /// example AzureStorage/ProtectionContainers_Inquire): POST {container}/inquire.
    /// </summary>
    public virtual Task<ArmOperation<BackupResourceData>> InquireContainerAsync(WaitUntil waitUntil, RecoveryVaultResourceId vaultId, string containerName, WorkloadDescriptor kind, CancellationToken cancellationToken = default) =>
        StartOperationAsync(true, waitUntil, RequestMethod.Post, GetBackupUri(vaultId, BackupPath.Container(BackupPath.AzureFabric, containerName) + "/inquire",
            new ODataFilter().Eq("workloadType", kind.WorkloadType).Build()), null, o => new BackupResourceData(o), cancellationToken, safeToResend: true).AsTask();
}
