// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Domain.ResourceGraph;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// Azure Resource Graph (<c>POST /providers/Microsoft.ResourceGraph/resources</c>, api-version 2024-04-01, the vendored
/// resourcegraph.json) over the emulator's own data: <c>Resources</c> (vaults, VMs, storage accounts) and
/// <c>RecoveryServicesResources</c> (protected items, backup jobs, backup policies), each row carrying Resource Graph's
/// columns and the <c>properties</c> the backup API answers for the same resource (rendered by the same code).
/// Rows are only those the caller may read (the read action of the row's type at its id, as ARM would check a GET).
/// </summary>
internal static class ResourceGraphHandler
{
    public const string ItemRowType = "microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems";
    public const string JobRowType = "microsoft.recoveryservices/vaults/backupjobs";
    public const string PolicyRowType = "microsoft.recoveryservices/vaults/backuppolicies";

    // Resource Graph's default and largest page ("Working with large Azure resource data sets": 1,000 records, $top at most 1000).
    private const int MaxPage = 1000;

    private const string InvalidQueryMessage = "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.";

    public static void Register(ArmRouter router) =>
        // Resource Graph filters rows by the caller's rights instead of refusing the call, so the route has no RBAC gate.
        router.Map("POST", "/providers/Microsoft.ResourceGraph/resources", ApiFamily.ResourceGraph, "Microsoft.ResourceGraph/resources", Query, skipRbac: true);

    private static ArmResponse Query(ArmContext ctx)
    {
        var body = ctx.RequireBodyObject();
        var graph = ctx.Runtime.ResourceGraph;
        var quotaOk = graph.TakeQuota(ctx.Principal.ObjectId, DateTimeOffset.UtcNow, out var remaining, out var resetsAfter);
        if (!quotaOk)
        {
            var ex = ArmErrors.TooManyRequests((int)Math.Ceiling(resetsAfter.TotalSeconds));
            AddQuotaHeaders(ex.Headers, remaining, resetsAfter);
            throw ex;
        }

        var text = Json.Str(body, "query");
        if (string.IsNullOrWhiteSpace(text))
        {
            throw ArmErrors.InvalidRequestContent("The request content was invalid and could not be deserialized: 'query' is required.");
        }

        var options = body["options"] as JsonObject ?? Json.Object();
        var top = Json.Int(options["$top"]);
        var skip = Json.Int(options["$skip"]);
        if (top is < 1 or > MaxPage || skip is < 0)
        {
            throw ArmErrors.InvalidRequestContent($"The request content was invalid and could not be deserialized: options.$top must be 1-{MaxPage} and options.$skip at least 0.");
        }

        var format = Json.Str(options, "resultFormat") ?? "objectArray";
        if (format is not ("objectArray" or "table"))
        {
            throw ArmErrors.InvalidRequestContent($"The request content was invalid and could not be deserialized: resultFormat '{format}' is not one of table, objectArray.");
        }

        KqlQuery query;
        try
        {
            query = KqlParser.Parse(text);
        }
        catch (KqlException ex)
        {
            throw InvalidQuery(ctx, ex.Code, ex.Message, ex.Token, ex.Line, ex.Position);
        }

        var table = query.Table switch
        {
            _ when query.Table.Equals("Resources", StringComparison.OrdinalIgnoreCase) => "Resources",
            _ when query.Table.Equals("RecoveryServicesResources", StringComparison.OrdinalIgnoreCase) => "RecoveryServicesResources",
            _ => throw InvalidQuery(ctx, "DisallowedLogicalTableName", $"Table {query.Table} is invalid, unsupported or disallowed.", query.Table, query.TableToken.Line, query.TableToken.Column),
        };

        var offset = skip ?? 0;
        var skipToken = Json.Str(options, "$skipToken");
        // A token belongs to its query and scope (the spec: pass it "together with the same query and scopes").
        var signature = text + "|" + body["subscriptions"]?.ToJsonString() + "|" + body["managementGroups"]?.ToJsonString();
        List<JsonObject>? result = null;
        string? snapshot = null;
        if (!string.IsNullOrEmpty(skipToken))
        {
            // $skip overrides the token's offset when both are given (QueryRequestOptions.$skip).
            (var tokenOffset, snapshot) = ReadSkipToken(skipToken, signature);
            offset = skip ?? tokenOffset;
            result = snapshot is null ? null : graph.KeptResult(snapshot, ctx.Principal.ObjectId);
            if (result is null)
            {
                // The kept answer has expired: the query runs again and its answer is kept anew.
                snapshot = null;
            }
        }

        var pageSize = top ?? MaxPage;
        var now = ctx.Runtime.Backup.Clock.Now;
        result ??= ctx.Store.Transaction(s =>
        {
            // Scheduled backups and finished jobs land first, as any backup read sees them.
            BackupEngine.CatchUp(s, ctx.Runtime.Backup, now);
            var subscriptions = Scope(ctx, s, body);
            var reader = Reader.For(s, ctx.Principal.ObjectId);
            var types = query.Types();
            var rows = new List<JsonObject>();
            foreach (var sub in subscriptions)
            {
                // The index is built for the types the query's leading filters allow (all of them when unpinned).
                var key = table + "|" + (types is null ? "*" : string.Join(",", types.Order(StringComparer.Ordinal)));
                var all = graph.Rows(sub, key, DateTimeOffset.UtcNow, () => table == "Resources" ? ResourcesRows(s, sub, now, types) : RecoveryServicesRows(s, sub, now, types));
                rows.AddRange(all.Where(reader.CanRead));
            }

            try
            {
                return new KqlEvaluator(now).Run(query, rows);
            }
            catch (KqlException ex)
            {
                throw InvalidQuery(ctx, ex.Code, ex.Message, ex.Token, ex.Line, ex.Position);
            }
        });

        var page = result.Skip(offset).Take(pageSize).ToList();
        var answer = new JsonObject
        {
            ["totalRecords"] = (long)result.Count,
            ["count"] = (long)page.Count,
            ["resultTruncated"] = "false",
        };

        if (offset + page.Count < result.Count)
        {
            // Resource Graph pages only results that carry the id column ("Please note id field is required in the
            // response to return the pages in stable sorted fashion", First/Next page examples); others are cut.
            if (page.Count > 0 && page.All(r => r.ContainsKey("id")))
            {
                snapshot ??= graph.KeepResult(ctx.Principal.ObjectId, result, DateTimeOffset.UtcNow);
                answer["$skipToken"] = WriteSkipToken(offset + page.Count, signature, snapshot);
            }
            else
            {
                answer["resultTruncated"] = "true";
            }
        }

        answer["facets"] = new JsonArray();
        answer["data"] = format == "table" ? Table(page) : new JsonArray([.. page.Select(r => r.DeepClone())]);
        var response = ArmResponse.Ok(answer);
        AddQuotaHeaders(response.Headers, remaining, resetsAfter);
        return response;
    }

    private static void AddQuotaHeaders(IDictionary<string, string> headers, int remaining, TimeSpan resetsAfter)
    {
        // guidance-for-throttled-requests: remaining (int) and resets-after (hh:mm:ss).
        headers["x-ms-user-quota-remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        headers["x-ms-user-quota-resets-after"] = resetsAfter.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Resource Graph's answer to a query it cannot run (as seen from the service, e.g. Azure/azure-powershell#13762 and
    /// grafana/grafana#35225): 400 <c>BadRequest</c> whose details are <c>InvalidQuery</c> and then the specific failure
    /// (<c>ParserFailure</c> with line, position and token; <c>InvalidQueryLanguage</c> naming the token).
    /// </summary>
    private static ArmException InvalidQuery(ArmContext ctx, string code, string message, string token, int line, int position)
    {
        var ex = SupportError(ctx);
        ex.Details.Add(new JsonObject { ["code"] = "InvalidQuery", ["message"] = InvalidQueryMessage });
        ex.Details.Add(new JsonObject { ["code"] = code, ["message"] = message, ["line"] = line, ["characterPositionInLine"] = position, ["token"] = token });
        return ex;
    }

    /// <summary>Resource Graph's 400: <c>BadRequest</c> with the support line; the details say what is wrong.</summary>
    private static ArmException SupportError(ArmContext ctx)
    {
        var correlation = ctx.Http.Request.Headers["x-ms-correlation-request-id"].ToString();
        return ArmErrors.BadRequest("BadRequest",
            $"Please provide below info when asking for support: timestamp = {Json.Timestamp(DateTimeOffset.UtcNow)}, correlationId = {(correlation.Length > 0 ? correlation : Guid.NewGuid().ToString())}.");
    }

    /// <summary>Subscriptions the query covers: those named, the tenant's for the tenant root group or a tenant-scope query.</summary>
    private static List<string> Scope(ArmContext ctx, IStoreSession s, JsonObject body)
    {
        var all = Subscriptions.List(s).Select(x => Json.Str(x, "subscriptionId")!).ToList();
        if (body["subscriptions"] is JsonArray subs && subs.Count > 0)
        {
            return subs.Select(Json.Str).Where(x => x is not null && all.Contains(x, StringComparer.OrdinalIgnoreCase)).Select(x => x!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }

        if (body["managementGroups"] is JsonArray groups && groups.Count > 0)
        {
            // The emulator models one management group: the tenant root group, whose name is the tenant id. Another
            // name is refused as Resource Graph refuses one it does not know (rubrikinc/rubrik-sizing-scripts#87:
            // BadRequest, detail ManagementGroupsContainInvalidIds).
            var invalid = groups.Select(Json.Str).Where(g => !string.Equals(g, EmulatorConstants.TenantId, StringComparison.OrdinalIgnoreCase)).ToList();
            if (invalid.Count > 0)
            {
                var ex = SupportError(ctx);
                ex.Details.Add(new JsonObject { ["code"] = "ManagementGroupsContainInvalidIds", ["message"] = $"The provided management groups must be valid. Given: '{string.Join("', '", invalid)}'." });
                throw ex;
            }
        }

        return all;
    }

    private static string WriteSkipToken(int offset, string query, string? snapshot) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject { ["offset"] = offset, ["query"] = QueryHash(query), ["snapshot"] = snapshot }.ToJsonString()));

    private static (int Offset, string? Snapshot) ReadSkipToken(string token, string query)
    {
        try
        {
            var o = Json.ParseObject(Encoding.UTF8.GetString(Convert.FromBase64String(token)));
            if (Json.Int(o["offset"]) is { } offset && offset >= 0 && Json.Str(o, "query") == QueryHash(query))
            {
                return (offset, Json.Str(o, "snapshot"));
            }
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
        }

        throw ArmErrors.BadRequest("InvalidSkipToken", $"The skip token '{token}' is invalid for this query and scope.");
    }

    private static string QueryHash(string query) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(query)))[..16];

    /// <summary>resultFormat table: columns (name, type) and rows as arrays, the older Resource Graph shape.</summary>
    private static JsonObject Table(List<JsonObject> page)
    {
        var names = new List<string>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in page)
        {
            foreach (var (k, v) in row)
            {
                if (!types.ContainsKey(k))
                {
                    names.Add(k);
                    types[k] = string.Empty;
                }

                if (types[k].Length == 0 && v is not null)
                {
                    types[k] = KqlEvaluator.FromNode(v) switch { string => "string", long => "integer", double => "number", bool => "boolean", _ => "object" };
                }
            }
        }

        return new JsonObject
        {
            ["columns"] = new JsonArray([.. names.Select(n => (JsonNode)new JsonObject { ["name"] = n, ["type"] = types[n].Length == 0 ? "string" : types[n] })]),
            ["rows"] = new JsonArray([.. page.Select(r => (JsonNode)new JsonArray([.. names.Select(n => r[n]?.DeepClone())]))]),
        };
    }

    /// <summary>
    /// A Resource Graph row: its standard columns around the resource's own body. The body is one rendered for this
    /// index, so its nodes move into the row instead of being copied.
    /// </summary>
    private static JsonObject Row(JsonObject resource, string subscriptionId, string resourceGroup, string? location)
    {
        static JsonNode? Take(JsonObject o, string name)
        {
            o.Remove(name, out var node);
            return node;
        }

        var id = Json.Str(resource, "id")!;
        return new JsonObject
        {
            ["id"] = id,
            ["name"] = Json.Str(resource, "name"),
            ["type"] = Json.Str(resource, "type")?.ToLowerInvariant(),
            ["tenantId"] = EmulatorConstants.TenantId,
            ["kind"] = Json.Str(resource, "kind") ?? string.Empty,
            ["location"] = Json.Str(resource, "location") ?? location ?? string.Empty,
            ["resourceGroup"] = resourceGroup.ToLowerInvariant(),
            ["subscriptionId"] = subscriptionId,
            ["managedBy"] = string.Empty,
            ["sku"] = Take(resource, "sku"),
            ["plan"] = null,
            ["properties"] = Take(resource, "properties"),
            ["tags"] = Take(resource, "tags") ?? new JsonObject(),
            ["identity"] = Take(resource, "identity"),
            ["zones"] = null,
            ["extendedLocation"] = null,
        };
    }

    private static string ResourceGroupOf(string id)
    {
        var parts = id.Split('/');
        return parts.Length > 4 ? parts[4] : string.Empty;
    }

    private static bool Wants(IReadOnlySet<string>? types, string type) => types is null || types.Contains(type);

    private static List<JsonObject> ResourcesRows(IStoreSession s, string sub, DateTimeOffset now, IReadOnlySet<string>? types)
    {
        var prefix = Subscriptions.IdOf(sub);
        var rows = new List<JsonObject>();
        if (Wants(types, "microsoft.recoveryservices/vaults"))
        {
            foreach (var v in VaultModel.List(s, prefix, null, now))
            {
                rows.Add(Row(VaultModel.Render(v, now), sub, ResourceGroupOf(v.Id), null));
            }
        }

        foreach (var (kind, type) in new[] { (BackupDocKinds.VirtualMachine, "microsoft.compute/virtualmachines"), (BackupDocKinds.StorageAccount, "microsoft.storage/storageaccounts") })
        {
            if (Wants(types, type))
            {
                foreach (var d in ResourceDoc.List(s, kind, prefix))
                {
                    rows.Add(Row(d.Body, sub, ResourceGroupOf(d.Id), null));
                }
            }
        }

        return rows;
    }

    private static List<JsonObject> RecoveryServicesRows(IStoreSession s, string sub, DateTimeOffset now, IReadOnlySet<string>? types)
    {
        var prefix = Subscriptions.IdOf(sub);
        var rows = new List<JsonObject>();
        var (policies, items, jobs) = (Wants(types, PolicyRowType), Wants(types, ItemRowType), Wants(types, JobRowType));
        if (!policies && !items && !jobs)
        {
            return rows;
        }

        foreach (var v in VaultModel.List(s, prefix, null, now))
        {
            var rg = ResourceGroupOf(v.Id);
            var location = Json.Str(v.Body, "location");
            var vaultItems = items || policies ? ResourceDoc.List(s, DocumentKinds.ProtectedItem, v.Id + "/backupFabrics") : [];
            if (policies)
            {
                // Azure has a vault's default policies from its creation; the emulator makes them when the backup
                // surface first sees the vault, and Resource Graph is such a look.
                BackupModel.EnsureVaultSeeded(s, v, now);
                var users = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                foreach (var i in vaultItems)
                {
                    if (Json.Str(i.Props, "policyId") is { } policyId)
                    {
                        users[policyId] = users.GetValueOrDefault(policyId) + 1;
                    }
                }

                foreach (var p in ResourceDoc.List(s, BackupDocKinds.Policy, v.Id + "/backupPolicies"))
                {
                    rows.Add(Row(PolicyStore.Render(p, users), sub, rg, location));
                }
            }

            if (items)
            {
                foreach (var item in vaultItems)
                {
                    rows.Add(Row(ProtectedItemHandler.Render(s, item, now, inPlace: true), sub, rg, location));
                }
            }

            if (jobs)
            {
                foreach (var job in ResourceDoc.List(s, BackupDocKinds.Job, v.Id + "/backupJobs"))
                {
                    rows.Add(Row(BackupJobHandler.Render(job, now, withExtendedInfo: false), sub, rg, location));
                }
            }
        }

        return rows;
    }

    /// <summary>The caller's read rights, from its role assignments read once per query.</summary>
    private sealed class Reader
    {
        private readonly List<(string Scope, RoleDefinition Role)> _grants;
        private readonly Dictionary<string, bool> _byScopeAndType = new(StringComparer.OrdinalIgnoreCase);

        private Reader(List<(string, RoleDefinition)> grants) => _grants = grants;

        public static Reader For(IStoreSession s, string objectId) =>
            new(RoleAssignments.All(s)
                .Where(a => string.Equals(RoleAssignments.PrincipalOf(a), objectId, StringComparison.OrdinalIgnoreCase))
                .Select(a => (RoleAssignments.ScopeOf(a), RoleAssignments.RoleOf(a)))
                .Where(x => x.Item2 is not null)
                .Select(x => (x.Item1, x.Item2!))
                .ToList());

        public bool CanRead(JsonObject row)
        {
            if (row["id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id) || row["type"] is not JsonValue typeValue || !typeValue.TryGetValue<string>(out var type))
            {
                return false;
            }

            // Role actions are per type, and assignments sit at subscription, group or vault scope: the answer for a
            // row is the answer for its vault (or resource) and type, so a vault's thousands of rows cost one check.
            var anchor = Anchor(id);
            var key = anchor + "|" + type;
            if (!_byScopeAndType.TryGetValue(key, out var allowed))
            {
                var action = Rbac.DeriveAction("GET", ArmRouter.SplitPath(id));
                allowed = _grants.Any(g => Rbac.ScopeApplies(g.Scope, anchor) && Rbac.Allows(g.Role, action));
                _byScopeAndType[key] = allowed;
            }

            return allowed;
        }

        // The id up to its resource (eight segments: /subscriptions/s/resourceGroups/g/providers/ns/type/name).
        private static string Anchor(string id)
        {
            var slashes = 0;
            for (var i = 0; i < id.Length; i++)
            {
                if (id[i] == '/' && ++slashes == 9)
                {
                    return id[..i];
                }
            }

            return id;
        }
    }
}
