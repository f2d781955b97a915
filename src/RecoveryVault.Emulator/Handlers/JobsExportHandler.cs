// Copyright (c) RecoveryVault contributors. MIT License.
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// Jobs export (2023-06-01 Jobs_Export and ExportJobsOperationResults_Get; examples Common/TriggerExportJobs.json and
/// Common/ExportJobsOperationResult.json): POST backupJobsExport with a job list $filter answers 202 + Location; the
/// result names a blob and its SAS key. The emulator serves that blob itself (the jobs the filter selected, as JSON),
/// so a client can really download what it exported.
/// </summary>
internal static class JobsExportHandler
{
    public const string BlobKind = "jobsExportBlob";
    public const string BlobPrefix = "/_emulator/exports/";
    private const string ResultType = "ExportJobsOperationResultInfo";

    public static void Register(ArmRouter router)
    {
        router.Map("POST", VaultHandler.VaultPath + "/backupJobsExport", ApiFamily.Backup, "Microsoft.RecoveryServices/vaults/backupJobsExport", Export);
        router.Map("GET", VaultHandler.VaultPath + "/backupJobs/operationResults/{operationId}", ApiFamily.Backup, "Microsoft.RecoveryServices/vaults/backupJobs/operationResults", Result);
    }

    private static ArmResponse Export(ArmContext ctx)
    {
        var filter = BackupModel.ParseFilter(ctx.Query("$filter"));
        return ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            var jobs = new JsonArray(BackupJobHandler.Query(ctx, s, v, filter).Select(j => (JsonNode)BackupJobHandler.Render(j, ctx.SimNow(), withExtendedInfo: true)).ToArray());
            var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            var sig = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            s.Put(new StoredDocument(BlobPrefix + token, BlobKind, v.Id, new JsonObject { ["content"] = jobs.ToJsonString(), ["sig"] = sig }.ToJsonString()));
            var op = BackupOps.Create(s, ctx, v.Id, BlobPrefix + token, "export", null, BackupEngine.Next(s));
            return BackupOps.Accepted(ctx, $"{v.Id}/backupJobs/operationResults/{Json.Str(op, "name")}", null);
        });
    }

    private static ArmResponse Result(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        var op = BackupOps.Get(s, v.Id, ctx.Value("operationId"));
        if (op is null || Json.Str(op, "result") != "export")
        {
            throw ArmErrors.NotFound("BMSUserErrorOperationNotFound", $"There is no jobs export operation '{ctx.Value("operationId")}' in this vault.");
        }

        var info = new JsonObject { ["objectType"] = ResultType };
        if (!BackupOps.IsDone(op))
        {
            // The example's running answer: 202 with the bare result type and the monitor headers.
            // The body repeats the headers (spec OperationWorkerResponse.headers, a map of string arrays).
            var body = new JsonObject { ["operation"] = info };
            var running = BackupOps.StillRunning(ctx, null, body);
            body["headers"] = new JsonObject { ["Location"] = new JsonArray(running.Headers["Location"]), ["Retry-After"] = new JsonArray(running.Headers["Retry-After"]) };
            return running;
        }

        var blob = s.Get(Json.Str(op, "resourceId")!);
        if (blob is null)
        {
            throw ArmErrors.NotFound("BMSUserErrorOperationNotFound", "The exported jobs blob has expired.");
        }

        info["blobUrl"] = ctx.BaseUrl + blob.Id;
        info["blobSasKey"] = "?sig=" + Json.Str(Json.ParseObject(blob.Body), "sig");
        return ArmResponse.Ok(new JsonObject { ["operation"] = info, ["headers"] = new JsonObject() });
    });

    /// <summary>The blob's content when <paramref name="sig"/> is its SAS signature; null otherwise (the caller answers 403/404 as storage would).</summary>
    public static string? Download(IStoreSession s, string path, string? sig)
    {
        var doc = s.Get(path);
        if (doc is null || doc.Kind != BlobKind || sig is null)
        {
            return null;
        }

        var body = Json.ParseObject(doc.Body);
        return CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(Json.Str(body, "sig") ?? string.Empty), System.Text.Encoding.UTF8.GetBytes(sig))
            ? Json.Str(body, "content")
            : null;
    }
}
