// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>
/// The backup surface's own clock: runs <see cref="Rate"/> simulated seconds per real second and can be pushed
/// forward, so schedules, retention and job durations play out in seconds of test time. Rate 0 freezes it (only
/// <see cref="Advance"/> moves it), which makes tests fully deterministic.
/// </summary>
internal sealed class SimulatedClock
{
    private readonly object _gate = new();
    private readonly Func<DateTimeOffset> _real;
    private DateTimeOffset _simBase;
    private DateTimeOffset _realBase;
    private readonly DateTimeOffset? _start;
    private double _rate;

    /// <param name="rate">Simulated seconds per real second.</param>
    /// <param name="start">Where the simulated time starts (default: now). A fixed start makes the time of day, and so
    /// which scheduled backups a test's advance crosses, the same on every run.</param>
    /// <param name="real">The real clock (tests).</param>
    public SimulatedClock(double rate, DateTimeOffset? start = null, Func<DateTimeOffset>? real = null)
    {
        _real = real ?? (() => DateTimeOffset.UtcNow);
        _rate = Math.Max(0, rate);
        _start = start;
        _realBase = _real();
        _simBase = StartTime();
    }

    // Whole seconds keep ids and timestamps derived from the clock readable.
    private DateTimeOffset StartTime()
    {
        var t = _start ?? _realBase;
        return new DateTimeOffset(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    public double Rate
    {
        get
        {
            lock (_gate)
            {
                return _rate;
            }
        }
    }

    public DateTimeOffset Now
    {
        get
        {
            lock (_gate)
            {
                return NowLocked();
            }
        }
    }

    public DateTimeOffset Advance(TimeSpan span)
    {
        lock (_gate)
        {
            if (span < TimeSpan.Zero)
            {
                throw new ArgumentException("The simulated clock only moves forward.");
            }

            _simBase = NowLocked() + span;
            _realBase = _real();
            return _simBase;
        }
    }

    public void SetRate(double rate)
    {
        lock (_gate)
        {
            _simBase = NowLocked();
            _realBase = _real();
            _rate = Math.Max(0, rate);
        }
    }

    /// <summary>After a restart the clock must not run behind what the engine already processed.</summary>
    public void EnsureNotBefore(DateTimeOffset t)
    {
        lock (_gate)
        {
            if (NowLocked() < t)
            {
                _simBase = t;
                _realBase = _real();
            }
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _realBase = _real();
            _simBase = StartTime();
        }
    }

    private DateTimeOffset NowLocked()
    {
        var elapsed = (_real() - _realBase).Ticks * _rate;
        return _simBase.AddTicks((long)Math.Min(elapsed, TimeSpan.MaxValue.Ticks / 4));
    }
}
