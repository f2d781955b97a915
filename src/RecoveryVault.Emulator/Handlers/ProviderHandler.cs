// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>Provider-level calls: operations list, checkNameAvailability, vault usages.</summary>
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
    ];

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
        router.Map("GET", "/providers/Microsoft.RecoveryServices/operations", ApiFamily.Vaults, "Microsoft.RecoveryServices/operations", ListOperations, skipRbac: true);
        router.Map("POST", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/locations/{location}/checkNameAvailability",
            ApiFamily.Vaults, "Microsoft.RecoveryServices/locations/checkNameAvailability", CheckNameAvailability);
        router.Map("GET", VaultHandler.VaultPath + "/usages", ApiFamily.Vaults, "Microsoft.RecoveryServices/vaults/usages", Usages);
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
                ? new JsonObject { ["nameAvailable"] = false, ["reason"] = "AlreadyExists", ["message"] = "Resource name already exists" }
                : new JsonObject { ["nameAvailable"] = true });
        });
    }

    private static ArmResponse Usages(ArmContext ctx)
    {
        var items = ctx.Store.Transaction(s =>
        {
            var vault = VaultModel.Require(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("vaultName"), ctx.Now);
            var protectedItems = VaultModel.ProtectedItemCount(s, vault.Id);
            return UsageNames.Select(u =>
            {
                var o = new JsonObject
                {
                    ["unit"] = u.Unit,
                    ["currentValue"] = u.Value is "ProtectedItemCount" or "ManagedInstances" ? protectedItems : 0,
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
}
