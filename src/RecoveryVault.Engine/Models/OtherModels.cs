// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Engine.Models;

/// <summary>A soft-deleted vault (Microsoft.RecoveryServices/locations/deletedVaults).</summary>
public sealed class DeletedVaultData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public DeletedVaultData(JsonObject raw) : base(raw) { }

    /// <summary>Id the vault had.</summary>
    public string? VaultId => GetString("properties", "vaultId");

    /// <summary>When it was deleted.</summary>
    public DateTimeOffset? DeletionTime => DateTimeOffset.TryParse(GetString("properties", "vaultDeletionTime"), out var d) ? d : null;

    /// <summary>When it is purged for good.</summary>
    public DateTimeOffset? PurgeAt => DateTimeOffset.TryParse(GetString("properties", "purgeAt"), out var d) ? d : null;

    /// <summary>Region, from the id.</summary>
    public string? DeletedVaultLocation => RecoveryVaultResourceId.TryParse(Id, out var id, out _) ? id.Location : null;
}

/// <summary>A resource group.</summary>
public sealed class ResourceGroupData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public ResourceGroupData(JsonObject raw) : base(raw) { }

    /// <summary>Provisioning state.</summary>
    public string? ProvisioningState => GetString("properties", "provisioningState");
}

/// <summary>A subscription.</summary>
public sealed class SubscriptionData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public SubscriptionData(JsonObject raw) : base(raw) { }

    /// <summary>Subscription id.</summary>
    public string? SubscriptionId => GetString("subscriptionId");

    /// <summary>Display name.</summary>
    public string? DisplayName => GetString("displayName");

    /// <summary>Tenant id.</summary>
    public string? TenantId => GetString("tenantId");

    /// <summary>State (Enabled…).</summary>
    public string? State => GetString("state");
}

/// <summary>An Azure RBAC role definition.</summary>
public sealed class RoleDefinitionData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public RoleDefinitionData(JsonObject raw) : base(raw) { }

    /// <summary>Role name, e.g. Backup Reader.</summary>
    public string? RoleName => GetString("properties", "roleName");

    /// <summary>Description.</summary>
    public string? Description => GetString("properties", "description");
}

/// <summary>An Azure RBAC role assignment.</summary>
public sealed class RoleAssignmentData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public RoleAssignmentData(JsonObject raw) : base(raw) { }

    /// <summary>Role definition id (full).</summary>
    public string? RoleDefinitionId => GetString("properties", "roleDefinitionId");

    /// <summary>Principal object id.</summary>
    public string? PrincipalId => GetString("properties", "principalId");

    /// <summary>Principal type.</summary>
    public string? PrincipalType => GetString("properties", "principalType");

    /// <summary>Scope.</summary>
    public string? Scope => GetString("properties", "scope");
}

/// <summary>Vault backup storage config (backupstorageconfig/vaultstorageconfig).</summary>
public sealed class BackupStorageConfigData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public BackupStorageConfigData(JsonObject raw) : base(raw) { }

    /// <summary>GeoRedundant, LocallyRedundant, ZoneRedundant.</summary>
    public string? StorageType { get => GetString("properties", "storageType"); set { SetString(value, "properties", "storageType"); SetString(value, "properties", "storageModelType"); } }

    /// <summary>Whether storage type can still change (no items protected yet).</summary>
    public string? StorageTypeState => GetString("properties", "storageTypeState");

    /// <summary>Cross-region restore.</summary>
    public bool? CrossRegionRestoreFlag
    {
        get => GetBool("properties", "crossRegionRestoreFlag");
        set => Set(value is null ? null : JsonValue.Create(value.Value), "properties", "crossRegionRestoreFlag");
    }
}

/// <summary>Vault backup config (backupconfig/vaultconfig): soft delete and enhanced security.</summary>
public sealed class BackupVaultConfigData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public BackupVaultConfigData(JsonObject raw) : base(raw) { }

    /// <summary>Enabled, Disabled, AlwaysON.</summary>
    public string? SoftDeleteFeatureState { get => GetString("properties", "softDeleteFeatureState"); set => SetString(value, "properties", "softDeleteFeatureState"); }

    /// <summary>Enabled, Disabled.</summary>
    public string? EnhancedSecurityState { get => GetString("properties", "enhancedSecurityState"); set => SetString(value, "properties", "enhancedSecurityState"); }

    /// <summary>Soft delete retention.</summary>
    public int? SoftDeleteRetentionPeriodInDays
    {
        get => GetInt("properties", "softDeleteRetentionPeriodInDays");
        set => Set(value is null ? null : JsonValue.Create(value.Value), "properties", "softDeleteRetentionPeriodInDays");
    }
}

/// <summary>One vault usage counter.</summary>
public sealed class VaultUsageData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public VaultUsageData(JsonObject raw) : base(raw) { }

    /// <summary>Counter name.</summary>
    public string? CounterName => GetString("name", "value") ?? GetString("name", "localizedValue");

    /// <summary>Current value.</summary>
    public long? CurrentValue => long.TryParse(GetString("currentValue"), out var v) ? v : null;

    /// <summary>Limit.</summary>
    public long? Limit => long.TryParse(GetString("limit"), out var v) ? v : null;

    /// <summary>Unit.</summary>
    public string? Unit => GetString("unit");
}

/// <summary>Any other ARM document (status bodies, name availability, operation status).</summary>
public sealed class GenericData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public GenericData(JsonObject raw) : base(raw) { }

    /// <summary>Reads a string at a path.</summary>
    public string? Read(params string[] path) => GetString(path);
}

/// <summary>A region of a subscription's locations list.</summary>
public sealed class LocationData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public LocationData(JsonObject raw) : base(raw) { }

    /// <summary>Physical or Logical.</summary>
    public string? RegionType => GetString("metadata", "regionType");
}
