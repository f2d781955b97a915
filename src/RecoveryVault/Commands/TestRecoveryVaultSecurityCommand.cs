// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Engine.Models;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Checks a vault's security settings against Azure Backup's guidance (soft delete, immutability, multi-user
/// authorization, cross-region restore, alerts, redundancy, customer-managed keys, public network access) and reports
/// each as Passed, Warning or Failed with a one-line recommendation, plus the service's own security level. Reads only.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "RecoveryVaultSecurity", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(VaultSecurityReport))]
public sealed class TestRecoveryVaultSecurityCommand : VaultTargetCmdletBase
{
    private const string Passed = "Passed";
    private const string Warning = "Warning";
    private const string Failed = "Failed";

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        RunOnVault(async (id, ct) =>
        {
            var vault = await Session.GetVaultAsync(id.SubscriptionId, id.ResourceGroupName!, id.Name, ct).ConfigureAwait(false);
            var mapped = await GuardMappedAsync(id, ct).ConfigureAwait(false);
            Emit(new VaultSecurityReport(vault.Id ?? id.ToString(), vault.StringAt("properties", "secureScore"), vault.StringAt("properties", "bcdrSecurityLevel"), Checks(vault, mapped).ToList()));
        });
    }

    /// <summary>
    /// Whether a Resource Guard is mapped (the session's mapping lookup, backupResourceGuardProxies): a vault without one
    /// answers an empty list, and a service that does not know the collection answers 404; both mean not mapped.
    /// </summary>
    private async Task<bool> GuardMappedAsync(RecoveryVaultResourceId vault, CancellationToken ct)
    {
        try
        {
            return (await Session.GetResourceGuardMappingAsync(vault, ct).ConfigureAwait(false))?.ResourceGuardId is { Length: > 0 };
        }
        catch (RecoveryVaultServiceException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    // Azure Backup guidance behind each check: "soft delete" and "secure by default" (always-on, 14-180 days), "immutable
    // vault" (Locked), "multi-user authorization", "cross region restore", "Azure Monitor based alerts", "storage
    // redundancy", "encryption using customer-managed keys", "private endpoints".
    private static IEnumerable<VaultSecurityCheck> Checks(VaultData v, bool guardMapped)
    {
        var softDelete = v.SoftDeleteState ?? "Enabled";
        yield return softDelete switch
        {
            "AlwaysON" => new("SoftDelete", Passed, softDelete, string.Empty),
            "Enabled" => new("SoftDelete", Warning, softDelete, "Soft delete can still be turned off: make it irreversible with Set-RecoveryVault -SoftDeleteState AlwaysON."),
            _ => new("SoftDelete", Failed, softDelete, "Deleted backup data is gone at once: turn soft delete on, ideally always-on (Set-RecoveryVault -SoftDeleteState AlwaysON)."),
        };

        var days = v.SoftDeleteRetentionDays ?? 14;
        yield return softDelete is "Disabled"
            ? new("SoftDeleteRetention", Failed, $"{days} days", "Soft delete is off, so no deleted data is kept: turn it on and keep deleted data longer than 14 days.")
            : days > 14
                ? new("SoftDeleteRetention", Passed, $"{days} days", string.Empty)
                : new("SoftDeleteRetention", Warning, $"{days} days", "Deleted data is kept the minimum 14 days: an attack noticed later cannot be undone; consider up to 180 (Set-RecoveryVault -SoftDeleteRetentionDays).");

        var immutability = v.ImmutabilityState ?? "Disabled";
        yield return immutability switch
        {
            "Locked" => new("Immutability", Passed, immutability, string.Empty),
            "Unlocked" => new("Immutability", Warning, immutability, "Immutability can still be turned off: lock it once the retention is reviewed (Set-RecoveryVault -ImmutabilityState Locked)."),
            _ => new("Immutability", Failed, immutability, "Recovery points can be deleted before they expire: enable immutability and lock it (Set-RecoveryVault -ImmutabilityState)."),
        };

        yield return guardMapped
            ? new("MultiUserAuthorization", Passed, "Mapped", string.Empty)
            : new("MultiUserAuthorization", Warning, "NotMapped", "One compromised admin can weaken protection: map the vault to a Resource Guard owned by another team (multi-user authorization).");

        var redundancy = v.StorageRedundancy ?? "GeoRedundant";
        var crr = v.CrossRegionRestore ?? "Disabled";
        yield return crr == "Enabled"
            ? new("CrossRegionRestore", Passed, crr, string.Empty)
            : redundancy == "GeoRedundant"
                ? new("CrossRegionRestore", Warning, crr, "Backups cannot be restored in the paired region while the primary is down: Set-RecoveryVault -CrossRegionRestore Enabled.")
                : new("CrossRegionRestore", Warning, crr, "Cross-region restore needs GeoRedundant storage, which this vault does not have (it is chosen before anything is protected).");

        var jobAlerts = v.StringAt("properties", "monitoringSettings", "azureMonitorAlertSettings", "alertsForAllJobFailures") ?? "Enabled";
        yield return jobAlerts == "Enabled"
            ? new("Alerts", Passed, $"JobFailureAlerts {jobAlerts}", string.Empty)
            : new("Alerts", Failed, $"JobFailureAlerts {jobAlerts}", "Failed backups raise no Azure Monitor alert: turn job failure alerts on (monitoringSettings.azureMonitorAlertSettings).");

        yield return redundancy switch
        {
            "GeoRedundant" => new("StorageRedundancy", Passed, redundancy, string.Empty),
            "ZoneRedundant" => new("StorageRedundancy", Warning, redundancy, "Backups survive a zone outage but not a region outage; GeoRedundant storage keeps a copy in the paired region."),
            _ => new("StorageRedundancy", Warning, redundancy, "Backups are kept in one datacenter; GeoRedundant (or ZoneRedundant) storage survives its loss. Chosen before anything is protected."),
        };

        var key = v.StringAt("properties", "encryption", "keyVaultProperties", "keyUri");
        yield return key is not null
            ? new("CustomerManagedKey", Passed, key, string.Empty)
            : new("CustomerManagedKey", Warning, "PlatformManaged", "Backups are encrypted with platform-managed keys; if policy requires your own key: Set-RecoveryVault -EncryptionKeyId.");

        var network = v.PublicNetworkAccess ?? "Enabled";
        yield return network == "Disabled"
            ? new("PublicNetworkAccess", Passed, network, string.Empty)
            : new("PublicNetworkAccess", Warning, network, "The vault is reachable from public networks: use private endpoints and Set-RecoveryVault -PublicNetworkAccess Disabled.");
    }
}
