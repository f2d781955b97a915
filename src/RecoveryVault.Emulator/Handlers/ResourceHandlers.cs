// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Hosting;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>Microsoft.Resources subscriptions.</summary>
internal static class SubscriptionHandler
{
    public static void Register(ArmRouter router)
    {
        // ARM filters the list to subscriptions the caller has any role in instead of checking an action.
        router.Map("GET", "/subscriptions", ApiFamily.Resources, "Microsoft.Resources/subscriptions", List, skipRbac: true);
        router.Map("GET", "/subscriptions/{subscriptionId}", ApiFamily.Resources, "Microsoft.Resources/subscriptions", Get, skipRbac: true);
        router.Map("GET", "/subscriptions/{subscriptionId}/locations", ApiFamily.Resources, "Microsoft.Resources/subscriptions", Locations, skipRbac: true);
    }

    // Azure public cloud's physical regions (Subscriptions - List Locations, regionType Physical) plus one logical
    // region, so clients that must skip logical ones are exercised.
    private static readonly (string Name, string Display, string Type)[] Regions =
    [
        ("eastus", "East US", "Physical"), ("eastus2", "East US 2", "Physical"), ("southcentralus", "South Central US", "Physical"),
        ("westus2", "West US 2", "Physical"), ("westus3", "West US 3", "Physical"), ("australiaeast", "Australia East", "Physical"),
        ("southeastasia", "Southeast Asia", "Physical"), ("northeurope", "North Europe", "Physical"), ("swedencentral", "Sweden Central", "Physical"),
        ("uksouth", "UK South", "Physical"), ("westeurope", "West Europe", "Physical"), ("centralus", "Central US", "Physical"),
        ("southafricanorth", "South Africa North", "Physical"), ("centralindia", "Central India", "Physical"), ("eastasia", "East Asia", "Physical"),
        ("japaneast", "Japan East", "Physical"), ("koreacentral", "Korea Central", "Physical"), ("canadacentral", "Canada Central", "Physical"),
        ("francecentral", "France Central", "Physical"), ("germanywestcentral", "Germany West Central", "Physical"), ("norwayeast", "Norway East", "Physical"),
        ("switzerlandnorth", "Switzerland North", "Physical"), ("uaenorth", "UAE North", "Physical"), ("brazilsouth", "Brazil South", "Physical"),
        ("northcentralus", "North Central US", "Physical"), ("westus", "West US", "Physical"), ("westcentralus", "West Central US", "Physical"),
        ("ukwest", "UK West", "Physical"), ("japanwest", "Japan West", "Physical"), ("australiasoutheast", "Australia Southeast", "Physical"),
        ("unitedstates", "United States", "Logical"),
    ];

    private static ArmResponse Locations(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var id = ctx.Value("subscriptionId");
        var sub = Subscriptions.Get(s, id) ?? throw ArmErrors.SubscriptionNotFound(id);
        if (!HasAnyRole(RoleAssignments.All(s), ctx.Principal.ObjectId, Json.Str(sub, "id")!))
        {
            throw ArmErrors.AuthorizationFailed(ctx.Principal.ObjectId, "Microsoft.Resources/subscriptions/read", Json.Str(sub, "id")!);
        }
        var body = new JsonObject
        {
            ["value"] = new JsonArray(Regions.Select(r => (JsonNode)new JsonObject
            {
                ["id"] = $"{Json.Str(sub, "id")}/locations/{r.Name}",
                ["name"] = r.Name,
                ["displayName"] = r.Display,
                ["regionalDisplayName"] = r.Display,
                ["type"] = "Region",
                ["metadata"] = new JsonObject { ["regionType"] = r.Type },
            }).ToArray()),
        };
        return ArmResponse.Ok(body);
    });

    private static bool HasAnyRole(List<JsonObject> assignments, string objectId, string subscriptionScope) =>
        assignments.Any(a => string.Equals(RoleAssignments.PrincipalOf(a), objectId, StringComparison.OrdinalIgnoreCase)
            && (Rbac.ScopeApplies(RoleAssignments.ScopeOf(a), subscriptionScope) || Rbac.ScopeApplies(subscriptionScope, RoleAssignments.ScopeOf(a))));

    private static ArmResponse List(ArmContext ctx)
    {
        var items = ctx.Store.Transaction(s =>
        {
            var assignments = RoleAssignments.All(s);
            return Subscriptions.List(s)
                .Where(sub => HasAnyRole(assignments, ctx.Principal.ObjectId, Json.Str(sub, "id")!))
                .Select(sub => (JsonNode)sub)
                .ToList();
        });
        return ctx.Page(items);
    }

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var id = ctx.Value("subscriptionId");
        var sub = Subscriptions.Get(s, id) ?? throw ArmErrors.SubscriptionNotFound(id);
        if (!HasAnyRole(RoleAssignments.All(s), ctx.Principal.ObjectId, Json.Str(sub, "id")!))
        {
            throw ArmErrors.AuthorizationFailed(ctx.Principal.ObjectId, "Microsoft.Resources/subscriptions/read", Json.Str(sub, "id")!);
        }

        return ArmResponse.Ok(sub);
    });
}

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

/// <summary>Microsoft.Authorization role definitions (built-in only) and role assignments at any scope.</summary>
internal static partial class AuthorizationHandler
{
    public static void Register(ArmRouter router)
    {
        const string defs = "{*scope}/providers/Microsoft.Authorization/roleDefinitions";
        const string assigns = "{*scope}/providers/Microsoft.Authorization/roleAssignments";
        router.Map("GET", defs, ApiFamily.Authorization, "Microsoft.Authorization/roleDefinitions", ListDefinitions);
        router.Map("GET", defs + "/{roleDefinitionId}", ApiFamily.Authorization, "Microsoft.Authorization/roleDefinitions", GetDefinition);
        router.Map("GET", assigns, ApiFamily.Authorization, "Microsoft.Authorization/roleAssignments", ListAssignments);
        router.Map("GET", assigns + "/{roleAssignmentName}", ApiFamily.Authorization, "Microsoft.Authorization/roleAssignments", GetAssignment);
        router.Map("PUT", assigns + "/{roleAssignmentName}", ApiFamily.Authorization, "Microsoft.Authorization/roleAssignments", PutAssignment);
        router.Map("DELETE", assigns + "/{roleAssignmentName}", ApiFamily.Authorization, "Microsoft.Authorization/roleAssignments", DeleteAssignment);
    }

    private static string Scope(ArmContext ctx) => ctx.Value("scope") is { Length: > 1 } s ? s.TrimEnd('/') : "/";

    private static ArmResponse ListDefinitions(ArmContext ctx)
    {
        var filter = ctx.Query("$filter");
        IEnumerable<RoleDefinition> roles = BuiltInRoles.All;
        if (!string.IsNullOrEmpty(filter))
        {
            var m = RoleNameFilter().Match(filter);
            if (!m.Success)
            {
                throw ArmErrors.BadRequest("InvalidFilterInQueryString", $"The filter '{filter}' is not supported. Use roleName eq '<name>'.");
            }

            roles = roles.Where(r => r.RoleName.Equals(m.Groups[1].Value, StringComparison.OrdinalIgnoreCase));
        }

        return ctx.Page(roles.Select(r => (JsonNode)r.ToJson(Scope(ctx))).ToList(), pageSizeOverride: int.MaxValue);
    }

    private static ArmResponse GetDefinition(ArmContext ctx)
    {
        var id = ctx.Value("roleDefinitionId");
        var role = BuiltInRoles.ById(id) ?? throw ArmErrors.NotFound("RoleDefinitionDoesNotExist", $"The specified role definition with ID '{id}' does not exist.");
        return ArmResponse.Ok(role.ToJson(Scope(ctx)));
    }

    private static ArmResponse ListAssignments(ArmContext ctx)
    {
        var filter = ctx.Query("$filter") ?? string.Empty;
        var atScope = filter.Contains("atScope()", StringComparison.OrdinalIgnoreCase);
        var principalMatch = PrincipalFilter().Match(filter);
        var principal = principalMatch.Success ? principalMatch.Groups[1].Value : null;
        var scope = Scope(ctx);
        var items = ctx.Store.Transaction(s => RoleAssignments.All(s)
            .Where(a =>
            {
                var aScope = RoleAssignments.ScopeOf(a);
                var related = Rbac.ScopeApplies(aScope, scope) || (!atScope && Rbac.ScopeApplies(scope, aScope));
                return related && (principal is null || string.Equals(RoleAssignments.PrincipalOf(a), principal, StringComparison.OrdinalIgnoreCase));
            })
            .Select(a => (JsonNode)a).ToList());
        return ctx.Page(items);
    }

    private static ArmResponse GetAssignment(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var doc = s.Get(RoleAssignments.IdOf(Scope(ctx), ctx.Value("roleAssignmentName")))
            ?? throw ArmErrors.NotFound("RoleAssignmentNotFound", $"The role assignment '{ctx.Value("roleAssignmentName")}' is not found.");
        return ArmResponse.Ok(Json.ParseObject(doc.Body));
    });

    private static ArmResponse PutAssignment(ArmContext ctx)
    {
        var name = ctx.Value("roleAssignmentName");
        if (!Guid.TryParse(name, out _))
        {
            throw ArmErrors.BadRequest("InvalidRoleAssignmentId", $"The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID.");
        }

        var props = ctx.RequireBodyObject()["properties"] as JsonObject ?? throw ArmErrors.InvalidRequestContent("properties is required.");
        var roleId = Json.Str(props, "roleDefinitionId") ?? string.Empty;
        var principalId = Json.Str(props, "principalId") ?? string.Empty;
        var role = BuiltInRoles.ById(roleId) ?? throw ArmErrors.BadRequest("RoleDefinitionDoesNotExist", $"The specified role definition with ID '{roleId}' does not exist.");
        return ctx.Store.Transaction(s =>
        {
            if (Principals.ByObjectId(s, principalId) is null)
            {
                throw ArmErrors.BadRequest("PrincipalNotFound", $"Principal {principalId} does not exist in the directory {EmulatorConstants.TenantId}.");
            }

            var scope = Scope(ctx);
            var id = RoleAssignments.IdOf(scope, name);
            var duplicate = RoleAssignments.All(s).FirstOrDefault(a =>
                string.Equals(RoleAssignments.ScopeOf(a), scope, StringComparison.OrdinalIgnoreCase)
                && string.Equals(RoleAssignments.PrincipalOf(a), principalId, StringComparison.OrdinalIgnoreCase)
                && RoleAssignments.RoleOf(a)?.Id == role.Id
                && !string.Equals(Json.Str(a, "name"), name, StringComparison.OrdinalIgnoreCase));
            if (duplicate is not null)
            {
                throw ArmErrors.Conflict("RoleAssignmentExists", "The role assignment already exists.");
            }

            var existed = s.Get(id) is not null;
            var body = RoleAssignments.Put(s, scope, name, role, principalId);
            return existed ? ArmResponse.Ok(body) : ArmResponse.Created(body);
        });
    }

    private static ArmResponse DeleteAssignment(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var id = RoleAssignments.IdOf(Scope(ctx), ctx.Value("roleAssignmentName"));
        var doc = s.Get(id);
        if (doc is null)
        {
            return ArmResponse.NoContent();
        }

        s.Delete(id);
        return ArmResponse.Ok(Json.ParseObject(doc.Body));
    });

    [GeneratedRegex(@"roleName\s+eq\s+'([^']*)'", RegexOptions.IgnoreCase)]
    private static partial Regex RoleNameFilter();

    [GeneratedRegex(@"principalId\s+eq\s+'([^']*)'", RegexOptions.IgnoreCase)]
    private static partial Regex PrincipalFilter();
}
