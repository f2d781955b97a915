// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace RecoveryVault.Engine.Pipeline;

/// <summary>
/// When the service asked every caller of this connection to hold off (429, or 503 with Retry-After). One gate per
/// client, so a fan-out (a pipeline of many items, <c>ForEach-Object -Parallel</c>) slows down together instead of
/// each request finding out by itself.
/// </summary>
public sealed class ThrottleGate
{
    private long _untilTicks;

    /// <summary>The time (UTC) before which no request is sent.</summary>
    public DateTimeOffset Until => new(Interlocked.Read(ref _untilTicks), TimeSpan.Zero);

    /// <summary>Holds every request until <paramref name="until"/> (never moves the gate earlier).</summary>
    public void HoldUntil(DateTimeOffset until)
    {
        var ticks = until.UtcTicks;
        long seen;
        while ((seen = Interlocked.Read(ref _untilTicks)) < ticks)
        {
            if (Interlocked.CompareExchange(ref _untilTicks, ticks, seen) == seen)
            {
                return;
            }
        }
    }
}

/// <summary>
/// Azure Core's retry, with two changes the module needs for exactly-once writes and throttling:
/// <list type="bullet">
/// <item>A write (PUT, POST, PATCH, DELETE) is never re-sent here after a 5xx or a lost connection: the service may
/// have done it already, and a second send would do it twice (two Restore jobs for one restore). Such a failure goes
/// up to the caller, which looks for the effect of the first send before sending again (<c>ExactlyOnce</c>). A 429
/// is re-sent: ARM refuses a throttled request before it reaches the provider, so nothing happened.</item>
/// <item>Throttling (429, or 503 with Retry-After) is waited out as the service says, beyond the retry count, until
/// the request has waited <see cref="RecoveryVaultClientOptions.RetryBudget"/> in all; the wait is shared through the
/// client's <see cref="ThrottleGate"/>.</item>
/// </list>
/// ARM throttling: learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling
/// ("When you reach the limit, you receive the HTTP status code 429 … and a Retry-After value").
/// </summary>
internal sealed class WriteSafeRetryPolicy : RetryPolicy
{
    private const string WaitedKey = "RecoveryVault.ThrottleWaited";

    /// <summary>Message property: this write may be re-sent like a read (see RecoveryVaultClient.SendMessageAsync).</summary>
    public const string SafeToResendKey = "RecoveryVault.SafeToResend";
    private readonly TimeSpan _budget;
    private readonly ThrottleGate _gate;

    public WriteSafeRetryPolicy(int maxRetries, TimeSpan delay, TimeSpan maxDelay, TimeSpan budget, ThrottleGate gate)
        : base(maxRetries, new ThrottleAwareDelay(delay, maxDelay))
    {
        _budget = budget;
        _gate = gate;
    }

    /// <summary>Whether the method may change state on the service.</summary>
    public static bool IsWrite(RequestMethod method) => method != RequestMethod.Get && method != RequestMethod.Head && method != RequestMethod.Options;

    /// <summary>The service's Retry-After, from any of the headers Azure services use.</summary>
    public static TimeSpan? RetryAfter(Response? response)
    {
        if (response is null)
        {
            return null;
        }
        foreach (var header in new[] { "retry-after-ms", "x-ms-retry-after-ms" })
        {
            if (response.Headers.TryGetValue(header, out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0)
            {
                return TimeSpan.FromMilliseconds(value);
            }
        }
        if (response.Headers.TryGetValue("Retry-After", out var text))
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                var wait = at - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }
        return null;
    }

    private static bool IsThrottled(HttpMessage message) =>
        message.HasResponse && (message.Response.Status == 429 || (message.Response.Status == 503 && RetryAfter(message.Response) is not null));

    private static bool SafeToResend(HttpMessage message) => message.TryGetProperty(SafeToResendKey, out var safe) && safe is true;

    private static TimeSpan Waited(HttpMessage message) =>
        message.TryGetProperty(WaitedKey, out var value) && value is TimeSpan waited ? waited : TimeSpan.Zero;

    private bool Decide(HttpMessage message, bool baseDecision)
    {
        if (message.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
        if (IsThrottled(message))
        {
            // 503 on a write may come from the provider after it acted: the exactly-once layer decides.
            if (message.Response.Status == 503 && IsWrite(message.Request.Method) && !SafeToResend(message))
            {
                return false;
            }
            var wait = RetryAfter(message.Response) ?? TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, message.ProcessingContext.RetryNumber)));
            if (Waited(message) + wait > _budget)
            {
                return false;
            }
            message.SetProperty(WaitedKey, Waited(message) + wait);
            _gate.HoldUntil(DateTimeOffset.UtcNow + wait);
            return true;
        }
        return (!IsWrite(message.Request.Method) || SafeToResend(message)) && baseDecision;
    }

    protected override bool ShouldRetry(HttpMessage message, Exception? exception) => Decide(message, base.ShouldRetry(message, exception));

    protected override async ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        Decide(message, await base.ShouldRetryAsync(message, exception).ConfigureAwait(false));

    protected override void OnSendingRequest(HttpMessage message)
    {
        var wait = GateWait(message);
        if (wait > TimeSpan.Zero)
        {
            message.CancellationToken.WaitHandle.WaitOne(wait);
            message.CancellationToken.ThrowIfCancellationRequested();
        }
        base.OnSendingRequest(message);
    }

    protected override async ValueTask OnSendingRequestAsync(HttpMessage message)
    {
        var wait = GateWait(message);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, message.CancellationToken).ConfigureAwait(false);
        }
        await base.OnSendingRequestAsync(message).ConfigureAwait(false);
    }

    // How long this attempt waits at the gate, charged to the request's budget. A request whose budget is spent is
    // sent anyway: the service then answers for itself, and that answer (429) is the visible failure.
    private TimeSpan GateWait(HttpMessage message)
    {
        var wait = _gate.Until - DateTimeOffset.UtcNow;
        if (wait <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }
        var waited = Waited(message);
        var left = _budget - waited;
        if (left <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }
        wait = wait < left ? wait : left;
        message.SetProperty(WaitedKey, waited + wait);
        return wait;
    }
}

/// <summary>
/// Azure Core's exponential back-off, except that a throttled response waits exactly what the service said
/// (Retry-After, which the base class applies) instead of the larger of that and a back-off grown over many retries.
/// </summary>
internal sealed class ThrottleAwareDelay(TimeSpan initial, TimeSpan max) : DelayStrategy(max, 0.2)
{
    protected override TimeSpan GetNextDelayCore(Response? response, int retryNumber) =>
        response is not null && (response.Status == 429 || response.Status == 503) && WriteSafeRetryPolicy.RetryAfter(response) is not null
            ? TimeSpan.Zero
            : TimeSpan.FromTicks((long)Math.Min(max.Ticks, initial.Ticks * Math.Pow(2, Math.Max(0, retryNumber - 1))));
}
