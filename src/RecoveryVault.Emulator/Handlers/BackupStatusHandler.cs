// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// BackupStatus_Get (POST locations/{azureRegion}/backupStatus, 2023-06-01; example AzureIaasVm/GetBackupStatus.json):
/// whether a VM or a file share is protected, and by which vault, container, item and policy, without knowing the vault.
/// </summary>
internal static class BackupStatusHandler
{
    public static void Register(ArmRouter router) =>
        router.Map("POST", "/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices/locations/{azureRegion}/backupStatus",
            ApiFamily.Backup, "Microsoft.RecoveryServices/locations/backupStatus", Get);

    private static ArmResponse Get(ArmContext ctx)
    {
        var body = ctx.RequireBodyObject();
        var resourceId = Json.Str(body, "resourceId");
        if (string.IsNullOrWhiteSpace(resourceId) || !resourceId.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase))
        {
            throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "Input provided for the call is invalid: resourceId must be the ARM id of the VM or storage account.", "resourceId");
        }

        var resourceType = Json.Str(body, "resourceType") ?? "VM";
        string key;
        if (BackupModel.Eq(resourceType, "AzureFileShare"))
        {
            var share = Json.Str(body, "poLogicalName");
            if (string.IsNullOrWhiteSpace(share))
            {
                throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "Input provided for the call is invalid: poLogicalName (the file share name) is required for resourceType AzureFileShare.", "poLogicalName");
            }

            key = resourceId.TrimEnd('/') + "/" + share;
        }
        else if (BackupModel.Eq(resourceType, "VM"))
        {
            key = resourceId.TrimEnd('/');
        }
        else
        {
            throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"Input provided for the call is invalid: resourceType '{resourceType}' is not VM or AzureFileShare.", "resourceType");
        }

        var subscription = ctx.Value("subscriptionId");
        var region = Locations.Normalize(ctx.Value("azureRegion"));
        return ctx.Store.Transaction(s =>
        {
            if (Subscriptions.Get(s, subscription) is null)
            {
                throw ArmErrors.SubscriptionNotFound(subscription);
            }

            // A soft-deleted item no longer protects its source.
            var item = BackupModel.ItemProtecting(s, subscription, key) is { } found && found.Meta["purgeAt"] is null ? found : null;
            var vault = item is null ? null : VaultModel.Load(s, Json.Str(item.Meta, "vaultId")!, ctx.Now);
            if (item is null || vault is null || !BackupModel.Eq(BackupModel.Location(vault), region))
            {
                return ArmResponse.Ok(new JsonObject { ["protectionStatus"] = "NotProtected", ["errorCode"] = "Success" });
            }

            var state = Json.Str(item.Props, "protectionState");
            return ArmResponse.Ok(new JsonObject
            {
                ["protectionStatus"] = state == "ProtectionError" ? "ProtectionFailed" : "Protected",
                ["vaultId"] = vault.Id,
                ["fabricName"] = BackupModel.Fabric,
                ["containerName"] = item.ParentId?.Split('/')[^1],
                ["protectedItemName"] = Json.Str(item.Body, "name"),
                ["policyName"] = Json.Str(item.Props, "policyName") is { Length: > 0 } p ? p : null,
                ["errorCode"] = "Success",
            });
        });
    }
}
