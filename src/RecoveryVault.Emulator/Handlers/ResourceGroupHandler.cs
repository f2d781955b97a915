// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>Microsoft.Resources resource groups.</summary>
internal static partial class ResourceGroupHandler
{
    private const string Path = "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}";

    public static void Register(ArmRouter router)
    {
        router.Map("GET", "/subscriptions/{subscriptionId}/resourcegroups", ApiFamily.Resources, "Microsoft.Resources/resourceGroups", List);
        router.Map("GET", Path, ApiFamily.Resources, "Microsoft.Resources/resourceGroups", Get);
        router.Map("PUT", Path, ApiFamily.Resources, "Microsoft.Resources/resourceGroups", Put);
        router.Map("PATCH", Path, ApiFamily.Resources, "Microsoft.Resources/resourceGroups", Patch);
        router.Map("DELETE", Path, ApiFamily.Resources, "Microsoft.Resources/resourceGroups", Delete);
    }

    private static ArmResponse List(ArmContext ctx)
    {
        var items = ctx.Store.Transaction(s =>
            s.ListByParent(Subscriptions.IdOf(ctx.Value("subscriptionId")), Store.DocumentKinds.ResourceGroup)
                .Select(d => (JsonNode)Json.ParseObject(d.Body)).ToList());
        return ctx.Page(items);
    }

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s =>
        ArmResponse.Ok(VaultModel.RequireResourceGroup(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"))));

    private static ArmResponse Put(ArmContext ctx)
    {
        var name = ctx.Value("resourceGroupName");
        if (!RgName().IsMatch(name) || name.EndsWith('.'))
        {
            throw ArmErrors.BadRequest("InvalidResourceGroup", $"The provided resource group name '{name}' has these invalid characters or is too long.");
        }

        var body = ctx.RequireBodyObject();
        return ctx.Store.Transaction(s =>
        {
            var sub = ctx.Value("subscriptionId");
            var existing = ResourceGroups.Get(s, sub, name);
            var location = Json.Str(body, "location");
            if (existing is null && string.IsNullOrWhiteSpace(location))
            {
                throw ArmErrors.BadRequest("LocationRequired", "The location property is required for this definition.", "location");
            }

            if (existing is not null && location is not null && Locations.Normalize(location) != Json.Str(existing, "location"))
            {
                throw ArmErrors.Conflict("InvalidResourceGroupLocation",
                    $"Invalid resource group location '{Locations.Normalize(location)}'. The Resource group already exists in location '{Json.Str(existing, "location")}'.");
            }

            var rg = ResourceGroups.Put(s, sub, name, location ?? Json.Str(existing, "location")!, body["tags"] as JsonObject);
            return existing is null ? ArmResponse.Created(rg) : ArmResponse.Ok(rg);
        });
    }

    private static ArmResponse Patch(ArmContext ctx)
    {
        var body = ctx.RequireBodyObject();
        return ctx.Store.Transaction(s =>
        {
            var sub = ctx.Value("subscriptionId");
            var existing = VaultModel.RequireResourceGroup(s, sub, ctx.Value("resourceGroupName"));
            return ArmResponse.Ok(ResourceGroups.Put(s, sub, Json.Str(existing, "name")!, Json.Str(existing, "location")!, body["tags"] as JsonObject));
        });
    }

    private static ArmResponse Delete(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var sub = ctx.Value("subscriptionId");
        var rg = ResourceGroups.Get(s, sub, ctx.Value("resourceGroupName"));
        if (rg is null)
        {
            return ArmResponse.NoContent();
        }

        s.DeleteTree(Json.Str(rg, "id")!);
        return ArmResponse.Ok(null);
    });

    [GeneratedRegex(@"^[-\w\._\(\)]{1,90}$")]
    private static partial Regex RgName();
}
