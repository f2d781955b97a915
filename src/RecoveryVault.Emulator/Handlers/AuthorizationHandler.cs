// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;

namespace RecoveryVault.Emulator.Handlers;

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
