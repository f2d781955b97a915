// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;

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
