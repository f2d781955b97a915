// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>Recovery points: made by completed backup jobs, expired by the engine, rendered per workload.</summary>
internal static class RecoveryPoints
{
    public const string LogRangeName = "DefaultRangeRecoveryPoint";

    public static string IdOf(string itemId, string rpName) => $"{itemId}/recoveryPoints/{rpName}";

    public static List<ResourceDoc> ForItem(IStoreSession s, string itemId) =>
        ResourceDoc.List(s, BackupDocKinds.RecoveryPoint, itemId + "/recoveryPoints");

    public static void Create(IStoreSession s, BackupRuntime rt, ResourceDoc item, ResourceDoc job, DateTimeOffset end)
    {
        var t = Json.ParseTime(Json.Str(job.Props, "startTime")) ?? end;
        var backupType = Json.Str(job.Meta, "backupType") ?? "Full";
        var vaultId = Json.Str(item.Meta, "vaultId")!;
        var policy = PolicyStore.ByPolicyId(s, vaultId, Json.Str(item.Props, "policyId"));
        var itemWireId = Json.Str(item.Body, "id")!;
        var kind = WorkloadCatalogue.Of(item) ?? WorkloadCatalogue.AzureVM;
        var meta = new JsonObject { ["jobId"] = Json.Str(job.Body, "name") };
        var expiry = Json.ParseTime(Json.Str(job.Meta, "expiry"))
            ?? (policy is not null && Json.Bool(job.Meta["adhoc"]) != true ? PolicyRules.Expiry(policy.Props, t, backupType) : t.AddDays(30));
        meta["expiry"] = Json.Timestamp(expiry);

        if (kind.LogChain && backupType == "Log")
        {
            var chainStart = Json.ParseTime(Json.Str(item.Meta, "logChainStart")) ?? t;
            SetLogRange(s, item, chainStart, t);
        }
        else
        {
            var name = BackupModel.NumericId(rt.Seed, BackupEngine.Next(s));
            var props = kind.RenderRecoveryPoint(new RecoveryPointContext(s, rt, item, job, t, expiry, backupType, name));
            if (kind.InstantRestoreTier)
            {
                var instantDays = Json.Int(policy?.Props["instantRpRetentionRangeInDays"]) ?? 2;
                meta["instantUntil"] = Json.Timestamp(t.AddDays(instantDays));
            }

            var id = IdOf(itemWireId, name);
            new ResourceDoc(id, BackupDocKinds.RecoveryPoint, itemWireId, new JsonObject
            {
                ["id"] = id,
                ["name"] = name,
                ["type"] = BackupModel.RecoveryPointType,
                ["properties"] = props,
            }, meta).Save(s);
            if (kind.LogChain && backupType == "Full" && item.Meta["logChainStart"] is null)
            {
                item.Meta["logChainStart"] = Json.Timestamp(t);
            }
        }

        item.Props["lastBackupStatus"] = kind.LastBackupStatus.Completed;
        item.Props["lastBackupTime"] = Json.Timestamp(t);
        item.Props["lastRecoveryPoint"] = Json.Timestamp(t);
        item.Props["healthStatus"] = "Passed";
        item.Props["protectionStatus"] = "Healthy";
        if (Json.Str(item.Props, "protectionState") is "IRPending" or "ProtectionError")
        {
            item.Props["protectionState"] = "Protected";
        }

        item.Save(s);
    }

    /// <summary>
    /// Seeds <paramref name="count"/> past points of a VM item, one every <paramref name="interval"/> back from now
    /// and kept ten years: months of history (or a 100,000-point stress list) without simulating every backup.
    /// </summary>
    public static JsonObject SeedHistory(IStoreSession s, BackupRuntime rt, string itemId, int count, TimeSpan interval, DateTimeOffset now)
    {
        var item = ResourceDoc.Load(s, itemId, Store.DocumentKinds.ProtectedItem) ?? throw new ArgumentException($"No protected item '{itemId}'.");
        if (WorkloadCatalogue.Of(item) != WorkloadCatalogue.AzureVM)
        {
            throw new ArgumentException("History can be seeded for Azure VM items only.");
        }

        var itemWireId = Json.Str(item.Body, "id")!;
        var first = BackupEngine.Reserve(s, count);
        for (var i = 0; i < count; i++)
        {
            var t = now - (interval * (i + 1));
            var name = BackupModel.NumericId(rt.Seed, first + i);
            var id = IdOf(itemWireId, name);
            new ResourceDoc(id, BackupDocKinds.RecoveryPoint, itemWireId, new JsonObject
            {
                ["id"] = id,
                ["name"] = name,
                ["type"] = BackupModel.RecoveryPointType,
                ["properties"] = VmPoint(s, rt, item, t, name),
            }, new JsonObject { ["expiry"] = Json.Timestamp(t.AddYears(10)), ["instantUntil"] = Json.Timestamp(t.AddDays(2)) }).Save(s);
        }

        return new JsonObject
        {
            ["itemId"] = itemWireId,
            ["created"] = count,
            ["newest"] = Json.Timestamp(now - interval),
            ["oldest"] = Json.Timestamp(now - (interval * count)),
        };
    }

    /// <summary>An Azure Files snapshot point (spec AzureFileShareRecoveryPoint).</summary>
    internal static JsonObject FileSharePoint(RecoveryPointContext c) => new()
    {
        ["objectType"] = WorkloadCatalogue.AzureFileShare.RecoveryPointObjectType,
        ["recoveryPointType"] = "FileSystemConsistent",
        ["recoveryPointTime"] = Json.Timestamp(c.Time),
        ["fileShareSnapshotUri"] = $"https://{Json.Str(c.Item.Meta, "storageAccount")}.file.core.windows.net/{Json.Str(c.Item.Props, "friendlyName")}?sharesnapshot={c.Time.UtcDateTime:yyyy-MM-ddTHH:mm:ss.0000000Z}",
        ["recoveryPointSizeInGB"] = 1,
        ["recoveryPointProperties"] = new JsonObject { ["expiryTime"] = Json.Timestamp(c.Expiry), ["ruleName"] = Json.Bool(c.Job.Meta["adhoc"]) == true ? "AdHoc" : "Daily" },
        ["recoveryPointTierDetails"] = new JsonArray(new JsonObject { ["type"] = "HardenedRP", ["status"] = "Valid" }),
    };

    /// <summary>A SQL Full or Differential point (spec AzureWorkloadSQLRecoveryPoint); Log backups extend the range point instead.</summary>
    internal static JsonObject SqlPoint(RecoveryPointContext c) => new()
    {
        ["objectType"] = WorkloadCatalogue.SqlDatabase.RecoveryPointObjectType,
        ["recoveryPointTimeInUTC"] = Json.Timestamp(c.Time),
        ["type"] = c.BackupType == "Differential" ? "Differential" : "Full",
        ["recoveryPointTierDetails"] = new JsonArray(new JsonObject { ["type"] = "HardenedRP", ["status"] = "Valid" }),
        ["recoveryPointMoveReadinessInfo"] = new JsonObject { ["ArchivedRP"] = new JsonObject { ["isReadyForMove"] = false, ["additionalInfo"] = "Recovery point is not yet eligible for archive." } },
        ["recoveryPointProperties"] = new JsonObject { ["expiryTime"] = Json.Timestamp(c.Expiry) },
        ["extendedInfo"] = new JsonObject { ["dataDirectoryTimeInUTC"] = Json.Timestamp(c.Time), ["dataDirectoryPaths"] = SqlDataFiles(Json.Str(c.Item.Props, "friendlyName") ?? "db") },
    };

    internal static JsonObject VmPoint(IStoreSession s, BackupRuntime rt, ResourceDoc item, DateTimeOffset t, string name)
    {
        var vm = ResourceDoc.Load(s, Json.Str(item.Props, "sourceResourceId") ?? string.Empty, BackupDocKinds.VirtualMachine);
        var premium = Json.Bool(vm?.Meta["premium"]) == true;
        var encrypted = Json.Bool(vm?.Meta["encrypted"]) == true;
        // Deterministic per seed: roughly one point in ten is crash consistent (VM agent busy), as in practice.
        var crash = (Math.Abs((long)(ulong.Parse(name, System.Globalization.CultureInfo.InvariantCulture) % 10)) == 0);
        var os = Json.Str(vm?.Meta, "osType") ?? "Windows";
        return new JsonObject
        {
            ["objectType"] = WorkloadCatalogue.AzureVM.RecoveryPointObjectType,
            ["recoveryPointType"] = crash ? "CrashConsistent" : os == "Linux" ? "FileSystemConsistent" : "AppConsistent",
            ["recoveryPointTime"] = Json.Timestamp(t),
            ["recoveryPointAdditionalInfo"] = string.Empty,
            ["sourceVMStorageType"] = premium ? "PremiumVMOnPartialPremiumStorage" : "NormalStorage",
            ["isSourceVMEncrypted"] = encrypted,

            // IaasVMRecoveryPoint.keyAndSecret: "applicable only when IsSourceVMEncrypted is true" (bms.json KeyAndSecretDetails).
            ["keyAndSecret"] = encrypted ? KeyAndSecret(vm!, name) : null,
            ["isInstantIlrSessionActive"] = false,
            ["recoveryPointTierDetails"] = new JsonArray(),
            ["recoveryPointMoveReadinessInfo"] = new JsonObject { ["ArchivedRP"] = new JsonObject { ["isReadyForMove"] = false, ["additionalInfo"] = "Recovery point is not yet eligible for archive." } },
            ["isManagedVirtualMachine"] = true,
            ["virtualMachineSize"] = Json.Str(vm?.Body["properties"]?["hardwareProfile"] as JsonObject, "vmSize") ?? "Standard_D2s_v3",
            ["originalStorageAccountOption"] = false,
            ["osType"] = os,
            ["zones"] = new JsonArray(),
            ["securityType"] = "None",
            ["isPrivateAccessEnabledOnAnyDisk"] = false,
            ["extendedLocation"] = null,
            ["recoveryPointDiskConfiguration"] = new JsonObject
            {
                ["numberOfDisksIncludedInBackup"] = (Json.Int(item.Meta["includedDisks"]) ?? 0) + 1,
                ["numberOfDisksAttachedToVm"] = ((vm?.Body["properties"]?["storageProfile"]?["dataDisks"] as JsonArray)?.Count ?? 0) + 1,
            },
        };
    }

    private static JsonObject KeyAndSecret(ResourceDoc vm, string pointName)
    {
        var p = BackupModel.ParseResourceId(Json.Str(vm.Body, "id"), "Microsoft.Compute/virtualMachines");
        var keyVault = $"/subscriptions/{p?.Sub}/resourceGroups/{p?.Rg}/providers/Microsoft.KeyVault/vaults/{p?.Name}-kv";
        var data = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{p?.Name}:{pointName}"));
        return new JsonObject
        {
            ["kekDetails"] = new JsonObject { ["keyUrl"] = $"https://{p?.Name}-kv.vault.azure.net/keys/kek/{pointName}", ["keyVaultId"] = keyVault, ["keyBackupData"] = data },
            ["bekDetails"] = new JsonObject { ["secretUrl"] = $"https://{p?.Name}-kv.vault.azure.net/secrets/bek/{pointName}", ["secretVaultId"] = keyVault, ["secretData"] = data },
            ["encryptionMechanism"] = "SinglePass",
        };
    }

    /// <summary>A point of a MARS item (files and folders): the spec's GenericRecoveryPoint.</summary>
    public static JsonObject GenericPoint(string path, DateTimeOffset t) => new()
    {
        ["objectType"] = WorkloadCatalogue.MarsServer.RecoveryPointObjectType,
        ["friendlyName"] = path,
        ["recoveryPointType"] = "FileSystemConsistent",
        ["recoveryPointTime"] = Json.Timestamp(t),
        ["recoveryPointAdditionalInfo"] = string.Empty,
    };

    /// <summary>
    /// The database's files as the point records them (bms.json AzureWorkloadSQLRecoveryPointExtendedInfo /
    /// SQLDataDirectory), in the instance's data and log folders the workload items report.
    /// </summary>
    public static JsonArray SqlDataFiles(string db) =>
    [
        new JsonObject { ["type"] = "Data", ["path"] = $"F:\\DATA\\{db}.mdf", ["logicalName"] = db },
        new JsonObject { ["type"] = "Log", ["path"] = $"F:\\LOG\\{db}_log.ldf", ["logicalName"] = db + "_log" },
    ];

    public static void SetLogRange(IStoreSession s, ResourceDoc item, DateTimeOffset start, DateTimeOffset end)
    {
        var itemWireId = Json.Str(item.Body, "id")!;
        var id = IdOf(itemWireId, LogRangeName);
        new ResourceDoc(id, BackupDocKinds.RecoveryPoint, itemWireId, new JsonObject
        {
            ["id"] = id,
            ["name"] = LogRangeName,
            ["type"] = BackupModel.RecoveryPointType,
            ["properties"] = new JsonObject
            {
                ["objectType"] = WorkloadCatalogue.SqlDatabase.LogRangePointObjectType,
                ["type"] = "Log",
                ["timeRanges"] = new JsonArray(new JsonObject { ["startTime"] = Json.Timestamp(start), ["endTime"] = Json.Timestamp(end) }),
            },
        }, new JsonObject { ["log"] = true }).Save(s);
    }

    /// <param name="inPlace">The point was read for this answer only: render into its body instead of a copy.</param>
    public static JsonObject Render(ResourceDoc rp, DateTimeOffset now, bool inPlace = false)
    {
        var body = inPlace ? rp.Body : (JsonObject)rp.Body.DeepClone();
        var p = Json.Obj(body, "properties");
        if (Json.Str(p, "objectType") == WorkloadCatalogue.AzureVM.RecoveryPointObjectType)
        {
            var instant = Json.ParseTime(Json.Str(rp.Meta, "instantUntil")) is { } until && until > now;
            p["recoveryPointTierDetails"] = new JsonArray(
                new JsonObject { ["type"] = "InstantRP", ["status"] = instant ? "Valid" : "Deleted" },
                new JsonObject { ["type"] = "HardenedRP", ["status"] = "Valid" });
            p["isInstantIlrSessionActive"] = Json.ParseTime(Json.Str(rp.Meta, "ilrUntil")) is { } ilr && ilr > now;
        }

        return body;
    }

    /// <summary>
    /// Each point of an item with its time and whether it is the log range, read straight from the stored text:
    /// ordering 100,000 points must not build 100,000 editable documents.
    /// </summary>
    public static List<(string Id, DateTimeOffset? Time, bool Log)> Timeline(IStoreSession s, string itemId)
    {
        var docs = s.ListByKind(BackupDocKinds.RecoveryPoint, itemId + "/recoveryPoints");
        var list = new List<(string, DateTimeOffset?, bool)>(docs.Count);
        foreach (var d in docs)
        {
            DateTimeOffset? time;
            using (var body = System.Text.Json.JsonDocument.Parse(d.Body))
            {
                var p = Member(body.RootElement, "properties");
                var range = Member(p, "timeRanges");
                var last = range.ValueKind == System.Text.Json.JsonValueKind.Array && range.GetArrayLength() > 0 ? range[range.GetArrayLength() - 1] : default;
                time = Json.ParseTime(Text(Member(p, "recoveryPointTime")) ?? Text(Member(p, "recoveryPointTimeInUTC")) ?? Text(Member(last, "endTime")));
            }

            var log = false;
            if (d.Meta is not null)
            {
                using var meta = System.Text.Json.JsonDocument.Parse(d.Meta);
                log = Member(meta.RootElement, "log").ValueKind == System.Text.Json.JsonValueKind.True;
            }

            list.Add((d.Id, time, log));
        }

        return list;
    }

    // Stored documents are read with case-insensitive names elsewhere (Json.NodeOptions); so here.
    private static System.Text.Json.JsonElement Member(System.Text.Json.JsonElement e, string name)
    {
        if (e.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            foreach (var m in e.EnumerateObject())
            {
                if (m.NameEquals(name) || m.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return m.Value;
                }
            }
        }

        return default;
    }

    private static string? Text(System.Text.Json.JsonElement e) => e.ValueKind == System.Text.Json.JsonValueKind.String ? e.GetString() : null;

    public static DateTimeOffset? TimeOf(ResourceDoc rp) =>
        Json.ParseTime(Json.Str(rp.Props, "recoveryPointTime") ?? Json.Str(rp.Props, "recoveryPointTimeInUTC")
            ?? Json.Str((rp.Props["timeRanges"] as JsonArray)?.LastOrDefault() as JsonObject, "endTime"));
}
