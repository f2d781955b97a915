// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Models;

/// <summary>A backup schedule built by New-RecoveryVaultSchedule (validated when built).</summary>
public sealed class BackupSchedule
{
    internal BackupSchedule(string frequency, TimeSpan runTime, DayOfWeek[] daysOfWeek, int? hourlyInterval, int? windowDurationHours, string timeZone)
    {
        Frequency = frequency;
        RunTime = runTime;
        DaysOfWeek = daysOfWeek;
        HourlyInterval = hourlyInterval;
        WindowDurationHours = windowDurationHours;
        TimeZone = timeZone;
    }

    /// <summary>Daily, Weekly or Hourly.</summary>
    public string Frequency { get; }

    /// <summary>Time of day the backup runs (Hourly: when the window starts), in <see cref="TimeZone"/>.</summary>
    public TimeSpan RunTime { get; }

    /// <summary>Days of a weekly schedule.</summary>
    public DayOfWeek[] DaysOfWeek { get; }

    /// <summary>Hours between backups of an hourly schedule (4, 6, 8 or 12).</summary>
    public int? HourlyInterval { get; }

    /// <summary>Length of the hourly window.</summary>
    public int? WindowDurationHours { get; }

    /// <summary>Windows time zone id the times are in.</summary>
    public string TimeZone { get; }

    internal PolicySchedule ToEngine() => new(Frequency, RunTime, DaysOfWeek, HourlyInterval, WindowDurationHours, TimeZone);

    internal static BackupSchedule FromEngine(PolicySchedule s) => new(s.Frequency, s.RunTime, [.. s.DaysOfWeek], s.HourlyInterval, s.WindowDurationHours, s.TimeZone);

    /// <inheritdoc />
    public override string ToString() => Frequency switch
    {
        "Hourly" => $"Every {HourlyInterval} h for {WindowDurationHours} h from {RunTime:hh\\:mm} ({TimeZone})",
        "Weekly" => $"Weekly on {string.Join(",", DaysOfWeek)} at {RunTime:hh\\:mm} ({TimeZone})",
        _ => $"Daily at {RunTime:hh\\:mm} ({TimeZone})",
    };
}

/// <summary>Retention rules built by New-RecoveryVaultRetention (validated when built).</summary>
public sealed class BackupRetention
{
    internal BackupRetention(int? dailyDays, int? weeklyWeeks, DayOfWeek[] weeklyDays, int? monthlyMonths, int? yearlyYears, string[] yearlyMonths, string weekOfMonth)
    {
        DailyDays = dailyDays;
        WeeklyWeeks = weeklyWeeks;
        WeeklyDays = weeklyDays;
        MonthlyMonths = monthlyMonths;
        YearlyYears = yearlyYears;
        YearlyMonths = yearlyMonths;
        WeekOfMonth = weekOfMonth;
    }

    /// <summary>Daily points kept, days.</summary>
    public int? DailyDays { get; }

    /// <summary>Weekly points kept, weeks.</summary>
    public int? WeeklyWeeks { get; }

    /// <summary>Which day's point is the weekly one.</summary>
    public DayOfWeek[] WeeklyDays { get; }

    /// <summary>Monthly points kept, months.</summary>
    public int? MonthlyMonths { get; }

    /// <summary>Yearly points kept, years.</summary>
    public int? YearlyYears { get; }

    /// <summary>Months whose point is the yearly one.</summary>
    public string[] YearlyMonths { get; }

    /// <summary>First, Second, Third, Fourth or Last: which week's point is the monthly/yearly one.</summary>
    public string WeekOfMonth { get; }

    internal PolicyRetention ToEngine() => new(DailyDays, WeeklyWeeks, WeeklyDays, MonthlyMonths, YearlyYears, YearlyMonths, WeekOfMonth);

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(", ", new[]
        {
            DailyDays is { } d ? $"{d} days" : null,
            WeeklyWeeks is { } w ? $"{w} weeks" : null,
            MonthlyMonths is { } m ? $"{m} months" : null,
            YearlyYears is { } y ? $"{y} years" : null,
        }.Where(x => x is not null));
}
