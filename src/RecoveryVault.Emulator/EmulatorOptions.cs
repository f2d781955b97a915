// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using RecoveryVault.Emulator.Hosting;

namespace RecoveryVault.Emulator;

/// <summary>Start-up options of the emulator; the CLI flags map one to one onto these properties.</summary>
public sealed class EmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Folder for emulator.db, the certificate and the token signing key. Null means ./.emulator-data.</summary>
    public string? DataDir { get; set; }

    /// <summary>Keep state in memory only (the PEM still goes to a temporary folder so curl can trust it).</summary>
    public bool InMemory { get; set; }

    public int PageSize { get; set; } = 100;

    /// <summary>Random fault spec, e.g. <c>429:0.1,503:0.05,500:0.02,drop:0.01,latency:0.1</c>.</summary>
    public string? Faults { get; set; }

    public int FaultLatencyMs { get; set; } = 200;

    public int Seed { get; set; } = 1;

    public int LroDurationMs { get; set; } = 1000;

    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Simulated seconds per real second of the backup clock (0 freezes it; /_emulator/clock/advance still moves it).</summary>
    public double ClockRate { get; set; } = 600;

    /// <summary>Where the simulated clock starts (default: now); tests fix it so the time of day is the same every run.</summary>
    public DateTimeOffset? ClockStart { get; set; }

    /// <summary>
    /// An answer that departs from the vendored spec fails (500 <c>EmulatorContractViolation</c>) instead of being only
    /// logged; every test fixture turns it on.
    /// </summary>
    public bool Strict { get; set; }

    /// <summary>
    /// Seconds Resource Graph lags behind the store (default 0: every query sees the latest state). Azure's index
    /// follows Resource Manager by seconds; a lag lets tests see that.
    /// </summary>
    public int ResourceGraphLagSeconds { get; set; }

    /// <summary>Resource Graph queries a user may send per 5-second window (Azure's documented example: 15).</summary>
    public int ResourceGraphQuota { get; set; } = 15;

    internal string ResolveDataDir() => Path.GetFullPath(string.IsNullOrWhiteSpace(DataDir) ? ".emulator-data" : DataDir);

    /// <summary>Parses command-line flags; throws <see cref="ArgumentException"/> on anything unknown or malformed.</summary>
    public static EmulatorOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new EmulatorOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inlineValue = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inlineValue = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Next()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"Option '{arg}' needs a value.");
                }

                return args[++i];
            }

            switch (arg.ToLowerInvariant())
            {
                case "--port": o.Port = ParseInt(arg, Next(), 0, 65535); break;
                case "--data-dir": o.DataDir = Next(); break;
                case "--in-memory": o.InMemory = true; break;
                case "--strict": o.Strict = true; break;
                case "--resource-graph-lag-seconds": o.ResourceGraphLagSeconds = ParseInt(arg, Next(), 0, 3600); break;
                case "--resource-graph-quota": o.ResourceGraphQuota = ParseInt(arg, Next(), 1, 100000); break;
                case "--page-size": o.PageSize = ParseInt(arg, Next(), 1, 10000); break;
                case "--faults": o.Faults = Next(); FaultSpec.ParseRates(o.Faults); break;
                case "--fault-latency-ms": o.FaultLatencyMs = ParseInt(arg, Next(), 0, 600000); break;
                case "--seed": o.Seed = ParseInt(arg, Next(), int.MinValue, int.MaxValue); break;
                case "--lro-duration-ms": o.LroDurationMs = ParseInt(arg, Next(), 0, 3600000); break;
                case "--clock-start":
                    {
                        var value = Next();
                        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var start))
                        {
                            throw new ArgumentException($"Option '--clock-start' needs a date and time (e.g. 2026-01-15T12:00:00Z), got '{value}'.");
                        }

                        o.ClockStart = start;
                        break;
                    }

                case "--clock-rate":
                    {
                        var value = Next();
                        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate < 0 || rate > 100_000_000)
                        {
                            throw new ArgumentException($"Option '--clock-rate' needs a number between 0 and 100000000, got '{value}'.");
                        }

                        o.ClockRate = rate;
                        break;
                    }

                case "--retry-after-seconds": o.RetryAfterSeconds = ParseInt(arg, Next(), 0, 3600); break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }

        return o;
    }

    private static int ParseInt(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw new ArgumentException($"Option '{name}' needs an integer between {min} and {max}, got '{value}'.");
        }

        return n;
    }
}
