// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using RecoveryVault.Engine.Models;
using RecoveryVault.Engine.Operations;

namespace RecoveryVault.Engine;

public partial class RecoveryVaultClient
{
    private static string VaultPath(string subscriptionId, string resourceGroupName, string vaultName) =>
        RecoveryVaultResourceId.ForVault(subscriptionId, resourceGroupName, vaultName).ToPath();

    private Uri VaultUri(string subscriptionId, string resourceGroupName, string vaultName, string suffix = "") =>
        BuildUri(VaultPath(subscriptionId, resourceGroupName, vaultName) + suffix, _options.VaultsApiVersion);

    /// <summary>Gets a vault.</summary>
    public virtual Response<VaultData> GetVault(string subscriptionId, string resourceGroupName, string vaultName, CancellationToken cancellationToken = default) =>
        GetVaultCoreAsync(false, subscriptionId, resourceGroupName, vaultName, cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>Gets a vault.</summary>
    public virtual async Task<Response<VaultData>> GetVaultAsync(string subscriptionId, string resourceGroupName, string vaultName, CancellationToken cancellationToken = default) =>
        await GetVaultCoreAsync(true, subscriptionId, resourceGroupName, vaultName, cancellationToken).ConfigureAwait(false);

    private async ValueTask<Response<VaultData>> GetVaultCoreAsync(bool async, string sub, string rg, string name, CancellationToken ct)
    {
        var response = await SendAsync(async, RequestMethod.Get, VaultUri(sub, rg, name), null, ct).ConfigureAwait(false);
        return Response.FromValue(new VaultData(ArmResourceData.ParseObject(response.Content)), response);
    }

    /// <summary>Lists vaults in a resource group, or in the subscription when <paramref name="resourceGroupName"/> is null.</summary>
    public virtual Pageable<VaultData> GetVaults(string subscriptionId, string? resourceGroupName = null, CancellationToken cancellationToken = default) =>
        GetPageable(VaultListUri(subscriptionId, resourceGroupName), o => new VaultData(o), cancellationToken);

    /// <summary>Lists vaults in a resource group, or in the subscription when <paramref name="resourceGroupName"/> is null.</summary>
    public virtual AsyncPageable<VaultData> GetVaultsAsync(string subscriptionId, string? resourceGroupName = null, CancellationToken cancellationToken = default) =>
        GetAsyncPageable(VaultListUri(subscriptionId, resourceGroupName), o => new VaultData(o), cancellationToken);

    private Uri VaultListUri(string sub, string? rg) => BuildUri(
        rg is null
            ? $"/subscriptions/{Uri.EscapeDataString(sub)}/providers/Microsoft.RecoveryServices/vaults"
            : $"/subscriptions/{Uri.EscapeDataString(sub)}/resourceGroups/{Uri.EscapeDataString(rg)}/providers/Microsoft.RecoveryServices/vaults",
        _options.VaultsApiVersion);

    /// <summary>Creates or replaces a vault (LRO style A).</summary>
    public virtual ArmOperation<VaultData> CreateOrUpdateVault(WaitUntil waitUntil, string subscriptionId, string resourceGroupName, string vaultName, VaultData vault, CancellationToken cancellationToken = default) =>
        StartOperationAsync(false, waitUntil, RequestMethod.Put, VaultUri(subscriptionId, resourceGroupName, vaultName), WritableVault(vault), o => new VaultData(o), cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>Creates or replaces a vault (LRO style A).</summary>
    public virtual async Task<ArmOperation<VaultData>> CreateOrUpdateVaultAsync(WaitUntil waitUntil, string subscriptionId, string resourceGroupName, string vaultName, VaultData vault, CancellationToken cancellationToken = default) =>
        await StartOperationAsync(true, waitUntil, RequestMethod.Put, VaultUri(subscriptionId, resourceGroupName, vaultName), WritableVault(vault), o => new VaultData(o), cancellationToken).ConfigureAwait(false);

    /// <summary>Patches a vault with a partial document (LRO style A).</summary>
    public virtual ArmOperation<VaultData> UpdateVault(WaitUntil waitUntil, string subscriptionId, string resourceGroupName, string vaultName, JsonObject patch, CancellationToken cancellationToken = default) =>
        StartOperationAsync(false, waitUntil, RequestMethod.Patch, VaultUri(subscriptionId, resourceGroupName, vaultName), patch, o => new VaultData(o), cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Patches a vault only if it is still as read (If-Match with the vault's etag; the service answers 412 when
    /// someone changed it meanwhile), so a change is never made on a stale view.
    /// </summary>
    public virtual async Task<ArmOperation<VaultData>> UpdateVaultAsync(WaitUntil waitUntil, string subscriptionId, string resourceGroupName, string vaultName, JsonObject patch, ETag ifMatch, CancellationToken cancellationToken = default) =>
        await StartOperationAsync(true, waitUntil, RequestMethod.Patch, VaultUri(subscriptionId, resourceGroupName, vaultName), patch, o => new VaultData(o), cancellationToken, ifMatch.ToString()).ConfigureAwait(false);

    /// <summary>Patches a vault with a partial document (LRO style A).</summary>
    public virtual async Task<ArmOperation<VaultData>> UpdateVaultAsync(WaitUntil waitUntil, string subscriptionId, string resourceGroupName, string vaultName, JsonObject patch, CancellationToken cancellationToken = default) =>
        await StartOperationAsync(true, waitUntil, RequestMethod.Patch, VaultUri(subscriptionId, resourceGroupName, vaultName), patch, o => new VaultData(o), cancellationToken).ConfigureAwait(false);

    /// <summary>Deletes a vault (LRO style A).</summary>
    public virtual ArmOperation<VaultData> DeleteVault(WaitUntil waitUntil, string subscriptionId, string resourceGroupName, string vaultName, CancellationToken cancellationToken = default) =>
        StartOperationAsync<VaultData>(false, waitUntil, RequestMethod.Delete, VaultUri(subscriptionId, resourceGroupName, vaultName), null, null, cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>Deletes a vault (LRO style A).</summary>
    public virtual async Task<ArmOperation<VaultData>> DeleteVaultAsync(WaitUntil waitUntil, string subscriptionId, string resourceGroupName, string vaultName, CancellationToken cancellationToken = default) =>
        await StartOperationAsync<VaultData>(true, waitUntil, RequestMethod.Delete, VaultUri(subscriptionId, resourceGroupName, vaultName), null, null, cancellationToken).ConfigureAwait(false);

    // Read-only properties are dropped so a fetched vault can be PUT back as is.
    private static JsonObject WritableVault(VaultData vault)
    {
        var body = (JsonObject)vault.Raw.DeepClone();
        body.Remove("id");
        body.Remove("name");
        body.Remove("type");
        body.Remove("systemData");
        if (body["properties"] is JsonObject p)
        {
            p.Remove("provisioningState");
            p.Remove("privateEndpointConnections");
            p.Remove("upgradeDetails");
            p.Remove("moveDetails");
            p.Remove("moveState");
            p.Remove("secureScore");
            p.Remove("bcdrSecurityLevel");
        }
        return body;
    }

    /// <summary>Lists soft-deleted vaults in a region.</summary>
    public virtual Pageable<DeletedVaultData> GetDeletedVaults(string subscriptionId, string location, CancellationToken cancellationToken = default) =>
        GetPageable(DeletedVaultsUri(subscriptionId, location, null), o => new DeletedVaultData(o), cancellationToken);

    /// <summary>Lists soft-deleted vaults in a region.</summary>
    public virtual AsyncPageable<DeletedVaultData> GetDeletedVaultsAsync(string subscriptionId, string location, CancellationToken cancellationToken = default) =>
        GetAsyncPageable(DeletedVaultsUri(subscriptionId, location, null), o => new DeletedVaultData(o), cancellationToken);

    /// <summary>Gets a soft-deleted vault.</summary>
    public virtual Response<DeletedVaultData> GetDeletedVault(string subscriptionId, string location, string deletedVaultName, CancellationToken cancellationToken = default) =>
        GetAsync(false, DeletedVaultsUri(subscriptionId, location, deletedVaultName), o => new DeletedVaultData(o), cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>Gets a soft-deleted vault.</summary>
    public virtual async Task<Response<DeletedVaultData>> GetDeletedVaultAsync(string subscriptionId, string location, string deletedVaultName, CancellationToken cancellationToken = default) =>
        await GetAsync(true, DeletedVaultsUri(subscriptionId, location, deletedVaultName), o => new DeletedVaultData(o), cancellationToken).ConfigureAwait(false);

    /// <summary>Brings a soft-deleted vault back into a resource group (LRO style A).</summary>
    public virtual ArmOperation<DeletedVaultData> UndeleteVault(WaitUntil waitUntil, string subscriptionId, string location, string deletedVaultName, string recoveryResourceGroupId, CancellationToken cancellationToken = default) =>
        StartOperationAsync(false, waitUntil, RequestMethod.Post, UndeleteUri(subscriptionId, location, deletedVaultName), UndeleteBody(recoveryResourceGroupId), o => new DeletedVaultData(o), cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>Brings a soft-deleted vault back into a resource group (LRO style A).</summary>
    public virtual async Task<ArmOperation<DeletedVaultData>> UndeleteVaultAsync(WaitUntil waitUntil, string subscriptionId, string location, string deletedVaultName, string recoveryResourceGroupId, CancellationToken cancellationToken = default) =>
        await StartOperationAsync(true, waitUntil, RequestMethod.Post, UndeleteUri(subscriptionId, location, deletedVaultName), UndeleteBody(recoveryResourceGroupId), o => new DeletedVaultData(o), cancellationToken).ConfigureAwait(false);

    private Uri DeletedVaultsUri(string sub, string location, string? name) => BuildUri(
        $"/subscriptions/{Uri.EscapeDataString(sub)}/providers/Microsoft.RecoveryServices/locations/{Uri.EscapeDataString(NormalizeLocation(location))}/deletedVaults"
        + (name is null ? string.Empty : "/" + Uri.EscapeDataString(name)), _options.VaultsApiVersion);

    private Uri UndeleteUri(string sub, string location, string name) => BuildUri(
        $"/subscriptions/{Uri.EscapeDataString(sub)}/providers/Microsoft.RecoveryServices/locations/{Uri.EscapeDataString(NormalizeLocation(location))}/deletedVaults/{Uri.EscapeDataString(name)}/undelete",
        _options.VaultsApiVersion);

    private static JsonObject UndeleteBody(string rgId) => new() { ["properties"] = new JsonObject { ["recoveryResourceGroupId"] = rgId } };

    /// <summary>ARM's region name: lower case without spaces ("West US" → "westus").</summary>
    public static string NormalizeLocation(string location) => location.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>Checks whether a vault name is free in a resource group.</summary>
    public virtual Response<GenericData> CheckNameAvailability(string subscriptionId, string resourceGroupName, string location, string vaultName, CancellationToken cancellationToken = default) =>
        CheckNameCoreAsync(false, subscriptionId, resourceGroupName, location, vaultName, cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>Checks whether a vault name is free in a resource group.</summary>
    public virtual async Task<Response<GenericData>> CheckNameAvailabilityAsync(string subscriptionId, string resourceGroupName, string location, string vaultName, CancellationToken cancellationToken = default) =>
        await CheckNameCoreAsync(true, subscriptionId, resourceGroupName, location, vaultName, cancellationToken).ConfigureAwait(false);

    private async ValueTask<Response<GenericData>> CheckNameCoreAsync(bool async, string sub, string rg, string location, string name, CancellationToken ct)
    {
        var uri = BuildUri($"/subscriptions/{Uri.EscapeDataString(sub)}/resourceGroups/{Uri.EscapeDataString(rg)}/providers/Microsoft.RecoveryServices/locations/{Uri.EscapeDataString(NormalizeLocation(location))}/checkNameAvailability", _options.VaultsApiVersion);
        var body = new JsonObject { ["type"] = "Microsoft.RecoveryServices/Vaults", ["name"] = name };
        var response = await SendAsync(async, RequestMethod.Post, uri, body, ct, safeToResend: true).ConfigureAwait(false);
        return Response.FromValue(new GenericData(ArmResourceData.ParseObject(response.Content)), response);
    }

    /// <summary>Lists a vault's usage counters.</summary>
    public virtual Pageable<VaultUsageData> GetVaultUsages(string subscriptionId, string resourceGroupName, string vaultName, CancellationToken cancellationToken = default) =>
        GetPageable(VaultUri(subscriptionId, resourceGroupName, vaultName, "/usages"), o => new VaultUsageData(o), cancellationToken);

    /// <summary>Lists a vault's usage counters.</summary>
    public virtual AsyncPageable<VaultUsageData> GetVaultUsagesAsync(string subscriptionId, string resourceGroupName, string vaultName, CancellationToken cancellationToken = default) =>
        GetAsyncPageable(VaultUri(subscriptionId, resourceGroupName, vaultName, "/usages"), o => new VaultUsageData(o), cancellationToken);

    /// <summary>Gets the vault's extended info.</summary>
    public virtual async Task<Response<GenericData>> GetVaultExtendedInfoAsync(string subscriptionId, string resourceGroupName, string vaultName, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(true, RequestMethod.Get, VaultUri(subscriptionId, resourceGroupName, vaultName, "/extendedInformation/vaultExtendedInfo"), null, cancellationToken).ConfigureAwait(false);
        return Response.FromValue(new GenericData(ArmResourceData.ParseObject(response.Content)), response);
    }

    private Uri BackupUri(string sub, string rg, string vault, string suffix) =>
        BuildUri(VaultPath(sub, rg, vault) + suffix, _options.BackupApiVersion);

    /// <summary>Gets the vault's backup storage config (redundancy, cross-region restore).</summary>
    public virtual async Task<Response<BackupStorageConfigData>> GetBackupStorageConfigAsync(string subscriptionId, string resourceGroupName, string vaultName, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(true, RequestMethod.Get, BackupUri(subscriptionId, resourceGroupName, vaultName, "/backupstorageconfig/vaultstorageconfig"), null, cancellationToken).ConfigureAwait(false);
        return Response.FromValue(new BackupStorageConfigData(ArmResourceData.ParseObject(response.Content)), response);
    }

    /// <summary>Replaces the vault's backup storage config.</summary>
    public virtual async Task<Response<BackupStorageConfigData>> SetBackupStorageConfigAsync(string subscriptionId, string resourceGroupName, string vaultName, BackupStorageConfigData config, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(true, RequestMethod.Put, BackupUri(subscriptionId, resourceGroupName, vaultName, "/backupstorageconfig/vaultstorageconfig"), config.Raw, cancellationToken, safeToResend: true).ConfigureAwait(false);
        return Response.FromValue(new BackupStorageConfigData(ArmResourceData.ParseObject(response.Content)), response);
    }

    /// <summary>Gets the vault's backup config (soft delete, enhanced security).</summary>
    public virtual async Task<Response<BackupVaultConfigData>> GetBackupVaultConfigAsync(string subscriptionId, string resourceGroupName, string vaultName, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(true, RequestMethod.Get, BackupUri(subscriptionId, resourceGroupName, vaultName, "/backupconfig/vaultconfig"), null, cancellationToken).ConfigureAwait(false);
        return Response.FromValue(new BackupVaultConfigData(ArmResourceData.ParseObject(response.Content)), response);
    }

    /// <summary>Patches the vault's backup config.</summary>
    public virtual async Task<Response<BackupVaultConfigData>> UpdateBackupVaultConfigAsync(string subscriptionId, string resourceGroupName, string vaultName, BackupVaultConfigData config, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(true, RequestMethod.Patch, BackupUri(subscriptionId, resourceGroupName, vaultName, "/backupconfig/vaultconfig"), config.Raw, cancellationToken, safeToResend: true).ConfigureAwait(false);
        return Response.FromValue(new BackupVaultConfigData(ArmResourceData.ParseObject(response.Content)), response);
    }
}
