// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// Microsoft.DataProtection/resourceGuards (dataprotection.json 2026-06-01, ResourceGuards_* operations; examples
/// ResourceGuardCRUD/*): PUT (201 create, 200 update), GET, PATCH (tags only: PatchResourceGuardInput), DELETE (200, or
/// 204 when there is none), lists by resource group and subscription, and the request collections under a guard
/// (GetDefault…RequestsObject / Get…Requests). The guard's <c>resourceGuardOperations</c> are the Recovery Services
/// critical operations it protects (<see cref="ResourceGuards.All"/> minus the exclusion list).
/// </summary>
internal static class ResourceGuardHandler
{
    private const string RgPath = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.DataProtection/resourceGuards";
    private const string GuardPath = RgPath + "/{resourceGuardsName}";

    /// <summary>The description Azure puts on every guard (official PutResourceGuard/GetResourceGuard examples).</summary>
    private const string Description = "Please take JIT access before performing any of the critical operation";

    public static void Register(ArmRouter router)
    {
        router.Map("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.DataProtection/resourceGuards", ApiFamily.DataProtection, ResourceGuards.Type, ListBySubscription);
        router.Map("GET", RgPath, ApiFamily.DataProtection, ResourceGuards.Type, ListByResourceGroup);
        router.Map("GET", GuardPath, ApiFamily.DataProtection, ResourceGuards.Type, Get);
        router.Map("PUT", GuardPath, ApiFamily.DataProtection, ResourceGuards.Type, Put);
        router.Map("PATCH", GuardPath, ApiFamily.DataProtection, ResourceGuards.Type, Patch);
        router.Map("DELETE", GuardPath, ApiFamily.DataProtection, ResourceGuards.Type, Delete);
        foreach (var collection in ResourceGuards.RequestCollections)
        {
            var c = collection;
            router.Map("GET", GuardPath + "/" + c, ApiFamily.DataProtection, ResourceGuards.Type + "/" + c, ctx => ListRequests(ctx, c));
            router.Map("GET", GuardPath + "/" + c + "/{requestName}", ApiFamily.DataProtection, ResourceGuards.Type + "/" + c, ctx => GetRequest(ctx, c));
        }
    }

    public static JsonObject Render(ResourceDoc guard)
    {
        var body = (JsonObject)guard.Body.DeepClone();
        var props = Json.Obj(body, "properties");
        props["provisioningState"] = "Succeeded";
        props["allowAutoApprovals"] = true;
        props["resourceGuardOperations"] = new JsonArray([.. ResourceGuards.Protected(guard).Select(op => (JsonNode)new JsonObject
        {
            ["vaultCriticalOperation"] = op.VaultOperation,
            ["requestResourceType"] = op.RequestResourceType,
        })]);
        Json.SetDefault(props, "vaultCriticalOperationExclusionList", new JsonArray());
        props["description"] = Description;
        return body;
    }

    private static string Id(ArmContext ctx, IStoreSession s)
    {
        var rg = VaultModel.RequireResourceGroup(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"));
        return ResourceGuards.IdOf(ctx.Value("subscriptionId"), Json.Str(rg, "name")!, ctx.Value("resourceGuardsName"));
    }

    private static ResourceDoc Require(ArmContext ctx, IStoreSession s) =>
        ResourceGuards.LoadGuard(s, Id(ctx, s))
        ?? throw ArmErrors.ResourceNotFound(ResourceGuards.Type, ctx.Value("resourceGuardsName"), ctx.Value("resourceGroupName"));

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s => ArmResponse.Ok(Render(Require(ctx, s))));

    private static ArmResponse ListByResourceGroup(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var rg = VaultModel.RequireResourceGroup(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"));
        var prefix = Json.Str(rg, "id") + "/providers/" + ResourceGuards.Type + "/";
        return ctx.Page(ResourceDoc.List(s, ResourceGuards.GuardKind, prefix), g => Render(g));
    });

    private static ArmResponse ListBySubscription(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var guards = ResourceDoc.List(s, ResourceGuards.GuardKind, "/subscriptions/" + ctx.Value("subscriptionId") + "/");
        return ctx.Page(guards, g => Render(g));
    });

    private static ArmResponse Put(ArmContext ctx)
    {
        var body = ctx.RequireBodyObject();
        var name = ctx.Value("resourceGuardsName");
        return ctx.Store.Transaction(s =>
        {
            var id = Id(ctx, s);
            var existing = ResourceGuards.LoadGuard(s, id);
            var location = Locations.Normalize(Json.Str(body, "location")!);
            if (existing is not null && Json.Str(existing.Body, "location") is { } was && was != location)
            {
                // location is x-ms-mutability read/create on TrackedResource (common-types v5).
                throw ArmErrors.BadRequest("InvalidResourceLocation",
                    $"The resource '{name}' already exists in location '{was}' in resource group '{ctx.Value("resourceGroupName")}'. A resource with the same name cannot be created in location '{location}'. Please select a new resource name.");
            }

            var exclusions = ValidateExclusions(body["properties"]?["vaultCriticalOperationExclusionList"]);
            var doc = new JsonObject
            {
                ["id"] = id,
                ["name"] = Json.Str(existing?.Body, "name") ?? name,
                ["type"] = ResourceGuards.Type,
                ["location"] = location,
                ["tags"] = (body["tags"] as JsonObject)?.DeepClone() ?? new JsonObject(),
                ["properties"] = new JsonObject { ["vaultCriticalOperationExclusionList"] = exclusions },
            };
            var guard = new ResourceDoc(id, ResourceGuards.GuardKind, Json.Str(VaultModel.RequireResourceGroup(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName")), "id"), doc, Json.Object());
            guard.Save(s);
            return existing is null ? ArmResponse.Created(Render(guard)) : ArmResponse.Ok(Render(guard));
        });
    }

    /// <summary>
    /// Recovery Services operations must be ones a guard can protect, and never a mandatory one (MUA concept page:
    /// "You can't exclude the operations denoted as Mandatory"). Backup vault operations pass through: the emulator
    /// has no Backup vaults for them to apply to.
    /// </summary>
    private static JsonArray ValidateExclusions(JsonNode? list)
    {
        var result = new JsonArray();
        foreach (var node in list as JsonArray ?? [])
        {
            var value = Json.Str(node) ?? string.Empty;
            if (value.StartsWith("Microsoft.DataProtection/backupVaults/", StringComparison.OrdinalIgnoreCase))
            {
                result.Add(value);
                continue;
            }

            var op = ResourceGuards.All.FirstOrDefault(o => string.Equals(o.VaultOperation, value, StringComparison.OrdinalIgnoreCase))
                ?? throw ArmErrors.BadRequest("InvalidInput",
                    $"'{value}' is not a critical operation a resource guard protects. Known Recovery Services operations: {string.Join(", ", ResourceGuards.All.Select(o => o.VaultOperation))}.",
                    "properties.vaultCriticalOperationExclusionList");
            if (op.Mandatory)
            {
                throw ArmErrors.BadRequest("InvalidInput",
                    $"'{op.VaultOperation}' ({op.Description}) is a mandatory critical operation and cannot be excluded from the resource guard's protection.",
                    "properties.vaultCriticalOperationExclusionList");
            }

            result.Add(op.VaultOperation);
        }

        return result;
    }

    private static ArmResponse Patch(ArmContext ctx)
    {
        var body = ctx.RequireBodyObject();
        return ctx.Store.Transaction(s =>
        {
            var guard = Require(ctx, s);
            if (body["tags"] is JsonObject tags)
            {
                guard.Body["tags"] = tags.DeepClone();
            }

            guard.Save(s);
            return ArmResponse.Ok(Render(guard));
        });
    }

    private static ArmResponse Delete(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var id = Id(ctx, s);
        return s.Delete(id) ? ArmResponse.Ok(null) : ArmResponse.NoContent();
    });

    private static JsonObject RequestObject(ResourceDoc guard, string collection, string name) => new()
    {
        ["id"] = Json.Str(guard.Body, "id") + "/" + collection + "/" + name,
        ["name"] = name,
        ["type"] = ResourceGuards.Type + "/" + collection,
    };

    private static ArmResponse ListRequests(ArmContext ctx, string collection) => ctx.Store.Transaction(s =>
        ctx.Page([RequestObject(Require(ctx, s), collection, "default")]));

    private static ArmResponse GetRequest(ArmContext ctx, string collection) => ctx.Store.Transaction(s =>
    {
        var guard = Require(ctx, s);
        var name = ctx.Value("requestName");
        return name.Equals("default", StringComparison.OrdinalIgnoreCase)
            ? ArmResponse.Ok(RequestObject(guard, collection, "default"))
            : throw ArmErrors.ResourceNotFound(ResourceGuards.Type + "/" + collection, name, ctx.Value("resourceGroupName"));
    });
}
