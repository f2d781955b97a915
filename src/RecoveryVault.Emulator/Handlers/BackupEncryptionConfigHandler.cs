// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// BackupResourceEncryptionConfigs Get/Update (2023-06-01; examples BackupResourceEncryptionConfig_Get.json / _Put.json):
/// the backup view of the vault's <c>properties.encryption</c> (vaults spec CmkKeyVaultProperties / CmkKekIdentity), so
/// the two surfaces never disagree. Rules from Azure Backup "encryption using customer-managed keys": the key is used
/// through a managed identity the vault has, and a vault on customer-managed keys cannot go back to platform-managed keys.
/// </summary>
internal static class BackupEncryptionConfigHandler
{
    private const string Path = VaultHandler.VaultPath + "/backupEncryptionConfigs/backupResourceEncryptionConfig";
    private const string Type = "Microsoft.RecoveryServices/vaults/backupEncryptionConfigs";

    public static void Register(ArmRouter router)
    {
        router.Map("GET", Path, ApiFamily.Backup, Type, Get);
        router.Map("PUT", Path, ApiFamily.Backup, Type, Put);
    }

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.RequireVault(ctx, s);
        var encryption = v.Body["properties"]?["encryption"] as JsonObject;
        var keyUri = Json.Str(encryption?["keyVaultProperties"] as JsonObject, "keyUri");
        var props = new JsonObject
        {
            ["encryptionAtRestType"] = keyUri is null ? "MicrosoftManaged" : "CustomerManaged",
            ["lastUpdateStatus"] = keyUri is null ? "NotEnabled" : "Succeeded",
            ["infrastructureEncryptionState"] = Json.Str(encryption, "infrastructureEncryption") ?? "Disabled",
        };
        if (keyUri is not null)
        {
            var kek = encryption!["kekIdentity"] as JsonObject;
            props["keyUri"] = keyUri;
            props["subscriptionId"] = Json.Str(v.Meta, "cmkSubscriptionId") ?? v.Id.Split('/')[2];
            props["useSystemAssignedIdentity"] = Json.Bool(kek?["useSystemAssignedIdentity"]) ?? true;
            if (Json.Str(kek, "userAssignedIdentity") is { } uai)
            {
                props["userAssignedIdentity"] = uai;
            }
        }

        return ArmResponse.Ok(new JsonObject { ["id"] = v.Id + "/backupEncryptionConfigs/backupResourceEncryptionConfig", ["name"] = "backupResourceEncryptionConfig", ["type"] = Type, ["properties"] = props });
    });

    private static ArmResponse Put(ArmContext ctx)
    {
        var props = ctx.RequireBodyObject()["properties"] as JsonObject ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "properties is required.", "properties");
        return ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.RequireVault(ctx, s);
            var vaultProps = Json.Obj(v.Body, "properties");
            var current = vaultProps["encryption"] as JsonObject;
            var wasCustomer = Json.Str(current?["keyVaultProperties"] as JsonObject, "keyUri") is not null;
            var type = Json.Str(props, "encryptionAtRestType") ?? "CustomerManaged";
            if (BackupModel.Eq(type, "MicrosoftManaged"))
            {
                if (wasCustomer)
                {
                    throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "The vault is encrypted with a customer-managed key; it cannot be moved back to platform-managed keys.", "properties.encryptionAtRestType");
                }

                return ArmResponse.Ok(null);
            }

            if (!BackupModel.Eq(type, "CustomerManaged"))
            {
                throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"encryptionAtRestType '{type}' is not CustomerManaged or MicrosoftManaged.", "properties.encryptionAtRestType");
            }

            var keyUri = Json.Str(props, "keyUri");
            if (keyUri is null || !Uri.TryCreate(keyUri, UriKind.Absolute, out var key) || key.Scheme != "https" || !key.AbsolutePath.StartsWith("/keys/", StringComparison.OrdinalIgnoreCase))
            {
                throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"keyUri '{keyUri}' is not a Key Vault key URI (https://<vault>.vault.azure.net/keys/<name>[/<version>]).", "properties.keyUri");
            }

            var identity = v.Body["identity"] as JsonObject;
            var identityType = Json.Str(identity, "type") ?? "None";
            var uai = Json.Str(props, "userAssignedIdentity");
            var useSystem = Json.Bool(props["useSystemAssignedIdentity"]) ?? uai is null;
            if (useSystem && !identityType.Contains("SystemAssigned", StringComparison.OrdinalIgnoreCase))
            {
                throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "The vault has no system-assigned managed identity to reach the key with; enable it on the vault first, or name a user-assigned identity the vault has.", "properties.useSystemAssignedIdentity");
            }

            if (!useSystem && (uai is null || identity?["userAssignedIdentities"] is not JsonObject uais || !uais.Any(kv => BackupModel.Eq(kv.Key, uai))))
            {
                throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"The user-assigned identity '{uai}' is not assigned to the vault.", "properties.userAssignedIdentity");
            }

            // infrastructureEncryptionState: Azure accepts "Enabled"/"Disabled" (and the official example's "true").
            var infra = Json.Str(props, "infrastructureEncryptionState") is { } state
                ? (BackupModel.Eq(state, "Enabled") || BackupModel.Eq(state, "true") ? "Enabled" : BackupModel.Eq(state, "Disabled") || BackupModel.Eq(state, "false") ? "Disabled"
                    : throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"infrastructureEncryptionState '{state}' is not Enabled or Disabled.", "properties.infrastructureEncryptionState"))
                : Json.Str(current, "infrastructureEncryption") ?? "Disabled";
            if (wasCustomer && Json.Str(current, "infrastructureEncryption") is { } before && before != infra)
            {
                throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "Infrastructure encryption is fixed when customer-managed keys are first set on a vault and cannot be changed afterwards.", "properties.infrastructureEncryptionState");
            }

            var kek = new JsonObject { ["useSystemAssignedIdentity"] = useSystem };
            if (!useSystem)
            {
                kek["userAssignedIdentity"] = uai;
            }

            vaultProps["encryption"] = new JsonObject
            {
                ["keyVaultProperties"] = new JsonObject { ["keyUri"] = keyUri },
                ["kekIdentity"] = kek,
                ["infrastructureEncryption"] = infra,
            };
            if (Json.Str(props, "subscriptionId") is { } keySubscription)
            {
                v.Meta["cmkSubscriptionId"] = keySubscription;
            }

            VaultModel.Save(s, v);
            return ArmResponse.Ok(null);
        });
    }
}
