// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>Provider-level calls: operations list, checkNameAvailability, capabilities, vault (replication) usages.</summary>
internal static class ProviderHandler
{
    private static readonly (string Name, string Resource, string Operation)[] ProviderOperations =
    [
        ("Microsoft.RecoveryServices/Vaults/read", "Recovery Services Vault", "Get Vault"),
        ("Microsoft.RecoveryServices/Vaults/write", "Recovery Services Vault", "Create Vault"),
        ("Microsoft.RecoveryServices/Vaults/delete", "Recovery Services Vault", "Delete Vault"),
        ("Microsoft.RecoveryServices/Vaults/extendedInformation/read", "Extended Info", "Get Extended Info"),
        ("Microsoft.RecoveryServices/Vaults/extendedInformation/write", "Extended Info", "Update Extended Info"),
        ("Microsoft.RecoveryServices/Vaults/usages/read", "Usages", "Get Vault Usages"),
        ("Microsoft.RecoveryServices/Vaults/operationStatus/read", "Operation Status", "Get Operation Status"),
        ("Microsoft.RecoveryServices/Vaults/operationResults/read", "Operation Results", "Get Operation Result"),
        ("Microsoft.RecoveryServices/Vaults/backupstorageconfig/read", "Backup Storage Config", "Get Backup Storage Config"),
        ("Microsoft.RecoveryServices/Vaults/backupstorageconfig/write", "Backup Storage Config", "Update Backup Storage Config"),
        ("Microsoft.RecoveryServices/Vaults/backupconfig/read", "Backup Config", "Get Backup Config"),
        ("Microsoft.RecoveryServices/Vaults/backupconfig/write", "Backup Config", "Update Backup Config"),
        ("Microsoft.RecoveryServices/locations/deletedVaults/read", "Deleted Vaults", "Get Deleted Vault"),
        ("Microsoft.RecoveryServices/locations/deletedVaults/undelete/action", "Deleted Vaults", "Undelete Vault"),
        ("Microsoft.RecoveryServices/locations/checkNameAvailability/action", "Locations", "Check Name Availability"),
        ("Microsoft.RecoveryServices/operations/read", "Operations", "List Operations"),
        ("Microsoft.RecoveryServices/Vaults/replicationUsages/read", "Replication Usages", "Get Vault Replication Usages"),
        ("Microsoft.RecoveryServices/locations/capabilities/action", "Locations", "Get Capabilities"),
    ];

    /// <summary>
    /// Geo codes of the Azure Backup private DNS zone <c>privatelink.{geo}.backup.windowsazure.com</c>, from Microsoft's
    /// "Geo-code mapping" page for Recovery Services private endpoints (learn.microsoft.com/azure/backup/scripts/geo-code-list).
    /// </summary>
    private static readonly Dictionary<string, string> BackupGeoCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["eastasia"] = "ea", ["westus"] = "wus", ["eastus"] = "eus", ["centralus"] = "cus", ["eastus2"] = "eus2",
        ["northcentralus"] = "ncus", ["southcentralus"] = "scus", ["northeurope"] = "ne", ["westeurope"] = "we",
        ["southeastasia"] = "sea", ["japaneast"] = "jpe", ["japanwest"] = "jpw", ["brazilsouth"] = "brs",
        ["australiaeast"] = "ae", ["australiasoutheast"] = "ase", ["centralindia"] = "inc", ["southindia"] = "ins",
        ["canadacentral"] = "cnc", ["canadaeast"] = "cne", ["westcentralus"] = "wcus",
    };

    private static readonly (string Value, string Localized, string Unit, bool Periodic)[] UsageNames =
    [
        ("MABContainersCount", "Backup management servers", "Count", false),
        ("ProtectedItemCount", "Backup items/Azure virtual machine backup", "Count", false),
        ("ProtectedItemCriticalCount", "Critical", "Count", false),
        ("ProtectedItemWarningCount", "Warning", "Count", false),
        ("IaaSVMProtectedItemCount", "Azure Virtual Machines", "Count", false),
        ("IaaSVMProtectedItemCriticalCount", "Critical", "Count", false),
        ("IaaSVMProtectedItemWarningCount", "Warning", "Count", false),
        ("MABProtectedItemCount", "File-Folders", "Count", false),
        ("DPMProtectedItemCount", "DPM Protected Items Count", "Count", false),
        ("AzureBackupServerProtectedItemCount", "Azure Backup Server Protected Items Count", "Count", false),
        ("InProgressJobsCount", "In progress", "Count", true),
        ("FailedJobsCount", "Failed", "Count", true),
        ("GRSStorageUsage", "Cloud - GRS", "Bytes", false),
        ("LRSStorageUsage", "Cloud - LRS", "Bytes", false),
        ("ManagedInstances", "Protected Instances", "Count", false),
        ("GRSDedupStorageUsage", "Dedup - GRS", "Bytes", false),
        ("LRSDedupStorageUsage", "Dedup - LRS", "Bytes", false),
        ("UsedDiskSize", "Backup Engines' Disk Used", "Bytes", false),
    ];

    public static void Register(ArmRouter router)
    {
        router.Map("GET", "/providers/Microsoft.RecoveryServices/operations", ApiFamily.Provider, "Microsoft.RecoveryServices/operations", ListOperations, skipRbac: true);
        router.Map("POST", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/locations/{location}/checkNameAvailability",
            ApiFamily.Vaults, "Microsoft.RecoveryServices/locations/checkNameAvailability", CheckNameAvailability);
        router.Map("GET", VaultHandler.VaultPath + "/usages", ApiFamily.Vaults, "Microsoft.RecoveryServices/vaults/usages", Usages);
        router.Map("GET", VaultHandler.VaultPath + "/replicationUsages", ApiFamily.Vaults, "Microsoft.RecoveryServices/vaults/replicationUsages", ReplicationUsages);
        router.Map("POST", "/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices/locations/{location}/capabilities",
            ApiFamily.Vaults, "Microsoft.RecoveryServices/locations/capabilities", Capabilities);
    }

    private static ArmResponse ListOperations(ArmContext ctx)
    {
        var items = ProviderOperations.Select(o => (JsonNode)new JsonObject
        {
            ["name"] = o.Name,
            ["display"] = new JsonObject
            {
                ["provider"] = "Microsoft Recovery Services",
                ["resource"] = o.Resource,
                ["operation"] = o.Operation,
                ["description"] = o.Operation,
            },
            ["origin"] = "user",
        }).ToList();
        return ctx.Page(items, pageSizeOverride: int.MaxValue);
    }

    private static ArmResponse CheckNameAvailability(ArmContext ctx)
    {
        var input = ctx.RequireBodyObject();
        var name = Json.Str(input, "name") ?? string.Empty;
        return ctx.Store.Transaction(s =>
        {
            var sub = ctx.Value("subscriptionId");
            var rg = VaultModel.RequireResourceGroup(s, sub, ctx.Value("resourceGroupName"));
            try
            {
                VaultModel.ValidateName(name);
            }
            catch (ArmException ex)
            {
                return ArmResponse.Ok(new JsonObject { ["nameAvailable"] = false, ["reason"] = "Invalid", ["message"] = ex.Message });
            }

            var taken = VaultModel.Load(s, VaultModel.IdOf(sub, Json.Str(rg, "name")!, name), ctx.Now) is not null;
            return ArmResponse.Ok(taken
                ? new JsonObject { ["nameAvailable"] = false, ["reason"] = "AlreadyExists", ["message"] = "Resource already exists with the same name." }
                : new JsonObject { ["nameAvailable"] = true });
        });
    }

    private static ArmResponse Usages(ArmContext ctx)
    {
        var items = ctx.Store.Transaction(s =>
        {
            var vault = VaultModel.Require(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("vaultName"), ctx.Now);
            var protectedItems = VaultModel.ProtectedItemCount(s, vault.Id);
            var byType = s.ListByKind(DocumentKinds.ProtectedItem, vault.Id).Select(ResourceDoc.From)
                .GroupBy(i => Json.Str(i.Props, "backupManagementType") ?? string.Empty, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
            // The usage names' own meaning (their localized values): registered Azure Backup Servers / DPM servers, and
            // protected items per kind.
            var counts = new Dictionary<string, int>(StringComparer.Ordinal)
            {
                ["ProtectedItemCount"] = protectedItems,
                ["ManagedInstances"] = protectedItems,
                ["MABContainersCount"] = BackupServers.Count(s, vault.Id),
                ["IaaSVMProtectedItemCount"] = byType.GetValueOrDefault(WorkloadCatalogue.AzureVM.ManagementType),
                ["MABProtectedItemCount"] = byType.GetValueOrDefault(WorkloadCatalogue.MarsServer.ManagementType),
                ["DPMProtectedItemCount"] = byType.GetValueOrDefault(WorkloadCatalogue.DpmServer.ManagementType),
                ["AzureBackupServerProtectedItemCount"] = byType.GetValueOrDefault(WorkloadCatalogue.AzureBackupServer.ManagementType),
            };
            return UsageNames.Select(u =>
            {
                var o = new JsonObject
                {
                    ["unit"] = u.Unit,
                    ["currentValue"] = counts.GetValueOrDefault(u.Value),
                    ["limit"] = -1,
                    ["name"] = new JsonObject { ["value"] = u.Value, ["localizedValue"] = u.Localized },
                };
                if (u.Periodic)
                {
                    o["quotaPeriod"] = "P1D";
                }

                return (JsonNode)o;
            }).ToList();
        });
        return ctx.Page(items, pageSizeOverride: int.MaxValue);
    }

    /// <summary>
    /// Site Recovery (replication) usages. The emulator models no Site Recovery fabric, so a vault has no replicated
    /// items, plans, servers or jobs: every count is a real zero, in the one-entry list shape of ListReplicationUsages.json.
    /// </summary>
    private static ArmResponse ReplicationUsages(ArmContext ctx)
    {
        ctx.Store.Transaction(s => VaultModel.Require(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("vaultName"), ctx.Now));
        var usage = new JsonObject
        {
            ["jobsSummary"] = new JsonObject { ["failedJobs"] = 0, ["inProgressJobs"] = 0, ["suspendedJobs"] = 0 },
            ["monitoringSummary"] = new JsonObject
            {
                ["deprecatedProviderCount"] = 0,
                ["eventsCount"] = 0,
                ["supportedProviderCount"] = 0,
                ["unHealthyProviderCount"] = 0,
                ["unHealthyVmCount"] = 0,
                ["unsupportedProviderCount"] = 0,
            },
            ["protectedItemCount"] = 0,
            ["recoveryPlanCount"] = 0,
            ["registeredServersCount"] = 0,
        };
        return ArmResponse.Ok(new JsonObject { ["value"] = new JsonArray(usage) });
    }

    /// <summary>
    /// The private DNS zones a vault's private endpoint needs per sub-resource (spec: ResourceCapabilities →
    /// CapabilitiesResponse; zone names as in Capabilities.json and Microsoft's private endpoint documentation).
    /// </summary>
    private static ArmResponse Capabilities(ArmContext ctx)
    {
        var input = ctx.RequireBodyObject();
        var type = Json.Str(input, "type");
        if (!string.Equals(type, "Microsoft.RecoveryServices/Vaults", StringComparison.OrdinalIgnoreCase))
        {
            // ResourceCapabilitiesBase.type is required and names the vault type.
            throw ArmErrors.BadRequest("InvalidParameter", $"The resource type '{type}' is not supported; use 'Microsoft.RecoveryServices/Vaults'.", "type");
        }

        var location = Domain.Locations.Normalize(ctx.Value("location"));
        var zones = new JsonArray();
        foreach (var zone in (input["properties"]?["dnsZones"] as JsonArray ?? []).Select(z => Json.Str(z as JsonObject, "subResource")))
        {
            var names = zone switch
            {
                "AzureBackup" or "AzureBackup_secondary" => BackupGeoCodes.TryGetValue(location, out var geo)
                    ? new JsonArray($"privatelink.{geo}.backup.windowsazure.com", "privatelink.queue.core.windows.net", "privatelink.blob.core.windows.net")
                    : throw ArmErrors.BadRequest("LocationNotAvailableForResourceType",
                        $"The emulator has no Azure Backup geo code for location '{location}' (it knows {string.Join(", ", BackupGeoCodes.Keys)})."),
                "AzureSiteRecovery" => new JsonArray("privatelink.siterecovery.windowsazure.com"),
                _ => throw ArmErrors.BadRequest("InvalidParameter", $"The sub-resource '{zone}' is not one of AzureBackup, AzureBackup_secondary, AzureSiteRecovery.", "properties.dnsZones"),
            };
            zones.Add(new JsonObject { ["requiredZoneNames"] = names, ["subResource"] = zone });
        }

        return ArmResponse.Ok(new JsonObject { ["type"] = "Microsoft.RecoveryServices/Vaults", ["properties"] = new JsonObject { ["dnsZones"] = zones } });
    }
}
