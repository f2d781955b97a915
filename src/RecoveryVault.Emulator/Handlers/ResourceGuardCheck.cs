// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// The MUA checks of a request (see <see cref="ResourceGuards"/> for the model): the critical-operation check, the
/// linked-access check on the guard with ARM's cross-tenant auxiliary tokens, and the unlockDelete window of deletions.
/// </summary>
internal static class ResourceGuardCheck
{
    /// <summary>Runs the MUA check for <paramref name="op"/> on the vault; returns at once when the vault is not mapped or the operation is excluded.</summary>
    public static void Authorize(ArmContext ctx, IStoreSession s, string vaultId, CriticalOperation op, JsonNode? requests)
    {
        if (ResourceGuards.ProxyOf(s, vaultId) is not { } proxy)
        {
            return;
        }

        var guardId = Json.Str(proxy.Props, "resourceGuardResourceId")!;
        var guard = ResourceGuards.LoadGuard(s, guardId) ?? throw LinkedFailed(ctx, op.GuardAction, guardId);
        if (ResourceGuards.IsExcluded(guard, op))
        {
            return;
        }

        var expected = op.DefaultRequest(Json.Str(guard.Body, "id")!);
        var listed = (requests as JsonArray ?? []).Select(n => Json.Str(n)).Any(r => string.Equals(r, expected, StringComparison.OrdinalIgnoreCase));
        if (!listed)
        {
            var (action, scope) = Primary(ctx);
            throw new ArmException(403, "LinkedAuthorizationFailed",
                $"The client '{ctx.Principal.ObjectId}' with object id '{ctx.Principal.ObjectId}' has permission to perform action '{action}' on scope '{scope}'; however, the vault is protected by the resource guard '{Json.Str(guard.Body, "id")}' and the operation ({op.Description}) must name '{expected}' in resourceGuardOperationRequests.");
        }

        RequireGuardAction(ctx, s, guard, op);
    }

    /// <summary>The linked-access check on the guard: the caller, as the guard's tenant knows it, needs the operation's action there.</summary>
    public static void RequireGuardAction(ArmContext ctx, IStoreSession s, ResourceDoc guard, CriticalOperation op) =>
        RequireOnGuard(ctx, s, guard, op.GuardAction, op.DefaultRequest(Json.Str(guard.Body, "id")!));

    /// <summary>Checks <paramref name="action"/> at <paramref name="scope"/> (the guard or one of its requests) for the caller's identity in the guard's tenant.</summary>
    public static void RequireOnGuard(ArmContext ctx, IStoreSession s, ResourceDoc guard, string action, string scope)
    {
        var guardId = Json.Str(guard.Body, "id")!;
        var guardSubscription = guardId.Split('/', StringSplitOptions.RemoveEmptyEntries)[1];
        var guardTenant = Tenants.OfSubscription(s, guardSubscription);
        var linked = LinkedPrincipal(ctx, guardTenant);
        if (linked is null)
        {
            var (primaryAction, primaryScope) = Primary(ctx);
            // ARM's answer when the request reaches into a tenant the token was not issued for and no auxiliary token covers it.
            throw new ArmException(403, "LinkedAuthorizationFailed",
                $"The client '{ctx.Principal.ObjectId}' with object id '{ctx.Principal.ObjectId}' has permission to perform action '{primaryAction}' on scope '{primaryScope}'; however, the current tenant '{ctx.Principal.TenantId}' is not authorized to access linked subscription '{guardSubscription}'.");
        }

        if (!RoleAssignments.IsAllowed(s, linked, action, scope))
        {
            throw LinkedFailed(ctx, action, scope);
        }
    }

    /// <summary>
    /// The caller's object id in <paramref name="tenant"/>: from the auxiliary token issued for it, else the primary
    /// token when that is the tenant; null when neither. Auxiliary tokens follow ARM's cross-tenant rules: up to three,
    /// each valid and unexpired (else 401), all from the same application as the primary token.
    /// </summary>
    private static string? LinkedPrincipal(ArmContext ctx, string tenant)
    {
        var header = ctx.Header("x-ms-authorization-auxiliary");
        string? found = null;
        if (!string.IsNullOrWhiteSpace(header))
        {
            var tokens = header.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (tokens.Length > 3)
            {
                throw Unauthorized(ctx, "InvalidAuthenticationToken", "The 'x-ms-authorization-auxiliary' header carries more than three tokens.");
            }

            foreach (var t in tokens)
            {
                if (!t.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                {
                    throw Unauthorized(ctx, "InvalidAuthenticationToken", "The 'x-ms-authorization-auxiliary' header is provided in an invalid format; expected 'Bearer <token>'.");
                }

                var v = ctx.Runtime.Tokens.Validate(t[7..].Trim(), DateTimeOffset.UtcNow);
                if (v.Status == TokenStatus.Expired)
                {
                    throw Unauthorized(ctx, "ExpiredAuthenticationToken", "The auxiliary access token has expired. " + v.Message);
                }

                if (v.Status != TokenStatus.Valid)
                {
                    throw Unauthorized(ctx, "InvalidAuthenticationToken", "The auxiliary access token is invalid. " + v.Message);
                }

                if (!string.Equals(v.ClientId, ctx.Principal.ClientId, StringComparison.OrdinalIgnoreCase))
                {
                    throw Unauthorized(ctx, "InvalidAuthenticationToken",
                        "The auxiliary access token was issued to another application than the primary token; all tokens of a request must come from the same user or application.");
                }

                if (string.Equals(v.TenantId, tenant, StringComparison.OrdinalIgnoreCase))
                {
                    found = v.ObjectId;
                }
            }
        }

        return found ?? (string.Equals(ctx.Principal.TenantId, tenant, StringComparison.OrdinalIgnoreCase) ? ctx.Principal.ObjectId : null);
    }

    private static (string Action, string Scope) Primary(ArmContext ctx)
    {
        var segments = ArmRouter.SplitPath(ctx.Path);
        return (Rbac.DeriveAction(ctx.Http.Request.Method, segments), Rbac.ScopeOf(ctx.Http.Request.Method, segments));
    }

    private static ArmException LinkedFailed(ArmContext ctx, string action, string linkedScope)
    {
        var (primaryAction, primaryScope) = Primary(ctx);
        return new ArmException(403, "LinkedAuthorizationFailed",
            $"The client '{ctx.Principal.ObjectId}' with object id '{ctx.Principal.ObjectId}' has permission to perform action '{primaryAction}' on scope '{primaryScope}'; however, it does not have permission to perform action(s) '{action}' on the linked scope(s) '{linkedScope}' (respectively) or the linked scope(s) are invalid.");
    }

    private static ArmException Unauthorized(ArmContext ctx, string code, string message) =>
        ArmErrors.Unauthorized(code, message, ctx.Runtime.Endpoint, ctx.Principal.TenantId ?? EmulatorConstants.TenantId);

    /// <summary>A deletion that MUA protects goes through only inside an <c>unlockDelete</c> window for that resource.</summary>
    public static void RequireUnlocked(ArmContext ctx, IStoreSession s, string vaultId, CriticalOperation op, string resource)
    {
        if (ResourceGuards.ProxyOf(s, vaultId) is not { } proxy)
        {
            return;
        }

        var guardId = Json.Str(proxy.Props, "resourceGuardResourceId")!;
        if (ResourceGuards.LoadGuard(s, guardId) is { } guard && ResourceGuards.IsExcluded(guard, op))
        {
            return;
        }

        if (!ResourceGuards.ConsumeUnlock(s, proxy, op, resource, ctx.Now))
        {
            var (action, scope) = Primary(ctx);
            throw new ArmException(403, "LinkedAuthorizationFailed",
                $"The client '{ctx.Principal.ObjectId}' with object id '{ctx.Principal.ObjectId}' has permission to perform action '{action}' on scope '{scope}'; however, the vault is protected by the resource guard '{guardId}' and the operation ({op.Description}) must first be unlocked: POST {Json.Str(proxy.Body, "id")}/unlockDelete naming '{op.DefaultRequest(guardId)}' in resourceGuardOperationRequests and '{resource}' as resourceToBeDeleted.");
        }
    }

    /// <summary>
    /// MUA on a vault change (PUT/PATCH vault, backupconfig): turning soft delete off or shortening its retention is
    /// "Disable soft delete or security features"; leaving immutability Unlocked for Disabled is "Disable immutability".
    /// </summary>
    public static void AuthorizeVaultChange(ArmContext ctx, IStoreSession s, string vaultId, JsonObject? previous, JsonObject next, JsonNode? requests)
    {
        if (previous is null)
        {
            return;
        }

        var before = previous["properties"]?["securitySettings"] as JsonObject;
        var after = next["properties"]?["securitySettings"] as JsonObject;
        var sdBefore = before?["softDeleteSettings"] as JsonObject;
        var sdAfter = after?["softDeleteSettings"] as JsonObject;
        var weakened = (Json.Str(sdBefore, "softDeleteState") is "Enabled" or "AlwaysON" && Json.Str(sdAfter, "softDeleteState") == "Disabled")
            || (Json.Str(sdBefore, "enhancedSecurityState") is "Enabled" or "AlwaysON" && Json.Str(sdAfter, "enhancedSecurityState") == "Disabled")
            || (Json.Int(sdAfter?["softDeleteRetentionPeriodInDays"]) < Json.Int(sdBefore?["softDeleteRetentionPeriodInDays"]));
        if (weakened)
        {
            Authorize(ctx, s, vaultId, ResourceGuards.DisableSoftDelete, requests);
        }

        // A change of an existing vault's customer-managed key settings (the official PUTVault_ResourceGuardEnabled
        // example names the modifyEncryptionSettings request on such a PUT); setting them the first time is not guarded.
        if (previous["properties"]?["encryption"] is JsonObject encBefore && next["properties"]?["encryption"] is JsonObject encAfter
            && !System.Text.Json.Nodes.JsonNode.DeepEquals(encBefore, encAfter))
        {
            Authorize(ctx, s, vaultId, ResourceGuards.ModifyEncryption, requests);
        }

        var immBefore = Json.Str(before?["immutabilitySettings"] as JsonObject, "state");
        var immAfter = Json.Str(after?["immutabilitySettings"] as JsonObject, "state");
        if (immBefore is "Unlocked" && immAfter is "Disabled")
        {
            Authorize(ctx, s, vaultId, ResourceGuards.ReduceImmutability, requests);
        }
    }
}
