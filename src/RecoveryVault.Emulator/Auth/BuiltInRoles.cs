// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Auth;

/// <summary>A role definition: allowed actions minus notActions, with <c>*</c> wildcards.</summary>
public sealed record RoleDefinition(string Id, string RoleName, string Description, IReadOnlyList<string> Actions, IReadOnlyList<string> NotActions)
{
    public JsonObject ToJson(string scope)
    {
        var s = scope == "/" ? string.Empty : scope.TrimEnd('/');
        return new JsonObject
        {
            ["id"] = $"{s}/providers/Microsoft.Authorization/roleDefinitions/{Id}",
            ["name"] = Id,
            ["type"] = "Microsoft.Authorization/roleDefinitions",
            ["properties"] = new JsonObject
            {
                ["roleName"] = RoleName,
                ["type"] = "BuiltInRole",
                ["description"] = Description,
                ["assignableScopes"] = new JsonArray("/"),
                ["permissions"] = new JsonArray(new JsonObject
                {
                    ["actions"] = new JsonArray([.. Actions.Select(a => (JsonNode?)a)]),
                    ["notActions"] = new JsonArray([.. NotActions.Select(a => (JsonNode?)a)]),
                    ["dataActions"] = new JsonArray(),
                    ["notDataActions"] = new JsonArray(),
                }),
                ["createdOn"] = "2015-02-02T21:55:09.8806423Z",
                ["updatedOn"] = "2024-01-01T00:00:00.0000000Z",
            },
        };
    }
}

/// <summary>
/// Built-in roles. The three Backup roles carry the action lists Azure documents for them (built-in roles page),
/// so permission bugs show up here the way they would in Azure.
/// </summary>
public static class BuiltInRoles
{
    public static readonly RoleDefinition Owner = new("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner",
        "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.", ["*"], []);

    public static readonly RoleDefinition Contributor = new("b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor",
        "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.", ["*"],
        ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action",
         "Microsoft.Blueprint/blueprintAssignments/write", "Microsoft.Blueprint/blueprintAssignments/delete",
         "Microsoft.Compute/galleries/share/action", "Microsoft.Purview/consents/write", "Microsoft.Purview/consents/delete"]);

    public static readonly RoleDefinition Reader = new("acdd72a7-4e5e-48ef-bd42-f606fba81ae7", "Reader",
        "View all resources, but does not allow you to make any changes.", ["*/read"], []);

    public static readonly RoleDefinition BackupContributor = new("5e467623-bb1f-42f4-a55d-6e525e11384b", "Backup Contributor",
        "Lets you manage backup service, but can't create vaults and give access to others",
        [
            "Microsoft.Authorization/*/read",
            "Microsoft.Network/virtualNetworks/read",
            "Microsoft.RecoveryServices/locations/*",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/operationResults/*",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/*",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/refreshContainers/action",
            "Microsoft.RecoveryServices/Vaults/backupJobs/*",
            "Microsoft.RecoveryServices/Vaults/backupJobsExport/action",
            "Microsoft.RecoveryServices/Vaults/backupJobsExport/operationResults/read",
            "Microsoft.RecoveryServices/Vaults/backupManagementMetaData/*",
            "Microsoft.RecoveryServices/Vaults/backupOperationResults/*",
            "Microsoft.RecoveryServices/Vaults/backupPolicies/*",
            "Microsoft.RecoveryServices/Vaults/backupProtectableItems/*",
            "Microsoft.RecoveryServices/Vaults/backupProtectedItems/*",
            "Microsoft.RecoveryServices/Vaults/backupProtectionContainers/*",
            "Microsoft.RecoveryServices/Vaults/backupSecurityPIN/*",
            "Microsoft.RecoveryServices/Vaults/backupUsageSummaries/read",
            "Microsoft.RecoveryServices/Vaults/certificates/*",
            "Microsoft.RecoveryServices/Vaults/extendedInformation/*",
            "Microsoft.RecoveryServices/Vaults/monitoringAlerts/read",
            "Microsoft.RecoveryServices/Vaults/monitoringConfigurations/*",
            "Microsoft.RecoveryServices/Vaults/read",
            "Microsoft.RecoveryServices/Vaults/registeredIdentities/*",
            "Microsoft.RecoveryServices/Vaults/usages/*",
            "Microsoft.Resources/deployments/*",
            "Microsoft.Resources/subscriptions/resourceGroups/read",
            "Microsoft.Storage/storageAccounts/read",
            "Microsoft.RecoveryServices/Vaults/backupstorageconfig/*",
            "Microsoft.RecoveryServices/Vaults/backupconfig/*",
            "Microsoft.RecoveryServices/Vaults/backupValidateOperation/action",
            "Microsoft.RecoveryServices/Vaults/write",
            "Microsoft.RecoveryServices/Vaults/backupOperations/read",
            "Microsoft.RecoveryServices/Vaults/backupEngines/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/backupProtectionIntent/*",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectableContainers/read",
            "Microsoft.RecoveryServices/locations/backupStatus/action",
            "Microsoft.RecoveryServices/locations/backupPreValidateProtection/action",
            "Microsoft.RecoveryServices/locations/backupValidateFeatures/action",
            "Microsoft.RecoveryServices/Vaults/monitoringAlerts/write",
            "Microsoft.RecoveryServices/operations/read",
            "Microsoft.RecoveryServices/locations/operationStatus/read",
            "Microsoft.RecoveryServices/Vaults/backupProtectionIntents/read",
            "Microsoft.Support/*",
        ], []);

    public static readonly RoleDefinition BackupOperator = new("00c29273-979b-4161-815c-10b084fb9324", "Backup Operator",
        "Lets you manage backup services, except removal of backup, vault creation and giving access to others",
        [
            "Microsoft.Authorization/*/read",
            "Microsoft.Network/virtualNetworks/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/operationResults/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/operationResults/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/backup/action",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/operationResults/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/operationsStatus/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints/provisionInstantItemRecovery/action",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints/restore/action",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints/revokeInstantItemRecovery/action",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/write",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/refreshContainers/action",
            "Microsoft.RecoveryServices/Vaults/backupJobs/*",
            "Microsoft.RecoveryServices/Vaults/backupJobsExport/action",
            "Microsoft.RecoveryServices/Vaults/backupJobsExport/operationResults/read",
            "Microsoft.RecoveryServices/Vaults/backupManagementMetaData/read",
            "Microsoft.RecoveryServices/Vaults/backupOperationResults/*",
            "Microsoft.RecoveryServices/Vaults/backupPolicies/operationResults/read",
            "Microsoft.RecoveryServices/Vaults/backupPolicies/read",
            "Microsoft.RecoveryServices/Vaults/backupProtectableItems/*",
            "Microsoft.RecoveryServices/Vaults/backupProtectedItems/read",
            "Microsoft.RecoveryServices/Vaults/backupProtectionContainers/read",
            "Microsoft.RecoveryServices/Vaults/backupUsageSummaries/read",
            "Microsoft.RecoveryServices/Vaults/certificates/write",
            "Microsoft.RecoveryServices/Vaults/extendedInformation/read",
            "Microsoft.RecoveryServices/Vaults/extendedInformation/write",
            "Microsoft.RecoveryServices/Vaults/monitoringAlerts/read",
            "Microsoft.RecoveryServices/Vaults/monitoringConfigurations/*",
            "Microsoft.RecoveryServices/Vaults/read",
            "Microsoft.RecoveryServices/Vaults/registeredIdentities/operationResults/read",
            "Microsoft.RecoveryServices/Vaults/registeredIdentities/read",
            "Microsoft.RecoveryServices/Vaults/registeredIdentities/write",
            "Microsoft.RecoveryServices/Vaults/usages/read",
            "Microsoft.Resources/deployments/*",
            "Microsoft.Resources/subscriptions/resourceGroups/read",
            "Microsoft.Storage/storageAccounts/read",
            "Microsoft.RecoveryServices/Vaults/backupstorageconfig/*",
            "Microsoft.RecoveryServices/Vaults/backupValidateOperation/action",
            "Microsoft.RecoveryServices/Vaults/backupOperations/read",
            "Microsoft.RecoveryServices/Vaults/backupPolicies/operations/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/write",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/inquire/action",
            "Microsoft.RecoveryServices/Vaults/backupEngines/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/backupProtectionIntent/write",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/backupProtectionIntent/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectableContainers/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/items/read",
            "Microsoft.RecoveryServices/locations/backupStatus/action",
            "Microsoft.RecoveryServices/locations/backupPreValidateProtection/action",
            "Microsoft.RecoveryServices/locations/backupValidateFeatures/action",
            "Microsoft.RecoveryServices/Vaults/monitoringAlerts/write",
            "Microsoft.RecoveryServices/operations/read",
            "Microsoft.RecoveryServices/locations/operationStatus/read",
            "Microsoft.RecoveryServices/Vaults/backupProtectionIntents/read",
            "Microsoft.Support/*",
        ], []);

    public static readonly RoleDefinition BackupReader = new("a795c7a0-d4a2-40c1-ae25-d81f01202912", "Backup Reader",
        "Can view backup services, but can't make changes",
        [
            "Microsoft.Authorization/*/read",
            "Microsoft.RecoveryServices/locations/allocatedStamp/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/operationResults/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/operationResults/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/operationResults/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/operationsStatus/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/read",
            "Microsoft.RecoveryServices/Vaults/backupJobs/operationResults/read",
            "Microsoft.RecoveryServices/Vaults/backupJobs/read",
            "Microsoft.RecoveryServices/Vaults/backupJobsExport/action",
            "Microsoft.RecoveryServices/Vaults/backupJobsExport/operationResults/read",
            "Microsoft.RecoveryServices/Vaults/backupManagementMetaData/read",
            "Microsoft.RecoveryServices/Vaults/backupOperationResults/read",
            "Microsoft.RecoveryServices/Vaults/backupPolicies/operationResults/read",
            "Microsoft.RecoveryServices/Vaults/backupPolicies/read",
            "Microsoft.RecoveryServices/Vaults/backupProtectedItems/read",
            "Microsoft.RecoveryServices/Vaults/backupProtectionContainers/read",
            "Microsoft.RecoveryServices/Vaults/backupUsageSummaries/read",
            "Microsoft.RecoveryServices/Vaults/extendedInformation/read",
            "Microsoft.RecoveryServices/Vaults/monitoringAlerts/read",
            "Microsoft.RecoveryServices/Vaults/read",
            "Microsoft.RecoveryServices/Vaults/registeredIdentities/operationResults/read",
            "Microsoft.RecoveryServices/Vaults/registeredIdentities/read",
            "Microsoft.RecoveryServices/Vaults/backupstorageconfig/read",
            "Microsoft.RecoveryServices/Vaults/backupconfig/read",
            "Microsoft.RecoveryServices/Vaults/backupOperations/read",
            "Microsoft.RecoveryServices/Vaults/backupPolicies/operations/read",
            "Microsoft.RecoveryServices/Vaults/backupEngines/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/backupProtectionIntent/read",
            "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/items/read",
            "Microsoft.RecoveryServices/locations/backupStatus/action",
            "Microsoft.RecoveryServices/Vaults/monitoringConfigurations/*",
            "Microsoft.RecoveryServices/Vaults/monitoringAlerts/write",
            "Microsoft.RecoveryServices/operations/read",
            "Microsoft.RecoveryServices/locations/operationStatus/read",
            "Microsoft.RecoveryServices/Vaults/backupProtectionIntents/read",
            "Microsoft.RecoveryServices/Vaults/usages/read",
        ], []);

    /// <summary>
    /// Backup MUA Admin (c2a970b4-16a7-4a51-8c84-8a8ea6ee0bb8, "Can create/delete ResourceGuard"): the Security admin's
    /// role on a resource guard. Its published action list (AzAdvertizer's copy of the built-in role) starts with the
    /// entries below; the rest (Backup vault proxies, feature checks) concern Backup vaults, which the emulator does not
    /// model. The guard's own write and delete are spelled out because the published wildcard
    /// <c>Microsoft.DataProtection/*/resourceGuards/write</c> needs a segment between the namespace and the type.
    /// Read and the guard's write/delete, but no <c>action</c>: an admin of the guard cannot approve a critical operation.
    /// </summary>
    public static readonly RoleDefinition BackupMuaAdmin = new("c2a970b4-16a7-4a51-8c84-8a8ea6ee0bb8", "Backup MUA Admin",
        "Backup MultiUser-Authorization. Can create/delete ResourceGuard",
        [
            "Microsoft.Authorization/*/read",
            "Microsoft.DataProtection/*/read",
            "Microsoft.DataProtection/*/resourceGuards/write",
            "Microsoft.DataProtection/resourceGuards/write",
            "Microsoft.DataProtection/resourceGuards/delete",
            "Microsoft.DataProtection/backupVaults/backupResourceGuardProxies/delete",
            "Microsoft.DataProtection/backupVaults/backupResourceGuardProxies/read",
            "Microsoft.DataProtection/backupVaults/backupResourceGuardProxies/unlockDelete/action",
            "Microsoft.DataProtection/backupVaults/backupResourceGuardProxies/write",
        ], []);

    /// <summary>
    /// Backup MUA Operator (f54b6d04-23c6-443e-b462-9c16ab7b4a52, "Allows user to perform critical operation protected
    /// by resourceguard"): exactly Azure's three actions. The <c>Microsoft.DataProtection/*/action</c> is what the
    /// critical-operation check asks for on the guard.
    /// </summary>
    public static readonly RoleDefinition BackupMuaOperator = new("f54b6d04-23c6-443e-b462-9c16ab7b4a52", "Backup MUA Operator",
        "Backup MultiUser-Authorization. Allows user to perform critical operation protected by resourceguard",
        ["Microsoft.DataProtection/*/action", "Microsoft.DataProtection/*/read", "Microsoft.Authorization/*/read"], []);

    public static IReadOnlyList<RoleDefinition> All { get; } = [Owner, Contributor, Reader, BackupContributor, BackupOperator, BackupReader, BackupMuaAdmin, BackupMuaOperator];

    public static RoleDefinition? ById(string idOrResourceId)
    {
        var guid = idOrResourceId.TrimEnd('/').Split('/')[^1];
        return All.FirstOrDefault(r => r.Id.Equals(guid, StringComparison.OrdinalIgnoreCase));
    }

    public static RoleDefinition? ByName(string name) =>
        All.FirstOrDefault(r => r.RoleName.Equals(name, StringComparison.OrdinalIgnoreCase)) ?? ById(name);
}
