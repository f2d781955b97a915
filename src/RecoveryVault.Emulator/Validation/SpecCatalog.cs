// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Validation;

/// <summary>One operation of a vendored spec: where it lives and which schema its body and each answer have.</summary>
internal sealed record SpecOperation(
    string SpecKey,
    string ApiVersion,
    string Method,
    string PathTemplate,
    string OperationId,
    string[] Segments,
    string? BodyDef,
    bool BodyRequired,
    bool LongRunning,
    IReadOnlyDictionary<string, string?> Responses)
{
    /// <summary>Literal segments count: the most literal template wins when two match (ARM's own precedence).</summary>
    public int Literals { get; } = Segments.Count(s => !s.StartsWith('{'));

    /// <summary>The Azure Backup spec (bms.json): its service answers malformed input with its own error code.</summary>
    public bool IsBackup => SpecKey.StartsWith("recoveryservicesbackup/", StringComparison.Ordinal);

    /// <summary>A Location monitor (<c>…/operationResults/{id}</c>, <c>…/backupOperationResults/{id}</c>, …).</summary>
    public bool IsOperationResult => Segments.Length >= 2 && Segments[^2].EndsWith("operationResults", StringComparison.OrdinalIgnoreCase);

    public bool Matches(string[] path)
    {
        if (path.Length != Segments.Length)
        {
            return false;
        }

        for (var i = 0; i < path.Length; i++)
        {
            var t = Segments[i];
            if (t.StartsWith('{') ? path[i].Length == 0 : !string.Equals(t, path[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// The vendored Swagger 2.0 documents the emulator serves (embedded from <c>Contract/specs</c>), read once per process:
/// the route table (path template + method → operation) and the definitions, translated to one JSON Schema document
/// per direction by <see cref="SwaggerTranslator"/>.
/// </summary>
internal sealed class SpecCatalog
{
    /// <summary>Embedded resource names (see the csproj) = paths under Contract/specs. Specs with paths are served; common types are only referenced.</summary>
    internal static readonly string[] Files =
    [
        "recoveryservices/2026-07-01/openapi.json",
        "recoveryservicesbackup/2023-06-01/bms.json",
        "common-types/resource-management/v1/types.json",
        "common-types/resource-management/v3/types.json",
        "dataprotection/2026-06-01/dataprotection.json",
        "common-types/resource-management/v5/types.json",
        "common-types/resource-management/v5/managedidentity.json",
    ];

    private static readonly Lazy<SpecCatalog> SharedCatalog = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Dictionary<string, List<SpecOperation>> _byVersion = new(StringComparer.OrdinalIgnoreCase);

    private SpecCatalog(Dictionary<string, JsonObject> documents)
    {
        Documents = documents;
        foreach (var (key, doc) in documents)
        {
            if (doc["paths"] is not JsonObject paths)
            {
                continue;
            }

            var version = doc["info"]?["version"]?.GetValue<string>() ?? throw new InvalidOperationException($"{key}: info.version missing.");
            var list = new List<SpecOperation>();
            foreach (var (template, pathItem) in paths)
            {
                foreach (var (method, opNode) in (JsonObject)pathItem!)
                {
                    if (method is "parameters" || opNode is not JsonObject op)
                    {
                        continue;
                    }

                    list.Add(ReadOperation(key, version, method.ToUpperInvariant(), template, op, doc));
                }
            }

            if (!_byVersion.TryGetValue(version, out var existing))
            {
                _byVersion[version] = existing = [];
            }

            existing.AddRange(list);
        }

        Operations = _byVersion.Values.SelectMany(v => v).ToList();
        Translator = new SwaggerTranslator(documents, Operations);
    }

    public static SpecCatalog Shared => SharedCatalog.Value;

    public IReadOnlyDictionary<string, JsonObject> Documents { get; }

    public IReadOnlyList<SpecOperation> Operations { get; }

    public SwaggerTranslator Translator { get; }

    /// <summary>The operation for a request, or null when no vendored spec of that api-version describes the path.</summary>
    public SpecOperation? Find(string apiVersion, string method, string[] segments)
    {
        if (!_byVersion.TryGetValue(apiVersion, out var ops))
        {
            return null;
        }

        var m = method.Equals("HEAD", StringComparison.OrdinalIgnoreCase) ? "GET" : method.ToUpperInvariant();
        SpecOperation? best = null;
        foreach (var op in ops)
        {
            if (op.Method == m && op.Matches(segments) && (best is null || op.Literals > best.Literals))
            {
                best = op;
            }
        }

        return best;
    }

    private static SpecCatalog Load()
    {
        var asm = typeof(SpecCatalog).Assembly;
        var docs = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var file in Files)
        {
            using var stream = asm.GetManifestResourceStream("Contract/specs/" + file)
                ?? throw new InvalidOperationException($"Embedded spec 'Contract/specs/{file}' is missing from {asm.GetName().Name}.");
            docs[file] = JsonNode.Parse(stream)!.AsObject();
        }

        return new SpecCatalog(docs);
    }

    private static SpecOperation ReadOperation(string key, string version, string method, string template, JsonObject op, JsonObject doc)
    {
        string? bodyDef = null;
        var bodyRequired = false;
        if (op["parameters"] is JsonArray parameters)
        {
            foreach (var pNode in parameters)
            {
                var p = pNode as JsonObject;
                if (p?["$ref"]?.GetValue<string>() is { } pref && pref.StartsWith("#/parameters/", StringComparison.Ordinal))
                {
                    p = doc["parameters"]?[pref["#/parameters/".Length..]] as JsonObject;
                }

                if (p is not null && p["in"]?.GetValue<string>() == "body")
                {
                    bodyDef = SwaggerTranslator.OperationSchemaKey(key, method, template, "body");
                    bodyRequired = p["required"]?.GetValue<bool>() ?? false;
                }
            }
        }

        var responses = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (op["responses"] is JsonObject rs)
        {
            foreach (var (status, r) in rs)
            {
                responses[status] = r?["schema"] is null ? null : SwaggerTranslator.OperationSchemaKey(key, method, template, status);
            }
        }

        var segments = template.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var longRunning = op["x-ms-long-running-operation"]?.GetValue<bool>() == true;
        return new SpecOperation(key, version, method, template, op["operationId"]?.GetValue<string>() ?? method + " " + template, segments, bodyDef, bodyRequired, longRunning, responses);
    }
}
