// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Handlers;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Backup;

/// <summary>Document kinds of the backup surface (protected items reuse <see cref="DocumentKinds.ProtectedItem"/>).</summary>
internal static class BackupDocKinds
{
    public const string Policy = "backupPolicy";
    public const string Container = "backupContainer";
    public const string RecoveryPoint = "recoveryPoint";
    public const string Job = "backupJob";
    public const string PendingJob = "backupPendingJob";
    public const string VirtualMachine = "virtualMachine";
    public const string StorageAccount = "storageAccount";
    public const string Engine = "backupEngineState";
    public const string VaultMarker = "backupVaultMarker";
}

/// <summary>A stored backup document: body (wire properties) + meta (emulator-only state).</summary>
internal sealed record BackupDoc(string Id, string Kind, string? ParentId, JsonObject Body, JsonObject Meta)
{
    public JsonObject Props => Json.Obj(Body, "properties");

    public static BackupDoc? Load(IStoreSession s, string id, string? kind = null)
    {
        var d = s.Get(id);
        return d is null || (kind is not null && d.Kind != kind) ? null : From(d);
    }

    public static BackupDoc From(StoredDocument d) =>
        new(d.Id, d.Kind, d.ParentId, Json.ParseObject(d.Body), d.Meta is null ? Json.Object() : Json.ParseObject(d.Meta));

    public static List<BackupDoc> List(IStoreSession s, string kind, string? prefix = null) =>
        s.ListByKind(kind, prefix).Select(From).ToList();

    public void Save(IStoreSession s) =>
        s.Put(new StoredDocument(Json.Str(Body, "id") ?? Id, Kind, ParentId, Body.ToJsonString(), Meta.ToJsonString()));
}

/// <summary>Names, ids and small shared rules of the backup surface.</summary>
internal static partial class BackupModel
{
    public const string Fabric = "Azure";
    public const string PolicyType = "Microsoft.RecoveryServices/vaults/backupPolicies";
    public const string ContainerType = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers";
    public const string ItemType = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems";
    public const string ProtectableItemType = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectableItems";
    public const string WorkloadItemType = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/items";
    public const string RecoveryPointType = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints";
    public const string JobType = "Microsoft.RecoveryServices/vaults/backupJobs";

    public static string PolicyId(string vaultId, string name) => $"{vaultId}/backupPolicies/{name}";

    public static string ContainerId(string vaultId, string containerName) => $"{vaultId}/backupFabrics/{Fabric}/protectionContainers/{containerName}";

    public static string ItemId(string containerId, string itemName) => $"{containerId}/protectedItems/{itemName}";

    public static string JobId(string vaultId, string jobName) => $"{vaultId}/backupJobs/{jobName}";

    /// <summary>Vault of the request; lazily gets Azure's default policies the first time the backup surface sees it.</summary>
    public static VaultRecord RequireVault(ArmContext ctx, IStoreSession s)
    {
        var v = VaultModel.Require(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("vaultName"), ctx.Now);
        EnsureVaultSeeded(s, v, ctx.Runtime.Backup.Clock.Now);
        return v;
    }

    public static void EnsureVaultSeeded(IStoreSession s, VaultRecord v, DateTimeOffset now)
    {
        var marker = v.Id + "/_backupSeeded";
        if (s.Get(marker) is not null)
        {
            return;
        }

        foreach (var (name, props) in PolicyRules.Defaults(now))
        {
            PolicyStore.Save(s, v.Id, name, props);
        }

        s.Put(new StoredDocument(marker, BackupDocKinds.VaultMarker, v.Id, "{}"));
    }

    public static int SoftDeleteDaysOf(BackupDoc item) => Json.Int(item.Meta["softDeleteDays"]) ?? 14;

    public static string Location(VaultRecord v) => Json.Str(v.Body, "location") ?? "westus";

    public static string SoftDeleteState(VaultRecord v) =>
        Json.Str(v.Body["properties"]?["securitySettings"]?["softDeleteSettings"] as JsonObject, "softDeleteState") ?? "Enabled";

    public static int SoftDeleteDays(VaultRecord v) =>
        Json.Int(v.Body["properties"]?["securitySettings"]?["softDeleteSettings"]?["softDeleteRetentionPeriodInDays"]) ?? 14;

    /// <summary>Resource-id parts: subscription, resource group, provider type, name.</summary>
    public static (string Sub, string Rg, string Name)? ParseResourceId(string? id, string providerType)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        var segs = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var typeSegs = providerType.Split('/');
        if (segs.Length != 8 || !segs[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
            || !segs[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase)
            || !segs[4].Equals("providers", StringComparison.OrdinalIgnoreCase)
            || !segs[5].Equals(typeSegs[0], StringComparison.OrdinalIgnoreCase)
            || !segs[6].Equals(typeSegs[1], StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return (segs[1], segs[3], segs[7]);
    }

    /// <summary>OData-ish <c>a eq 'x' and b eq 'y'</c> → case-insensitive map (only <c>eq</c> and <c>and</c>, as Azure Backup takes).</summary>
    public static Dictionary<string, string> ParseFilter(string? filter)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(filter))
        {
            return map;
        }

        var matched = false;
        foreach (Match m in FilterClause().Matches(filter))
        {
            matched = true;
            map[m.Groups[1].Value] = m.Groups[2].Success && m.Groups[2].Length > 0 ? m.Groups[2].Value : m.Groups[3].Value;
        }

        if (!matched)
        {
            throw ArmErrors.BadRequest("BMSUserErrorInvalidFilter", $"The filter '{filter}' is invalid. Use clauses like \"name eq 'value'\" joined by 'and'.");
        }

        return map;
    }

    /// <summary>
    /// The whole <c>$filter</c> must be <c>field eq 'value'</c> clauses joined by <c>and</c>, over the fields the
    /// operation knows. Azure answers 400 BMSUserErrorInvalidInput to a filter on an unsupported field
    /// (Azure/azure-sdk-for-net#41075: protectable item filters on <c>name</c> or a wrong <c>workloadType</c> combination).
    /// </summary>
    public static Dictionary<string, string> ParseStrictFilter(string? filter, params string[] fields)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(filter))
        {
            return map;
        }

        var m = StrictFilter().Match(filter);
        if (!m.Success)
        {
            throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"Input provided for the call is invalid: the filter '{filter}' is not a list of \"field eq 'value'\" clauses joined by 'and'.");
        }

        var names = m.Groups["f"].Captures;
        var values = m.Groups["v"].Captures;
        for (var i = 0; i < names.Count; i++)
        {
            var field = fields.FirstOrDefault(f => Eq(f, names[i].Value))
                ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"Input provided for the call is invalid: '{names[i].Value}' cannot be used in this filter; supported: {string.Join(", ", fields)}.");
            map[field] = values[i].Value;
        }

        return map;
    }

    /// <summary>Job and recovery point filter times: the SDK's <c>yyyy-MM-dd hh:mm:ss tt</c> (UTC) or ISO 8601.</summary>
    public static DateTimeOffset ParseFilterTime(string value, string name)
    {
        var m = SdkTime().Match(value.Trim());
        if (m.Success)
        {
            var date = DateTime.ParseExact(m.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var h = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            var ampm = m.Groups[5].Value.ToUpperInvariant();
            if (ampm == "PM" && h < 12)
            {
                h += 12;
            }
            else if (ampm == "AM" && h == 12)
            {
                h = 0;
            }

            return new DateTimeOffset(date, TimeSpan.Zero).AddHours(h)
                .AddMinutes(int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture))
                .AddSeconds(int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture));
        }

        return Json.ParseTime(value) ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidFilter",
            $"The value '{value}' of '{name}' in the filter is not a valid time. Use 'yyyy-MM-dd hh:mm:ss tt' (UTC) or ISO 8601.");
    }

    public static bool Eq(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    public static string Duration(TimeSpan t) => System.Xml.XmlConvert.ToString(t < TimeSpan.Zero ? TimeSpan.Zero : t);

    /// <summary>Azure's numeric recovery point ids, derived from the seed and a counter so runs repeat.</summary>
    public static string NumericId(int seed, long counter)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{seed}:rp:{counter}"));
        var n = BitConverter.ToUInt64(hash, 0) % 90_000_000_000_000UL + 10_000_000_000_000UL;
        return n.ToString(CultureInfo.InvariantCulture);
    }

    public static string Guid(int seed, string what, long counter) => Subscriptions.DeterministicGuid($"{seed}:{what}:{counter}");

    [GeneratedRegex(@"^\s*(?<f>\w+)\s+eq\s+'(?<v>[^']*)'\s*(?:\s+and\s+(?<f>\w+)\s+eq\s+'(?<v>[^']*)'\s*)*$", RegexOptions.IgnoreCase)]
    private static partial Regex StrictFilter();

    [GeneratedRegex(@"(\w+)\s+eq\s+(?:'([^']*)'|(\S+))", RegexOptions.IgnoreCase)]
    private static partial Regex FilterClause();

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2}):(\d{2})\s*(AM|PM)$", RegexOptions.IgnoreCase)]
    private static partial Regex SdkTime();
}

/// <summary>
/// Backup operation records (styles B and C). They sit next to the vault LRO records (addressed by id alone) and
/// finish after <c>lroDurationMs</c> of real time, like every other LRO of the emulator; the jobs they start run on
/// the simulated clock.
/// </summary>
internal static class BackupOps
{
    private const string Prefix = "/_operations/";

    /// <param name="result">What operationResults answers once done: item, policy, container or none (204).</param>
    public static JsonObject Create(IStoreSession s, ArmContext ctx, string vaultId, string resourceId, string result, JsonObject? statusProperties, long counter)
    {
        var id = BackupModel.Guid(ctx.Runtime.Backup.Seed, "op", counter);
        var now = DateTimeOffset.UtcNow;
        var body = new JsonObject
        {
            ["name"] = id,
            ["vaultId"] = vaultId,
            ["resourceId"] = resourceId,
            ["result"] = result,
            ["startTime"] = Json.Timestamp(now),
            ["endTime"] = Json.Timestamp(now.AddMilliseconds(ctx.Runtime.LroDurationMs)),
            ["properties"] = statusProperties,
        };
        s.Put(new StoredDocument(Prefix + id, DocumentKinds.Operation, null, body.ToJsonString()));
        return body;
    }

    public static JsonObject? Get(IStoreSession s, string vaultId, string id)
    {
        var doc = s.Get(Prefix + id);
        if (doc is null)
        {
            return null;
        }

        var body = Json.ParseObject(doc.Body);
        return BackupModel.Eq(Json.Str(body, "vaultId"), vaultId) ? body : null;
    }

    public static bool IsDone(JsonObject op) => (Json.ParseTime(Json.Str(op, "endTime")) ?? DateTimeOffset.MinValue) <= DateTimeOffset.UtcNow;

    /// <summary>Backup <c>OperationStatus</c>: id and name are the operation id; endTime is Azure's zero date while running.</summary>
    public static JsonObject Status(JsonObject op)
    {
        var done = IsDone(op);
        var body = new JsonObject
        {
            ["id"] = Json.Str(op, "name"),
            ["name"] = Json.Str(op, "name"),
            ["status"] = done ? Json.Str(op, "status") ?? "Succeeded" : "InProgress",
            ["startTime"] = Json.Str(op, "startTime"),
            ["endTime"] = done ? Json.Str(op, "endTime") : "0001-01-01T00:00:00Z",
        };
        if (done && op["error"] is JsonObject err)
        {
            body["error"] = err.DeepClone();
        }

        if (op["properties"] is JsonObject p && (done || Json.Str(p, "objectType") != "OperationStatusProvisionILRExtendedInfo"))
        {
            body["properties"] = p.DeepClone();
        }

        return body;
    }

    /// <summary>Style B/C 202: Location + Azure-AsyncOperation (+ Retry-After) with the request's api-version.</summary>
    /// <summary>
    /// Percent-encodes the segments a URL cannot carry raw: MARS item names hold Windows paths (<c>FileFolder;C:\Data</c>),
    /// and a raw backslash turns into a slash in the client's URL parser.
    /// </summary>
    public static string EscapePath(string path) =>
        string.Join('/', path.Split('/').Select(seg => seg.IndexOfAny(['\\', ' ', '#', '?', '%']) >= 0 ? Uri.EscapeDataString(seg) : seg));

    public static ArmResponse Accepted(ArmContext ctx, string resultPath, string? statusPath)
    {
        var v = Uri.EscapeDataString(ctx.ApiVersion);
        var r = ArmResponse.Accepted();
        r.Headers["Location"] = $"{ctx.BaseUrl}{EscapePath(resultPath)}?api-version={v}";
        if (statusPath is not null)
        {
            r.Headers["Azure-AsyncOperation"] = $"{ctx.BaseUrl}{EscapePath(statusPath)}?api-version={v}";
        }

        r.Headers["Retry-After"] = ctx.Runtime.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return r;
    }
}
