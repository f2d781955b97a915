// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// A vault's mapping to a resource guard: <c>backupResourceGuardProxies</c> (bms.json 2023-06-01, ResourceGuardProxy_Put
/// / _Get / _Delete, ResourceGuardProxies_Get, ResourceGuardProxy_UnlockDelete; examples ResourceGuardProxyCRUD/*).
/// Mapping needs read access to the guard (MUA how-to: the Backup admin needs Reader on the guard; cross-tenant, through
/// the auxiliary token, as Set-AzRecoveryServicesResourceGuardMapping -Token does), the guard in the vault's region, and
/// one guard per vault. Removing it is a mandatory critical operation: <c>unlockDelete</c> first, then DELETE.
/// <c>resourceGuardOperationDetails[].vaultCriticalOperation</c> carries the vault operation's name, which is what
/// Az.RecoveryServices looks up there (it matches "Microsoft.RecoveryServices/vaults/write#reduceImmutabilityState").
/// </summary>
internal static class ResourceGuardProxyHandler
{
    private const string Collection = VaultHandler.VaultPath + "/backupResourceGuardProxies";
    private const string ProxyPath = Collection + "/{resourceGuardProxyName}";

    public static void Register(ArmRouter router)
    {
        router.Map("GET", Collection, ApiFamily.Backup, ResourceGuards.ProxyType, List);
        router.Map("GET", ProxyPath, ApiFamily.Backup, ResourceGuards.ProxyType, Get);
        router.Map("PUT", ProxyPath, ApiFamily.Backup, ResourceGuards.ProxyType, Put);
        router.Map("DELETE", ProxyPath, ApiFamily.Backup, ResourceGuards.ProxyType, Delete);
        router.Map("POST", ProxyPath + "/unlockDelete", ApiFamily.Backup, ResourceGuards.ProxyType, UnlockDelete);
    }

    private static string IdOf(ResourceDoc vault, string name) => Json.Str(vault.Body, "id") + "/backupResourceGuardProxies/" + name;

    private static JsonObject Render(IStoreSession s, ResourceDoc proxy)
    {
        var guardId = Json.Str(proxy.Props, "resourceGuardResourceId")!;
        var guard = ResourceGuards.LoadGuard(s, guardId);
        var details = new JsonArray();
        if (guard is not null)
        {
            foreach (var op in ResourceGuards.Protected(guard))
            {
                details.Add(new JsonObject { ["vaultCriticalOperation"] = op.VaultOperation, ["defaultResourceRequest"] = op.DefaultRequest(Json.Str(guard.Body, "id")!) });
            }
        }

        return new JsonObject
        {
            ["id"] = Json.Str(proxy.Body, "id"),
            ["name"] = Json.Str(proxy.Body, "name"),
            ["type"] = ResourceGuards.ProxyType,
            ["properties"] = new JsonObject
            {
                ["resourceGuardResourceId"] = guardId,
                ["resourceGuardOperationDetails"] = details,
                ["lastUpdatedTime"] = Json.Str(proxy.Props, "lastUpdatedTime"),
                ["description"] = "Please take JIT access before performing any of the critical operation",
            },
        };
    }

    private static ResourceDoc Require(ArmContext ctx, IStoreSession s, ResourceDoc vault) =>
        ResourceDoc.Load(s, IdOf(vault, ctx.Value("resourceGuardProxyName")), ResourceGuards.ProxyKind)
        ?? throw ArmErrors.NotFound("BMSUserErrorResourceGuardProxyNotFound", $"The resource guard mapping '{ctx.Value("resourceGuardProxyName")}' does not exist on vault '{ctx.Value("vaultName")}'.");

    private static ArmResponse List(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.RequireVault(ctx, s);
        return ctx.Page(ResourceDoc.List(s, ResourceGuards.ProxyKind, Json.Str(v.Body, "id") + "/backupResourceGuardProxies/"), p => Render(s, p));
    });

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.RequireVault(ctx, s);
        return ArmResponse.Ok(Render(s, Require(ctx, s, v)));
    });

    private static ArmResponse Put(ArmContext ctx)
    {
        var guardId = Json.Str(ctx.RequireBodyObject()["properties"] as JsonObject, "resourceGuardResourceId");
        if (ResourceGuards.ParseGuardId(guardId) is null)
        {
            // ARM's answer to a linked resource id it cannot parse.
            throw ArmErrors.BadRequest("LinkedInvalidPropertyId",
                $"Property id '{guardId}' at path 'properties.resourceGuardResourceId' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{{subscriptionId}}' and name a Microsoft.DataProtection/resourceGuards resource.",
                "properties.resourceGuardResourceId");
        }

        return ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.RequireVault(ctx, s);
            var name = ctx.Value("resourceGuardProxyName");
            var guard = ResourceGuards.LoadGuard(s, guardId!);
            if (guard is null)
            {
                ResourceGuardCheck.RequireOnGuard(ctx, s, GhostGuard(guardId!), ResourceGuards.Type + "/read", guardId!);
                throw new ArmException(403, "LinkedAuthorizationFailed",
                    $"The client '{ctx.Principal.ObjectId}' with object id '{ctx.Principal.ObjectId}' has permission to perform action '{ResourceGuards.ProxyType}/write' on scope '{IdOf(v, name)}'; however, it does not have permission to perform action(s) '{ResourceGuards.Type}/read' on the linked scope(s) '{guardId}' (respectively) or the linked scope(s) are invalid.");
            }

            ResourceGuardCheck.RequireOnGuard(ctx, s, guard, ResourceGuards.Type + "/read", Json.Str(guard.Body, "id")!);
            if (!string.Equals(Json.Str(guard.Body, "location"), Json.Str(v.Body, "location"), StringComparison.OrdinalIgnoreCase))
            {
                // MUA how-to, "Before you start": the Resource Guard and the Recovery Services vault must be in the same Azure region.
                throw ArmErrors.BadRequest("BMSUserErrorInvalidInput",
                    $"The resource guard '{Json.Str(guard.Body, "id")}' is in '{Json.Str(guard.Body, "location")}' but the vault is in '{Json.Str(v.Body, "location")}'; a vault can only be mapped to a resource guard in its own region.");
            }

            if (ResourceGuards.ProxyOf(s, v.Id) is { } current)
            {
                if (!string.Equals(Json.Str(current.Body, "name"), name, StringComparison.OrdinalIgnoreCase)
                    || !string.Equals(Json.Str(current.Props, "resourceGuardResourceId"), Json.Str(guard.Body, "id"), StringComparison.OrdinalIgnoreCase))
                {
                    // Re-pointing the vault would drop the current guard's protection without its approval.
                    throw ArmErrors.BadRequest("BMSUserErrorInvalidInput",
                        $"The vault is already mapped to the resource guard '{Json.Str(current.Props, "resourceGuardResourceId")}' through '{Json.Str(current.Body, "name")}'; remove that mapping first (unlockDelete, then DELETE).");
                }

                return ArmResponse.Ok(Render(s, current));
            }

            var id = IdOf(v, name);
            var proxy = new ResourceDoc(id, ResourceGuards.ProxyKind, v.Id, new JsonObject
            {
                ["id"] = id,
                ["name"] = name,
                ["properties"] = new JsonObject
                {
                    ["resourceGuardResourceId"] = Json.Str(guard.Body, "id"),
                    ["lastUpdatedTime"] = Json.Timestamp(ctx.Now),
                },
            }, Json.Object());
            proxy.Save(s);
            ResourceGuards.MarkVault(s, v.Id, mapped: true);
            return ArmResponse.Ok(Render(s, proxy));
        });
    }

    /// <summary>A guard id that resolves to nothing still names a subscription, whose tenant decides the linked-access answer.</summary>
    private static ResourceDoc GhostGuard(string guardId) =>
        new(guardId, ResourceGuards.GuardKind, null, new JsonObject { ["id"] = guardId }, Json.Object());

    private static ArmResponse UnlockDelete(ArmContext ctx)
    {
        var body = ctx.BodyObjectOrEmpty();
        return ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.RequireVault(ctx, s);
            var proxy = Require(ctx, s, v);
            var guardId = Json.Str(proxy.Props, "resourceGuardResourceId")!;
            var guard = ResourceGuards.LoadGuard(s, guardId);
            var requests = (body["resourceGuardOperationRequests"] as JsonArray ?? []).Select(n => Json.Str(n) ?? string.Empty).ToList();
            if (requests.Count == 0)
            {
                throw ArmErrors.BadRequest("BMSUserErrorInvalidInput",
                    "resourceGuardOperationRequests must name the resource guard request to unlock, e.g. '" + ResourceGuards.RemoveMapping.DefaultRequest(guardId) + "'.", "resourceGuardOperationRequests");
            }

            var resource = Json.Str(body, "resourceToBeDeleted");
            DateTimeOffset? expiry = null;
            foreach (var request in requests)
            {
                var op = ResourceGuards.All.FirstOrDefault(o => string.Equals(o.DefaultRequest(guardId), request, StringComparison.OrdinalIgnoreCase))
                    ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput",
                        $"'{request}' is not a request of the resource guard '{guardId}' this vault is mapped to. Its requests are: {string.Join(", ", ResourceGuards.All.Select(o => o.DefaultRequest(guardId)))}.",
                        "resourceGuardOperationRequests");
                if (guard is null)
                {
                    throw new ArmException(403, "LinkedAuthorizationFailed",
                        $"The client '{ctx.Principal.ObjectId}' with object id '{ctx.Principal.ObjectId}' does not have permission to perform action(s) '{op.GuardAction}' on the linked scope(s) '{guardId}' (respectively) or the linked scope(s) are invalid.");
                }

                ResourceGuardCheck.RequireGuardAction(ctx, s, guard, op);
                expiry = ResourceGuards.Unlock(s, proxy, op, resource, ctx.Now);
            }

            return ArmResponse.Ok(new JsonObject { ["unlockDeleteExpiryTime"] = Json.Timestamp(expiry!.Value) });
        });
    }

    private static ArmResponse Delete(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.RequireVault(ctx, s);
        var id = IdOf(v, ctx.Value("resourceGuardProxyName"));
        if (ResourceDoc.Load(s, id, ResourceGuards.ProxyKind) is not { } proxy)
        {
            return ArmResponse.NoContent();
        }

        ResourceGuardCheck.RequireUnlocked(ctx, s, v.Id, ResourceGuards.RemoveMapping, Json.Str(proxy.Body, "id")!);
        s.Delete(id);
        ResourceGuards.MarkVault(s, v.Id, mapped: false);
        return ArmResponse.Ok(null);
    });
}
