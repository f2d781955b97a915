// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>Soft-deleted vaults: list, get, undelete (LRO style A) and its operation status.</summary>
internal static class DeletedVaultHandler
{
    public const string Type = "Microsoft.RecoveryServices/locations/deletedVaults";
    private const string LocationPath = "/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices/locations/{location}";
    private const int PurgeAfterDays = 14;

    public static void Register(ArmRouter router)
    {
        router.Map("GET", LocationPath + "/deletedVaults", ApiFamily.Vaults, Type, List);
        router.Map("GET", LocationPath + "/deletedVaults/{deletedVaultName}", ApiFamily.Vaults, Type, Get);
        router.Map("POST", LocationPath + "/deletedVaults/{deletedVaultName}/undelete", ApiFamily.Vaults, Type, Undelete);
        router.Map("GET", LocationPath + "/deletedVaults/{deletedVaultName}/operations/{operationId}", ApiFamily.Vaults, Type + "/operations", GetOperation);
    }

    public static string LocationIdOf(string subscriptionId, string location) =>
        $"/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices/locations/{Locations.Normalize(location)}";

    public static string IdOf(string subscriptionId, string location, string name) => $"{LocationIdOf(subscriptionId, location)}/deletedVaults/{name}";

    /// <summary>Called by vault DELETE: remembers the vault so it can be undeleted until purge.</summary>
    public static void Record(IStoreSession s, ResourceDoc vault, DateTimeOffset now)
    {
        var sub = vault.Id.Split('/', StringSplitOptions.RemoveEmptyEntries)[1];
        var name = Json.Str(vault.Body, "name")!;
        var location = Json.Str(vault.Body, "location")!;
        var id = IdOf(sub, location, name);
        var body = new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["type"] = Type,
            ["properties"] = new JsonObject
            {
                ["vaultId"] = vault.Id,
                ["vaultDeletionTime"] = Json.Timestamp(now),
                ["purgeAt"] = Json.Timestamp(now.AddDays(PurgeAfterDays)),
            },
        };
        var meta = new JsonObject { ["vault"] = vault.Body.DeepClone() };
        s.Put(new StoredDocument(id, DocumentKinds.DeletedVault, LocationIdOf(sub, location), body.ToJsonString(), meta.ToJsonString()));
    }

    private static (StoredDocument Doc, JsonObject Body)? Load(IStoreSession s, string id, DateTimeOffset now)
    {
        var doc = s.Get(id);
        if (doc is null || doc.Kind != DocumentKinds.DeletedVault)
        {
            return null;
        }

        var body = Json.ParseObject(doc.Body);
        if (Json.ParseTime(Json.Str(body["properties"] as JsonObject, "purgeAt")) is { } purge && purge <= now)
        {
            s.Delete(id);
            return null;
        }

        return (doc, body);
    }

    private static ArmResponse List(ArmContext ctx)
    {
        var items = ctx.Store.Transaction(s =>
        {
            var parent = LocationIdOf(ctx.Value("subscriptionId"), ctx.Value("location"));
            return s.ListByParent(parent, DocumentKinds.DeletedVault)
                .Select(d => Load(s, d.Id, ctx.Now))
                .Where(x => x is not null)
                .Select(x => (JsonNode)x!.Value.Body)
                .ToList();
        });
        return ctx.Page(items);
    }

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var loaded = Load(s, IdOf(ctx.Value("subscriptionId"), ctx.Value("location"), ctx.Value("deletedVaultName")), ctx.Now)
            ?? throw NotFound(ctx);
        return ArmResponse.Ok(loaded.Body);
    });

    private static ArmResponse Undelete(ArmContext ctx)
    {
        var input = ctx.RequireBodyObject();
        var targetRgId = Json.Str(input["properties"] as JsonObject, "recoveryResourceGroupId");
        if (string.IsNullOrWhiteSpace(targetRgId))
        {
            throw ArmErrors.BadRequest("InvalidParameter", "properties.recoveryResourceGroupId is required.", "properties.recoveryResourceGroupId");
        }

        return ctx.Store.Transaction(s =>
        {
            var sub = ctx.Value("subscriptionId");
            var loaded = Load(s, IdOf(sub, ctx.Value("location"), ctx.Value("deletedVaultName")), ctx.Now) ?? throw NotFound(ctx);
            var segs = targetRgId.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segs.Length != 4 || !segs[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) || !segs[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase))
            {
                throw ArmErrors.BadRequest("InvalidParameter", $"'{targetRgId}' is not a resource group id.", "properties.recoveryResourceGroupId");
            }

            if (!segs[1].Equals(sub, StringComparison.OrdinalIgnoreCase))
            {
                throw ArmErrors.BadRequest("InvalidParameter", "The vault can only be undeleted into a resource group of its own subscription.", "properties.recoveryResourceGroupId");
            }

            var rg = VaultModel.RequireResourceGroup(s, sub, segs[3]);
            var rgName = Json.Str(rg, "name")!;
            var name = Json.Str(loaded.Body, "name")!;
            var newId = VaultModel.IdOf(sub, rgName, name);
            if (s.Get(newId) is not null && VaultModel.Load(s, newId, ctx.Now) is not null)
            {
                throw ArmErrors.Conflict("VaultAlreadyExists", $"A vault named '{name}' already exists in resource group '{rgName}'.");
            }

            var meta = loaded.Doc.Meta is null ? Json.Object() : Json.ParseObject(loaded.Doc.Meta);
            var vaultBody = meta["vault"] as JsonObject ?? throw ArmErrors.InternalServerError();
            vaultBody = (JsonObject)vaultBody.DeepClone();
            vaultBody["id"] = newId;
            vaultBody["etag"] = Json.DateTimeEtag(ctx.Now);
            var duration = ctx.Runtime.LroDurationMs;
            var deletedId = Json.Str(loaded.Body, "id")!;
            var op = Operations.Create(s, "Undelete", newId, ctx.Now, duration, new JsonObject { ["deletedVaultId"] = deletedId });
            var opId = Json.Str(op, "name")!;
            var vaultMeta = Json.Object();
            VaultModel.SetPending(vaultMeta, "Creating", opId, ctx.Now, duration);
            s.DeleteTree(newId);
            VaultModel.Save(s, ResourceDoc.Vault(newId, Json.Str(rg, "id")!, vaultBody, vaultMeta));
            s.Delete(deletedId);

            var response = duration <= 0 ? ArmResponse.Ok(loaded.Body) : ArmResponse.Accepted();
            VaultProtocol.AddLroHeaders(response, ctx, deletedId, opId, includeLocation: false, statusSegment: "operations");
            return response;
        });
    }

    private static ArmResponse GetOperation(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var opId = ctx.Value("operationId");
        var op = Operations.Get(s, opId) ?? throw ArmErrors.NotFound("OperationNotFound", $"The operation '{opId}' was not found.");
        var id = $"{IdOf(ctx.Value("subscriptionId"), ctx.Value("location"), ctx.Value("deletedVaultName"))}/operations/{opId}";
        return ArmResponse.Ok(Operations.ToOperationResource(op, id, ctx.Now));
    });

    private static ArmException NotFound(ArmContext ctx) =>
        ArmErrors.NotFound("ResourceNotFound",
            $"The Resource '{Type}/{ctx.Value("deletedVaultName")}' in location '{Locations.Normalize(ctx.Value("location"))}' was not found.");
}
