// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RecoveryVault.Engine.Models;

/// <summary>
/// An ARM resource kept as its JSON document. Typed properties read and write into <see cref="Raw"/>, so every
/// property the client does not know survives a GET → modify → PUT round trip untouched.
/// </summary>
public abstract class ArmResourceData
{
    /// <summary>Wraps a resource document.</summary>
    protected ArmResourceData(JsonObject raw) => Raw = raw;

    /// <summary>The whole resource as the service sent it (and as it will be sent back).</summary>
    public JsonObject Raw { get; }

    /// <summary>Resource id.</summary>
    public string? Id => GetString("id");

    /// <summary>Resource name.</summary>
    public string? Name => GetString("name");

    /// <summary>Resource type.</summary>
    public string? ResourceType => GetString("type");

    /// <summary>Location (normalised by the service, e.g. westus).</summary>
    public string? Location
    {
        get => GetString("location");
        set => SetString(value, "location");
    }

    /// <summary>ETag.</summary>
    public string? ETag => GetString("etag");

    /// <summary>Tags (a copy; use <see cref="SetTags"/> to change).</summary>
    public IReadOnlyDictionary<string, string> Tags =>
        Raw["tags"] is JsonObject tags
            ? tags.Where(t => t.Value is not null).ToDictionary(t => t.Key, t => t.Value!.ToString(), StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>();

    /// <summary>Replaces the tags.</summary>
    public void SetTags(IReadOnlyDictionary<string, string> tags)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in tags)
        {
            obj[k] = v;
        }
        Raw["tags"] = obj;
    }

    /// <summary>The string at a property path of the document (null when absent).</summary>
    public string? StringAt(params string[] path) => GetString(path);

    /// <summary>Reads a string at a property path (null when absent or not a scalar).</summary>
    protected string? GetString(params string[] path)
    {
        JsonNode? node = Raw;
        foreach (var p in path)
        {
            node = node is JsonObject o ? Get(o, p) : null;
        }
        return node is JsonValue v ? v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => null,
        } : null;
    }

    /// <summary>Reads an integer at a property path.</summary>
    protected int? GetInt(params string[] path) => int.TryParse(GetString(path), out var i) ? i : null;

    /// <summary>Reads a boolean at a property path.</summary>
    protected bool? GetBool(params string[] path) => bool.TryParse(GetString(path), out var b) ? b : null;

    /// <summary>Writes a value at a property path, creating objects on the way; null removes it.</summary>
    protected void Set(JsonNode? value, params string[] path)
    {
        var obj = Raw;
        for (int i = 0; i < path.Length - 1; i++)
        {
            if (Get(obj, path[i]) is not JsonObject child)
            {
                child = new JsonObject();
                obj[path[i]] = child;
            }
            obj = child;
        }
        var key = obj.FirstOrDefault(kv => kv.Key.Equals(path[^1], StringComparison.OrdinalIgnoreCase)).Key ?? path[^1];
        if (value is null)
        {
            obj.Remove(key);
        }
        else
        {
            obj[key] = value;
        }
    }

    /// <summary>Writes a string at a property path.</summary>
    protected void SetString(string? value, params string[] path) => Set(value is null ? null : JsonValue.Create(value), path);

    // ARM property names are case-insensitive on input; services return camelCase but examples vary.
    private static JsonNode? Get(JsonObject o, string name)
    {
        if (o.TryGetPropertyValue(name, out var exact))
        {
            return exact;
        }
        foreach (var kv in o)
        {
            if (kv.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return kv.Value;
            }
        }
        return null;
    }

    /// <summary>Parses a JSON document into a JsonObject (empty object for an empty body).</summary>
    public static JsonObject ParseObject(BinaryData? data) =>
        data is null || data.ToMemory().Length == 0 ? new JsonObject() : JsonNode.Parse(data.ToMemory().Span) as JsonObject ?? new JsonObject();

    /// <inheritdoc />
    public override string ToString() => Id ?? Name ?? base.ToString()!;
}
