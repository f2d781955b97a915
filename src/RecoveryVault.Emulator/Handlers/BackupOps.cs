// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;

namespace RecoveryVault.Emulator.Handlers;

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

    /// <summary>
    /// An operation-result monitor asked while its operation still runs: 202 pointing back at itself (Location, with the
    /// request's own query), at its status monitor when it has one (Azure-AsyncOperation), and Retry-After.
    /// </summary>
    public static ArmResponse StillRunning(ArmContext ctx, string? statusPath, JsonObject? body = null)
    {
        var query = ctx.Http.Request.QueryString.Value;
        var r = ArmResponse.Accepted(body);
        r.Headers["Location"] = $"{ctx.BaseUrl}{ctx.Path}{query}";
        if (statusPath is not null)
        {
            r.Headers["Azure-AsyncOperation"] = $"{ctx.BaseUrl}{statusPath}{query}";
        }

        r.Headers["Retry-After"] = ctx.Runtime.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return r;
    }

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
