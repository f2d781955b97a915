// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// Vault-level backup config (2023-06-01): backupstorageconfig/vaultstorageconfig and backupconfig/vaultconfig.
/// Both are views over the vault's redundancySettings / softDeleteSettings, so the two surfaces can never disagree.
/// </summary>
internal static class BackupConfigHandler
{
    private const string StoragePath = VaultHandler.VaultPath + "/backupstorageconfig/vaultstorageconfig";
    private const string VaultConfigPath = VaultHandler.VaultPath + "/backupconfig/vaultconfig";
    private const string StorageType = "Microsoft.RecoveryServices/vaults/backupstorageconfig";
    private const string VaultConfigType = "Microsoft.RecoveryServices/vaults/backupconfig";

    public static void Register(ArmRouter router)
    {
        router.Map("GET", StoragePath, ApiFamily.Backup, StorageType, GetStorage);
        router.Map("PUT", StoragePath, ApiFamily.Backup, StorageType, ctx => WriteStorage(ctx, isPatch: false));
        router.Map("PATCH", StoragePath, ApiFamily.Backup, StorageType, ctx => WriteStorage(ctx, isPatch: true));
        router.Map("GET", VaultConfigPath, ApiFamily.Backup, VaultConfigType, GetVaultConfig);
        router.Map("PUT", VaultConfigPath, ApiFamily.Backup, VaultConfigType, WriteVaultConfig);
        router.Map("PATCH", VaultConfigPath, ApiFamily.Backup, VaultConfigType, WriteVaultConfig);
    }

    private static JsonObject Redundancy(ResourceDoc v) => Json.Obj(Json.Obj(v.Body, "properties"), "redundancySettings");

    private static JsonObject SoftDelete(ResourceDoc v) => Json.Obj(Json.Obj(Json.Obj(v.Body, "properties"), "securitySettings"), "softDeleteSettings");

    private static JsonObject StorageView(IStoreSession s, ResourceDoc v)
    {
        var r = Redundancy(v);
        var storage = Json.Str(r, "standardTierStorageRedundancy") ?? "GeoRedundant";
        return new JsonObject
        {
            ["id"] = v.Id + "/backupstorageconfig/vaultstorageconfig",
            ["name"] = "vaultstorageconfig",
            ["type"] = StorageType,
            ["properties"] = new JsonObject
            {
                ["storageModelType"] = storage,
                ["storageType"] = storage,
                ["storageTypeState"] = VaultModel.ProtectedItemCount(s, v.Id) > 0 ? "Locked" : "Unlocked",
                ["crossRegionRestoreFlag"] = Json.Str(r, "crossRegionRestore") == "Enabled",
                ["dedupState"] = "Disabled",
                ["xcoolState"] = "Disabled",
            },
        };
    }

    private static JsonObject VaultConfigView(IStoreSession s, ResourceDoc v)
    {
        var sd = SoftDelete(v);
        var storage = Json.Str(Redundancy(v), "standardTierStorageRedundancy") ?? "GeoRedundant";
        var state = Json.Str(sd, "softDeleteState") ?? "Enabled";
        return new JsonObject
        {
            ["id"] = v.Id + "/backupconfig/vaultconfig",
            ["name"] = "vaultconfig",
            ["type"] = VaultConfigType,
            ["properties"] = new JsonObject
            {
                ["storageModelType"] = storage,
                ["storageType"] = storage,
                ["storageTypeState"] = VaultModel.ProtectedItemCount(s, v.Id) > 0 ? "Locked" : "Unlocked",
                ["enhancedSecurityState"] = Json.Str(sd, "enhancedSecurityState") ?? "Enabled",
                ["softDeleteFeatureState"] = state,
                ["softDeleteRetentionPeriodInDays"] = Json.Int(sd["softDeleteRetentionPeriodInDays"]) ?? 14,
                ["isSoftDeleteFeatureStateEditable"] = state != "AlwaysON",
            },
        };
    }

    private static ResourceDoc RequireVault(ArmContext ctx, IStoreSession s) =>
        VaultModel.Require(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("vaultName"), ctx.Now);

    private static ArmResponse GetStorage(ArmContext ctx) => ctx.Store.Transaction(s => ArmResponse.Ok(StorageView(s, RequireVault(ctx, s))));

    private static ArmResponse GetVaultConfig(ArmContext ctx) => ctx.Store.Transaction(s => ArmResponse.Ok(VaultConfigView(s, RequireVault(ctx, s))));

    private static ArmResponse WriteStorage(ArmContext ctx, bool isPatch)
    {
        var props = ctx.RequireBodyObject()["properties"] as JsonObject ?? Json.Object();
        return ctx.Store.Transaction(s =>
        {
            var vault = RequireVault(ctx, s);
            var previous = (JsonObject)vault.Body.DeepClone();
            var r = Redundancy(vault);
            var requested = Json.Str(props, "storageType") ?? Json.Str(props, "storageModelType");
            if (requested is not null)
            {
                r["standardTierStorageRedundancy"] = VaultModel.Canonical(requested, "properties.storageType", "GeoRedundant", "LocallyRedundant", "ZoneRedundant");
                if (r["standardTierStorageRedundancy"]!.GetValue<string>() != "GeoRedundant" && props["crossRegionRestoreFlag"] is null)
                {
                    r["crossRegionRestore"] = "Disabled";
                }
            }

            if (Json.Bool(props["crossRegionRestoreFlag"]) is { } crr)
            {
                r["crossRegionRestore"] = crr ? "Enabled" : "Disabled";
            }

            Commit(ctx, s, vault, previous);
            return isPatch ? ArmResponse.NoContent() : ArmResponse.Ok(StorageView(s, vault));
        });
    }

    private static ArmResponse WriteVaultConfig(ArmContext ctx)
    {
        var props = ctx.RequireBodyObject()["properties"] as JsonObject ?? Json.Object();
        return ctx.Store.Transaction(s =>
        {
            var vault = RequireVault(ctx, s);
            var previous = (JsonObject)vault.Body.DeepClone();
            var sd = SoftDelete(vault);
            if (Json.Str(props, "softDeleteFeatureState") is { } state)
            {
                sd["softDeleteState"] = VaultModel.Canonical(state, "properties.softDeleteFeatureState", "Enabled", "Disabled", "AlwaysON", "Invalid");
            }

            if (Json.Str(props, "enhancedSecurityState") is { } enhanced)
            {
                sd["enhancedSecurityState"] = VaultModel.Canonical(enhanced, "properties.enhancedSecurityState", "Enabled", "Disabled", "AlwaysON", "Invalid");
            }

            if (props["softDeleteRetentionPeriodInDays"] is not null)
            {
                sd["softDeleteRetentionPeriodInDays"] = Json.Int(props["softDeleteRetentionPeriodInDays"]) ?? -1;
            }

            if ((Json.Str(props, "storageType") ?? Json.Str(props, "storageModelType")) is { } storage)
            {
                Redundancy(vault)["standardTierStorageRedundancy"] = VaultModel.Canonical(storage, "properties.storageType", "GeoRedundant", "LocallyRedundant", "ZoneRedundant");
            }

            Commit(ctx, s, vault, previous);
            return ArmResponse.Ok(VaultConfigView(s, vault));
        });
    }

    // Runs the vault's own rules (ranges, irreversible states, redundancy pinning) and bumps its etag.
    private static void Commit(ArmContext ctx, IStoreSession s, ResourceDoc vault, JsonObject previous)
    {
        VaultModel.Normalize(vault.Body, previous, vault.Id, Json.Str(vault.Body, "name")!, Json.Str(previous, "location")!, ctx.Now,
            ctx.Principal.ObjectId, VaultModel.ProtectedItemCount(s, vault.Id));
        ResourceGuardCheck.AuthorizeVaultChange(ctx, s, vault.Id, previous, vault.Body, ctx.Body?["properties"]?["resourceGuardOperationRequests"]);
        BackupAlerts.RaiseForVaultChange(s, ctx.Runtime.Backup, vault.ArmId, previous, vault.Body, ctx.SimNow());
        VaultModel.Save(s, vault);
    }
}
