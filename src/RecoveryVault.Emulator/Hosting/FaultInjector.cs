// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Hosting;

/// <summary>A fault to apply to one ARM request.</summary>
internal sealed record Fault(string Kind, int RetryAfterSeconds, int LatencyMs);

/// <summary>Parses <c>--faults 429:0.1,503:0.05,...</c>.</summary>
public static class FaultSpec
{
    // "dropresponse" (spelled dropResponse in the docs; kinds are case-insensitive): the request is served and
    // committed, then the connection is cut before any of the answer leaves, as when a response is lost in transit.
    public static readonly string[] Kinds = ["429", "500", "503", "drop", "latency", "dropresponse"];

    public static IReadOnlyList<KeyValuePair<string, double>> ParseRates(string? spec)
    {
        var list = new List<KeyValuePair<string, double>>();
        if (string.IsNullOrWhiteSpace(spec))
        {
            return list;
        }

        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split(':', 2);
            var kind = kv[0].Trim().ToLowerInvariant();
            if (!Kinds.Contains(kind) || kv.Length != 2
                || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate < 0 || rate > 1)
            {
                throw new ArgumentException($"Invalid fault spec '{part}'; expected kind:rate with kind in {string.Join('|', Kinds)} and rate in 0..1.");
            }

            list.Add(new(kind, rate));
        }

        return list;
    }
}

/// <summary>Random faults (rate + seed) and the deterministic "next N requests" queue; the queue wins.</summary>
internal sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<QueuedFault> _queue = [];
    private List<KeyValuePair<string, double>> _rates = [];
    private Random _random = new(1);
    private int _seed = 1;
    private int _latencyMs;
    private int? _retryAfterSeconds;
    private string[] _methods = [];

    public FaultInjector(EmulatorOptions options)
    {
        _rates = [.. FaultSpec.ParseRates(options.Faults)];
        _seed = options.Seed;
        _random = new Random(options.Seed);
        _latencyMs = options.FaultLatencyMs;
    }

    public Fault? Next(string method, string pathAndQuery, int defaultRetryAfter)
    {
        lock (_gate)
        {
            for (var i = 0; i < _queue.Count; i++)
            {
                var q = _queue[i];
                if (q.Method is not null && !q.Method.Equals(method, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (q.PathContains is not null && !pathAndQuery.Contains(q.PathContains, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                q.Remaining--;
                if (q.Remaining <= 0)
                {
                    _queue.RemoveAt(i);
                }

                return new Fault(q.Kind, q.RetryAfterSeconds ?? defaultRetryAfter, q.LatencyMs ?? _latencyMs);
            }

            if (_rates.Count == 0 || (_methods.Length > 0 && !_methods.Contains(method, StringComparer.OrdinalIgnoreCase)))
            {
                return null;
            }

            var roll = _random.NextDouble();
            var cumulative = 0.0;
            foreach (var (kind, rate) in _rates)
            {
                cumulative += rate;
                if (roll < cumulative)
                {
                    return new Fault(kind, _retryAfterSeconds ?? defaultRetryAfter, _latencyMs);
                }
            }

            return null;
        }
    }

    public JsonObject Configure(double rate, int? seed, IReadOnlyList<string> kinds, int? latencyMs, int? retryAfterSeconds, IReadOnlyList<string>? methods = null)
    {
        lock (_gate)
        {
            var valid = kinds.Count == 0 ? FaultSpec.Kinds : kinds.Select(k => k.ToLowerInvariant()).ToArray();
            foreach (var k in valid)
            {
                if (!FaultSpec.Kinds.Contains(k))
                {
                    throw new ArgumentException($"Unknown fault kind '{k}'.");
                }
            }

            _rates = [.. valid.Select(k => new KeyValuePair<string, double>(k, rate / valid.Length))];
            if (seed is not null)
            {
                _seed = seed.Value;
            }

            _random = new Random(_seed);
            if (latencyMs is not null)
            {
                _latencyMs = latencyMs.Value;
            }

            _retryAfterSeconds = retryAfterSeconds;
            _methods = methods is null ? [] : [.. methods.Select(m => m.ToUpperInvariant())];
            return Describe();
        }
    }

    public void Enqueue(string kind, int count, int? retryAfterSeconds, string? method, string? pathContains, int? latencyMs)
    {
        kind = kind.ToLowerInvariant();
        if (!FaultSpec.Kinds.Contains(kind))
        {
            throw new ArgumentException($"Unknown fault kind '{kind}'; expected one of {string.Join(", ", FaultSpec.Kinds)}.");
        }

        lock (_gate)
        {
            _queue.Add(new QueuedFault(kind, Math.Max(1, count), retryAfterSeconds, method, pathContains, latencyMs));
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rates = [];
            _queue.Clear();
            _retryAfterSeconds = null;
            _methods = [];
        }
    }

    public JsonObject Describe()
    {
        lock (_gate)
        {
            var rates = new JsonObject();
            foreach (var (k, r) in _rates)
            {
                rates[k] = r;
            }

            return new JsonObject
            {
                ["rates"] = rates,
                ["seed"] = _seed,
                ["latencyMs"] = _latencyMs,
                ["retryAfterSeconds"] = _retryAfterSeconds,
                ["methods"] = new JsonArray([.. _methods.Select(m => (JsonNode)m)]),
                ["queued"] = _queue.Sum(q => q.Remaining),
            };
        }
    }

    private sealed class QueuedFault(string kind, int remaining, int? retryAfterSeconds, string? method, string? pathContains, int? latencyMs)
    {
        public string Kind { get; } = kind;

        public int Remaining { get; set; } = remaining;

        public int? RetryAfterSeconds { get; } = retryAfterSeconds;

        public string? Method { get; } = method;

        public string? PathContains { get; } = pathContains;

        public int? LatencyMs { get; } = latencyMs;
    }
}
