// Copyright (c) RecoveryVault contributors. MIT License.
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Hosting;

/// <summary>Shared state of one running emulator: store, settings that can change at run time, faults, log, tokens.</summary>
internal sealed class EmulatorRuntime
{
    private int _lroDurationMs;
    private int _pageSize;
    private int _retryAfterSeconds;

    public EmulatorRuntime(IResourceStore store, TokenService tokens, EmulatorOptions options)
    {
        Store = store;
        Tokens = tokens;
        Faults = new FaultInjector(options);
        _lroDurationMs = options.LroDurationMs;
        _pageSize = options.PageSize;
        _retryAfterSeconds = options.RetryAfterSeconds;
        Backup = new Backup.BackupRuntime(options.ClockRate, options.Seed, options.ClockStart);
    }

    /// <summary>Backup simulation: clock, seed, queued job failures.</summary>
    public Backup.BackupRuntime Backup { get; }

    public IResourceStore Store { get; }

    public TokenService Tokens { get; }

    public FaultInjector Faults { get; }

    public RequestLog Requests { get; } = new();

    public ArmRouter Router { get; } = new();

    /// <summary>The spec check of request bodies and answers (set once the host's logging exists).</summary>
    public Validation.ContractGate Contract { get; set; } = null!;

    public string Endpoint { get; set; } = "https://127.0.0.1";

    public string Thumbprint { get; set; } = string.Empty;

    public int LroDurationMs { get => Volatile.Read(ref _lroDurationMs); set => Volatile.Write(ref _lroDurationMs, Math.Max(0, value)); }

    public int PageSize { get => Volatile.Read(ref _pageSize); set => Volatile.Write(ref _pageSize, Math.Max(1, value)); }

    public int RetryAfterSeconds { get => Volatile.Read(ref _retryAfterSeconds); set => Volatile.Write(ref _retryAfterSeconds, Math.Max(0, value)); }

    /// <summary>Puts the fixed seed in place; idempotent so a restart on an existing database keeps its data.</summary>
    public void EnsureSeed()
    {
        Store.Transaction(Seed);
        if (Store.Transaction(global::RecoveryVault.Emulator.Backup.BackupEngine.LastRun) is { } last)
        {
            Backup.Clock.EnsureNotBefore(last);
        }
    }

    public void Reset()
    {
        Store.Transaction(s =>
        {
            s.Clear();
            Seed(s);
        });
        Faults.Clear();
        Requests.Clear();
        Backup.Reset();
    }

    private static void Seed(IStoreSession s)
    {
        Principals.Put(s, EmulatorConstants.OwnerClientId, EmulatorConstants.OwnerClientSecret, EmulatorConstants.OwnerObjectId, EmulatorConstants.OwnerDisplayName, onlyIfMissing: true);
        Subscriptions.Ensure(s, EmulatorConstants.SubscriptionId, EmulatorConstants.SubscriptionDisplayName);
    }
}

/// <summary>
/// Service principals the token endpoint knows. A secret is stored only as a salted PBKDF2 hash and shown once, in the
/// answer that creates it (issue 14: the database and the admin list never carry a usable secret).
/// </summary>
internal static class Principals
{
    private const string Prefix = "/_principals/";
    private const int Iterations = 10_000;

    public static JsonObject Put(IStoreSession s, string clientId, string secret, string objectId, string displayName, bool onlyIfMissing = false)
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
            ["secretSalt"] = Convert.ToBase64String(salt),
            ["secretHash"] = Convert.ToBase64String(Hash(secret, salt)),
        };
        s.Put(new StoredDocument(id, DocumentKinds.Principal, null, body.ToJsonString()));
        return Public(body);
    }

    /// <summary>A new principal; the answer is the only place its secret ever appears.</summary>
    public static JsonObject Create(IStoreSession s, string displayName)
    {
        var clientId = Guid.NewGuid().ToString();
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('/', '_').Replace('+', '-');
        var created = Put(s, clientId, secret, Guid.NewGuid().ToString(), displayName);
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

/// <summary>Subscriptions (Microsoft.Resources); a new one makes the owner principal Owner there.</summary>
internal static class Subscriptions
{
    public static string IdOf(string subscriptionId) => "/subscriptions/" + subscriptionId;

    public static JsonObject? Get(IStoreSession s, string subscriptionId)
    {
        var doc = s.Get(IdOf(subscriptionId));
        return doc is null ? null : Json.ParseObject(doc.Body);
    }

    public static JsonObject Ensure(IStoreSession s, string subscriptionId, string displayName)
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
            ["tenantId"] = EmulatorConstants.TenantId,
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
        RoleAssignments.Put(s, IdOf(subscriptionId), DeterministicGuid("owner:" + subscriptionId), BuiltInRoles.Owner, EmulatorConstants.OwnerObjectId);
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

/// <summary>Resource groups.</summary>
internal static class ResourceGroups
{
    public static string IdOf(string subscriptionId, string name) => $"/subscriptions/{subscriptionId}/resourceGroups/{name}";

    public static JsonObject? Get(IStoreSession s, string subscriptionId, string name)
    {
        var doc = s.Get(IdOf(subscriptionId, name));
        return doc is null ? null : Json.ParseObject(doc.Body);
    }

    public static JsonObject Put(IStoreSession s, string subscriptionId, string name, string location, JsonObject? tags)
    {
        var existing = Get(s, subscriptionId, name);
        var canonicalName = Json.Str(existing, "name") ?? name;
        var body = new JsonObject
        {
            ["id"] = IdOf(subscriptionId, canonicalName),
            ["name"] = canonicalName,
            ["type"] = "Microsoft.Resources/resourceGroups",
            ["location"] = Locations.Normalize(location),
            ["tags"] = tags?.DeepClone() ?? existing?["tags"]?.DeepClone() ?? new JsonObject(),
            ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" },
        };
        s.Put(new StoredDocument(IdOf(subscriptionId, canonicalName), DocumentKinds.ResourceGroup, Subscriptions.IdOf(subscriptionId), body.ToJsonString()));
        return body;
    }
}

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

/// <summary>LRO operation records, addressed by operation id alone so they outlive the resource they track.</summary>
internal static class Operations
{
    private const string Prefix = "/_operations/";

    public static string NewId()
    {
        // Azure's vault operation ids are base64 of "guid;guid"; keep that shape but never emit '/' or '+',
        // which would need escaping in a path segment.
        while (true)
        {
            var raw = $"{Guid.NewGuid()};{Guid.NewGuid()}";
            var id = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(raw));
            if (!id.Contains('/', StringComparison.Ordinal) && !id.Contains('+', StringComparison.Ordinal))
            {
                return id;
            }
        }
    }

    public static JsonObject Create(IStoreSession s, string action, string resourceId, DateTimeOffset now, int durationMs, JsonObject? extra = null)
    {
        var id = NewId();
        var body = new JsonObject
        {
            ["name"] = id,
            ["action"] = action,
            ["resourceId"] = resourceId,
            ["startTime"] = Json.Timestamp(now),
            ["endTime"] = Json.Timestamp(now.AddMilliseconds(durationMs)),
        };
        if (extra is not null)
        {
            foreach (var (k, v) in extra)
            {
                body[k] = v?.DeepClone();
            }
        }

        // Operation ids are case-sensitive base64; the store lower-cases keys, so keep the exact id in the body.
        s.Put(new StoredDocument(Prefix + id, DocumentKinds.Operation, null, body.ToJsonString()));
        return body;
    }

    public static JsonObject? Get(IStoreSession s, string id)
    {
        var doc = s.Get(Prefix + id);
        if (doc is null)
        {
            return null;
        }

        var body = Json.ParseObject(doc.Body);
        return string.Equals(Json.Str(body, "name"), id, StringComparison.Ordinal) ? body : null;
    }

    public static bool IsDone(JsonObject op, DateTimeOffset now) => (Json.ParseTime(Json.Str(op, "endTime")) ?? now) <= now;

    /// <summary>ARM OperationResource shape.</summary>
    public static JsonObject ToOperationResource(JsonObject op, string id, DateTimeOffset now)
    {
        var done = IsDone(op, now);
        var body = new JsonObject
        {
            ["id"] = id,
            ["name"] = Json.Str(op, "name"),
            ["status"] = done ? (Json.Str(op, "status") ?? "Succeeded") : "InProgress",
            ["startTime"] = Json.Str(op, "startTime"),
        };
        if (done)
        {
            body["endTime"] = Json.Str(op, "endTime");
            if (op["error"] is JsonObject err)
            {
                body["error"] = err.DeepClone();
            }
        }

        return body;
    }
}

internal static class Locations
{
    /// <summary>"West US" → "westus", as ARM stores locations.</summary>
    public static string Normalize(string location) =>
        new string(location.Where(c => !char.IsWhiteSpace(c)).ToArray()).ToLowerInvariant();
}
