// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Models;

/// <summary>A resource guard (Microsoft.DataProtection/resourceGuards): the second authorization of a vault's critical operations.</summary>
public sealed class ResourceGuard
{
    internal ResourceGuard(ResourceGuardData data)
    {
        Id = data.Id ?? string.Empty;
        Name = data.Name ?? string.Empty;
        var segments = Id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        SubscriptionId = segments.Length > 1 ? segments[1] : string.Empty;
        ResourceGroupName = segments.Length > 3 ? segments[3] : string.Empty;
        Location = data.Location ?? string.Empty;
        ProtectedOperations = [.. data.ProtectedOperations];
        ExcludedOperations = [.. data.ExcludedOperations];
        Tags = new Dictionary<string, string>(data.Tags, StringComparer.OrdinalIgnoreCase);
        ProvisioningState = data.ProvisioningState;
    }

    /// <summary>Guard name.</summary>
    public string Name { get; }

    /// <summary>Resource group.</summary>
    public string ResourceGroupName { get; }

    /// <summary>Subscription (possibly of another tenant than the vaults it guards).</summary>
    public string SubscriptionId { get; }

    /// <summary>Region; a vault can only be mapped to a guard of its own region.</summary>
    public string Location { get; }

    /// <summary>The critical operations it protects (Azure's names, e.g. Microsoft.RecoveryServices/vaults/backupconfig/write).</summary>
    public string[] ProtectedOperations { get; }

    /// <summary>The optional critical operations excluded from its protection.</summary>
    public string[] ExcludedOperations { get; }

    /// <summary>Tags.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; }

    /// <summary>Provisioning state.</summary>
    public string? ProvisioningState { get; }

    /// <summary>Resource id (pass to Set-RecoveryVaultResourceGuardMapping -ResourceGuardId).</summary>
    public string Id { get; }

    /// <summary>The id, so the guard itself can be given where a guard id is asked for (-ResourceGuardId $guard).</summary>
    public override string ToString() => Id;
}

/// <summary>A vault's mapping to a resource guard (backupResourceGuardProxies/VaultProxy): multi-user authorization is on.</summary>
public sealed class ResourceGuardMapping
{
    internal ResourceGuardMapping(ResourceGuardMappingData data, string vaultId)
    {
        VaultId = vaultId;
        Vault = Engine.RecoveryVaultResourceId.Parse(vaultId).Name;
        Name = data.Name ?? string.Empty;
        ResourceGuardId = data.ResourceGuardId ?? string.Empty;
        ResourceGuardName = ResourceGuardId.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? string.Empty;
        ProtectedOperations = [.. data.OperationRequests.Keys];
        LastUpdated = DateTimeOffset.TryParse(data.LastUpdatedTime, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        Id = data.Id ?? string.Empty;
    }

    /// <summary>Vault name.</summary>
    public string Vault { get; }

    /// <summary>Guard name.</summary>
    public string ResourceGuardName { get; }

    /// <summary>The guard's resource id.</summary>
    public string ResourceGuardId { get; }

    /// <summary>The critical operations of this vault the guard protects now.</summary>
    public string[] ProtectedOperations { get; }

    /// <summary>When the mapping was made.</summary>
    public DateTimeOffset? LastUpdated { get; }

    /// <summary>Mapping name (VaultProxy).</summary>
    public string Name { get; }

    /// <summary>Vault resource id.</summary>
    public string VaultId { get; }

    /// <summary>Mapping resource id.</summary>
    public string Id { get; }
}
