// Copyright (c) RecoveryVault contributors. MIT License.
extern alias JsonSchemaNet;

using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using JsonSchemaNet::Json.Schema;

namespace RecoveryVault.Emulator.Validation;

/// <summary>One place where a body departs from the spec: the JSON path (<c>properties.retentionPolicy.count</c>) and why.</summary>
internal sealed record SpecViolation(string Path, string Message, string? MissingProperty = null)
{
    public override string ToString() => Path.Length == 0 ? Message : $"'{Path}': {Message}";
}

/// <summary>
/// Judges request and response bodies against the vendored specs. The two translated documents are built once per
/// process (every emulator in a test run shares them); each operation's entry point is built on first use.
/// </summary>
internal sealed class SpecValidator
{
    private static readonly Lazy<SpecValidator> SharedValidator = new(() => new SpecValidator(SpecCatalog.Shared), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly BuildOptions _build;
    private readonly EvaluationOptions _evaluate;
    private readonly EvaluationOptions _verdict;
    private readonly Dictionary<SpecDirection, JsonObject> _documents = [];
    private readonly ConcurrentDictionary<string, JsonSchema> _entries = new(StringComparer.Ordinal);

    private SpecValidator(SpecCatalog catalog)
    {
        Catalog = catalog;
        _build = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var formats = new FormatRegistry();
        SpecFormats.Register(formats);
        _evaluate = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true, FormatRegistry = formats };
        // Most bodies are valid: a pass/fail evaluation without annotations or details first, the itemised one only to explain a failure.
        _verdict = new EvaluationOptions { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true, FormatRegistry = formats };
        _verdict.IgnoreAllAnnotations();
        foreach (var direction in (SpecDirection[])[SpecDirection.Request, SpecDirection.Response])
        {
            var doc = catalog.Translator.BuildDocument(direction);
            _documents[direction] = doc;
            using var json = JsonDocument.Parse(doc.ToJsonString());
            JsonSchema.Build(json.RootElement.Clone(), _build, new Uri(BaseOf(direction)));
        }
    }

    public static SpecValidator Shared => SharedValidator.Value;

    public SpecCatalog Catalog { get; }

    /// <summary>Checks <paramref name="instance"/> against the <c>$defs</c> entry <paramref name="key"/> (an operation body or answer).</summary>
    public IReadOnlyList<SpecViolation> Validate(SpecDirection direction, string key, JsonNode? instance)
    {
        var schema = _entries.GetOrAdd(direction + "|" + key, _ =>
        {
            using var json = JsonDocument.Parse(new JsonObject { ["$ref"] = BaseOf(direction) + "#/$defs/" + key }.ToJsonString());
            return JsonSchema.Build(json.RootElement.Clone(), _build, new Uri($"{BaseOf(direction)}:entry:{Guid.NewGuid():N}"));
        });
        using var doc = JsonDocument.Parse(instance?.ToJsonString() ?? "null");
        if (schema.Evaluate(doc.RootElement, _verdict).IsValid)
        {
            return [];
        }

        var results = schema.Evaluate(doc.RootElement, _evaluate);
        if (results.IsValid)
        {
            return [];
        }

        var found = new List<SpecViolation>();
        foreach (var node in results.Details ?? [])
        {
            // 'if' subschemas only choose a branch (discriminator dispatch, null tolerance); their failures are not violations.
            if (node.IsValid || node.Errors is not { Count: > 0 } errors || IsConditionPath(node.EvaluationPath.ToString()))
            {
                continue;
            }

            var path = ToJsonPath(instance, node.InstanceLocation.ToString());
            foreach (var (keyword, message) in errors)
            {
                var described = Describe(direction, key, keyword, message, node, instance);
                var v = new SpecViolation(path, described, keyword == "required" ? MissingOf(described) : null);
                if (!found.Contains(v))
                {
                    found.Add(v);
                }
            }
        }

        return found.Count > 0 ? found : [new SpecViolation(string.Empty, "The body does not match the schema.")];
    }

    private static string? MissingOf(string described)
    {
        const string Prefix = "the required property '";
        return described.StartsWith(Prefix, StringComparison.Ordinal) ? described[Prefix.Length..described.IndexOf('\'', Prefix.Length)] : null;
    }

    private static string BaseOf(SpecDirection direction) => direction == SpecDirection.Request ? SwaggerTranslator.RequestBase : SwaggerTranslator.ResponseBase;

    private static bool IsConditionPath(string evaluationPath) =>
        evaluationPath.Split('/').Any(s => s is "if");

    private string Describe(SpecDirection direction, string key, string keyword, string fallback, EvaluationResults node, JsonNode? instance)
    {
        var schema = SchemaAt(direction, key, node.EvaluationPath.ToString());
        var value = Navigate(instance, node.InstanceLocation.ToString());
        if (keyword == "enum" && schema?["enum"] is JsonArray allowed)
        {
            return $"the value {Show(value)} is not allowed; allowed values: {string.Join(", ", allowed.Select(a => a?.ToJsonString()))}.";
        }

        if (keyword == "type" && schema?["type"] is { } expected)
        {
            var types = expected is JsonArray many ? many.Select(t => t!.GetValue<string>()).Where(t => t != "null") : [expected.GetValue<string>()];
            return $"expected {string.Join(" or ", types)} but got {KindOf(value)} {Show(value)}.";
        }

        if (keyword == "required" && schema?["required"] is JsonArray req && value is JsonObject obj)
        {
            var missing = req.Select(r => r!.GetValue<string>()).Where(r => !obj.ContainsKey(r)).ToList();
            return missing.Count == 1
                ? $"the required property '{missing[0]}' is missing."
                : $"the required properties {string.Join(", ", missing.Select(m => "'" + m + "'"))} are missing.";
        }

        if (keyword == "format" && schema?["format"]?.GetValue<string>() is { } format)
        {
            return $"the value {Show(value)} is not a valid {SpecFormats.SpecName(format)}.";
        }

        if (keyword is "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" && schema?[keyword] is { } bound)
        {
            return $"the value {Show(value)} is out of range ({keyword} {bound.ToJsonString()}).";
        }

        return fallback;
    }

    /// <summary>
    /// The translated schema that produced an error, found by walking the evaluation path from the entry through the
    /// document (following each <c>$ref</c>): the library's absolute schema locations are not reliable across <c>$ref</c>s.
    /// </summary>
    private JsonObject? SchemaAt(SpecDirection direction, string key, string evaluationPath)
    {
        var defs = (JsonObject)_documents[direction]["$defs"]!;
        JsonNode? node = new JsonObject { ["$ref"] = "#/$defs/" + key };
        string? previous = null;
        foreach (var seg in Segments(evaluationPath))
        {
            if (seg == "$ref" && node?["$ref"]?.GetValue<string>() is { } reference)
            {
                node = defs[reference["#/$defs/".Length..]];
                previous = seg;
                continue;
            }

            // The library repeats an applicator's keyword for its child ("…/items/items"): one step, not two.
            if (seg == previous && node is JsonObject current && current[seg] is null)
            {
                continue;
            }

            previous = seg;

            node = node switch
            {
                JsonObject o => o[seg],
                JsonArray a when int.TryParse(seg, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return node as JsonObject;
    }

    private static JsonNode? Navigate(JsonNode? instance, string pointer)
    {
        var node = instance;
        foreach (var seg in Segments(pointer))
        {
            node = node switch
            {
                JsonObject o => o[seg],
                JsonArray a when int.TryParse(seg, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return node;
    }

    /// <summary>JSON pointer → the dotted path ARM's deserialization errors name (<c>properties.items[0].name</c>).</summary>
    internal static string ToJsonPath(JsonNode? instance, string pointer)
    {
        var sb = new StringBuilder();
        var node = instance;
        foreach (var seg in Segments(pointer))
        {
            if (node is JsonArray a && int.TryParse(seg, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            {
                sb.Append('[').Append(i).Append(']');
                node = i < a.Count ? a[i] : null;
            }
            else
            {
                if (sb.Length > 0)
                {
                    sb.Append('.');
                }

                sb.Append(seg);
                node = (node as JsonObject)?[seg];
            }
        }

        return sb.ToString();
    }

    private static IEnumerable<string> Segments(string pointer) =>
        pointer.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));

    private static string Show(JsonNode? value)
    {
        var text = value?.ToJsonString() ?? "null";
        return text.Length > 80 ? text[..77] + "..." : text;
    }

    private static string KindOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "value",
        },
        _ => "value",
    };
}
