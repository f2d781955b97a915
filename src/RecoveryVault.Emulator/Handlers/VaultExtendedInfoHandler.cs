// Copyright (c) RecoveryVault contributors. MIT License.
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

/// <summary><c>{V}/extendedInformation/vaultExtendedInfo</c> GET/PUT/PATCH.</summary>
internal static class VaultExtendedInfoHandler
{
    private const string Type = "Microsoft.RecoveryServices/vaults/extendedInformation";
    private const string Path = VaultHandler.VaultPath + "/extendedInformation/vaultExtendedInfo";

    public static void Register(ArmRouter router)
    {
        router.Map("GET", Path, ApiFamily.Vaults, Type, Get);
        router.Map("PUT", Path, ApiFamily.Vaults, Type, ctx => Write(ctx, replace: true));
        router.Map("PATCH", Path, ApiFamily.Vaults, Type, ctx => Write(ctx, replace: false));
    }

    private static string IdOf(ResourceDoc vault) => vault.Id + "/extendedInformation/vaultExtendedInfo";

    // Azure creates the integrity key with the vault; doing it on first read keeps vault creation lean.
    private static JsonObject LoadOrCreate(IStoreSession s, ResourceDoc vault)
    {
        var doc = s.Get(IdOf(vault));
        if (doc is not null)
        {
            return Json.ParseObject(doc.Body);
        }

        var body = new JsonObject
        {
            ["id"] = IdOf(vault),
            ["name"] = "vaultExtendedInfo",
            ["type"] = Type,
            ["etag"] = Guid.NewGuid().ToString(),
            ["properties"] = new JsonObject
            {
                ["integrityKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)),
                ["algorithm"] = "None",
            },
        };
        s.Put(new StoredDocument(IdOf(vault), DocumentKinds.VaultExtendedInfo, vault.Id, body.ToJsonString()));
        return body;
    }

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var vault = VaultModel.Require(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("vaultName"), ctx.Now);
        return ArmResponse.Ok(LoadOrCreate(s, vault));
    });

    private static ArmResponse Write(ArmContext ctx, bool replace)
    {
        var input = ctx.RequireBodyObject();
        return ctx.Store.Transaction(s =>
        {
            var vault = VaultModel.Require(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("vaultName"), ctx.Now);
            var current = LoadOrCreate(s, vault);
            var incoming = input["properties"] as JsonObject ?? Json.Object();
            var props = replace ? Json.Object() : (JsonObject)(current["properties"]?.DeepClone() ?? Json.Object());
            Json.MergePatch(props, incoming);
            var body = new JsonObject
            {
                ["id"] = IdOf(vault),
                ["name"] = "vaultExtendedInfo",
                ["type"] = Type,
                ["etag"] = Guid.NewGuid().ToString(),
                ["properties"] = props,
            };
            s.Put(new StoredDocument(IdOf(vault), DocumentKinds.VaultExtendedInfo, vault.Id, body.ToJsonString()));
            return ArmResponse.Ok(body);
        });
    }
}
