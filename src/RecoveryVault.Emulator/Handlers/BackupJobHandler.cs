// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>Backup jobs: list ($filter status/operation/startTime/endTime/backupManagementType), get, cancel.</summary>
internal static class BackupJobHandler
{
    private const string P = VaultHandler.VaultPath + "/backupJobs";

    public static void Register(ArmRouter router)
    {
        router.Map("GET", P, ApiFamily.Backup, BackupModel.JobType, List);
        router.Map("GET", P + "/{jobName}", ApiFamily.Backup, BackupModel.JobType, Get);
        router.Map("POST", P + "/{jobName}/cancel", ApiFamily.Backup, BackupModel.JobType, Cancel);
    }

    /// <summary>Wire form: live duration / progress while running; list entries omit extendedInfo as Azure's do.</summary>
    public static JsonObject Render(ResourceDoc job, DateTimeOffset now, bool withExtendedInfo)
    {
        var body = (JsonObject)job.Body.DeepClone();
        var p = Json.Obj(body, "properties");
        if (Json.Str(p, "status") == "InProgress")
        {
            var start = Json.ParseTime(Json.Str(p, "startTime")) ?? now;
            var end = Json.ParseTime(Json.Str(job.Meta, "end")) ?? now;
            p["duration"] = BackupModel.Duration(now - start);
            if (p["extendedInfo"] is JsonObject ext)
            {
                var total = (end - start).TotalSeconds;
                var pct = total <= 0 ? 0 : Math.Clamp((now - start).TotalSeconds / total * 100, 0, 99);
                ext["progressPercentage"] = Math.Round(pct, 1);
                ext["estimatedRemainingDuration"] = BackupModel.Duration(end - now);
            }
        }

        if (!withExtendedInfo)
        {
            p.Remove("extendedInfo");
        }

        return body;
    }

    private static ArmResponse List(ArmContext ctx)
    {
        var filter = BackupModel.ParseFilter(ctx.Query("$filter"));
        var list = ctx.Store.Transaction(s => Query(ctx, s, BackupRequest.Begin(ctx, s), filter).Select(j => (JsonNode)Render(j, ctx.SimNow(), withExtendedInfo: false)).ToList());
        return ctx.Page(list);
    }

    /// <summary>The vault's jobs a job list $filter selects (status, operation, startTime/endTime, backupManagementType, jobId), newest first.</summary>
    public static List<ResourceDoc> Query(ArmContext ctx, IStoreSession s, ResourceDoc v, Dictionary<string, string> filter)
    {
        DateTimeOffset? from = filter.TryGetValue("startTime", out var st) ? BackupModel.ParseFilterTime(st, "startTime") : null;
        DateTimeOffset? to = filter.TryGetValue("endTime", out var et) ? BackupModel.ParseFilterTime(et, "endTime") : null;
        var now = ctx.SimNow();
        return ResourceDoc.List(s, BackupDocKinds.Job, v.Id + "/backupJobs")
            .Select(j => (j, t: Json.ParseTime(Json.Str(j.Props, "startTime")) ?? now))
            .Where(x => (from is null || x.t >= from) && (to is null || x.t <= to))
            .Where(x => !filter.TryGetValue("status", out var f) || BackupModel.Eq(Json.Str(x.j.Props, "status"), f))
            .Where(x => !filter.TryGetValue("operation", out var f) || BackupModel.Eq(Json.Str(x.j.Props, "operation"), f))
            .Where(x => !filter.TryGetValue("backupManagementType", out var f) || BackupModel.Eq(Json.Str(x.j.Props, "backupManagementType"), f))
            .Where(x => !filter.TryGetValue("jobId", out var f) || BackupModel.Eq(Json.Str(x.j.Body, "name"), f))
            .OrderByDescending(x => x.t).ThenByDescending(x => Json.Str(x.j.Body, "name"))
            .Select(x => x.j).ToList();
    }

    private static ResourceDoc Require(ArmContext ctx, IStoreSession s, ResourceDoc v) =>
        ResourceDoc.Load(s, BackupModel.JobId(v.Id, ctx.Value("jobName")), BackupDocKinds.Job)
        ?? throw ArmErrors.NotFound("BMSUserErrorJobNotFound", $"The job '{ctx.Value("jobName")}' was not found.");

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        return ArmResponse.Ok(Render(Require(ctx, s, v), ctx.SimNow(), withExtendedInfo: true));
    });

    private static ArmResponse Cancel(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        var job = Require(ctx, s, v);
        if (Json.Str(job.Props, "status") != "InProgress" || Json.Str(job.Props, "operation") is not ("Backup" or "Restore"))
        {
            throw ArmErrors.BadRequest("BMSUserErrorJobNotCancellable",
                $"The job '{Json.Str(job.Body, "name")}' ({Json.Str(job.Props, "operation")}, {Json.Str(job.Props, "status")}) cannot be cancelled; only running backup and restore jobs can.");
        }

        BackupEngine.Cancel(s, job, ctx.SimNow());
        var op = BackupOps.Create(s, ctx, v.Id, job.Id, "none", null, BackupEngine.Next(s));
        return BackupOps.Accepted(ctx, $"{Json.Str(job.Body, "id")}/operationResults/{Json.Str(op, "name")}", null);
    });
}
