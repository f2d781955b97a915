// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>Run-time state of the backup simulation that is not in the store: clock, seed, queued job failures.</summary>
internal sealed class BackupRuntime(double clockRate, int seed, DateTimeOffset? clockStart = null)
{
    // Each queued failure may name the item whose on-demand job it fails. An unscoped one fails whatever job ends next,
    // which may be a scheduled backup that came due meanwhile (the clock runs 600x by default), so a script that fails
    // "the backup I am about to start" scopes it.
    private readonly List<(string? ItemContains, int Remaining)> _failures = [];

    public SimulatedClock Clock { get; } = new(clockRate, clockStart);

    public int Seed { get; } = seed;

    public void QueueJobFailures(int count, string? itemContains = null)
    {
        lock (_failures)
        {
            _failures.Add((string.IsNullOrEmpty(itemContains) ? null : itemContains, Math.Max(1, count)));
        }
    }

    public int QueuedJobFailures
    {
        get
        {
            lock (_failures)
            {
                return _failures.Sum(f => f.Remaining);
            }
        }
    }

    /// <summary>Takes one queued failure that applies to a job of <paramref name="itemId"/> (null: a job of no item).</summary>
    public bool TryConsumeFailure(string? itemId, bool onDemand)
    {
        lock (_failures)
        {
            for (var i = 0; i < _failures.Count; i++)
            {
                var (contains, remaining) = _failures[i];
                if (contains is not null && (!onDemand || itemId is null || !itemId.Contains(contains, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                if (remaining <= 1)
                {
                    _failures.RemoveAt(i);
                }
                else
                {
                    _failures[i] = (contains, remaining - 1);
                }

                return true;
            }

            return false;
        }
    }

    public void Reset()
    {
        lock (_failures)
        {
            _failures.Clear();
        }

        Clock.Reset();
    }
}

/// <summary>What one catch-up did (reported by <c>/_emulator/clock/advance</c>).</summary>
internal sealed record EngineReport(int RecoveryPointsCreated, int RecoveryPointsExpired, int JobsCompleted, int JobsStarted);

/// <summary>
/// The backup engine. Everything time-driven happens in <see cref="CatchUp"/>, which brings the store from the
/// last processed instant to "now" in order: scheduled backups (jobs), job completions (recovery points),
/// retention expiry, soft-delete purge. Handlers call it at the start of their transaction, so state is always
/// current when read; advancing the clock calls it once for the whole span.
/// </summary>
internal static class BackupEngine
{
    private const string StateId = "/_backup/engine";
    private const string PendingPrefix = "/_backup/pending/";

    public static readonly TimeSpan BackupDuration = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan RestoreDuration = TimeSpan.FromMinutes(20);
    public static readonly TimeSpan IlrDuration = TimeSpan.FromMinutes(2);

    public static JsonObject State(IStoreSession s)
    {
        var d = s.Get(StateId);
        return d is null ? Json.Object() : Json.ParseObject(d.Body);
    }

    private static void SaveState(IStoreSession s, JsonObject state) => s.Put(new StoredDocument(StateId, BackupDocKinds.Engine, null, state.ToJsonString()));

    public static DateTimeOffset? LastRun(IStoreSession s) => Json.ParseTime(Json.Str(State(s), "lastRun"));

    /// <summary>Next value of the store-wide counter behind every deterministic id.</summary>
    public static long Next(IStoreSession s)
    {
        var state = State(s);
        var n = (long)(Json.Int(state["counter"]) ?? 0) + 1;
        state["counter"] = n;
        SaveState(s, state);
        return n;
    }

    /// <summary>Reserves <paramref name="count"/> counter values at once; returns the first.</summary>
    public static long Reserve(IStoreSession s, int count)
    {
        var state = State(s);
        var first = (long)(Json.Int(state["counter"]) ?? 0) + 1;
        state["counter"] = first + count - 1;
        SaveState(s, state);
        return first;
    }

    public static EngineReport CatchUp(IStoreSession s, BackupRuntime rt, DateTimeOffset now)
    {
        var state = State(s);
        var last = Json.ParseTime(Json.Str(state, "lastRun"));
        if (last is null || now <= last)
        {
            if (last is null)
            {
                state["lastRun"] = Json.Timestamp(now);
                SaveState(s, state);
            }

            return new EngineReport(0, 0, 0, 0);
        }

        // Upgrades of classic vaults run on the same clock, whatever the request (their new vault appears at commit);
        // like everything here they only move when time does.
        Classic.ClassicUpgrade.Advance(s, rt, now);

        // Nothing falls due before the instant the last full run noted, unless the documents it read have changed
        // since: then this request need not read every item and point of the store (issue 9).
        if (Json.ParseTime(Json.Str(state, "dueAt")) is { } dueAt && now < dueAt && Json.Str(state, "dueStamp") == DueStamp(s))
        {
            state["lastRun"] = Json.Timestamp(now);
            SaveState(s, state);
            return new EngineReport(0, 0, 0, 0);
        }

        var from = last.Value;
        var started = 0;
        var due = now + DueHorizon;
        var items = ResourceDoc.List(s, DocumentKinds.ProtectedItem);
        foreach (var item in items)
        {
            var st = Json.Str(item.Props, "protectionState");
            if (st is not ("IRPending" or "Protected" or "ProtectionError") || Json.Bool(item.Props["isScheduledForDeferredDelete"]) == true
                || WorkloadCatalogue.Of(item)?.ScheduledByEngine == false)
            {
                continue;
            }

            var vaultId = Json.Str(item.Meta, "vaultId")!;
            var policy = PolicyStore.ByPolicyId(s, vaultId, Json.Str(item.Props, "policyId"));
            if (policy is null)
            {
                continue;
            }

            var since = Json.ParseTime(Json.Str(item.Meta, "protectedSince")) ?? from;
            var start = since > from ? since : from;
            foreach (var (t, type) in PolicyRules.Fires(policy.Props, start, now))
            {
                StartBackupJob(s, rt, item, t, type, null, adhoc: false);
                started++;
            }

            var after = since > now ? since : now;
            if (PolicyRules.Fires(policy.Props, after, Min(due, after + DueHorizon)) is [var next, ..])
            {
                due = Min(due, next.Time);
            }
        }

        var completed = 0;
        var created = 0;
        foreach (var p in s.ListByKind(BackupDocKinds.PendingJob).Select(ResourceDoc.From)
                     .OrderBy(p => Json.ParseTime(Json.Str(p.Body, "end")) ?? now).ToList())
        {
            var end = Json.ParseTime(Json.Str(p.Body, "end")) ?? now;
            if (end > now)
            {
                due = Min(due, end);
                continue;
            }

            s.Delete(p.Id);
            var job = ResourceDoc.Load(s, Json.Str(p.Body, "jobId")!, BackupDocKinds.Job);
            if (job is not null && Json.Str(job.Props, "status") == "InProgress")
            {
                created += CompleteJob(s, rt, job, end);
                completed++;
            }
        }

        foreach (var item in ResourceDoc.List(s, DocumentKinds.ProtectedItem))
        {
            // A log chain's range follows the clock itself: while one runs, every request is a full run.
            if (UpdateLogChain(s, item, now))
            {
                due = now;
            }
        }

        var expired = 0;
        foreach (var rp in s.ListByKind(BackupDocKinds.RecoveryPoint))
        {
            if (rp.Meta is not null && Json.ParseTime(Json.Str(Json.ParseObject(rp.Meta), "expiry")) is { } exp)
            {
                if (exp <= now)
                {
                    s.Delete(rp.Id);
                    expired++;
                }
                else
                {
                    due = Min(due, exp);
                }
            }
        }

        foreach (var item in ResourceDoc.List(s, DocumentKinds.ProtectedItem))
        {
            if (Json.ParseTime(Json.Str(item.Meta, "purgeAt")) is { } purge)
            {
                if (purge <= now)
                {
                    PurgeItem(s, item);
                }
                else
                {
                    due = Min(due, purge);
                }
            }
        }

        state = State(s);
        state["lastRun"] = Json.Timestamp(now);
        state["dueAt"] = Json.Timestamp(due);
        state["dueStamp"] = DueStamp(s);
        SaveState(s, state);
        return new EngineReport(created, expired, completed, started);
    }

    /// <summary>How far ahead a full run looks for the next scheduled backup (a weekly schedule fires within it).</summary>
    private static readonly TimeSpan DueHorizon = TimeSpan.FromDays(8);

    /// <summary>The kinds whose documents decide when something falls due: items, policies, running jobs, points.</summary>
    private static string DueStamp(IStoreSession s) =>
        string.Join('|', s.Stamp(DocumentKinds.ProtectedItem), s.Stamp(BackupDocKinds.Policy), s.Stamp(BackupDocKinds.PendingJob), s.Stamp(BackupDocKinds.RecoveryPoint));

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>Deletes an item with its points and, for an implicit VM container, the container once empty.</summary>
    public static void PurgeItem(IStoreSession s, ResourceDoc item)
    {
        s.DeleteTree(item.Id);
        var containerId = item.ParentId!;
        var container = ResourceDoc.Load(s, containerId, BackupDocKinds.Container);
        if (container is not null && Json.Bool(container.Meta["implicit"]) == true && s.ListByKind(DocumentKinds.ProtectedItem, containerId).Count == 0)
        {
            s.Delete(containerId);
        }
    }

    // ---------------- jobs ----------------

    internal static string? ContainerOf(string itemId)
    {
        var parts = itemId.Split('/');
        var i = Array.FindIndex(parts, x => x.Equals("protectionContainers", StringComparison.OrdinalIgnoreCase));
        return i >= 0 && i + 1 < parts.Length ? Uri.UnescapeDataString(parts[i + 1]) : null;
    }

    public static ResourceDoc NewJob(IStoreSession s, BackupRuntime rt, string vaultId, ResourceDoc? item, string operation, DateTimeOffset start, TimeSpan? duration, JsonObject? propertyBag = null, string? entityName = null, string? bmt = null)
    {
        var name = BackupModel.Guid(rt.Seed, "job", Next(s));
        var id = BackupModel.JobId(vaultId, name);
        var props = item?.Props;
        bmt ??= Json.Str(props, "backupManagementType") ?? WorkloadCatalogue.AzureVM.ManagementType;
        // Unknown kinds are reported as IaaS VM jobs, the service's default job type.
        var kind = WorkloadCatalogue.ByManagementType(bmt) ?? WorkloadCatalogue.AzureVM;
        var jobType = kind.JobType;
        var friendly = entityName ?? Json.Str(props, "friendlyName") ?? string.Empty;
        var p = new JsonObject
        {
            ["jobType"] = jobType,
            ["duration"] = "PT0S",
            ["entityFriendlyName"] = friendly,
            ["backupManagementType"] = bmt,
            ["operation"] = operation,
            ["status"] = duration is null ? "Completed" : "InProgress",
            ["startTime"] = Json.Timestamp(start),
            ["activityId"] = BackupModel.Guid(rt.Seed, "activity", Next(s)),
        };
        var bag = propertyBag ?? new JsonObject();
        kind.AddJobFields?.Invoke(new JobFieldsContext(p, item, friendly, bag));

        var tasks = new JsonArray();
        foreach (var t in TasksFor(operation, kind.DetailedJobTasks))
        {
            tasks.Add(new JsonObject { ["taskId"] = t, ["duration"] = "PT0S", ["status"] = duration is null ? "Completed" : tasks.Count == 0 ? "InProgress" : "NotStarted" });
        }

        p["extendedInfo"] = new JsonObject { ["tasksList"] = tasks, ["propertyBag"] = bag, ["progressPercentage"] = duration is null ? 100 : 0 };
        if (duration is null)
        {
            p["endTime"] = Json.Timestamp(start.AddSeconds(20));
            p["duration"] = BackupModel.Duration(TimeSpan.FromSeconds(20));
        }

        var meta = new JsonObject { ["vaultId"] = vaultId, ["itemId"] = item?.Id };
        if (duration is not null)
        {
            var end = start + duration.Value;
            meta["end"] = Json.Timestamp(end);
            s.Put(new StoredDocument(PendingPrefix + name, BackupDocKinds.PendingJob, null, new JsonObject { ["jobId"] = id, ["end"] = Json.Timestamp(end) }.ToJsonString()));
        }

        var job = new ResourceDoc(id, BackupDocKinds.Job, vaultId, new JsonObject { ["id"] = id, ["name"] = name, ["type"] = BackupModel.JobType, ["properties"] = p }, meta);
        job.Save(s);
        return job;
    }

    private static string[] TasksFor(string operation, bool detailed) => (operation, detailed) switch
    {
        ("Backup", true) => ["Take Snapshot", "Transfer data to vault"],
        ("Backup", _) => ["Backup"],
        ("Restore", true) => ["Transfer data from vault"],
        ("Restore", _) => ["Restore"],
        _ => [operation],
    };

    public static ResourceDoc StartBackupJob(IStoreSession s, BackupRuntime rt, ResourceDoc item, DateTimeOffset t, string backupType, DateTimeOffset? expiry, bool adhoc)
    {
        var vaultId = Json.Str(item.Meta, "vaultId")!;
        var bag = new JsonObject { ["Backup Size"] = "0 MB" };
        if (WorkloadCatalogue.Of(item)?.LogChain == true)
        {
            bag["Backup Type"] = backupType;
        }

        var job = NewJob(s, rt, vaultId, item, "Backup", t, BackupDuration, bag);
        job.Meta["backupType"] = backupType;
        job.Meta["adhoc"] = adhoc;
        if (expiry is not null)
        {
            job.Meta["expiry"] = Json.Timestamp(expiry.Value);
        }

        job.Save(s);
        return job;
    }

    public static void Cancel(IStoreSession s, ResourceDoc job, DateTimeOffset now)
    {
        s.Delete(PendingPrefix + Json.Str(job.Body, "name"));
        Finish(job, "Cancelled", now);
        job.Save(s);
    }

    private static void Finish(ResourceDoc job, string status, DateTimeOffset end)
    {
        var p = job.Props;
        p["status"] = status;
        p["endTime"] = Json.Timestamp(end);
        p["duration"] = BackupModel.Duration(end - (Json.ParseTime(Json.Str(p, "startTime")) ?? end));
        if (p["extendedInfo"] is JsonObject ext)
        {
            ext["progressPercentage"] = status == "Completed" ? 100 : ext["progressPercentage"]?.DeepClone();
            foreach (var task in (ext["tasksList"] as JsonArray ?? []).OfType<JsonObject>())
            {
                task["status"] = status == "Completed" ? "Completed" : status == "Cancelled" ? "Cancelled" : "Failed";
                task["duration"] = p["duration"]!.DeepClone();
            }
        }
    }

    /// <summary>Completes (or fails, when a jobFailure was queued) a job; returns recovery points created.</summary>
    private static int CompleteJob(IStoreSession s, BackupRuntime rt, ResourceDoc job, DateTimeOffset end)
    {
        var operation = Json.Str(job.Props, "operation");
        var item = Json.Str(job.Meta, "itemId") is { } itemId ? ResourceDoc.Load(s, itemId, DocumentKinds.ProtectedItem) : null;
        var created = 0;
        // Only the engine's scheduled backups carry adhoc: false; every other job was asked for.
        var onDemand = Json.Bool(job.Meta["adhoc"]) != false;
        if (operation is "Backup" or "Restore" && rt.TryConsumeFailure(Json.Str(job.Meta, "itemId"), onDemand))
        {
            Finish(job, "Failed", end);
            // The job error infos (AzureIaaSVMErrorInfo, AzureStorageErrorInfo, AzureWorkloadErrorInfo) type errorCode
            // as int32; Azure's numeric codes are not published, so the emulator numbers its two failures itself and
            // names them in errorTitle.
            var errorCode = operation == "Restore" ? 400002 : 400001;
            var errorTitle = operation == "Restore" ? "UserErrorRestoreFailed" : "UserErrorBackupFailed";
            var errorString = $"The {operation?.ToLowerInvariant()} operation failed (failure injected by the emulator).";
            job.Props["errorDetails"] = new JsonArray(new JsonObject
            {
                ["errorCode"] = errorCode,
                ["errorTitle"] = errorTitle,
                ["errorString"] = errorString,
                ["recommendations"] = new JsonArray("Retry the operation. If the issue persists, contact Microsoft support."),
            });
            if (operation is "Backup" or "Restore")
            {
                BackupAlerts.RaiseForFailedJob(s, rt, job, item, operation, errorCode, errorTitle, errorString, end);
            }
            if (item is not null && operation == "Backup")
            {
                item.Props["lastBackupStatus"] = (WorkloadCatalogue.Of(item) ?? WorkloadCatalogue.AzureVM).LastBackupStatus.Failed;
                item.Props["lastBackupTime"] = job.Props["startTime"]!.DeepClone();
                item.Props["healthStatus"] = "ActionRequired";
                item.Props["protectionStatus"] = "Unhealthy";
                if (s.ListByKind(BackupDocKinds.RecoveryPoint, item.Id).Count == 0)
                {
                    item.Props["protectionState"] = "ProtectionError";
                }

                item.Save(s);
            }
        }
        else
        {
            Finish(job, "Completed", end);
            if (item is not null && operation == "Backup")
            {
                RecoveryPoints.Create(s, rt, item, job, end);
                created = 1;
            }
            else if (operation == "Restore")
            {
                Restores.OnCompleted(s, job);
            }
        }

        job.Save(s);
        return created;
    }

    /// <summary>Moves the item's log range to <paramref name="now"/>; false when the item has no running log chain.</summary>
    private static bool UpdateLogChain(IStoreSession s, ResourceDoc item, DateTimeOffset now)
    {
        if (WorkloadCatalogue.Of(item)?.LogChain != true || Json.ParseTime(Json.Str(item.Meta, "logChainStart")) is not { } chainStart)
        {
            return false;
        }

        var st = Json.Str(item.Props, "protectionState");
        var policy = PolicyStore.ByPolicyId(s, Json.Str(item.Meta, "vaultId")!, Json.Str(item.Props, "policyId"));
        if (st is not ("Protected" or "IRPending") || policy is null || PolicyRules.LogSchedule(policy.Props) is not { } log)
        {
            return false;
        }

        var steps = (long)((now - chainStart).Ticks / log.Interval.Ticks);
        var end = chainStart + TimeSpan.FromTicks(log.Interval.Ticks * steps);
        var start = now.AddDays(-log.RetentionDays) > chainStart ? now.AddDays(-log.RetentionDays) : chainStart;
        RecoveryPoints.SetLogRange(s, item, start, end);
        return true;
    }
}
