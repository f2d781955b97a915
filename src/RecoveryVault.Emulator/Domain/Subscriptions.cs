// Copyright (c) RecoveryVault contributors. MIT License.
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain;

/// <summary>Subscriptions (Microsoft.Resources); a new one makes the owner principal Owner there.</summary>
internal static class Subscriptions
{
    public static string IdOf(string subscriptionId) => "/subscriptions/" + subscriptionId;

    public static JsonObject? Get(IStoreSession s, string subscriptionId)
    {
        var doc = s.Get(IdOf(subscriptionId));
        return doc is null ? null : Json.ParseObject(doc.Body);
    }

    /// <summary>
    /// The subscription, made in <paramref name="tenantId"/> (the seed tenant when null). Only a subscription of the seed
    /// tenant makes the owner principal its Owner: a subscription of another tenant is out of the backup admin's reach
    /// until a test grants it a role there.
    /// </summary>
    public static JsonObject Ensure(IStoreSession s, string subscriptionId, string displayName, string? tenantId = null)
    {
        var existing = Get(s, subscriptionId);
        if (existing is not null)
        {
            return existing;
        }

        var body = new JsonObject
        {
            ["id"] = IdOf(subscriptionId),
            ["authorizationSource"] = "RoleBased",
            ["managedByTenants"] = new JsonArray(),
            ["subscriptionId"] = subscriptionId,
            ["tenantId"] = tenantId ?? EmulatorConstants.TenantId,
            ["displayName"] = displayName,
            ["state"] = "Enabled",
            ["subscriptionPolicies"] = new JsonObject
            {
                ["locationPlacementId"] = "Public_2014-09-01",
                ["quotaId"] = "PayAsYouGo_2014-09-01",
                ["spendingLimit"] = "Off",
            },
        };
        s.Put(new StoredDocument(IdOf(subscriptionId), DocumentKinds.Subscription, null, body.ToJsonString()));
        if (tenantId is null || string.Equals(tenantId, EmulatorConstants.TenantId, StringComparison.OrdinalIgnoreCase))
        {
            RoleAssignments.Put(s, IdOf(subscriptionId), DeterministicGuid("owner:" + subscriptionId), BuiltInRoles.Owner, EmulatorConstants.OwnerObjectId);
        }

        return body;
    }

    public static List<JsonObject> List(IStoreSession s) =>
        s.ListByKind(DocumentKinds.Subscription).Select(d => Json.ParseObject(d.Body)).ToList();

    internal static string DeterministicGuid(string seed)
    {
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x40);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }
}
