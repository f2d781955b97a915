// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain;


/// <summary>Vault rules shared by the vault, deleted-vault, operation and backup-config handlers.</summary>
internal static partial class VaultModel
{
    public const string Type = "Microsoft.RecoveryServices/vaults";

    // Properties the service owns: whatever a client sends for them is dropped and recomputed.
    private static readonly string[] ServerOwnedProperties =
    [
        "provisioningState", "privateEndpointConnections", "privateEndpointStateForBackup", "privateEndpointStateForSiteRecovery",
        "moveState", "backupStorageVersion", "secureScore", "bcdrSecurityLevel",
    ];

    public static string IdOf(string subscriptionId, string resourceGroup, string name) =>
        $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.RecoveryServices/vaults/{name}";

    public static void ValidateName(string name)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw ArmErrors.BadRequest("InvalidResourceName",
                $"The resource name '{name}' is invalid. A Recovery Services vault name must be 2 to 50 characters long, start with a letter and contain only letters, numbers and hyphens.",
                name);
        }
    }

    /// <summary>Resource group of the request, or 404 ResourceGroupNotFound.</summary>
    public static JsonObject RequireResourceGroup(IStoreSession s, string subscriptionId, string resourceGroup) =>
        ResourceGroups.Get(s, subscriptionId, resourceGroup) ?? throw ArmErrors.ResourceGroupNotFound(resourceGroup);

    /// <summary>The vault, or null when absent or its delete has completed (then it is purged here).</summary>
    public static ResourceDoc? Load(IStoreSession s, string vaultId, DateTimeOffset now)
    {
        var doc = s.Get(vaultId);
        if (doc is null || doc.Kind != DocumentKinds.Vault)
        {
            return null;
        }

        var meta = doc.Meta is null ? Json.Object() : Json.ParseObject(doc.Meta);
        if (IsGone(meta, now))
        {
            s.DeleteTree(vaultId);
            return null;
        }

        return ResourceDoc.Vault(Json.Str(Json.ParseObject(doc.Body), "id") ?? vaultId, doc.ParentId ?? string.Empty, Json.ParseObject(doc.Body), meta);
    }

    public static ResourceDoc Require(IStoreSession s, string subscriptionId, string resourceGroup, string name, DateTimeOffset now)
    {
        RequireResourceGroup(s, subscriptionId, resourceGroup);
        return Load(s, IdOf(subscriptionId, resourceGroup, name), now) ?? throw ArmErrors.ResourceNotFound(Type, name, resourceGroup);
    }

    public static bool IsGone(JsonObject meta, DateTimeOffset now) =>
        Json.Str(meta, "pending") == "Deleting" && (Json.ParseTime(Json.Str(meta, "until")) ?? now) <= now;

    public static List<ResourceDoc> List(IStoreSession s, string idPrefix, string? parentId, DateTimeOffset now)
    {
        var docs = parentId is null ? s.ListByKind(DocumentKinds.Vault, idPrefix) : s.ListByParent(parentId, DocumentKinds.Vault);
        var list = new List<ResourceDoc>();
        foreach (var d in docs)
        {
            var v = Load(s, d.Id, now);
            if (v is not null)
            {
                list.Add(v);
            }
        }

        return list;
    }

    public static void Save(IStoreSession s, ResourceDoc v) =>
        s.Put(new StoredDocument(v.Id, DocumentKinds.Vault, v.ParentId, v.Body.ToJsonString(), v.Meta.ToJsonString()));

    public static void SetPending(JsonObject meta, string? state, string? operationId, DateTimeOffset now, int durationMs)
    {
        if (state is null || durationMs <= 0 && state != "Deleting")
        {
            meta.Remove("pending");
            meta.Remove("until");
            meta.Remove("operationId");
            return;
        }

        meta["pending"] = state;
        meta["until"] = Json.Timestamp(now.AddMilliseconds(durationMs));
        meta["operationId"] = operationId;
    }

    /// <summary>Wire form: the stored body plus provisioningState and the computed read-only properties.</summary>
    public static JsonObject Render(ResourceDoc v, DateTimeOffset now)
    {
        var body = (JsonObject)v.Body.DeepClone();
        var props = Json.Obj(body, "properties");
        var pending = Json.Str(v.Meta, "pending");
        var until = Json.ParseTime(Json.Str(v.Meta, "until"));
        var state = pending is not null && until is not null && until > now ? pending : "Succeeded";
        var ordered = Json.Object();
        ordered["provisioningState"] = state;
        foreach (var (k, val) in props.ToList())
        {
            props.Remove(k);
            if (!k.Equals("provisioningState", StringComparison.OrdinalIgnoreCase))
            {
                ordered[k] = val;
            }
        }

        body["properties"] = ordered;
        return body;
    }

    /// <summary>Applies defaults, server-owned values and enum normalisation; validates state transitions against <paramref name="previous"/>.</summary>
    public static void Normalize(JsonObject vault, JsonObject? previous, string id, string name, string location, DateTimeOffset now, string principalId, int protectedItemCount)
    {
        foreach (var k in new[] { "id", "name", "type", "etag", "systemData", "location" })
        {
            vault.Remove(k);
        }

        var props = Json.Obj(vault, "properties");
        foreach (var k in ServerOwnedProperties)
        {
            props.Remove(k);
        }

        var result = Json.Object();
        result["id"] = id;
        result["name"] = name;
        result["type"] = Type;
        result["etag"] = Json.DateTimeEtag(now);
        result["location"] = Locations.Normalize(location);
        foreach (var (k, v) in vault.ToList())
        {
            vault.Remove(k);
            result[k] = v;
        }

        // sku
        var sku = Json.Obj(result, "sku");
        var skuName = Json.Str(sku, "name") ?? "Standard";
        skuName = Canonical(skuName, "sku.name", "Standard", "RS0");
        sku["name"] = skuName;
        Json.SetDefault(sku, "tier", "Standard");

        NormalizeIdentity(result, previous);

        var p = (JsonObject)result["properties"]!;
        Json.SetDefault(p, "publicNetworkAccess", "Enabled");
        p["publicNetworkAccess"] = Canonical(Json.Str(p, "publicNetworkAccess")!, "publicNetworkAccess", "Enabled", "Disabled");

        var redundancy = Json.Obj(p, "redundancySettings");
        Json.SetDefault(redundancy, "standardTierStorageRedundancy", "GeoRedundant");
        Json.SetDefault(redundancy, "crossRegionRestore", "Disabled");
        redundancy["standardTierStorageRedundancy"] = Canonical(Json.Str(redundancy, "standardTierStorageRedundancy")!,
            "redundancySettings.standardTierStorageRedundancy", "GeoRedundant", "LocallyRedundant", "ZoneRedundant", "Invalid");
        redundancy["crossRegionRestore"] = Canonical(Json.Str(redundancy, "crossRegionRestore")!, "redundancySettings.crossRegionRestore", "Enabled", "Disabled");

        var security = Json.Obj(p, "securitySettings");
        security.Remove("multiUserAuthorization");
        var softDelete = Json.Obj(security, "softDeleteSettings");
        Json.SetDefault(softDelete, "softDeleteState", "Enabled");
        Json.SetDefault(softDelete, "softDeleteRetentionPeriodInDays", 14);
        Json.SetDefault(softDelete, "enhancedSecurityState", "Enabled");
        softDelete["softDeleteState"] = Canonical(Json.Str(softDelete, "softDeleteState")!, "softDeleteSettings.softDeleteState", "Enabled", "Disabled", "AlwaysON", "Invalid");
        softDelete["enhancedSecurityState"] = Canonical(Json.Str(softDelete, "enhancedSecurityState")!, "softDeleteSettings.enhancedSecurityState", "Enabled", "Disabled", "AlwaysON", "Invalid");
        var retention = Json.Int(softDelete["softDeleteRetentionPeriodInDays"]);
        if (retention is null or < 14 or > 180)
        {
            throw ArmErrors.BadRequest("InvalidSoftDeleteRetentionPeriod",
                "softDeleteRetentionPeriodInDays must be an integer between 14 and 180.", "properties.securitySettings.softDeleteSettings.softDeleteRetentionPeriodInDays");
        }

        softDelete["softDeleteRetentionPeriodInDays"] = retention.Value;
        var immutability = Json.Obj(security, "immutabilitySettings");
        Json.SetDefault(immutability, "state", "Disabled");
        immutability["state"] = Canonical(Json.Str(immutability, "state")!, "immutabilitySettings.state", "Disabled", "Unlocked", "Locked");
        // Read-only: it says whether the vault is mapped to a resource guard (the proxy handler sets it), never what a
        // request sent. resourceGuardOperationRequests is a request-only field (the official PUTVault_ResourceGuardEnabled
        // answer does not echo it), checked by ResourceGuards.AuthorizeVaultChange and not stored.
        security["multiUserAuthorization"] = Json.Str(previous?["properties"]?["securitySettings"] as JsonObject, "multiUserAuthorization") ?? "Disabled";
        p.Remove("resourceGuardOperationRequests");

        var monitoring = Json.Obj(p, "monitoringSettings");
        var azureMonitor = Json.Obj(monitoring, "azureMonitorAlertSettings");
        Json.SetDefault(azureMonitor, "alertsForAllJobFailures", "Enabled");
        Json.SetDefault(azureMonitor, "alertsForAllReplicationIssues", "Enabled");
        Json.SetDefault(azureMonitor, "alertsForAllFailoverIssues", "Enabled");
        var classic = Json.Obj(monitoring, "classicAlertSettings");
        Json.SetDefault(classic, "alertsForCriticalOperations", "Disabled");
        Json.SetDefault(classic, "emailNotificationsForSiteRecovery", "Enabled");

        if (p["encryption"] is JsonObject encryption && encryption["kekIdentity"] is JsonObject kek)
        {
            Json.SetDefault(kek, "useSystemAssignedIdentity", Json.Str(kek, "userAssignedIdentity") is null);
        }

        ValidateEncryption(p, result["identity"] as JsonObject, previous);

        p["privateEndpointStateForBackup"] = "None";
        p["privateEndpointStateForSiteRecovery"] = "None";
        p["backupStorageVersion"] = "V2";
        var level = SecurityLevel(softDelete, immutability, security);
        p["secureScore"] = level.SecureScore;
        p["bcdrSecurityLevel"] = level.Bcdr;

        ValidateTransitions(previous, redundancy, softDelete, immutability, protectedItemCount);

        var created = previous?["systemData"] is JsonObject prevSd ? Json.Str(prevSd, "createdAt") : null;
        result["systemData"] = new JsonObject
        {
            ["createdBy"] = Json.Str(previous?["systemData"] as JsonObject, "createdBy") ?? principalId,
            ["createdByType"] = "Application",
            ["createdAt"] = created ?? Json.Timestamp(now),
            ["lastModifiedBy"] = principalId,
            ["lastModifiedByType"] = "Application",
            ["lastModifiedAt"] = Json.Timestamp(now),
        };

        foreach (var (k, v) in result.ToList())
        {
            result.Remove(k);
            vault[k] = v;
        }
    }

    private static void ValidateTransitions(JsonObject? previous, JsonObject redundancy, JsonObject softDelete, JsonObject immutability, int protectedItemCount)
    {
        var redundancyValue = Json.Str(redundancy, "standardTierStorageRedundancy");
        if (Json.Str(redundancy, "crossRegionRestore") == "Enabled" && redundancyValue != "GeoRedundant")
        {
            throw ArmErrors.BadRequest("BMSUserErrorCrossRegionRestoreNotSupported",
                "Cross Region Restore can only be enabled on a vault whose storage redundancy is GeoRedundant.", "properties.redundancySettings.crossRegionRestore");
        }

        if (previous?["properties"] is not JsonObject prevProps)
        {
            return;
        }

        var prevSecurity = prevProps["securitySettings"] as JsonObject;
        var prevImmutability = Json.Str(prevSecurity?["immutabilitySettings"] as JsonObject, "state");
        if (prevImmutability == "Locked" && Json.Str(immutability, "state") != "Locked")
        {
            // Code as Azure answers it (Azure/azure-cli#27785): a Locked vault can never become mutable again.
            throw ArmErrors.BadRequest("UserErrorUnsupportedVaultImmutabilityStateChange",
                "The immutable vault property for this vault is locked, hence, this setting cannot be disabled. A Locked vault cannot be changed to Unlocked or Disabled.", "properties.securitySettings.immutabilitySettings.state");
        }

        var prevSoftDelete = prevSecurity?["softDeleteSettings"] as JsonObject;
        if (Json.Str(prevSoftDelete, "softDeleteState") == "AlwaysON" && Json.Str(softDelete, "softDeleteState") != "AlwaysON")
        {
            // Code as Azure answers it (Azure/azure-cli#32383).
            throw ArmErrors.BadRequest("BMSUserErrorDisablingSoftDeleteStateNotAllowed",
                "Soft delete is always-on for this vault and cannot be disabled.", "properties.securitySettings.softDeleteSettings.softDeleteState");
        }

        if (Json.Str(prevSoftDelete, "enhancedSecurityState") == "AlwaysON" && Json.Str(softDelete, "enhancedSecurityState") != "AlwaysON")
        {
            throw ArmErrors.BadRequest("BMSUserErrorDisablingSoftDeleteStateNotAllowed",
                "Enhanced security is always-on for this vault and cannot be disabled.", "properties.securitySettings.softDeleteSettings.enhancedSecurityState");
        }

        var prevRedundancy = prevProps["redundancySettings"] as JsonObject;
        if (protectedItemCount > 0 && Json.Str(prevRedundancy, "standardTierStorageRedundancy") is { } prevStorage && prevStorage != redundancyValue)
        {
            throw ArmErrors.BadRequest("BMSUserErrorStorageTypeChangeNotAllowed",
                "Storage redundancy cannot be changed once items are protected in the vault.", "properties.redundancySettings.standardTierStorageRedundancy");
        }

        if (Json.Str(prevRedundancy, "crossRegionRestore") == "Enabled" && Json.Str(redundancy, "crossRegionRestore") == "Disabled")
        {
            throw ArmErrors.BadRequest("BMSUserErrorCrossRegionRestoreCannotBeDisabled",
                "Cross Region Restore cannot be disabled once it has been enabled on a vault.", "properties.redundancySettings.crossRegionRestore");
        }
    }

    /// <summary>
    /// Customer-managed keys (vaults spec VaultPropertiesEncryption; Azure Backup "encryption of backup data using
    /// customer-managed keys"): the key is a Key Vault key URI, reached through a managed identity the vault has (its
    /// system-assigned one, or one of its user-assigned ones, not both); a vault on customer-managed keys cannot go back
    /// to platform-managed keys, and its infrastructure encryption is fixed when the key is first set. Azure refuses a bad
    /// kekIdentity with 400 InvalidRestApiParameter "cmkIdentity parameter is invalid." (hashicorp/terraform-provider-azurerm#24087),
    /// the code used here for every refusal of this setting.
    /// </summary>
    private static void ValidateEncryption(JsonObject p, JsonObject? identity, JsonObject? previous)
    {
        const string Code = "InvalidRestApiParameter";
        var before = previous?["properties"]?["encryption"] as JsonObject;
        var keyBefore = Json.Str(before?["keyVaultProperties"] as JsonObject, "keyUri");
        var encryption = p["encryption"] as JsonObject;
        var key = Json.Str(encryption?["keyVaultProperties"] as JsonObject, "keyUri");
        if (keyBefore is not null && string.IsNullOrEmpty(key))
        {
            throw ArmErrors.BadRequest(Code, "The vault's backup data is encrypted with a customer-managed key; it cannot be switched back to platform-managed keys. Change the key instead.",
                "properties.encryption.keyVaultProperties.keyUri");
        }

        if (encryption is null || key is null)
        {
            return;
        }

        var segments = Uri.TryCreate(key, UriKind.Absolute, out var uri) ? uri.AbsolutePath.Trim('/').Split('/') : [];
        if (uri is null || uri.Scheme != Uri.UriSchemeHttps || segments.Length is < 2 or > 3 || !segments[0].Equals("keys", StringComparison.OrdinalIgnoreCase) || segments.Any(string.IsNullOrEmpty))
        {
            throw ArmErrors.BadRequest(Code, $"keyUri parameter is invalid: '{key}' is not a Key Vault key URI (https://<key vault>.vault.azure.net/keys/<key>[/<version>]).",
                "properties.encryption.keyVaultProperties.keyUri");
        }

        var kek = encryption["kekIdentity"] as JsonObject;
        var userAssigned = Json.Str(kek, "userAssignedIdentity");
        var useSystem = Json.Bool(kek?["useSystemAssignedIdentity"]) ?? userAssigned is null;
        var identityType = Json.Str(identity, "type") ?? "None";
        if (useSystem && userAssigned is not null)
        {
            throw ArmErrors.BadRequest(Code, "cmkIdentity parameter is invalid: name either the system-assigned identity (useSystemAssignedIdentity true) or a user-assigned identity, not both.",
                "properties.encryption.kekIdentity");
        }

        if (useSystem && !identityType.Contains("SystemAssigned", StringComparison.OrdinalIgnoreCase))
        {
            throw ArmErrors.BadRequest(Code, "cmkIdentity parameter is invalid: the vault has no system-assigned managed identity to reach the key with. Enable it on the vault, or name a user-assigned identity the vault has.",
                "properties.encryption.kekIdentity.useSystemAssignedIdentity");
        }

        if (!useSystem && (userAssigned is null || !identityType.Contains("UserAssigned", StringComparison.OrdinalIgnoreCase)
            || identity?["userAssignedIdentities"] is not JsonObject assigned || !assigned.Any(kv => kv.Key.Equals(userAssigned, StringComparison.OrdinalIgnoreCase))))
        {
            throw ArmErrors.BadRequest(Code, $"cmkIdentity parameter is invalid: the user-assigned identity '{userAssigned}' is not assigned to the vault. Add it to the vault's identity first.",
                "properties.encryption.kekIdentity.userAssignedIdentity");
        }

        var infrastructure = Json.Str(encryption, "infrastructureEncryption") ?? Json.Str(before, "infrastructureEncryption") ?? "Disabled";
        encryption["infrastructureEncryption"] = Canonical(infrastructure, "encryption.infrastructureEncryption", "Enabled", "Disabled");
        if (keyBefore is not null && (Json.Str(before, "infrastructureEncryption") ?? "Disabled") != Json.Str(encryption, "infrastructureEncryption"))
        {
            throw ArmErrors.BadRequest(Code, "Infrastructure encryption is fixed when customer-managed keys are first set on a vault and cannot be changed afterwards.",
                "properties.encryption.infrastructureEncryption");
        }
    }

    private static void NormalizeIdentity(JsonObject vault, JsonObject? previous)
    {
        if (vault["identity"] is not JsonObject identity)
        {
            return;
        }

        var type = Json.Str(identity, "type") ?? "None";
        var prevIdentity = previous?["identity"] as JsonObject;
        if (type.Contains("SystemAssigned", StringComparison.OrdinalIgnoreCase))
        {
            identity["principalId"] = Json.Str(prevIdentity, "principalId") ?? Guid.NewGuid().ToString();
            identity["tenantId"] = EmulatorConstants.TenantId;
        }
        else
        {
            identity.Remove("principalId");
            identity.Remove("tenantId");
        }

        if (type.Contains("UserAssigned", StringComparison.OrdinalIgnoreCase) && identity["userAssignedIdentities"] is JsonObject uais)
        {
            var prevUais = prevIdentity?["userAssignedIdentities"] as JsonObject;
            foreach (var (key, _) in uais.ToList())
            {
                // The keys are user-assigned identity resource ids (vaults spec IdentityData); ARM refuses any other
                // key with InvalidIdentityId before the vault changes.
                if (!UserAssignedIdentityId().IsMatch(key))
                {
                    throw ArmErrors.BadRequest("InvalidIdentityId",
                        $"The identity ids '{key}' are invalid. It must be of the following format: '/subscriptions/{{subscriptionId}}/resourceGroups/{{resourceGroupName}}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{{resourceName}}'.");
                }

                var prev = prevUais?[key] as JsonObject;
                uais[key] = new JsonObject
                {
                    ["principalId"] = Json.Str(prev, "principalId") ?? Guid.NewGuid().ToString(),
                    ["clientId"] = Json.Str(prev, "clientId") ?? Guid.NewGuid().ToString(),
                };
            }
        }
    }

    /// <summary>
    /// The vault's security level, as Azure documents it (Azure Business Continuity center "security levels"): Maximum
    /// (Excellent) when an irreversible protection (immutability Locked or soft delete AlwaysON) and multi-user
    /// authorization are both on; Adequate (Good) with the irreversible protection alone ("Secure by default": an
    /// always-on soft delete vault is Good); Minimum (Fair) with multi-user authorization alone; None (Poor) otherwise,
    /// reversible settings included. secureScore and bcdrSecurityLevel are the two names the vault spec gives that scale.
    /// </summary>
    internal static (string SecureScore, string Bcdr) SecurityLevel(JsonObject softDelete, JsonObject immutability, JsonObject security)
    {
        var irreversible = Json.Str(immutability, "state") == "Locked" || Json.Str(softDelete, "softDeleteState") == "AlwaysON";
        var mua = Json.Str(security, "multiUserAuthorization") == "Enabled";
        return (irreversible, mua) switch
        {
            (true, true) => ("Maximum", "Excellent"),
            (true, false) => ("Adequate", "Good"),
            (false, true) => ("Minimum", "Fair"),
            _ => ("None", "Poor"),
        };
    }

    /// <summary>Case-insensitive enum check returning the canonical spelling, or 400 naming the property.</summary>
    public static string Canonical(string value, string property, params string[] allowed)
    {
        var hit = allowed.FirstOrDefault(a => a.Equals(value, StringComparison.OrdinalIgnoreCase));
        return hit ?? throw ArmErrors.BadRequest("InvalidParameter",
            $"The value '{value}' is not valid for '{property}'. Allowed values: {string.Join(", ", allowed)}.", property);
    }

    /// <summary>Hook for the backup surface: protected items pin storage redundancy and block vault deletion.</summary>
    public static int ProtectedItemCount(IStoreSession s, string vaultId) => s.ListByKind(DocumentKinds.ProtectedItem, vaultId).Count;

    /// <summary>Azure refuses to delete a vault that still holds backup items (soft-deleted ones too) or registered containers.</summary>
    public static void CheckEmpty(IStoreSession s, string vaultId, string name)
    {
        var items = ProtectedItemCount(s, vaultId);
        var containers = s.ListByKind("backupContainer", vaultId).Count(c => !c.Meta?.Contains("\"implicit\":true", StringComparison.Ordinal) ?? true)
            + Backup.BackupServers.Count(s, vaultId);
        if (items > 0 || containers > 0)
        {
            var parts = new List<string>();
            if (items > 0)
            {
                parts.Add($"{items} backup item(s) (protected, stopped or soft-deleted)");
            }

            if (containers > 0)
            {
                parts.Add($"{containers} registered server(s)/backup server(s)/storage account(s)");
            }

            throw ArmErrors.Conflict("ServiceResourceNotEmpty",
                $"Vault '{name}' cannot be deleted as there are existing resources within the vault: {string.Join(" and ", parts)}. Please delete all backup items, registered servers and storage accounts (stop protection with delete data, then unregister) and try again.");
        }
    }

    [GeneratedRegex(@"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[^/]+/providers/Microsoft\.ManagedIdentity/userAssignedIdentities/[^/]+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserAssignedIdentityId();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]{1,49}$")]
    private static partial Regex NamePattern();
}
