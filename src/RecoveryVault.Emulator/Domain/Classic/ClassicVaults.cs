// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain.Classic;

/// <summary>
/// The classic (Service Manager) Backup vaults the upgrade starts from: per subscription and region, no resource
/// group, with registered servers (MARS / DPM / Azure Backup Server), their items, policies, recovery points and jobs.
/// The real API is retired; this keeps its model, under <c>/subscriptions/{id}/providers/Microsoft.Backup/classicVaults</c>.
/// </summary>
internal static class ClassicVaults
{
    public const string VaultKind = "classicVault";
    public const string ServerKind = "classicServer";
    public const string ItemKind = "classicItem";
    public const string PolicyKind = "classicPolicy";
    public const string PointKind = "classicRecoveryPoint";
    public const string JobKind = "classicJob";
    public const string VaultType = "Microsoft.Backup/classicVaults";

    /// <summary>The oldest MARS agent the upgrade supports.</summary>
    public static readonly Version MinimumMarsAgent = new(2, 0, 9083, 0);

    /// <summary>A server silent for longer than this is reported as no longer reporting.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(30);

    public static string Prefix(string subscriptionId) => $"/subscriptions/{subscriptionId}/providers/{VaultType}";

    public static string IdOf(string subscriptionId, string name) => $"{Prefix(subscriptionId)}/{name}";

    public static string ServerId(string vaultId, string server) => $"{vaultId}/registeredServers/{server}";

    public static string ItemId(string serverId, string path) => $"{serverId}/protectedItems/FileFolder;{path}";

    public static string PolicyId(string vaultId, string name) => $"{vaultId}/policies/{name}";

    public static ResourceDoc? Load(IStoreSession s, string id) => ResourceDoc.Load(s, id, VaultKind);

    public static ResourceDoc Require(IStoreSession s, string subscriptionId, string name) =>
        Load(s, IdOf(subscriptionId, name))
        ?? throw ArmErrors.NotFound("ClassicVaultNotFound", $"The classic Backup vault '{name}' was not found in subscription '{subscriptionId}'.");

    /// <summary>Active classic vaults; an upgraded one is no longer listed (it can still be read by name).</summary>
    public static List<ResourceDoc> List(IStoreSession s, string subscriptionId) =>
        ResourceDoc.List(s, VaultKind, Prefix(subscriptionId) + "/").Where(v => State(v) != "Upgraded").ToList();

    public static string State(ResourceDoc vault) => Json.Str(vault.Props, "state") ?? "Active";

    public static List<ResourceDoc> Servers(IStoreSession s, string vaultId) => ResourceDoc.List(s, ServerKind, vaultId + "/registeredServers/");

    public static List<ResourceDoc> Items(IStoreSession s, string vaultId) => ResourceDoc.List(s, ItemKind, vaultId + "/registeredServers/");

    public static List<ResourceDoc> Policies(IStoreSession s, string vaultId) => ResourceDoc.List(s, PolicyKind, vaultId + "/policies/");

    public static List<ResourceDoc> Points(IStoreSession s, string vaultId) => ResourceDoc.List(s, PointKind, vaultId + "/registeredServers/");

    public static List<ResourceDoc> Jobs(IStoreSession s, string vaultId) => ResourceDoc.List(s, JobKind, vaultId + "/jobs/");

    /// <summary>The wire form, with the counts the service reports.</summary>
    public static JsonObject Render(IStoreSession s, ResourceDoc vault)
    {
        var body = (JsonObject)vault.Body.DeepClone();
        var p = Json.Obj(body, "properties");
        p["registeredServerCount"] = Servers(s, vault.Id).Count;
        p["protectedItemCount"] = Items(s, vault.Id).Count;
        p["policyCount"] = Policies(s, vault.Id).Count;
        p["recoveryPointCount"] = Points(s, vault.Id).Count;
        p["runningJobCount"] = Jobs(s, vault.Id).Count(j => Json.Str(j.Props, "status") == "InProgress");
        return body;
    }

    public static JsonObject RenderItem(IStoreSession s, ResourceDoc item)
    {
        var body = (JsonObject)item.Body.DeepClone();
        var times = ResourceDoc.List(s, PointKind, item.Id + "/recoveryPoints/").Select(p => Json.ParseTime(Json.Str(p.Props, "recoveryPointTime"))).OfType<DateTimeOffset>().Order().ToList();
        var p = Json.Obj(body, "properties");
        p["recoveryPointCount"] = times.Count;
        p["oldestRecoveryPoint"] = times.Count > 0 ? Json.Timestamp(times[0]) : null;
        p["latestRecoveryPoint"] = times.Count > 0 ? Json.Timestamp(times[^1]) : null;
        return body;
    }

    /// <summary>
    /// Seeds or updates a classic vault from <c>POST /_emulator/classicVaults</c>. Posting again with the same name
    /// updates what it names (a server's agent version or last contact, billing, CSP) and adds what is new.
    /// </summary>
    public static JsonObject Seed(IStoreSession s, BackupRuntime rt, JsonObject body)
    {
        var sub = Json.Str(body, "subscriptionId") ?? EmulatorConstants.SubscriptionId;
        if (Subscriptions.Get(s, sub) is null)
        {
            throw new ArgumentException($"Subscription '{sub}' does not exist; POST /_emulator/subscriptions first.");
        }

        var name = Json.Str(body, "name") ?? throw new ArgumentException("name is required.");
        var now = rt.Clock.Now;
        var id = IdOf(sub, name);
        var vault = Load(s, id);
        if (vault is null)
        {
            vault = new ResourceDoc(id, VaultKind, null, new JsonObject
            {
                ["id"] = id,
                ["name"] = name,
                ["type"] = VaultType,
                ["location"] = Locations.Normalize(Json.Str(body, "location") ?? "westeurope"),
                ["properties"] = new JsonObject
                {
                    ["state"] = "Active",
                    ["storageType"] = "GeoRedundant",
                    ["billingModel"] = "InstanceBased",
                    ["managedByCsp"] = false,
                    ["createdTime"] = Json.Timestamp(now.AddYears(-2)),
                    ["upgradedVaultId"] = null,
                },
            }, new JsonObject { ["subscriptionId"] = sub });
        }
        else if (State(vault) != "Active")
        {
            throw new ArgumentException($"The classic vault '{name}' is {State(vault)}; it can no longer be changed.");
        }

        if (Json.Str(body, "billingModel") is { } billing)
        {
            vault.Props["billingModel"] = billing.Equals("StorageBased", StringComparison.OrdinalIgnoreCase) ? "StorageBased"
                : billing.Equals("InstanceBased", StringComparison.OrdinalIgnoreCase) ? "InstanceBased"
                : throw new ArgumentException("billingModel must be StorageBased or InstanceBased.");
        }

        if (Json.Bool(body["managedByCsp"]) is { } csp)
        {
            vault.Props["managedByCsp"] = csp;
        }

        vault.Save(s);

        var policies = body["policies"] as JsonArray;
        if (policies is null && Policies(s, id).Count == 0)
        {
            policies = [new JsonObject { ["name"] = "DailyFiles", ["runTime"] = "22:00", ["retentionDays"] = 180 }];
        }

        foreach (var p in (policies ?? []).OfType<JsonObject>())
        {
            var policyName = Json.Str(p, "name") ?? throw new ArgumentException("Every policy needs a name.");
            var retention = Json.Int(p["retentionDays"]) ?? 180;
            if (retention is < 7 or > 9999)
            {
                throw new ArgumentException("retentionDays must be between 7 and 9999.");
            }

            var runTime = TimeSpan.Parse(Json.Str(p, "runTime") ?? "22:00", CultureInfo.InvariantCulture);
            new ResourceDoc(PolicyId(id, policyName), PolicyKind, id, new JsonObject
            {
                ["id"] = PolicyId(id, policyName),
                ["name"] = policyName,
                ["properties"] = new JsonObject
                {
                    ["scheduleRunFrequency"] = "Daily",
                    ["scheduleRunTime"] = runTime.ToString(@"hh\:mm", CultureInfo.InvariantCulture),
                    ["retentionDays"] = retention,
                },
            }, Json.Object()).Save(s);
        }

        var pointDays = Json.Int(body["recoveryPointDays"]) ?? 90;
        foreach (var sv in (body["servers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            SeedServer(s, rt, vault, sv, pointDays, now);
        }

        foreach (var j in (body["runningJobs"] as JsonArray ?? []).OfType<JsonObject>())
        {
            StartJob(s, rt, vault, Json.Str(j, "operation") ?? "Backup", Json.Str(j, "server") ?? throw new ArgumentException("Every running job names its server."),
                Json.Str(j, "item"), TimeSpan.FromMinutes(Json.Int(j["minutes"]) ?? 30), now);
        }

        return Render(s, vault);
    }

    private static void SeedServer(IStoreSession s, BackupRuntime rt, ResourceDoc vault, JsonObject sv, int pointDays, DateTimeOffset now)
    {
        var serverName = Json.Str(sv, "name") ?? throw new ArgumentException("Every server needs a name.");
        var serverId = ServerId(vault.ArmId, serverName);
        var server = ResourceDoc.Load(s, serverId, ServerKind) ?? new ResourceDoc(serverId, ServerKind, vault.Id, new JsonObject
        {
            ["id"] = serverId,
            ["name"] = serverName,
            ["properties"] = new JsonObject
            {
                ["serverType"] = "MARS",
                ["agentVersion"] = "2.0.9262.0",
                ["registrationTime"] = Json.Timestamp(now.AddDays(-400)),
                ["lastSeen"] = Json.Timestamp(now),
            },
        }, Json.Object());
        if (Json.Str(sv, "serverType") is { } type)
        {
            server.Props["serverType"] = type.ToUpperInvariant() switch
            {
                "MARS" => "MARS",
                "DPM" => "DPM",
                "MABS" or "AZUREBACKUPSERVER" => "MABS",
                _ => throw new ArgumentException("serverType must be MARS, DPM or MABS."),
            };
        }

        if (Json.Str(sv, "agentVersion") is { } version)
        {
            if (!Version.TryParse(version, out _))
            {
                throw new ArgumentException($"agentVersion '{version}' is not a version (e.g. 2.0.9262.0).");
            }

            server.Props["agentVersion"] = version;
        }

        if (sv["lastSeenDaysAgo"] is JsonValue ago && ago.TryGetValue<double>(out var days))
        {
            server.Props["lastSeen"] = Json.Timestamp(now.AddDays(-days));
        }

        server.Save(s);

        var policyName = Json.Str(sv, "policy") ?? Policies(s, vault.Id).Select(p => p.Body["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).First();
        var policy = ResourceDoc.Load(s, PolicyId(vault.Id, policyName), PolicyKind) ?? throw new ArgumentException($"No policy '{policyName}' in classic vault '{Json.Str(vault.Body, "name")}'.");
        var retention = Json.Int(policy.Props["retentionDays"]) ?? 180;
        var runTime = TimeSpan.Parse(Json.Str(policy.Props, "scheduleRunTime") ?? "22:00", CultureInfo.InvariantCulture);
        foreach (var path in (sv["items"] as JsonArray ?? []).Select(Json.Str).OfType<string>())
        {
            var itemId = ItemId(serverId, path);
            if (ResourceDoc.Load(s, itemId, ItemKind) is not null)
            {
                continue;
            }

            new ResourceDoc(itemId, ItemKind, serverId, new JsonObject
            {
                ["id"] = itemId,
                ["name"] = WorkloadCatalogue.MarsServer.ItemNamePrefix + path,
                ["properties"] = new JsonObject
                {
                    ["serverName"] = serverName,
                    ["path"] = path,
                    ["policyName"] = policyName,
                    ["protectionState"] = "Protected",
                },
            }, Json.Object()).Save(s);

            // One point a day at the policy's time, inside its retention (older ones would already be gone).
            var lastSeen = Json.ParseTime(Json.Str(server.Props, "lastSeen")) ?? now;
            var newest = new DateTimeOffset(lastSeen.UtcDateTime.Date, TimeSpan.Zero) + runTime;
            if (newest > lastSeen)
            {
                newest = newest.AddDays(-1);
            }

            var count = Math.Min(pointDays, retention - 1);
            var first = BackupEngine.Reserve(s, Math.Max(1, count));
            for (var i = 0; i < count; i++)
            {
                var t = newest.AddDays(-i);
                AddPoint(s, rt, itemId, serverName, path, first + i, t, t.AddDays(retention));
            }
        }
    }

    public static void AddPoint(IStoreSession s, BackupRuntime rt, string itemId, string serverName, string path, long counter, DateTimeOffset t, DateTimeOffset expiry)
    {
        var name = BackupModel.NumericId(rt.Seed, counter);
        var id = $"{itemId}/recoveryPoints/{name}";
        new ResourceDoc(id, PointKind, itemId, new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["properties"] = new JsonObject
            {
                ["serverName"] = serverName,
                ["path"] = path,
                ["recoveryPointTime"] = Json.Timestamp(t),
                ["expiryTime"] = Json.Timestamp(expiry),
            },
        }, Json.Object()).Save(s);
    }

    public static ResourceDoc StartJob(IStoreSession s, BackupRuntime rt, ResourceDoc vault, string operation, string serverName, string? path, TimeSpan duration, DateTimeOffset now)
    {
        operation = operation.ToUpperInvariant() switch
        {
            "BACKUP" => "Backup",
            "CONFIGUREBACKUP" => "ConfigureBackup",
            "REGISTER" or "REGISTRATION" => "Register",
            _ => throw new ArgumentException("operation must be Backup, ConfigureBackup or Register."),
        };
        var serverId = ServerId(vault.Id, serverName);
        if (operation != "Register" && ResourceDoc.Load(s, serverId, ServerKind) is null)
        {
            throw new ArgumentException($"No registered server '{serverName}'.");
        }

        if (operation == "Backup" && path is null)
        {
            // No folder named: the server's first one, as a scheduled backup would take.
            path = ResourceDoc.List(s, ItemKind, serverId + "/protectedItems/").Select(i => Json.Str(i.Props, "path")).OfType<string>().Order(StringComparer.Ordinal).FirstOrDefault();
        }

        if (operation == "Backup" && (path is null || ResourceDoc.Load(s, ItemId(serverId, path), ItemKind) is null))
        {
            throw new ArgumentException($"A backup job needs an item of '{serverName}' (got '{path}').");
        }

        var name = BackupModel.Guid(rt.Seed, "classicjob", BackupEngine.Next(s));
        var id = $"{vault.ArmId}/jobs/{name}";
        var job = new ResourceDoc(id, JobKind, vault.Id, new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["properties"] = new JsonObject
            {
                ["operation"] = operation,
                ["status"] = "InProgress",
                ["serverName"] = serverName,
                ["path"] = path,
                ["startTime"] = Json.Timestamp(now),
                ["endTime"] = null,
            },
        }, new JsonObject { ["end"] = Json.Timestamp(now + duration) });
        job.Save(s);
        return job;
    }

    /// <summary>Finishes classic jobs that are due (a backup adds its point), for vaults not yet moved.</summary>
    public static void CompleteDueJobs(IStoreSession s, BackupRuntime rt, DateTimeOffset now)
    {
        foreach (var job in ResourceDoc.List(s, JobKind).Where(j => Json.Str(j.Props, "status") == "InProgress"))
        {
            var end = Json.ParseTime(Json.Str(job.Meta, "end")) ?? now;
            if (end > now || Json.Bool(job.Meta["handedOver"]) == true)
            {
                continue;
            }

            job.Props["status"] = "Completed";
            job.Props["endTime"] = Json.Timestamp(end);
            job.Save(s);
            if (Json.Str(job.Props, "operation") == "Backup")
            {
                var serverName = Json.Str(job.Props, "serverName")!;
                var path = Json.Str(job.Props, "path")!;
                var itemId = ItemId(ServerId(job.ParentId!, serverName), path);
                var item = ResourceDoc.Load(s, itemId, ItemKind);
                var policy = item is null ? null : ResourceDoc.Load(s, PolicyId(job.ParentId!, Json.Str(item.Props, "policyName") ?? string.Empty), PolicyKind);
                if (item is not null)
                {
                    AddPoint(s, rt, itemId, serverName, path, BackupEngine.Next(s), end, end.AddDays(Json.Int(policy?.Props["retentionDays"]) ?? 180));
                }
            }
        }
    }
}
