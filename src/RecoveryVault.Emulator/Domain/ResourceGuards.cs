// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
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
/// The checks themselves, which need the request, are <c>Handlers/ResourceGuardCheck.cs</c>.
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
    // uses (write#reduceImmutabilityState). modifyEncryptionSettings is the request collection of the official
    // PUTVault_ResourceGuardEnabled example ("{guard}/modifyEncryptionSettings/default"); the immutability one follows its shape.
    public static readonly CriticalOperation DisableSoftDelete = new("Microsoft.RecoveryServices/vaults/backupconfig/write", "disableSoftDeleteRequests", true, "disable soft delete or shorten its retention");
    public static readonly CriticalOperation RemoveMapping = new("Microsoft.RecoveryServices/vaults/backupResourceGuardProxies/delete", "deleteResourceGuardProxyRequests", true, "remove MUA protection");
    public static readonly CriticalOperation UpdatePolicy = new("Microsoft.RecoveryServices/vaults/backupPolicies/write", "updateProtectionPolicyRequests", false, "reduce a backup policy's retention");
    public static readonly CriticalOperation UpdateItem = new("Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/write", "updateProtectedItemRequests", false, "modify protection to a policy with shorter retention");
    public static readonly CriticalOperation DeleteItem = new("Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/delete", "deleteProtectedItemRequests", false, "stop protection and delete backup data");
    public static readonly CriticalOperation ReduceImmutability = new("Microsoft.RecoveryServices/vaults/write#reduceImmutabilityState", "reduceImmutabilityState", false, "disable immutability");

    public static readonly CriticalOperation GetSecurityPin = new("Microsoft.RecoveryServices/vaults/backupSecurityPIN/action", "getBackupSecurityPINRequests", false, "get the backup security PIN");
    public static readonly CriticalOperation ModifyEncryption = new("Microsoft.RecoveryServices/vaults/write#modifyEncryptionSettings", "modifyEncryptionSettings", false, "modify the vault's encryption settings");

    public static IReadOnlyList<CriticalOperation> All { get; } = [RemoveMapping, DisableSoftDelete, UpdatePolicy, UpdateItem, DeleteItem, ReduceImmutability, GetSecurityPin, ModifyEncryption];

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

    /// <summary>Sets the vault's read-only <c>securitySettings.multiUserAuthorization</c>, which follows the mapping.</summary>
    public static void MarkVault(IStoreSession s, string vaultId, bool mapped)
    {
        if (ResourceDoc.Load(s, vaultId, DocumentKinds.Vault) is not { } vault)
        {
            return;
        }

        var properties = Json.Obj(vault.Body, "properties");
        var security = Json.Obj(properties, "securitySettings");
        security["multiUserAuthorization"] = mapped ? "Enabled" : "Disabled";
        // The vault's security level counts MUA, so it moves with the mapping as it does with the vault's own settings.
        var level = VaultModel.SecurityLevel(Json.Obj(security, "softDeleteSettings"), Json.Obj(security, "immutabilitySettings"), security);
        properties["secureScore"] = level.SecureScore;
        properties["bcdrSecurityLevel"] = level.Bcdr;
        vault.Save(s);
    }
}
