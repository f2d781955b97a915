// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Engine.Backup;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Engine.Hosting;

public sealed partial class RecoveryVaultSession
{
    /// <summary>Streams the vault's Azure Backup Servers and DPM servers.</summary>
    public IAsyncEnumerable<BackupResourceData> ListBackupEnginesAsync(RecoveryVaultResourceId vaultId, CancellationToken ct) =>
        Stream(_client.GetBackupEnginesAsync(vaultId, ct), vaultId + "/" + HybridPaths.BackupEngines, ct);

    /// <summary>Unregisters a server (backup server or MARS server) by its registered name.</summary>
    public Task UnregisterIdentityAsync(RecoveryVaultResourceId vaultId, string name, CancellationToken ct) =>
        Call(async () => (await _client.DeleteRegisteredIdentityAsync(vaultId, name, ct).ConfigureAwait(false)).Status, vaultId + "/" + HybridPaths.RegisteredIdentity(name));

    /// <summary>Streams the vault's usages.</summary>
    public IAsyncEnumerable<UsageCount> ListVaultUsagesAsync(RecoveryVaultResourceId vaultId, CancellationToken ct) =>
        Stream(_client.GetVaultUsagesAsync(vaultId, ct), vaultId.ToString(), ct);

    /// <summary>Streams a usage summary of the vault (counts per backup management type).</summary>
    public IAsyncEnumerable<UsageCount> ListUsageSummariesAsync(RecoveryVaultResourceId vaultId, UsageSummaryType type, CancellationToken ct) =>
        Stream(_client.GetBackupUsageSummariesAsync(vaultId, type, ct), vaultId.ToString(), ct);

    /// <summary>Asks whether a source is protected, and by which vault.</summary>
    public Task<BackupStatusResult> GetBackupStatusAsync(BackupStatusRequest request, CancellationToken ct) =>
        Call(() => _client.GetBackupStatusAsync(request, ct), request.ResourceId);

    /// <summary>Streams the subscription's virtual machines.</summary>
    public IAsyncEnumerable<GenericData> ListVirtualMachinesAsync(string subscriptionId, CancellationToken ct) =>
        Stream(_client.GetVirtualMachinesAsync(subscriptionId, ct), "/subscriptions/" + subscriptionId, ct);

    /// <summary>The region of a VM or storage account, read from its own resource.</summary>
    public Task<string?> GetResourceLocationAsync(string resourceId, CancellationToken ct) =>
        Call(async () => (await _client.GetGenericResourceAsync(resourceId, BackupStatusRequest.ApiVersionOf(resourceId), ct).ConfigureAwait(false))["location"]?.GetValue<string>(), resourceId);
}
