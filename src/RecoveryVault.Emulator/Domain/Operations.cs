// Copyright (c) RecoveryVault contributors. MIT License.
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain;

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
