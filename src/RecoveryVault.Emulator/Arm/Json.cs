// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Arm;

/// <summary>Small JSON helpers; ARM property names are case-insensitive, so parsed nodes are too.</summary>
public static class Json
{
    public static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Wire serialisation: no \u0027-style escaping of quotes in etags and messages.</summary>
    public static readonly JsonSerializerOptions WireOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonNode? Parse(string text) => JsonNode.Parse(text, NodeOptions);

    public static JsonObject ParseObject(string text) => Parse(text) as JsonObject ?? new JsonObject(NodeOptions);

    public static JsonObject Object() => new(NodeOptions);

    public static string Serialize(JsonNode? node) => node?.ToJsonString(WireOptions) ?? "null";

    public static string? Str(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static string? Str(JsonObject? obj, string name) => obj is null ? null : Str(obj[name]);

    public static int? Int(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return null;
        }

        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }

        if (v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var j))
        {
            return j;
        }

        return v.TryGetValue<string>(out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) ? k : null;
    }

    public static bool? Bool(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return null;
        }

        if (v.TryGetValue<bool>(out var b))
        {
            return b;
        }

        if (v.TryGetValue<JsonElement>(out var e) && (e.ValueKind is JsonValueKind.True or JsonValueKind.False))
        {
            return e.GetBoolean();
        }

        return v.TryGetValue<string>(out var s) && bool.TryParse(s, out var c) ? c : null;
    }

    /// <summary>Child object, created when missing (or replaced when not an object).</summary>
    public static JsonObject Obj(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing)
        {
            return existing;
        }

        var created = Object();
        parent[name] = created;
        return created;
    }

    public static void SetDefault(JsonObject obj, string name, JsonNode value)
    {
        if (obj[name] is null)
        {
            obj[name] = value;
        }
    }

    /// <summary>RFC 7386 merge patch: objects merge recursively, null removes, anything else replaces.</summary>
    public static void MergePatch(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject patchObj && target[key] is JsonObject targetObj)
            {
                MergePatch(targetObj, patchObj);
            }
            else
            {
                target.Remove(key);
                target[key] = value.DeepClone();
            }
        }
    }

    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTime(string? s) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    /// <summary>The weak datetime etag ARM uses for vaults, e.g. <c>W/"datetime'2017-12-15T12%3A36%3A51.68Z'"</c>.</summary>
    public static string DateTimeEtag(DateTimeOffset t) =>
        "W/\"datetime'" + Timestamp(t).Replace(":", "%3A", StringComparison.Ordinal) + "'\"";
}
