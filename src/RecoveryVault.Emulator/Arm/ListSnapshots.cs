// Copyright (c) RecoveryVault contributors. MIT License.
using System.Collections.Concurrent;

namespace RecoveryVault.Emulator.Arm;

/// <summary>Ordered keys of long lists between their pages (see <see cref="ArmContext.PageSnapshot"/>).</summary>
internal static class ListSnapshots
{
    // A client that stops half-way never comes back for the rest: snapshots expire, and only a few are kept.
    private static readonly TimeSpan s_lifetime = TimeSpan.FromMinutes(10);
    private const int MaxSnapshots = 32;
    private static readonly ConcurrentDictionary<string, (IReadOnlyList<string> Keys, DateTimeOffset Created)> s_snapshots = new();

    public static string Add(IReadOnlyList<string> keys)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (id, entry) in s_snapshots)
        {
            if (now - entry.Created > s_lifetime)
            {
                s_snapshots.TryRemove(id, out _);
            }
        }

        while (s_snapshots.Count >= MaxSnapshots && s_snapshots.OrderBy(e => e.Value.Created).Select(e => e.Key).FirstOrDefault() is { } oldest)
        {
            s_snapshots.TryRemove(oldest, out _);
        }

        var snapshot = Guid.NewGuid().ToString("N");
        s_snapshots[snapshot] = (keys, now);
        return snapshot;
    }

    public static IReadOnlyList<string>? Get(string snapshot) =>
        s_snapshots.TryGetValue(snapshot, out var entry) && DateTimeOffset.UtcNow - entry.Created <= s_lifetime ? entry.Keys : null;

    public static void Remove(string snapshot) => s_snapshots.TryRemove(snapshot, out _);
}
