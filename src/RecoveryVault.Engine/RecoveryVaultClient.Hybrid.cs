// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using RecoveryVault.Engine.Backup;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Engine;

public partial class RecoveryVaultClient
{
    /// <summary>
    /// The vault's registered Azure Backup Servers and DPM servers (BackupEngines_List, backup api; example
    /// Dpm/BackupEngines_List.json).
    /// </summary>
    public virtual AsyncPageable<BackupResourceData> GetBackupEnginesAsync(RecoveryVaultResourceId vaultId, CancellationToken cancellationToken = default) =>
        GetBackupResourcesAsync(vaultId, HybridPaths.BackupEngines, null, cancellationToken);

    /// <summary>
    /// Unregisters a server that registered itself with the vault (RegisteredIdentities_Delete, vaults api: 204, and
    /// 204 again when nothing is registered under the name, so it is safe to re-send).
    /// </summary>
    public virtual async Task<Response> DeleteRegisteredIdentityAsync(RecoveryVaultResourceId vaultId, string identityName, CancellationToken cancellationToken = default) =>
        await SendAsync(true, RequestMethod.Delete, BuildUri(vaultId.ToPath() + "/" + HybridPaths.RegisteredIdentity(identityName), _options.VaultsApiVersion), null,
            cancellationToken, safeToResend: true).ConfigureAwait(false);

    /// <summary>The vault's usages (Usages_ListByVaults, vaults api): counts and bytes, one entry per usage name.</summary>
    public virtual AsyncPageable<UsageCount> GetVaultUsagesAsync(RecoveryVaultResourceId vaultId, CancellationToken cancellationToken = default) =>
        GetAsyncPageable(BuildUri(vaultId.ToPath() + "/usages", _options.VaultsApiVersion), o => UsageCount.From(o) ?? Unnamed, cancellationToken);

    /// <summary>
    /// Counts per backup management type (BackupUsageSummaries_List with <c>$filter=type eq '…'</c>; examples
    /// Common/BackupProtectedItem_UsageSummary_Get.json and Common/BackupProtectionContainers_UsageSummary_Get.json).
    /// </summary>
    public virtual AsyncPageable<UsageCount> GetBackupUsageSummariesAsync(RecoveryVaultResourceId vaultId, UsageSummaryType type, CancellationToken cancellationToken = default) =>
        GetAsyncPageable(GetBackupUri(vaultId, "backupUsageSummaries", new ODataFilter().Eq("type", HybridPaths.SummaryType(type)).Build()), o => UsageCount.From(o) ?? Unnamed, cancellationToken);

    // An entry without a name is kept as an empty one (a page cannot hold null); readers skip it.
    private static readonly UsageCount Unnamed = new(string.Empty, null, null, 0, 0);

    /// <summary>
    /// Whether a VM or file share is protected, by which vault (BackupStatus_Get: POST
    /// /subscriptions/{s}/providers/Microsoft.RecoveryServices/locations/{region}/backupStatus, example
    /// AzureIaasVm/GetBackupStatus.json). A read: safe to re-send.
    /// </summary>
    public virtual async Task<BackupStatusResult> GetBackupStatusAsync(BackupStatusRequest request, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(true, RequestMethod.Post, BuildUri(request.Path, _options.BackupApiVersion), request.ToBody(), cancellationToken, safeToResend: true).ConfigureAwait(false);
        return BackupStatusResult.From(ArmResourceData.ParseObject(response.Content));
    }

    /// <summary>
    /// Every virtual machine of a subscription (VirtualMachines_ListAll: GET
    /// /subscriptions/{s}/providers/Microsoft.Compute/virtualMachines, paged by nextLink).
    /// </summary>
    public virtual AsyncPageable<GenericData> GetVirtualMachinesAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        GetAsyncPageable(BuildUri($"/subscriptions/{Uri.EscapeDataString(subscriptionId)}/providers/Microsoft.Compute/virtualMachines", BackupStatusRequest.ComputeApiVersion),
            o => new GenericData(o), cancellationToken);

    /// <summary>Gets any ARM resource by id with the given api-version (a VM's or storage account's location).</summary>
    public virtual async Task<JsonObject> GetGenericResourceAsync(string resourceId, string apiVersion, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(true, RequestMethod.Get, BuildUri(RecoveryVaultResourceId.Parse(resourceId).ToPath(), apiVersion), null, cancellationToken).ConfigureAwait(false);
        return ArmResourceData.ParseObject(response.Content);
    }
}
