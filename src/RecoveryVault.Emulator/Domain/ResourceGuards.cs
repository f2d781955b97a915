// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain;

/// <summary>One critical operation of a Recovery Services vault that a resource guard can protect.</summary>
/// <param name="VaultOperation">Azure's name of it, as a guard lists it and as <c>vaultCriticalOperationExclusionList</c> takes it.</param>
/// <param name="RequestType">The guard's request collection the caller names in <c>resourceGuardOperationRequests</c> (<c>{guard}/{RequestType}/default</c>).</param>
/// <param name="Mandatory">Cannot be excluded (MUA concept page: "Mandatory" operations).</param>
/// <param name="Description">What the operation does, for error messages.</param>
internal sealed record CriticalOperation(string VaultOperation, string RequestType, bool Mandatory, string Description)
{
    public string RequestResourceType => ResourceGuards.Type + "/" + RequestType;

    /// <summary>The action the critical-operation check asks of the caller on the guard: Backup MUA Operator's <c>Microsoft.DataProtection/*/action</c> grants it, Reader and Backup MUA Admin do not.</summary>
    public string GuardAction => RequestResourceType + "/action";

    public string DefaultRequest(string guardId) => guardId + "/" + RequestType + "/default";
}

/// <summary>
/// Multi-user authorization (Azure Backup "About Multi-user authorization using Resource Guard"): a vault mapped to a
/// resource guard (<c>backupResourceGuardProxies/VaultProxy</c>) performs a critical operation only when the caller also
/// holds the right on the guard, which may live in another subscription or tenant. What is checked, in order:
/// <list type="number">
/// <item>the operation is not in the guard's <c>vaultCriticalOperationExclusionList</c> (else it is not protected);</item>
/// <item>the request names the guard's default request for the operation in <c>resourceGuardOperationRequests</c>
/// (Az.RecoveryServices builds it from the mapping's <c>resourceGuardOperationDetails[].defaultResourceRequest</c>);</item>
/// <item>the caller's identity in the guard's tenant — the token in <c>x-ms-authorization-auxiliary</c> issued for that
/// tenant, or the primary token when the guard shares its tenant — has the operation's action on the guard
/// (Backup MUA Operator or Contributor there; Reader is not enough).</item>
/// </list>
/// A refusal is ARM's linked-access answer, 403 <c>LinkedAuthorizationFailed</c>, with ARM's two messages: the caller
/// lacks the action on the linked scope, or its tenant is not authorized to access the guard's subscription.
/// Deletions (stop protection with delete data, remove the mapping) are unlocked first by
/// <c>backupResourceGuardProxies/{name}/unlockDelete</c>, which runs the check and opens a window for the one resource.
/// </summary>
internal static class ResourceGuards
{
    public const string Type = "Microsoft.DataProtection/resourceGuards";
    public const string ProxyType = "Microsoft.RecoveryServices/vaults/backupResourceGuardProxies";
    public const string GuardKind = "resourceGuard";
    public const string ProxyKind = "resourceGuardProxy";

    /// <summary>Not documented by Azure; long enough for a prompt and a retry, short enough to matter.</summary>
    public static readonly TimeSpan UnlockWindow = TimeSpan.FromMinutes(30);

    // Operation names: the official PutResourceGuard example (backupconfig/write, backupResourceGuardProxies/delete) and
    // the values the AzureRM provider documents for vaultCriticalOperationExclusionList, which Az.RecoveryServices also
    // uses (write#reduceImmutabilityState). The immutability request collection follows the official
    // PUTVault_ResourceGuardEnabled example's "{guard}/modifyEncryptionSettings/default" shape.
    public static readonly CriticalOperation DisableSoftDelete = new("Microsoft.RecoveryServices/vaults/backupconfig/write", "disableSoftDeleteRequests", true, "disable soft delete or shorten its retention");
    public static readonly CriticalOperation RemoveMapping = new("Microsoft.RecoveryServices/vaults/backupResourceGuardProxies/delete", "deleteResourceGuardProxyRequests", true, "remove MUA protection");
    public static readonly CriticalOperation UpdatePolicy = new("Microsoft.RecoveryServices/vaults/backupPolicies/write", "updateProtectionPolicyRequests", false, "reduce a backup policy's retention");
    public static readonly CriticalOperation UpdateItem = new("Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/write", "updateProtectedItemRequests", false, "modify protection to a policy with shorter retention");
    public static readonly CriticalOperation DeleteItem = new("Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/delete", "deleteProtectedItemRequests", false, "stop protection and delete backup data");
    public static readonly CriticalOperation ReduceImmutability = new("Microsoft.RecoveryServices/vaults/write#reduceImmutabilityState", "reduceImmutabilityState", false, "disable immutability");

    public static IReadOnlyList<CriticalOperation> All { get; } = [RemoveMapping, DisableSoftDelete, UpdatePolicy, UpdateItem, DeleteItem, ReduceImmutability];

    /// <summary>The request collections the spec publishes under a guard (…/{collection} and …/{collection}/default).</summary>
    public static readonly string[] RequestCollections =
        ["deleteProtectedItemRequests", "deleteResourceGuardProxyRequests", "disableSoftDeleteRequests", "getBackupSecurityPINRequests", "updateProtectedItemRequests", "updateProtectionPolicyRequests"];

    public static string IdOf(string subscriptionId, string resourceGroup, string name) =>
        $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/{Type}/{name}";

    public static ResourceDoc? LoadGuard(IStoreSession s, string id) => ResourceDoc.Load(s, id, GuardKind);

    public static IEnumerable<string> Excluded(ResourceDoc guard) =>
        (guard.Props["vaultCriticalOperationExclusionList"] as JsonArray ?? []).Select(n => Json.Str(n) ?? string.Empty);

    public static bool IsExcluded(ResourceDoc guard, CriticalOperation op) =>
        Excluded(guard).Any(e => string.Equals(e, op.VaultOperation, StringComparison.OrdinalIgnoreCase));

    /// <summary>The operations the guard protects now (those not excluded), as <c>resourceGuardOperations</c> lists them.</summary>
    public static IEnumerable<CriticalOperation> Protected(ResourceDoc guard) => All.Where(op => !IsExcluded(guard, op));

    public static ResourceDoc? ProxyOf(IStoreSession s, string vaultId) =>
        ResourceDoc.List(s, ProxyKind, vaultId + "/backupResourceGuardProxies/").FirstOrDefault();

    /// <summary>The guard's id from a resource id the caller gave, or null when it is not a resource guard id.</summary>
    public static (string Subscription, string ResourceGroup, string Name)? ParseGuardId(string? id)
    {
        var segs = (id ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segs.Length != 8 || !segs[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) || !Guid.TryParse(segs[1], out _)
            || !segs[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase) || !segs[4].Equals("providers", StringComparison.OrdinalIgnoreCase)
            || !segs[5].Equals("Microsoft.DataProtection", StringComparison.OrdinalIgnoreCase) || !segs[6].Equals("resourceGuards", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return (segs[1], segs[3], segs[7]);
    }

    /// <summary>True when a policy moving from <paramref name="before"/> to <paramref name="after"/> keeps any point for less time ("reduced retention").</summary>
    public static bool ReducesRetention(JsonObject before, JsonObject after)
    {
        var old = Immutability.RetentionRules(before);
        var next = Immutability.RetentionRules(after);
        return old.Any(r => !next.TryGetValue(r.Key, out var days) || days < r.Value);
    }

    /// <summary>Runs the MUA check for <paramref name="op"/> on the vault; returns at once when the vault is not mapped or the operation is excluded.</summary>
    public static void Authorize(ArmContext ctx, IStoreSession s, string vaultId, CriticalOperation op, JsonNode? requests)
    {
        if (ProxyOf(s, vaultId) is not { } proxy)
        {
            return;
        }

        var guardId = Json.Str(proxy.Props, "resourceGuardResourceId")!;
        var guard = LoadGuard(s, guardId) ?? throw LinkedFailed(ctx, op.GuardAction, guardId);
        if (IsExcluded(guard, op))
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

    // ---- unlockDelete windows, kept in the proxy's meta ----

    /// <summary>Opens the delete window <c>unlockDelete</c> grants for <paramref name="resource"/> (null: the mapping itself).</summary>
    public static DateTimeOffset Unlock(IStoreSession s, ResourceDoc proxy, CriticalOperation op, string? resource, DateTimeOffset now)
    {
        var expiry = now.Add(UnlockWindow);
        var unlocks = proxy.Meta["unlocks"] as JsonArray ?? [];
        unlocks.Add(new JsonObject { ["requestType"] = op.RequestType, ["resource"] = resource, ["expiry"] = Json.Timestamp(expiry) });
        proxy.Meta["unlocks"] = unlocks.DeepClone();
        proxy.Save(s);
        return expiry;
    }

    /// <summary>Uses up a live window for <paramref name="resource"/>; false when there is none.</summary>
    public static bool ConsumeUnlock(IStoreSession s, ResourceDoc proxy, CriticalOperation op, string resource, DateTimeOffset now)
    {
        if (proxy.Meta["unlocks"] is not JsonArray unlocks)
        {
            return false;
        }

        foreach (var u in unlocks.OfType<JsonObject>().ToList())
        {
            var live = Json.ParseTime(Json.Str(u, "expiry")) is { } e && e > now;
            var matches = string.Equals(Json.Str(u, "requestType"), op.RequestType, StringComparison.OrdinalIgnoreCase)
                && (Json.Str(u, "resource") is { } r
                    ? string.Equals(r.TrimEnd('/'), resource.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
                    : op == RemoveMapping);
            if (live && matches)
            {
                unlocks.Remove(u);
                proxy.Save(s);
                return true;
            }
        }

        return false;
    }

    /// <summary>A deletion that MUA protects goes through only inside an <c>unlockDelete</c> window for that resource.</summary>
    public static void RequireUnlocked(ArmContext ctx, IStoreSession s, string vaultId, CriticalOperation op, string resource)
    {
        if (ProxyOf(s, vaultId) is not { } proxy)
        {
            return;
        }

        var guardId = Json.Str(proxy.Props, "resourceGuardResourceId")!;
        if (LoadGuard(s, guardId) is { } guard && IsExcluded(guard, op))
        {
            return;
        }

        if (!ConsumeUnlock(s, proxy, op, resource, ctx.Now))
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
            Authorize(ctx, s, vaultId, DisableSoftDelete, requests);
        }

        var immBefore = Json.Str(before?["immutabilitySettings"] as JsonObject, "state");
        var immAfter = Json.Str(after?["immutabilitySettings"] as JsonObject, "state");
        if (immBefore is "Unlocked" && immAfter is "Disabled")
        {
            Authorize(ctx, s, vaultId, ReduceImmutability, requests);
        }
    }

    /// <summary>Sets the vault's read-only <c>securitySettings.multiUserAuthorization</c>, which follows the mapping.</summary>
    public static void MarkVault(IStoreSession s, string vaultId, bool mapped)
    {
        if (ResourceDoc.Load(s, vaultId, DocumentKinds.Vault) is not { } vault)
        {
            return;
        }

        Json.Obj(Json.Obj(vault.Body, "properties"), "securitySettings")["multiUserAuthorization"] = mapped ? "Enabled" : "Disabled";
        vault.Save(s);
    }
}
