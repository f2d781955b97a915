// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Engine.Models;

/// <summary>A Recovery Services vault (Microsoft.RecoveryServices/vaults).</summary>
public sealed class VaultData : ArmResourceData
{
    /// <summary>Wraps a vault document.</summary>
    public VaultData(JsonObject raw) : base(raw) { }

    /// <summary>A new vault body for a PUT.</summary>
    public static VaultData Create(string location)
    {
        var v = new VaultData(new JsonObject { ["location"] = location, ["sku"] = new JsonObject { ["name"] = "Standard" }, ["properties"] = new JsonObject() });
        v.PublicNetworkAccess = "Enabled";
        return v;
    }

    /// <summary>SKU name (RS0/Standard).</summary>
    public string? SkuName => GetString("sku", "name");

    /// <summary>Provisioning state.</summary>
    public string? ProvisioningState => GetString("properties", "provisioningState");

    /// <summary>Public network access: Enabled or Disabled.</summary>
    public string? PublicNetworkAccess { get => GetString("properties", "publicNetworkAccess"); set => SetString(value, "properties", "publicNetworkAccess"); }

    /// <summary>Standard tier storage redundancy: LocallyRedundant, GeoRedundant, ZoneRedundant.</summary>
    public string? StorageRedundancy
    {
        get => GetString("properties", "redundancySettings", "standardTierStorageRedundancy");
        set => SetString(value, "properties", "redundancySettings", "standardTierStorageRedundancy");
    }

    /// <summary>Cross-region restore: Enabled or Disabled.</summary>
    public string? CrossRegionRestore
    {
        get => GetString("properties", "redundancySettings", "crossRegionRestore");
        set => SetString(value, "properties", "redundancySettings", "crossRegionRestore");
    }

    /// <summary>Soft delete state: Enabled, Disabled, AlwaysON.</summary>
    public string? SoftDeleteState
    {
        get => GetString("properties", "securitySettings", "softDeleteSettings", "softDeleteState");
        set => SetString(value, "properties", "securitySettings", "softDeleteSettings", "softDeleteState");
    }

    /// <summary>Soft delete retention in days (14–180).</summary>
    public int? SoftDeleteRetentionDays
    {
        get => GetInt("properties", "securitySettings", "softDeleteSettings", "softDeleteRetentionPeriodInDays");
        set => Set(value is null ? null : JsonValue.Create(value.Value), "properties", "securitySettings", "softDeleteSettings", "softDeleteRetentionPeriodInDays");
    }

    /// <summary>Enhanced security state.</summary>
    public string? EnhancedSecurityState
    {
        get => GetString("properties", "securitySettings", "softDeleteSettings", "enhancedSecurityState");
        set => SetString(value, "properties", "securitySettings", "softDeleteSettings", "enhancedSecurityState");
    }

    /// <summary>Immutability: Disabled, Unlocked, Locked.</summary>
    public string? ImmutabilityState
    {
        get => GetString("properties", "securitySettings", "immutabilitySettings", "state");
        set => SetString(value, "properties", "securitySettings", "immutabilitySettings", "state");
    }

    /// <summary>Azure Monitor alerts for all job failures: Enabled or Disabled.</summary>
    public string? JobFailureAlerts => GetString("properties", "monitoringSettings", "azureMonitorAlertSettings", "alertsForAllJobFailures");

    /// <summary>Classic alerts for critical operations: Enabled or Disabled.</summary>
    public string? ClassicAlerts => GetString("properties", "monitoringSettings", "classicAlertSettings", "alertsForCriticalOperations");

    /// <summary>Managed identity type.</summary>
    public string? IdentityType { get => GetString("identity", "type"); set => SetString(value, "identity", "type"); }

    /// <summary>System-assigned identity principal id.</summary>
    public string? IdentityPrincipalId => GetString("identity", "principalId");

    /// <summary>Upgrade details status (for vaults made by a classic upgrade).</summary>
    public string? UpgradeStatus => GetString("properties", "upgradeDetails", "status");
}
