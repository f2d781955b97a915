// Copyright (c) RecoveryVault contributors. MIT License.
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain;

/// <summary>Role assignments, stored at their scope.</summary>
internal static class RoleAssignments
{
    public static string IdOf(string scope, string name) =>
        $"{(scope == "/" ? string.Empty : scope.TrimEnd('/'))}/providers/Microsoft.Authorization/roleAssignments/{name}";

    public static JsonObject Put(IStoreSession s, string scope, string name, RoleDefinition role, string principalId)
    {
        var normalizedScope = scope == "/" ? "/" : scope.TrimEnd('/');
        var now = Json.Timestamp(DateTimeOffset.UtcNow);
        var subscriptionPrefix = normalizedScope.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase)
            ? "/subscriptions/" + normalizedScope.Split('/', StringSplitOptions.RemoveEmptyEntries)[1]
            : string.Empty;
        var body = new JsonObject
        {
            ["id"] = IdOf(normalizedScope, name),
            ["name"] = name,
            ["type"] = "Microsoft.Authorization/roleAssignments",
            ["properties"] = new JsonObject
            {
                ["roleDefinitionId"] = $"{subscriptionPrefix}/providers/Microsoft.Authorization/roleDefinitions/{role.Id}",
                ["principalId"] = principalId,
                ["principalType"] = "ServicePrincipal",
                ["scope"] = normalizedScope,
                ["createdOn"] = now,
                ["updatedOn"] = now,
                ["createdBy"] = null,
                ["updatedBy"] = null,
            },
        };
        s.Put(new StoredDocument(IdOf(normalizedScope, name), DocumentKinds.RoleAssignment, normalizedScope, body.ToJsonString()));
        return body;
    }

    public static List<JsonObject> All(IStoreSession s) =>
        s.ListByKind(DocumentKinds.RoleAssignment).Select(d => Json.ParseObject(d.Body)).ToList();

    public static string ScopeOf(JsonObject assignment) => Json.Str(assignment["properties"] as JsonObject, "scope") ?? "/";

    public static string PrincipalOf(JsonObject assignment) => Json.Str(assignment["properties"] as JsonObject, "principalId") ?? string.Empty;

    public static RoleDefinition? RoleOf(JsonObject assignment) =>
        BuiltInRoles.ById(Json.Str(assignment["properties"] as JsonObject, "roleDefinitionId") ?? string.Empty);

    public static bool IsAllowed(IStoreSession s, string objectId, string action, string scope) =>
        All(s).Any(a => string.Equals(PrincipalOf(a), objectId, StringComparison.OrdinalIgnoreCase)
            && Rbac.ScopeApplies(ScopeOf(a), scope)
            && RoleOf(a) is { } role
            && Rbac.Allows(role, action));
}
