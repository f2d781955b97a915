// Copyright (c) RecoveryVault contributors. MIT License.
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain;

/// <summary>
/// Service principals the token endpoint knows. A secret is stored only as a salted PBKDF2 hash and shown once, in the
/// answer that creates it (issue 14: the database and the admin list never carry a usable secret).
/// </summary>
internal static class Principals
{
    private const string Prefix = "/_principals/";
    private const int Iterations = 10_000;

    public static JsonObject Put(IStoreSession s, string clientId, string secret, string objectId, string displayName, bool onlyIfMissing = false, string? tenantId = null)
    {
        var id = Prefix + clientId;
        var existing = s.Get(id);
        if (existing is not null && onlyIfMissing)
        {
            return Json.ParseObject(existing.Body);
        }

        var salt = RandomNumberGenerator.GetBytes(16);
        var body = new JsonObject
        {
            ["clientId"] = clientId,
            ["objectId"] = objectId,
            ["displayName"] = displayName,
            ["tenantId"] = tenantId ?? EmulatorConstants.TenantId,
            ["secretSalt"] = Convert.ToBase64String(salt),
            ["secretHash"] = Convert.ToBase64String(Hash(secret, salt)),
        };
        s.Put(new StoredDocument(id, DocumentKinds.Principal, null, body.ToJsonString()));
        return Public(body);
    }

    /// <summary>A new principal; the answer is the only place its secret ever appears.</summary>
    public static JsonObject Create(IStoreSession s, string displayName, string? tenantId = null)
    {
        var clientId = Guid.NewGuid().ToString();
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('/', '_').Replace('+', '-');
        var created = Put(s, clientId, secret, Guid.NewGuid().ToString(), displayName, tenantId: tenantId);
        created["clientSecret"] = secret;
        return created;
    }

    /// <summary>The principal (without its secret's hash), or null.</summary>
    public static JsonObject? ByClientId(IStoreSession s, string clientId)
    {
        var doc = s.Get(Prefix + clientId);
        return doc is null ? null : Public(Json.ParseObject(doc.Body));
    }

    /// <summary>Whether <paramref name="secret"/> is the principal's secret (constant-time over the hashes).</summary>
    public static bool SecretMatches(IStoreSession s, string clientId, string secret)
    {
        var doc = s.Get(Prefix + clientId);
        if (doc is null)
        {
            return false;
        }

        var body = Json.ParseObject(doc.Body);
        if (Json.Str(body, "clientSecret") is { } legacy)
        {
            // A database written before secrets were hashed: check the plaintext once, then store the hash instead.
            var ok = CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(legacy), System.Text.Encoding.UTF8.GetBytes(secret));
            Put(s, clientId, legacy, Json.Str(body, "objectId") ?? string.Empty, Json.Str(body, "displayName") ?? clientId);
            return ok;
        }

        if (Json.Str(body, "secretSalt") is not { } salt || Json.Str(body, "secretHash") is not { } hash)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(hash), Hash(secret, Convert.FromBase64String(salt)));
    }

    /// <summary>Invites the principal into <paramref name="tenantId"/> as a guest (B2B), so it can get tokens there.</summary>
    public static JsonObject AddGuestTenant(IStoreSession s, string clientId, string tenantId)
    {
        var doc = s.Get(Prefix + clientId) ?? throw new ArgumentException($"Unknown principal '{clientId}'.");
        var body = Json.ParseObject(doc.Body);
        var guests = body["guestOf"] as JsonArray ?? [];
        if (!guests.Any(g => string.Equals(Json.Str(g), tenantId, StringComparison.OrdinalIgnoreCase)))
        {
            guests.Add(tenantId);
        }

        body["guestOf"] = guests.DeepClone();
        s.Put(doc with { Body = body.ToJsonString() });
        return Public(body);
    }

    private static byte[] Hash(string secret, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(System.Text.Encoding.UTF8.GetBytes(secret), salt, Iterations, HashAlgorithmName.SHA256, 32);

    private static JsonObject Public(JsonObject stored)
    {
        var copy = (JsonObject)stored.DeepClone();
        copy.Remove("secretSalt");
        copy.Remove("secretHash");
        return copy;
    }

    public static JsonObject? ByObjectId(IStoreSession s, string objectId) =>
        List(s).FirstOrDefault(p => string.Equals(Json.Str(p, "objectId"), objectId, StringComparison.OrdinalIgnoreCase));

    public static List<JsonObject> List(IStoreSession s) =>
        s.ListByKind(DocumentKinds.Principal).Select(d => Public(Json.ParseObject(d.Body))).ToList();
}
