// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net.Http;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using RecoveryVault.Engine.Backup;
using RecoveryVault.Engine.Models;
using RecoveryVault.Engine.Pipeline;

namespace RecoveryVault.Engine.Hosting;

/// <summary>What a look for the effect of a write found: done (with what to hand back), or not done.</summary>
internal readonly record struct Effect<T>(bool Done, T? Value)
{
    public static Effect<T> Found(T value) => new(true, value);

    public static readonly Effect<T> None = new(false, default);
}

public sealed partial class RecoveryVaultSession
{
    /// <summary>How many times a write is sent at most (each re-send only after its effect was looked for and not found).</summary>
    internal const int MaxWriteAttempts = 4;

    // A write whose second send does nothing new costs only time when re-sent, so it gets a few more tries.
    private const int MaxResends = 6;

    /// <summary>The error code of a write whose outcome could not be determined.</summary>
    public const string OutcomeUnknownCode = "OutcomeUnknown";

    // Jobs carry whole-second start times taken on the service's clock; a job of the first send may start up to
    // this long before the client's reading of that clock.
    private static readonly TimeSpan s_jobSlack = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether a failed send may have been done by the service anyway: no response (the connection dropped after the
    /// request went out) or a 5xx (the provider may have committed before failing). A 4xx or a 429 means not done.
    /// </summary>
    internal static bool IsAmbiguous(Exception ex) => ex switch
    {
        OperationCanceledException => false,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsAmbiguous),
        RequestFailedException r => r.Status == 0 || r.Status >= 500,
        HttpRequestException or IOException => true,
        _ => false,
    };

    /// <summary>
    /// Sends a write at most <see cref="MaxWriteAttempts"/> times without ever doing it twice. After an ambiguous
    /// failure, <paramref name="probe"/> looks for the effect of the sends so far (given the service time just before
    /// the first one); what it finds is adopted as the result. Only when it finds nothing is the write sent again.
    /// When the look fails too, the outcome is unknown and the caller is told how to check (<see cref="OutcomeUnknownCode"/>).
    /// A 503 with Retry-After that turned out to have done nothing is waited out within the retry budget.
    /// </summary>
    internal async Task<T> OnceAsync<T>(string what, string howToCheck, string? target, Func<CancellationToken, Task<T>> send,
        Func<DateTimeOffset, CancellationToken, Task<Effect<T>>> probe, CancellationToken ct)
    {
        var firstSent = ServiceNow;
        var throttled = TimeSpan.Zero;
        for (var attempt = 1; ; attempt++)
        {
            Exception failure;
            try
            {
                return await send(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsAmbiguous(ex) && !ct.IsCancellationRequested)
            {
                failure = ex;
            }
            Effect<T> effect;
            try
            {
                effect = await probe(firstSent, ct).ConfigureAwait(false);
            }
            catch (Exception check) when (check is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                throw new RecoveryVaultServiceException(0, OutcomeUnknownCode,
                    $"{what}: the request was sent but its answer was lost ({Reason(failure)}), and checking whether it was done failed too ({Reason(check)}). "
                    + $"It may or may not have happened; {howToCheck} before trying again", target, null, null, failure);
            }
            if (effect.Done)
            {
                return effect.Value!;
            }
            // Nothing happened. A 503 with Retry-After is the service asking to hold off: waited out within the
            // retry budget like throttling, without using up a send; anything else backs off and counts.
            if (failure is RecoveryVaultRequestFailedException { Status: 503, RetryAfter: { } after } && throttled + after <= _client.Options.RetryBudget)
            {
                throttled += after;
                attempt--;
                await Task.Delay(after, ct).ConfigureAwait(false);
                continue;
            }
            if (attempt >= MaxWriteAttempts)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(8000, 200 * Math.Pow(2, attempt))), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends a write whose second send does nothing a first did not (a PUT or PATCH of a whole setting to one value),
    /// again after an ambiguous failure.
    /// </summary>
    internal static async Task<T> ResendAsync<T>(Func<CancellationToken, Task<T>> send, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await send(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsAmbiguous(ex) && attempt < MaxResends && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(4000, 200 * Math.Pow(2, attempt))), ct).ConfigureAwait(false);
            }
        }
    }

    private static string Reason(Exception ex) => ex switch
    {
        RequestFailedException { Status: 0 } r => FirstLine(r.InnerException?.Message ?? r.Message),
        RequestFailedException r => $"status {r.Status}",
        _ => FirstLine(ex.Message),
    };

    /// <summary>
    /// Starts a backup write exactly once. What "already done" means follows the operation (see docs/ARCHITECTURE.md,
    /// "Exactly-once writes"): a job for the same item and operation started since the first send, the resource in the
    /// state asked for, or the resource gone.
    /// </summary>
    private Task<BackupStart> StartBackupOnceAsync(RecoveryVaultResourceId vaultId, string method, string relativePath, JsonObject? body, CancellationToken ct)
    {
        var target = vaultId + "/" + relativePath;
        var probe = BackupProbe(vaultId, method, relativePath, body);
        if (probe is null)
        {
            // Re-sending does no second thing (refresh, inquire, revoke, cancel): the transport's ordinary retry.
            return ResendAsync(async t => new BackupStart(
                await _client.StartBackupOperationAsync(WaitUntil.Started, new RequestMethod(method), vaultId, relativePath, body, t).ConfigureAwait(false), null), ct);
        }
        var resent = false;
        return OnceAsync($"{method} {relativePath}", probe.Value.HowToCheck, target, async t =>
            {
                try
                {
                    return new BackupStart(await _client.StartBackupOperationAsync(WaitUntil.Started, new RequestMethod(method), vaultId, relativePath, body, t).ConfigureAwait(false), null);
                }
                catch (RecoveryVaultRequestFailedException ex) when (ex.Status == 404 && resent && method == "DELETE")
                {
                    // A re-send, after the look found it still there: it has gone since, which is what was asked.
                    return new BackupStart(null, new BackupOperationResult(null, null, null, true));
                }
                finally
                {
                    resent = true;
                }
            },
            probe.Value.Look, ct);

    }

    /// <summary>A backup write that was started (<see cref="Operation"/>), or found already done (<see cref="Adopted"/>).</summary>
    private sealed record BackupStart(Operations.ArmOperation<BackupResourceData>? Operation, BackupOperationResult? Adopted);

    private readonly record struct BackupProbeSpec(string HowToCheck, Func<DateTimeOffset, CancellationToken, Task<Effect<BackupStart>>> Look);

    private BackupProbeSpec? BackupProbe(RecoveryVaultResourceId vaultId, string method, string relativePath, JsonObject? body)
    {
        var segments = relativePath.Split('/');
        string? Last(int fromEnd) => segments.Length >= fromEnd ? Uri.UnescapeDataString(segments[^fromEnd]) : null;
        var jobs = $"Get-RecoveryVaultJob -VaultId '{vaultId}'";
        var isItem = segments.Length == 6 && Last(2) == "protectedItems";
        var isItemAction = segments.Length == 7 && Last(3) == "protectedItems";
        var isContainer = segments.Length == 4 && Last(2) == "protectionContainers";
        var isPolicy = segments.Length == 2 && Last(2) == "backupPolicies";

        if (method == "POST" && isItemAction && Last(1) == "backup")
        {
            var itemPath = string.Join('/', segments[..6]);
            return new($"look for a Backup job of the item with {jobs} -Operation Backup",
                (since, t) => JobEffectAsync(vaultId, itemPath, "Backup", since, t));
        }
        if (method == "POST" && segments.Length == 9 && Last(3) == "recoveryPoints" && Last(1) == "restore")
        {
            var itemPath = string.Join('/', segments[..6]);
            return new($"look for a Restore job of the item with {jobs} -Operation Restore",
                (since, t) => JobEffectAsync(vaultId, itemPath, "Restore", since, t));
        }
        if (method == "PUT" && isItem)
        {
            return new($"compare the item's protection with Get-RecoveryVaultItem -VaultId '{vaultId}'",
                (since, t) => ItemStateEffectAsync(vaultId, relativePath, body, since, t));
        }
        if (method == "DELETE" && (isItem || isContainer || isPolicy))
        {
            return new($"check whether '{Last(1)}' is still there (Get-RecoveryVaultItem, Get-RecoveryVaultContainer or Get-RecoveryVaultPolicy -VaultId '{vaultId}')",
                async (_, t) => await GoneAsync(vaultId, relativePath, t).ConfigureAwait(false)
                    ? Effect<BackupStart>.Found(new BackupStart(null, new BackupOperationResult(null, null, null, true)))
                    : Effect<BackupStart>.None);
        }
        if (method == "PUT" && isContainer)
        {
            return new($"look for the container with Get-RecoveryVaultContainer -VaultId '{vaultId}'",
                async (_, t) => await ExistingAsync(vaultId, relativePath, t).ConfigureAwait(false) is { } c
                    && string.Equals(c.Read("registrationStatus"), "Registered", StringComparison.OrdinalIgnoreCase)
                    ? Effect<BackupStart>.Found(new BackupStart(null, new BackupOperationResult(c, null, null, true)))
                    : Effect<BackupStart>.None);
        }
        if (method == "PUT" && isPolicy)
        {
            return new($"compare the policy with Get-RecoveryVaultPolicy -VaultId '{vaultId}' -Name '{Last(1)}'",
                async (_, t) => await ExistingAsync(vaultId, relativePath, t).ConfigureAwait(false) is { } p && Contains(p.Properties, body?["properties"])
                    ? Effect<BackupStart>.Found(new BackupStart(null, new BackupOperationResult(p, null, null, true)))
                    : Effect<BackupStart>.None);
        }
        // provisionInstantItemRecovery keeps one mount per recovery point (a second send replaces it), and
        // revoke, cancel, refreshContainers and inquire do nothing a second time: they are re-sent.
        return null;
    }

    /// <summary>The backup resource as the service holds it now, or null when it is not there.</summary>
    private async Task<BackupResourceData?> ExistingAsync(RecoveryVaultResourceId vaultId, string relativePath, CancellationToken ct)
    {
        try
        {
            return (await _client.GetBackupResourceAsync(vaultId, relativePath, ct).ConfigureAwait(false)).Value;
        }
        catch (RecoveryVaultRequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private async Task<bool> GoneAsync(RecoveryVaultResourceId vaultId, string relativePath, CancellationToken ct) =>
        await ExistingAsync(vaultId, relativePath, ct).ConfigureAwait(false) is not { } left
        // Soft delete keeps a deleted item as SoftDeleted: that is its state after a delete.
        || string.Equals(left.Read("isScheduledForDeferredDelete"), "true", StringComparison.OrdinalIgnoreCase)
        || string.Equals(left.Read("protectionState"), "SoftDeleted", StringComparison.OrdinalIgnoreCase);

    // A job of the operation for the item that started since the first send: that send's job.
    private async Task<Effect<BackupStart>> JobEffectAsync(RecoveryVaultResourceId vaultId, string itemPath, string operation, DateTimeOffset since, CancellationToken ct)
    {
        var item = await ExistingAsync(vaultId, itemPath, ct).ConfigureAwait(false);
        if (item is null)
        {
            return Effect<BackupStart>.None;
        }
        var job = await FindJobAsync(vaultId, item, operation, since, ct).ConfigureAwait(false);
        return job?.Name is { } jobId
            ? Effect<BackupStart>.Found(new BackupStart(null, new BackupOperationResult(null, jobId, null, false)))
            : Effect<BackupStart>.None;
    }

    private async Task<BackupResourceData?> FindJobAsync(RecoveryVaultResourceId vaultId, BackupResourceData item, string operation, DateTimeOffset since, CancellationToken ct)
    {
        var query = new JobQuery { Operation = operation, From = since - s_jobSlack };
        BackupResourceData? newest = null;
        await foreach (var job in ListJobsAsync(vaultId, query, ct).ConfigureAwait(false))
        {
            if (item.Id is { } itemId && item.FriendlyName is { } name && JobMatch.IsForItem(job, itemId, name)
                && (newest is null || string.CompareOrdinal(job.Read("startTime"), newest.Read("startTime")) > 0))
            {
                newest = job;
            }
        }
        return newest;
    }

    // An item PUT is done when the item is in the state the body asks for: stopped, or protected by that policy.
    private async Task<Effect<BackupStart>> ItemStateEffectAsync(RecoveryVaultResourceId vaultId, string itemPath, JsonObject? body, DateTimeOffset since, CancellationToken ct)
    {
        var item = await ExistingAsync(vaultId, itemPath, ct).ConfigureAwait(false);
        if (item is null || body?["properties"] is not JsonObject asked)
        {
            return Effect<BackupStart>.None;
        }
        var state = item.Read("protectionState");
        var softDeleted = string.Equals(state, "SoftDeleted", StringComparison.OrdinalIgnoreCase)
            || string.Equals(item.Read("isScheduledForDeferredDelete"), "true", StringComparison.OrdinalIgnoreCase);
        bool done;
        if (asked["isRehydrate"]?.GetValue<bool>() == true)
        {
            done = !softDeleted;
        }
        else
        {
            // Everything the body asks for (policy, state, disk exclusions) is what the item holds; an enable, a
            // policy change and a stop each leave their mark, and a re-send would only start another job.
            var expected = (JsonObject)asked.DeepClone();
            expected.Remove("isRehydrate");
            if (expected["protectionState"]?.GetValue<string>() is not { } askedState
                || !(askedState.Equals("ProtectionStopped", StringComparison.OrdinalIgnoreCase) || askedState.Equals("BackupsSuspended", StringComparison.OrdinalIgnoreCase)))
            {
                expected.Remove("protectionState");
            }
            done = !softDeleted && Contains(item.Properties, expected);
        }
        if (!done)
        {
            return Effect<BackupStart>.None;
        }
        // The job the lost send started, when there is one, is what the cmdlet returns.
        string? jobId = null;
        foreach (var operation in new[] { "ConfigureBackup", "DisableBackup", "Undelete" })
        {
            if (await FindJobAsync(vaultId, item, operation, since, ct).ConfigureAwait(false) is { Name: { } id })
            {
                jobId = id;
                break;
            }
        }
        return Effect<BackupStart>.Found(new BackupStart(null, new BackupOperationResult(item, jobId, null, jobId is null)));
    }

    // Whether every value the write asked for is in what the service holds (what it adds, such as ids, is ignored).
    private static bool Contains(JsonNode? held, JsonNode? asked) => asked switch
    {
        null => true,
        JsonObject o => held is JsonObject h && o.All(kv => Contains(h[kv.Key], kv.Value)),
        JsonArray a => held is JsonArray ha && ha.Count == a.Count && a.Select((n, i) => Contains(ha[i], n)).All(x => x),
        JsonValue v => held is JsonValue hv && string.Equals(Text(hv), Text(v), StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    // Times compare as instants: the service may write back "2026-01-01T02:00:00Z" as "2026-01-01T02:00:00+00:00".
    private static string Text(JsonValue value)
    {
        var text = value.TryGetValue<string>(out var s) ? s : value.ToJsonString();
        return text.Length >= 19 && text[4] == '-' && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)
            : text;
    }
}
