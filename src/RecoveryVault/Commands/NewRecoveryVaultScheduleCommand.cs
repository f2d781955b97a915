// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Builds a validated backup schedule for New-/Set-RecoveryVaultPolicy. Nothing is sent to Azure.</summary>
[Cmdlet(VerbsCommon.New, "RecoveryVaultSchedule", DefaultParameterSetName = DailySet)]
[OutputType(typeof(BackupSchedule))]
public sealed class NewRecoveryVaultScheduleCommand : RecoveryVaultCmdletBase
{
    private const string DailySet = "Daily";
    private const string WeeklySet = "Weekly";
    private const string HourlySet = "Hourly";

    /// <summary>Back up once a day.</summary>
    [Parameter(ParameterSetName = DailySet)]
    public SwitchParameter Daily { get; set; }

    /// <summary>Back up on these days of the week.</summary>
    [Parameter(Mandatory = true, ParameterSetName = WeeklySet)]
    [ValidateNotNullOrEmpty]
    public DayOfWeek[] Weekly { get; set; } = [];

    /// <summary>Back up every N hours (enhanced VM policies, file shares): 4, 6, 8, 12 or 24; the window must be at least this long.</summary>
    [Parameter(Mandatory = true, ParameterSetName = HourlySet)]
    [ValidateSet("4", "6", "8", "12", "24")]
    public int HourlyInterval { get; set; }

    /// <summary>Hours the hourly window lasts (4–24).</summary>
    [Parameter(ParameterSetName = HourlySet)]
    [ValidateRange(4, 24)]
    public int WindowDurationHours { get; set; } = 24;

    /// <summary>Time of day (Hourly: start of the window), e.g. '22:30', in -TimeZone. On the hour or half hour.</summary>
    [Parameter(Position = 0)]
    public TimeSpan At { get; set; } = new(22, 0, 0);

    /// <summary>Windows time zone id of -At (default UTC), e.g. 'W. Europe Standard Time'.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string TimeZone { get; set; } = "UTC";

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (At < TimeSpan.Zero || At >= TimeSpan.FromDays(1) || At.Seconds != 0 || At.Minutes is not (0 or 30))
        {
            ThrowTerminatingError(InputError($"Backups start on the hour or half hour: '{At}' is neither. Azure Backup schedules only accept times like 02:00 or 02:30, read in the policy's time zone ({TimeZone}).",
                ErrorIds.InvalidSchedule, At));
        }
        if (ParameterSetName == HourlySet && WindowDurationHours < HourlyInterval)
        {
            ThrowTerminatingError(InputError($"The backup window ({WindowDurationHours} h) is shorter than the interval ({HourlyInterval} h), so no backup would run in it; make -WindowDurationHours at least {HourlyInterval}.",
                ErrorIds.InvalidSchedule, WindowDurationHours));
        }
        if (!TimeZones.IsKnown(TimeZone))
        {
            ThrowTerminatingError(InputError($"'{TimeZone}' is not a Windows time zone id. Azure Backup stores run times as clock times in the policy's time zone (a Windows id such as 'UTC' or 'W. Europe Standard Time'); the 'Z' in the service's scheduleRunTimes does not mean UTC.",
                ErrorIds.InvalidSchedule, TimeZone));
        }
        WriteObject(ParameterSetName switch
        {
            WeeklySet => new BackupSchedule("Weekly", At, Weekly.Distinct().ToArray(), null, null, TimeZone),
            HourlySet => new BackupSchedule("Hourly", At, [], HourlyInterval, WindowDurationHours, TimeZone),
            _ => new BackupSchedule("Daily", At, [], null, null, TimeZone),
        });
    }
}

internal static class TimeZones
{
    public static bool IsKnown(string id)
    {
        if (id.Equals("UTC", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        // Azure wants Windows ids; .NET resolves them on every OS (through ICU off Windows).
        return TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out _) || (OperatingSystem.IsWindows() && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _));
    }
}
