// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Management.Automation;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Starts the local Recovery Services emulator (HTTPS on 127.0.0.1) and returns how to reach it.</summary>
[Cmdlet(VerbsLifecycle.Start, "RecoveryVaultEmulator", SupportsShouldProcess = true)]
[OutputType(typeof(EmulatorInstance))]
public sealed class StartRecoveryVaultEmulatorCommand : RecoveryVaultCmdletBase
{
    /// <summary>TCP port (0: pick a free one).</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>Where state, certificate and signing key live (default: a new temporary folder).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DataDirectory { get; set; }

    /// <summary>Keep state in memory only.</summary>
    [Parameter]
    public SwitchParameter InMemory { get; set; }

    /// <summary>Items per list page.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int? PageSize { get; set; }

    /// <summary>How long each long-running operation takes (ms).</summary>
    [Parameter]
    [ValidateRange(0, 600000)]
    public int? LroDurationMs { get; set; }

    /// <summary>Random faults, e.g. '429:0.1,503:0.05'.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Faults { get; set; }

    /// <summary>Simulated seconds per real second of the backup clock (default 600; 0 freezes it so only -AdvanceClock moves it).</summary>
    [Parameter]
    [ValidateRange(0, 1000000)]
    public int? ClockRate { get; set; }

    /// <summary>Where the simulated backup clock starts (default: now). A fixed start gives every run the same time of day.</summary>
    [Parameter]
    public DateTime? ClockStart { get; set; }

    /// <summary>
    /// Fail any answer that departs from the vendored REST specs (500 EmulatorContractViolation) instead of only logging
    /// it; for test runs, so the emulator cannot drift from the contract unnoticed.
    /// </summary>
    [Parameter]
    public SwitchParameter Strict { get; set; }

    /// <summary>Seed for random faults.</summary>
    [Parameter]
    public int? Seed { get; set; }

    /// <summary>Path of RecoveryVault.Emulator.dll (default: the copy shipped in the module).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>How long to wait for it to be ready.</summary>
    [Parameter]
    [ValidateRange(1, 600)]
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// Earliest -ClockStart. Not an Azure rule but the emulator's: its clock moves forward by up to 3650 days per
    /// advance and retention reaches back up to 99 years, so dates near year 1 or 9999 leave DateTimeOffset's range.
    /// </summary>
    internal static readonly DateTimeOffset MinClockStart = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Latest -ClockStart (exclusive), for the same reason.</summary>
    internal static readonly DateTimeOffset MaxClockStart = new(2101, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        // DateTime.ToUniversalTime clamps at the ends of its range where DateTimeOffset would throw.
        if (ClockStart?.ToUniversalTime() is { } clockStart && (clockStart < MinClockStart.UtcDateTime || clockStart >= MaxClockStart.UtcDateTime))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-ClockStart {clockStart:yyyy-MM-dd'T'HH:mm:ss'Z'} is out of range: the emulator's clock starts between 2000-01-01 and 2100-12-31 (UTC)."),
                ErrorIds.EmulatorStartFailed, ErrorCategory.InvalidArgument, ClockStart));
        }
        var path = Path is null ? EmulatorProcesses.DefaultEmulatorPath : GetUnresolvedProviderPathFromPSPath(Path);
        var dataDir = InMemory ? null : DataDirectory is null
            ? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "recoveryvault-emulator-" + Guid.NewGuid().ToString("N")[..8])
            : GetUnresolvedProviderPathFromPSPath(DataDirectory);
        var args = new List<string> { "--port", Port.ToString(CultureInfo.InvariantCulture) };
        if (InMemory)
        {
            args.Add("--in-memory");
        }
        else
        {
            args.AddRange(["--data-dir", dataDir!]);
        }
        if (PageSize is { } p)
        {
            args.AddRange(["--page-size", p.ToString(CultureInfo.InvariantCulture)]);
        }
        if (LroDurationMs is { } l)
        {
            args.AddRange(["--lro-duration-ms", l.ToString(CultureInfo.InvariantCulture)]);
        }
        if (Faults is not null)
        {
            args.AddRange(["--faults", Faults]);
        }
        if (ClockRate is { } rate)
        {
            args.AddRange(["--clock-rate", rate.ToString(CultureInfo.InvariantCulture)]);
        }
        if (ClockStart is { } start)
        {
            args.AddRange(["--clock-start", start.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)]);
        }
        if (Strict)
        {
            args.Add("--strict");
        }
        if (Seed is { } s)
        {
            args.AddRange(["--seed", s.ToString(CultureInfo.InvariantCulture)]);
        }
        if (!ShouldProcess(path, "Start the RecoveryVault emulator"))
        {
            return;
        }
        Run(async ct =>
        {
            try
            {
                Emit(await EmulatorProcesses.StartAsync(path, args, dataDir, TimeSpan.FromSeconds(TimeoutSeconds), ct).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is FileNotFoundException or InvalidOperationException or System.ComponentModel.Win32Exception or OperationCanceledException && !ct.IsCancellationRequested)
            {
                throw new ErrorRecordException(new ErrorRecord(ex, ErrorIds.EmulatorStartFailed, ErrorCategory.OpenError, path));
            }
        });
    }
}
