// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// Permissions - List For Resource / For Resource Group (Microsoft.Authorization 2022-04-01): the caller's own effective
/// permissions at a scope, one entry per role assigned to it at that scope or above, as ARM answers them. Any signed-in
/// caller may ask about itself, so this is not RBAC-checked. Clients use it to check a multi-step plan before its first step.
/// </summary>
internal static class PermissionsHandler
{
    public static void Register(ArmRouter router) =>
        router.Map("GET", "{*scope}/providers/Microsoft.Authorization/permissions", ApiFamily.Authorization, "Microsoft.Authorization/permissions", List, skipRbac: true);

    private static ArmResponse List(ArmContext ctx)
    {
        var scope = ctx.Value("scope") is { Length: > 1 } s ? s.TrimEnd('/') : "/";
        if (!scope.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase))
        {
            throw ArmErrors.BadRequest("InvalidResourceId", $"'{scope}' is not a subscription, resource group or resource scope.");
        }

        var list = ctx.Store.Transaction(st => RoleAssignments.All(st)
            .Where(a => string.Equals(RoleAssignments.PrincipalOf(a), ctx.Principal.ObjectId, StringComparison.OrdinalIgnoreCase)
                && Auth.Rbac.ScopeApplies(RoleAssignments.ScopeOf(a), scope))
            .Select(RoleAssignments.RoleOf)
            .OfType<Auth.RoleDefinition>()
            .DistinctBy(r => r.Id)
            .Select(r => (JsonNode)new JsonObject
            {
                ["actions"] = new JsonArray(r.Actions.Select(x => (JsonNode)x).ToArray()),
                ["notActions"] = new JsonArray(r.NotActions.Select(x => (JsonNode)x).ToArray()),
                ["dataActions"] = new JsonArray(),
                ["notDataActions"] = new JsonArray(),
            })
            .ToList());
        return ctx.Page(list);
    }
}
