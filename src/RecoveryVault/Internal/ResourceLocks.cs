// Copyright (c) RecoveryVault contributors. MIT License.
using System.Collections.Concurrent;

namespace RecoveryVault.Internal;

/// <summary>
/// One writer at a time per resource in this process. Backup policies take no If-Match (the service offers no
/// conditional write for them), so two read-modify-writes of one policy running side by side (thread jobs,
/// ForEach-Object -Parallel) would each rebuild it from a read the other is about to make stale, and one change would
/// be lost. Serialised, each reads what the previous one wrote.
/// </summary>
internal static class ResourceLocks
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> s_locks = new(StringComparer.OrdinalIgnoreCase);

    public static async Task<T> WithLockAsync<T>(string resourceId, Func<Task<T>> work, CancellationToken ct)
    {
        var gate = s_locks.GetOrAdd(resourceId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }
}
