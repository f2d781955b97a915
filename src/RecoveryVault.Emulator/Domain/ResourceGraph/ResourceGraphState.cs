// Copyright (c) RecoveryVault contributors. MIT License.
using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Domain.ResourceGraph;

/// <summary>
/// What the emulator's Resource Graph keeps between queries: the per-user quota window behind the
/// <c>x-ms-user-quota-remaining</c> / <c>x-ms-user-quota-resets-after</c> headers, and, when a freshness lag is set,
/// the index snapshot per subscription and table that queries read until it is older than the lag (Resource Graph is
/// an index that follows Resource Manager by seconds; with lag 0 every query reads the store as it is).
/// </summary>
internal sealed class ResourceGraphState(int lagSeconds, int quota, TimeSpan window)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Built, List<JsonObject> Rows)> _snapshots = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Start, int Used)> _quota = new(StringComparer.OrdinalIgnoreCase);
    private int _lagSeconds = Math.Max(0, lagSeconds);
    private int _quotaPerWindow = Math.Max(1, quota);

    public int LagSeconds { get => Volatile.Read(ref _lagSeconds); set => Volatile.Write(ref _lagSeconds, Math.Max(0, value)); }

    public int Quota { get => Volatile.Read(ref _quotaPerWindow); set => Volatile.Write(ref _quotaPerWindow, Math.Max(1, value)); }

    public TimeSpan Window { get; } = window;

    /// <summary>Counts one query of the user; false when the window's quota is already used up (a 429).</summary>
    public bool TakeQuota(string principal, DateTimeOffset now, out int remaining, out TimeSpan resetsAfter)
    {
        var allowed = true;
        var state = _quota.AddOrUpdate(
            principal,
            _ => (now, 1),
            (_, s) =>
            {
                if (now - s.Start >= Window)
                {
                    return (now, 1);
                }

                if (s.Used >= Quota)
                {
                    allowed = false;
                    return s;
                }

                return (s.Start, s.Used + 1);
            });
        remaining = Math.Max(0, Quota - state.Used);
        resetsAfter = state.Start + Window - now;
        if (resetsAfter < TimeSpan.Zero)
        {
            resetsAfter = TimeSpan.Zero;
        }

        return allowed;
    }

    /// <summary>The rows of one subscription's table as the index holds them: rebuilt when older than the lag.</summary>
    public List<JsonObject> Rows(string subscriptionId, string table, DateTimeOffset now, Func<List<JsonObject>> build)
    {
        var lag = LagSeconds;
        if (lag == 0)
        {
            return build();
        }

        var key = subscriptionId + "|" + table;
        if (_snapshots.TryGetValue(key, out var snap) && now - snap.Built < TimeSpan.FromSeconds(lag))
        {
            return snap.Rows;
        }

        var rows = build();
        _snapshots[key] = (now, rows);
        return rows;
    }

    private readonly ConcurrentDictionary<string, (DateTimeOffset Made, string Owner, List<JsonObject> Rows)> _results = new(StringComparer.Ordinal);

    /// <summary>
    /// Keeps a query's whole answer for its later pages (10 minutes, the 50 latest), so a $skipToken continues the
    /// same result instead of re-running the query over data that may have moved meanwhile.
    /// </summary>
    public string KeepResult(string owner, List<JsonObject> rows, DateTimeOffset now)
    {
        foreach (var (key, value) in _results)
        {
            if (now - value.Made > TimeSpan.FromMinutes(10))
            {
                _results.TryRemove(key, out _);
            }
        }

        while (_results.Count >= 50 && _results.MinBy(r => r.Value.Made) is { Key: { } oldest })
        {
            _results.TryRemove(oldest, out _);
        }

        var id = Guid.NewGuid().ToString("N");
        _results[id] = (now, owner, rows);
        return id;
    }

    /// <summary>A kept answer of this caller, or null when it has expired or is someone else's.</summary>
    public List<JsonObject>? KeptResult(string id, string owner) =>
        _results.TryGetValue(id, out var r) && string.Equals(r.Owner, owner, StringComparison.OrdinalIgnoreCase) ? r.Rows : null;

    public void Reset()
    {
        _snapshots.Clear();
        _quota.Clear();
        _results.Clear();
    }
}
