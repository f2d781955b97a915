// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>Microsoft.RecoveryServices/vaults: GET/PUT/PATCH/DELETE (LRO style A) and the two lists.</summary>
internal static class VaultHandler
{
    public const string VaultPath = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/vaults/{vaultName}";

    public static void Register(ArmRouter router)
    {
        router.Map("GET", VaultPath, ApiFamily.Vaults, VaultModel.Type, Get);
        router.Map("PUT", VaultPath, ApiFamily.Vaults, VaultModel.Type, Put);
        router.Map("PATCH", VaultPath, ApiFamily.Vaults, VaultModel.Type, Patch);
        router.Map("DELETE", VaultPath, ApiFamily.Vaults, VaultModel.Type, Delete);
        router.Map("GET", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/vaults", ApiFamily.Vaults, VaultModel.Type, ListByResourceGroup);
        router.Map("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices/vaults", ApiFamily.Vaults, VaultModel.Type, ListBySubscription);
    }

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = VaultModel.Require(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("vaultName"), ctx.Now);
        return ArmResponse.Ok(VaultModel.Render(v, ctx.Now));
    });

    private static ArmResponse Put(ArmContext ctx)
    {
        var name = ctx.Value("vaultName");
        VaultModel.ValidateName(name);
        var body = ctx.RequireBodyObject();
        return ctx.Store.Transaction(s =>
        {
            var sub = ctx.Value("subscriptionId");
            var rg = VaultModel.RequireResourceGroup(s, sub, ctx.Value("resourceGroupName"));
            var rgName = Json.Str(rg, "name")!;
            var rgId = Json.Str(rg, "id")!;
            var existing = VaultModel.Load(s, VaultModel.IdOf(sub, rgName, name), ctx.Now);
            VaultProtocol.CheckIfMatch(ctx, existing?.Body);
            if (existing is not null && Json.Str(existing.Meta, "pending") == "Deleting")
            {
                throw ArmErrors.Conflict("AnotherOperationInProgress", $"The vault '{name}' is being deleted; retry after the delete completes.");
            }

            var requestedLocation = Json.Str(body, "location");
            if (existing is null)
            {
                if (string.IsNullOrWhiteSpace(requestedLocation))
                {
                    throw ArmErrors.BadRequest("LocationRequired", "The location property is required for this definition.", "location");
                }

                var id = VaultModel.IdOf(sub, rgName, Json.Str(existing?.Body, "name") ?? name);
                var vault = (JsonObject)body.DeepClone();
                VaultModel.Normalize(vault, null, id, name, requestedLocation, ctx.Now, ctx.Principal.ObjectId, 0);
                var meta = Json.Object();
                var op = Operations.Create(s, "Create", id, ctx.Now, ctx.Runtime.LroDurationMs);
                var opId = Json.Str(op, "name")!;
                VaultModel.SetPending(meta, "Creating", opId, ctx.Now, ctx.Runtime.LroDurationMs);
                var record = ResourceDoc.Vault(id, rgId, vault, meta);
                VaultModel.Save(s, record);
                var response = ArmResponse.Created(VaultModel.Render(record, ctx.Now));
                VaultProtocol.AddLroHeaders(response, ctx, id, opId);
                return response;
            }
            else
            {
                var location = Json.Str(existing.Body, "location")!;
                if (requestedLocation is not null && Locations.Normalize(requestedLocation) != location)
                {
                    throw ArmErrors.BadRequest("InvalidResourceLocation",
                        $"The resource '{name}' already exists in location '{location}' in resource group '{rgName}'. A resource with the same name cannot be created in location '{Locations.Normalize(requestedLocation)}'. Please select a new resource name.");
                }

                var merged = (JsonObject)existing.Body.DeepClone();
                var incoming = (JsonObject)body.DeepClone();
                if (incoming["tags"] is JsonObject)
                {
                    merged.Remove("tags");
                }

                Json.MergePatch(merged, incoming);
                VaultModel.Normalize(merged, existing.Body, existing.Id, Json.Str(existing.Body, "name")!, location, ctx.Now, ctx.Principal.ObjectId, VaultModel.ProtectedItemCount(s, existing.Id));
                ResourceGuardCheck.AuthorizeVaultChange(ctx, s, existing.Id, existing.Body, merged, body["properties"]?["resourceGuardOperationRequests"]);
                BackupAlerts.RaiseForVaultChange(s, ctx.Runtime.Backup, existing.ArmId, existing.Body, merged, ctx.SimNow());
                var record = existing with { Body = merged };
                VaultModel.Save(s, record);
                return ArmResponse.Ok(VaultModel.Render(record, ctx.Now));
            }
        });
    }

    private static ArmResponse Patch(ArmContext ctx)
    {
        var patch = ctx.RequireBodyObject();
        return ctx.Store.Transaction(s =>
        {
            var existing = VaultModel.Require(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("vaultName"), ctx.Now);
            VaultProtocol.CheckIfMatch(ctx, existing.Body);
            if (Json.Str(existing.Meta, "pending") == "Deleting")
            {
                throw ArmErrors.Conflict("AnotherOperationInProgress", "The vault is being deleted.");
            }

            var incoming = (JsonObject)patch.DeepClone();
            var location = Json.Str(existing.Body, "location")!;
            if (Json.Str(incoming, "location") is { } loc && Locations.Normalize(loc) != location)
            {
                throw ArmErrors.BadRequest("InvalidResourceLocation", $"The location of vault '{Json.Str(existing.Body, "name")}' cannot be changed from '{location}'.");
            }

            incoming.Remove("location");
            var merged = (JsonObject)existing.Body.DeepClone();
            if (incoming["tags"] is JsonObject)
            {
                merged.Remove("tags");
            }

            Json.MergePatch(merged, incoming);
            VaultModel.Normalize(merged, existing.Body, existing.Id, Json.Str(existing.Body, "name")!, location, ctx.Now, ctx.Principal.ObjectId, VaultModel.ProtectedItemCount(s, existing.Id));
            ResourceGuardCheck.AuthorizeVaultChange(ctx, s, existing.Id, existing.Body, merged, patch["properties"]?["resourceGuardOperationRequests"]);
            BackupAlerts.RaiseForVaultChange(s, ctx.Runtime.Backup, existing.ArmId, existing.Body, merged, ctx.SimNow());
            var duration = ctx.Runtime.LroDurationMs;
            var meta = (JsonObject)existing.Meta.DeepClone();
            if (duration <= 0)
            {
                VaultModel.SetPending(meta, null, null, ctx.Now, 0);
                var done = ResourceDoc.Vault(existing.Id, existing.ParentId, merged, meta);
                VaultModel.Save(s, done);
                return ArmResponse.Ok(VaultModel.Render(done, ctx.Now));
            }

            var op = Operations.Create(s, "Update", existing.Id, ctx.Now, duration);
            var opId = Json.Str(op, "name")!;
            VaultModel.SetPending(meta, "Updating", opId, ctx.Now, duration);
            VaultModel.Save(s, ResourceDoc.Vault(existing.Id, existing.ParentId, merged, meta));
            var response = ArmResponse.Accepted();
            VaultProtocol.AddLroHeaders(response, ctx, existing.Id, opId);
            return response;
        });
    }

    private static ArmResponse Delete(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var sub = ctx.Value("subscriptionId");
        var rg = VaultModel.RequireResourceGroup(s, sub, ctx.Value("resourceGroupName"));
        var existing = VaultModel.Load(s, VaultModel.IdOf(sub, Json.Str(rg, "name")!, ctx.Value("vaultName")), ctx.Now);
        if (existing is null)
        {
            return ArmResponse.NoContent();
        }

        if (Json.Str(existing.Meta, "pending") == "Deleting")
        {
            var running = ArmResponse.Accepted();
            VaultProtocol.AddLroHeaders(running, ctx, existing.Id, Json.Str(existing.Meta, "operationId")!);
            return running;
        }

        VaultModel.CheckEmpty(s, existing.Id, Json.Str(existing.Body, "name")!);

        var duration = ctx.Runtime.LroDurationMs;
        var op = Operations.Create(s, "Delete", existing.Id, ctx.Now, duration);
        var opId = Json.Str(op, "name")!;
        var meta = (JsonObject)existing.Meta.DeepClone();
        VaultModel.SetPending(meta, "Deleting", opId, ctx.Now, duration);
        VaultModel.Save(s, existing with { Meta = meta });
        DeletedVaultHandler.Record(s, existing, ctx.Now);
        var response = ArmResponse.Accepted();
        VaultProtocol.AddLroHeaders(response, ctx, existing.Id, opId);
        return response;
    });

    private static ArmResponse ListByResourceGroup(ArmContext ctx)
    {
        var items = ctx.Store.Transaction(s =>
        {
            var rg = VaultModel.RequireResourceGroup(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"));
            return VaultModel.List(s, string.Empty, Json.Str(rg, "id")!, ctx.Now).Select(v => (JsonNode)VaultModel.Render(v, ctx.Now)).ToList();
        });
        return ctx.Page(items);
    }

    private static ArmResponse ListBySubscription(ArmContext ctx)
    {
        var items = ctx.Store.Transaction(s =>
            VaultModel.List(s, Subscriptions.IdOf(ctx.Value("subscriptionId")), null, ctx.Now).Select(v => (JsonNode)VaultModel.Render(v, ctx.Now)).ToList());
        return ctx.Page(items);
    }
}
