// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text;
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Validation;

/// <summary>Which side of the wire a schema judges: requests ignore <c>readOnly</c> properties, answers do not.</summary>
internal enum SpecDirection
{
    Request,
    Response,
}

/// <summary>
/// Swagger 2.0 (with Azure's extensions) → JSON Schema 2020-12, one document per direction whose <c>$defs</c> hold every
/// definition of every vendored file plus one entry per operation body and answer. The Azure layer is what standard
/// JSON Schema lacks:
/// <list type="bullet">
/// <item><c>discriminator</c> + <c>x-ms-discriminator-value</c>: a reference to a base type dispatches on the value of
/// its discriminator property to the derived type that declares it (the definition name when it declares none); an
/// unknown value is an <c>enum</c> violation listing the known ones. Inside <c>allOf</c> a base is its own shape, so a
/// derived type does not dispatch again.</item>
/// <item><c>readOnly</c>: on requests such a property is not checked and not required (clients may echo a GET back).</item>
/// <item><c>x-ms-enum</c> with <c>modelAsString: true</c> is an extensible ("soft") enum: AutoRest's x-ms-enum
/// documentation and TypeSpec's azure-core <c>no-enum</c> rule ("Azure services favor extensible enums to avoid
/// breaking changes as new enum values are added") make the list open on the wire, and a service that refuses a value
/// does so by its own rules, not by the schema. So only the type is checked here; the handlers keep the service's
/// rules (e.g. a policy's <c>scheduleRunFrequency</c>). Enums without it are closed. On answers every enum is closed:
/// the emulator may say only what the spec lists, so an invented value is drift even where clients would tolerate it.</item>
/// <item><c>null</c> is accepted for a property that is not required (or is <c>x-nullable</c>): Azure's services
/// deserialize it as absent and emit it themselves (official examples carry <c>null</c> values).</item>
/// <item>Formats: <c>int32</c>/<c>int64</c> become ranges; <c>date-time</c>, <c>duration</c> and <c>uuid</c> are checked
/// by <see cref="SpecFormats"/>; other formats (<c>uri</c>, <c>byte</c>, <c>double</c>, <c>arm-id</c>) are annotations.</item>
/// </list>
/// </summary>
internal sealed class SwaggerTranslator
{
    public const string RequestBase = "urn:recoveryvault:spec:request";

    public const string ResponseBase = "urn:recoveryvault:spec:response";

    private readonly IReadOnlyDictionary<string, JsonObject> _docs;
    private readonly IReadOnlyList<SpecOperation> _operations;
    private readonly Dictionary<string, List<string>> _children = new(StringComparer.Ordinal);

    public SwaggerTranslator(IReadOnlyDictionary<string, JsonObject> docs, IReadOnlyList<SpecOperation> operations)
    {
        _docs = docs;
        _operations = operations;
        foreach (var (file, doc) in docs)
        {
            foreach (var (name, def) in Definitions(doc))
            {
                if (def?["allOf"] is not JsonArray allOf)
                {
                    continue;
                }

                foreach (var parent in allOf)
                {
                    if (parent?["$ref"]?.GetValue<string>() is { } r)
                    {
                        var (pf, pn) = Resolve(file, r);
                        var pid = Id(pf, pn);
                        if (!_children.TryGetValue(pid, out var list))
                        {
                            _children[pid] = list = [];
                        }

                        list.Add(Id(file, name));
                    }
                }
            }
        }
    }

    public static string OperationSchemaKey(string file, string method, string template, string part) =>
        "op." + Sanitize(file) + "." + method + "." + Sanitize(template) + "." + part;

    public static string DefKey(string file, string name) => Sanitize(file) + "." + Sanitize(name);

    /// <summary>The whole JSON Schema document of one direction.</summary>
    public JsonObject BuildDocument(SpecDirection direction)
    {
        var defs = new JsonObject();
        foreach (var (file, doc) in _docs)
        {
            foreach (var (name, def) in Definitions(doc))
            {
                defs[DefKey(file, name)] = Translate(def!, file, direction, own: false);
                if (Polymorphic(file, name) is { } poly)
                {
                    defs[DefKey(file, name) + ".poly"] = poly;
                }
            }
        }

        foreach (var op in _operations)
        {
            var doc = _docs[op.SpecKey];
            var opNode = doc["paths"]![op.PathTemplate]![op.Method.ToLowerInvariant()]!;
            if (op.BodyDef is not null && direction == SpecDirection.Request)
            {
                foreach (var pNode in (JsonArray)opNode["parameters"]!)
                {
                    var p = pNode as JsonObject;
                    if (p?["$ref"]?.GetValue<string>() is { } pref && pref.StartsWith("#/parameters/", StringComparison.Ordinal))
                    {
                        p = doc["parameters"]?[pref["#/parameters/".Length..]] as JsonObject;
                    }

                    if (p?["in"]?.GetValue<string>() == "body")
                    {
                        defs[op.BodyDef] = Translate(p["schema"]!, op.SpecKey, direction, own: false);
                    }
                }
            }

            if (direction == SpecDirection.Response)
            {
                foreach (var (status, key) in op.Responses)
                {
                    if (key is not null)
                    {
                        defs[key] = Translate(opNode["responses"]![status]!["schema"]!, op.SpecKey, direction, own: false);
                    }
                }
            }
        }

        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = direction == SpecDirection.Request ? RequestBase : ResponseBase,
            ["$defs"] = defs,
        };
    }

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Definitions(JsonObject doc) =>
        doc["definitions"] as JsonObject ?? [];

    private static string Id(string file, string name) => file + "#" + name;

    private static string Sanitize(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        }

        return sb.ToString();
    }

    /// <summary>A <c>$ref</c> of a file → (vendored file, definition name). ARM common types keep their upstream relative paths.</summary>
    private (string File, string Name) Resolve(string fromFile, string reference)
    {
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        var filePart = hash < 0 ? reference : reference[..hash];
        var pointer = hash < 0 ? string.Empty : reference[(hash + 1)..];
        string file;
        if (filePart.Length == 0)
        {
            file = fromFile;
        }
        else
        {
            var common = filePart.IndexOf("common-types/", StringComparison.Ordinal);
            file = common >= 0 ? filePart[common..] : filePart;
        }

        if (!_docs.ContainsKey(file))
        {
            throw new InvalidOperationException($"{fromFile}: $ref '{reference}' names a file that is not vendored.");
        }

        const string Prefix = "/definitions/";
        if (!pointer.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{fromFile}: $ref '{reference}' is not a definition.");
        }

        return (file, pointer[Prefix.Length..]);
    }

    private JsonObject Definition(string file, string name) =>
        _docs[file]["definitions"]?[name] as JsonObject ?? throw new InvalidOperationException($"{file}: definition '{name}' missing.");

    private string? DiscriminatorOf(string file, string name, out string? declaredBy)
    {
        var def = Definition(file, name);
        if (def["discriminator"]?.GetValue<string>() is { } own)
        {
            declaredBy = name;
            return own;
        }

        if (def["allOf"] is JsonArray allOf)
        {
            foreach (var parent in allOf)
            {
                if (parent?["$ref"]?.GetValue<string>() is { } r)
                {
                    var (pf, pn) = Resolve(file, r);
                    if (DiscriminatorOf(pf, pn, out declaredBy) is { } inherited)
                    {
                        return inherited;
                    }
                }
            }
        }

        declaredBy = null;
        return null;
    }

    private List<string> Descendants(string file, string name)
    {
        var result = new List<string>();
        var queue = new Queue<string>([Id(file, name)]);
        while (queue.Count > 0)
        {
            if (_children.TryGetValue(queue.Dequeue(), out var kids))
            {
                foreach (var k in kids.Where(k => !result.Contains(k)))
                {
                    result.Add(k);
                    queue.Enqueue(k);
                }
            }
        }

        return result;
    }

    private static string DiscriminatorValue(JsonObject def, string name) =>
        def["x-ms-discriminator-value"]?.GetValue<string>() ?? name;

    /// <summary>The dispatching schema of a base type, or null when the type has no discriminator or no derived types.</summary>
    private JsonObject? Polymorphic(string file, string name)
    {
        var property = DiscriminatorOf(file, name, out var declaredBy);
        var descendants = Descendants(file, name);
        if (property is null || descendants.Count == 0)
        {
            return null;
        }

        var cases = new List<(string Value, string Key)>();
        var self = Definition(file, name);
        // The declaring root is abstract (Azure's services answer its name with an error); an intermediate type is a real one.
        if (declaredBy != name || self["x-ms-discriminator-value"] is not null)
        {
            cases.Add((DiscriminatorValue(self, name), DefKey(file, name)));
        }

        foreach (var id in descendants)
        {
            var hash = id.IndexOf('#', StringComparison.Ordinal);
            var (df, dn) = (id[..hash], id[(hash + 1)..]);
            var value = DiscriminatorValue(Definition(df, dn), dn);
            if (!cases.Any(c => c.Value == value))
            {
                cases.Add((value, DefKey(df, dn)));
            }
        }

        var values = new JsonArray();
        var branches = new JsonArray
        {
            new JsonObject { ["properties"] = new JsonObject { [property] = new JsonObject { ["enum"] = values } } },
        };
        foreach (var (value, key) in cases)
        {
            values.Add(value);
            branches.Add(new JsonObject
            {
                ["if"] = new JsonObject
                {
                    ["type"] = "object",
                    ["required"] = new JsonArray(property),
                    ["properties"] = new JsonObject { [property] = new JsonObject { ["const"] = value } },
                },
                ["then"] = new JsonObject { ["$ref"] = "#/$defs/" + key },
            });
        }

        branches.Add(new JsonObject
        {
            ["if"] = new JsonObject { ["not"] = new JsonObject { ["type"] = "object", ["required"] = new JsonArray(property) } },
            ["then"] = new JsonObject { ["$ref"] = "#/$defs/" + DefKey(file, name) },
        });
        return new JsonObject { ["allOf"] = branches };
    }

    /// <summary>
    /// Lets <c>null</c> through: a plain typed schema takes "null" as a second type (cheap: bodies of 1,000 recovery
    /// points are judged property by property); a reference or enum is wrapped in if/else.
    /// </summary>
    private static JsonNode Nullable(JsonNode schema)
    {
        if (schema is JsonObject o && o["type"] is JsonValue type && type.GetValueKind() == System.Text.Json.JsonValueKind.String && o["enum"] is null)
        {
            o["type"] = new JsonArray(type.GetValue<string>(), "null");
            return o;
        }

        return new JsonObject { ["if"] = new JsonObject { ["type"] = "null" }, ["else"] = schema };
    }

    private JsonNode Translate(JsonNode node, string file, SpecDirection direction, bool own)
    {
        if (node is not JsonObject s)
        {
            return JsonValue.Create(true);
        }

        var result = new JsonObject();
        if (s["$ref"]?.GetValue<string>() is { } reference)
        {
            var (rf, rn) = Resolve(file, reference);
            var key = DefKey(rf, rn);
            if (!own && DiscriminatorOf(rf, rn, out _) is not null && Descendants(rf, rn).Count > 0)
            {
                key += ".poly";
            }

            result["$ref"] = "#/$defs/" + key;
            return result;
        }

        var type = s["type"]?.GetValue<string>();
        if (type is not null and not "file")
        {
            result["type"] = type;
        }

        switch (s["format"]?.GetValue<string>())
        {
            case "int32" when type == "integer":
                result["minimum"] = int.MinValue;
                result["maximum"] = int.MaxValue;
                break;
            case "int64" when type == "integer":
                result["minimum"] = long.MinValue;
                result["maximum"] = long.MaxValue;
                break;
            case "date-time" when type == "string":
                result["format"] = SpecFormats.DateTime;
                break;
            case "duration" when type == "string":
                result["format"] = SpecFormats.Duration;
                break;
            case "uuid" when type == "string":
                result["format"] = SpecFormats.Uuid;
                break;
        }

        if (s["enum"] is JsonArray values && (direction == SpecDirection.Response || s["x-ms-enum"]?["modelAsString"]?.GetValue<bool>() != true))
        {
            result["enum"] = values.DeepClone();
        }

        foreach (var k in (string[])["minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "pattern"])
        {
            if (s[k] is { } v)
            {
                result[k] = v.DeepClone();
            }
        }

        // Swagger 2.0's exclusiveMinimum/Maximum are flags on minimum/maximum; 2020-12's carry the bound.
        foreach (var (flag, bound) in (ReadOnlySpan<(string, string)>)[("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")])
        {
            if (s[flag]?.GetValue<bool>() == true && result[bound] is { } b)
            {
                result.Remove(bound);
                result[flag] = b;
            }
        }

        if (s["items"] is { } items)
        {
            result["items"] = Translate(items, file, direction, own: false);
        }

        var readOnly = new HashSet<string>(StringComparer.Ordinal);
        var required = (s["required"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
        if (s["properties"] is JsonObject props)
        {
            var translated = new JsonObject();
            foreach (var (name, ps) in props)
            {
                if (direction == SpecDirection.Request && ps?["readOnly"]?.GetValue<bool>() == true)
                {
                    readOnly.Add(name);
                    continue;
                }

                var t = Translate(ps!, file, direction, own: false);
                var nullable = ps?["x-nullable"]?.GetValue<bool>() == true || !required.Contains(name);
                translated[name] = nullable ? Nullable(t) : t;
            }

            result["properties"] = translated;
        }

        var stillRequired = required.Where(r => !readOnly.Contains(r)).ToList();
        if (stillRequired.Count > 0)
        {
            result["required"] = new JsonArray([.. stillRequired.Select(r => (JsonNode)JsonValue.Create(r))]);
        }

        switch (s["additionalProperties"])
        {
            case JsonObject ap:
                result["additionalProperties"] = Translate(ap, file, direction, own: false);
                break;
            case JsonValue apv when apv.TryGetValue<bool>(out var b) && !b:
                result["additionalProperties"] = false;
                break;
        }

        if (s["allOf"] is JsonArray allOf)
        {
            result["allOf"] = new JsonArray([.. allOf.Select(a => Translate(a!, file, direction, own: true))]);
        }

        return result;
    }
}
