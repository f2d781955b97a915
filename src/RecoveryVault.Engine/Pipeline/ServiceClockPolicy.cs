// Copyright (c) RecoveryVault contributors. MIT License.
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace RecoveryVault.Engine.Pipeline;

/// <summary>
/// The service's clock, as its responses' <c>Date</c> headers tell it. Time windows the service evaluates (job
/// ranges, a SQL backup's 45-day minimum) are measured against the service's "now", so a client whose clock is off
/// by minutes still asks for what it means.
/// </summary>
public sealed class ServiceClock
{
    private long _offsetTicks;
    private int _known;

    /// <summary>The service's current time: the local clock moved by the offset the last response showed.</summary>
    public DateTimeOffset Now => DateTimeOffset.UtcNow.AddTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Whether a response has told the service's time yet.</summary>
    public bool IsKnown => Volatile.Read(ref _known) == 1;

    /// <summary>Takes the service's time from a response that did not come through the client (the emulator's admin API).</summary>
    public void Observe(DateTimeOffset serviceDate)
    {
        // Date has whole seconds: keep the local sub-second part so consecutive reads never go backwards by < 1 s.
        var offset = serviceDate - DateTimeOffset.UtcNow;
        Interlocked.Exchange(ref _offsetTicks, Math.Abs(offset.Ticks) < TimeSpan.TicksPerSecond ? 0 : offset.Ticks);
        Volatile.Write(ref _known, 1);
    }
}

/// <summary>Feeds every response's <c>Date</c> into the client's <see cref="ServiceClock"/>.</summary>
internal sealed class ServiceClockPolicy(ServiceClock clock) : HttpPipelineSynchronousPolicy
{
    public override void OnReceivedResponse(HttpMessage message)
    {
        if (message.Response.Headers.Date is { } date)
        {
            clock.Observe(date);
        }
    }
}
