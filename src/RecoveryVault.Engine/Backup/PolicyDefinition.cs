// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json.Nodes;

namespace RecoveryVault.Engine.Backup;

/// <summary>When a policy's backups run.</summary>
/// <param name="Frequency">Daily, Weekly or Hourly.</param>
/// <param name="RunTime">Time of day (Hourly: when the window starts), in <paramref name="TimeZone"/>.</param>
/// <param name="DaysOfWeek">Days of a weekly schedule.</param>
/// <param name="HourlyInterval">Hours between hourly backups.</param>
/// <param name="WindowDurationHours">Length of the hourly window.</param>
/// <param name="TimeZone">Windows time zone id.</param>
public sealed record PolicySchedule(string Frequency, TimeSpan RunTime, IReadOnlyList<DayOfWeek> DaysOfWeek, int? HourlyInterval, int? WindowDurationHours, string TimeZone)
{
    /// <summary>The intervals the service accepts for hourly schedules (enhanced VM policy: 4, 6, 8, 12, 24 hours).</summary>
    public static readonly IReadOnlyList<int> HourlyIntervals = [4, 6, 8, 12, 24];
}

/// <summary>What a policy keeps.</summary>
/// <param name="DailyDays">Daily points, days.</param>
/// <param name="WeeklyWeeks">Weekly points, weeks.</param>
/// <param name="WeeklyDays">The day(s) whose point is the weekly one.</param>
/// <param name="MonthlyMonths">Monthly points, months.</param>
/// <param name="YearlyYears">Yearly points, years.</param>
/// <param name="YearlyMonths">Months whose point is the yearly one.</param>
/// <param name="WeekOfMonth">Which week's point is the monthly/yearly one.</param>
public sealed record PolicyRetention(int? DailyDays, int? WeeklyWeeks, IReadOnlyList<DayOfWeek> WeeklyDays, int? MonthlyMonths, int? YearlyYears, IReadOnlyList<string> YearlyMonths, string WeekOfMonth);

/// <summary>
/// A backup policy for one kind, checked against Azure Backup's rules before any request and turned into the
/// service's document (ProtectionPolicies_CreateOrUpdate; official examples ProtectionPolicies_CreateOrUpdate_Simple /
/// _Complex, V2Policy/IaaS_v2_daily / _hourly, AzureStorage/…_Daily / _Hourly, AzureWorkload/…_Complex).
/// </summary>
public sealed record PolicyDefinition(WorkloadDescriptor Kind, PolicySchedule Schedule, PolicyRetention Retention)
{
    /// <summary>Enhanced (V2) VM policy.</summary>
    public bool Enhanced { get; init; }

    /// <summary>Instant restore snapshot days (VM).</summary>
    public int? InstantRestoreDays { get; init; }

    /// <summary>SQL log backup interval, minutes.</summary>
    public int LogIntervalMinutes { get; init; } = 60;

    /// <summary>SQL log retention, days.</summary>
    public int LogRetentionDays { get; init; } = 15;

    /// <summary>The caller set the log interval or retention (rather than taking the defaults).</summary>
    public bool LogSettingsGiven { get; init; }

    /// <summary>Instant restore days of a standard (V1) VM policy with a weekly schedule: Azure requires exactly 5.</summary>
    public const int WeeklyV1InstantRestoreDays = 5;

    /// <summary>
    /// The instant restore days sent: the given value, else Azure's defaults (enhanced 7; standard daily 2; standard
    /// weekly 5). Azure Backup docs, "Back up an Azure VM from the VM settings" / enhanced policy: standard 1-5 days,
    /// enhanced 1-30 days, and a weekly standard policy keeps snapshots 5 days.
    /// </summary>
    public int EffectiveInstantRestoreDays => InstantRestoreDays ?? (Enhanced ? 7 : Schedule.Frequency == "Weekly" ? WeeklyV1InstantRestoreDays : 2);

    /// <summary>Checks the policy; throws <see cref="BackupRequestException"/> with InvalidSchedule or InvalidRetention.</summary>
    public void Validate()
    {
        var s = Schedule;
        var r = Retention;
        var limits = Kind.Policy;
        if (!Kind.Protectable)
        {
            throw Problem("InvalidParameterCombination", $"{Kind} policies are managed by the agent on the server, not from Azure.");
        }
        if (Enhanced && Kind != WorkloadCatalogue.AzureVM)
        {
            throw Problem("UnsupportedForKind", "-Enhanced applies to AzureVM policies only.");
        }
        if (s.Frequency == "Hourly")
        {
            if (limits.Hourly == HourlySupport.None)
            {
                throw Problem("InvalidSchedule", $"{Kind} policies cannot back up hourly; use a daily or weekly full backup (SQL log backups are set with -LogBackupIntervalMinutes).");
            }
            if (limits.Hourly == HourlySupport.EnhancedOnly && !Enhanced)
            {
                throw Problem("InvalidSchedule", "Hourly schedules need an enhanced policy: add -Enhanced (policy type V2).");
            }
            if (s.HourlyInterval is not { } interval || !PolicySchedule.HourlyIntervals.Contains(interval))
            {
                throw Problem("InvalidSchedule", $"An hourly schedule runs every {string.Join(", ", PolicySchedule.HourlyIntervals)} hours (got {s.HourlyInterval}).");
            }
            if (s.WindowDurationHours is { } window && window < interval)
            {
                throw Problem("InvalidSchedule", $"The backup window ({window} h) is shorter than the interval ({interval} h), so no backup would run in it.");
            }
        }
        if (s.Frequency == "Weekly" && s.DaysOfWeek.Count == 0)
        {
            throw Problem("InvalidSchedule", "A weekly schedule needs at least one day.");
        }
        if (s.Frequency == "Weekly" && r.DailyDays is not null)
        {
            throw Problem("InvalidRetention", "A weekly schedule has no daily points to keep: remove -DailyDays from the retention, or use a daily schedule.");
        }
        if (s.Frequency != "Weekly" && r.DailyDays is null)
        {
            throw Problem("InvalidRetention", "A daily or hourly schedule needs daily retention (-DailyDays).");
        }
        if (r.DailyDays is { } d && (d < limits.MinDailyDays || d > limits.MaxDailyDays))
        {
            throw Problem("InvalidRetention", $"{Kind} daily retention is {limits.MinDailyDays}-{limits.MaxDailyDays} days (got {d}).");
        }
        if (s.Frequency == "Weekly" && r.WeeklyWeeks is null)
        {
            throw Problem("InvalidRetention", "A weekly schedule needs weekly retention (-WeeklyWeeks).");
        }
        if (r.WeeklyWeeks is not null && r.WeeklyDays.Count == 0)
        {
            throw Problem("InvalidRetention", "Weekly retention needs the day whose point it keeps (-WeeklyDays).");
        }
        if (s.Frequency == "Weekly" && r.WeeklyDays.Except(s.DaysOfWeek).Any())
        {
            throw Problem("InvalidRetention", $"Weekly retention keeps points of {string.Join(",", r.WeeklyDays)}, but the schedule only runs on {string.Join(",", s.DaysOfWeek)}.");
        }
        if (r.WeeklyWeeks > limits.MaxWeeklyWeeks)
        {
            throw Problem("InvalidRetention", $"{Kind} weekly retention is at most {limits.MaxWeeklyWeeks} weeks (got {r.WeeklyWeeks}).");
        }
        if (r.MonthlyMonths > limits.MaxMonthlyMonths)
        {
            throw Problem("InvalidRetention", $"{Kind} monthly retention is at most {limits.MaxMonthlyMonths} months (got {r.MonthlyMonths}).");
        }
        if (r.YearlyYears > limits.MaxYearlyYears)
        {
            throw Problem("InvalidRetention", $"{Kind} yearly retention is at most {limits.MaxYearlyYears} years (got {r.YearlyYears}).");
        }
        if (Kind == WorkloadCatalogue.AzureVM)
        {
            ValidateInstantRestore();
        }
        else if (InstantRestoreDays is not null)
        {
            throw Problem("UnsupportedForKind", "-InstantRestoreDays applies to AzureVM policies only.");
        }
        // Log backups exist only as the "Log" subProtectionPolicy of an AzureWorkload (SQL in Azure VM) policy in
        // the Azure Backup spec; any other kind would silently ignore the settings.
        if (LogSettingsGiven && Kind != WorkloadCatalogue.SqlDatabase)
        {
            throw Problem("UnsupportedForKind", $"-LogBackupIntervalMinutes and -LogRetentionDays apply to SqlDatabase policies only, not {Kind}.");
        }
    }

    private void ValidateInstantRestore()
    {
        var days = EffectiveInstantRestoreDays;
        if (Enhanced && days is < 1 or > 30)
        {
            throw Problem("InvalidRetention", $"Enhanced policies keep instant restore snapshots 1-30 days (got {days}).");
        }
        if (!Enhanced && Schedule.Frequency == "Weekly" && days != WeeklyV1InstantRestoreDays)
        {
            throw Problem("InvalidRetention", $"A standard weekly policy keeps instant restore snapshots exactly {WeeklyV1InstantRestoreDays} days (got {days}).");
        }
        if (!Enhanced && days is < 1 or > 5)
        {
            throw Problem("InvalidRetention", $"Standard policies keep instant restore snapshots 1-5 days (got {days}); enhanced policies (-Enhanced) keep 1-30.");
        }
        if (Retention.DailyDays is { } daily && days > daily)
        {
            throw Problem("InvalidRetention", $"Instant restore snapshots ({days} days) cannot outlive the daily retention ({daily} days).");
        }
    }

    private static BackupRequestException Problem(string code, string message) => new(code, message);

    /// <summary>The policy document (validated first).</summary>
    public JsonObject ToBody()
    {
        Validate();
        var runTime = Time(Schedule.RunTime);
        var props = new JsonObject { ["backupManagementType"] = Kind.BackupManagementType };
        if (Kind == WorkloadCatalogue.AzureVM)
        {
            props["policyType"] = Enhanced ? "V2" : "V1";
            props["timeZone"] = Schedule.TimeZone;
            props["instantRpRetentionRangeInDays"] = EffectiveInstantRestoreDays;
            props["schedulePolicy"] = SchedulePolicy(Schedule, runTime, Enhanced);
            props["retentionPolicy"] = LongTerm(Retention, runTime);
        }
        else if (Kind == WorkloadCatalogue.SqlDatabase)
        {
            props["workLoadType"] = Kind.WorkloadType;
            props["settings"] = new JsonObject { ["timeZone"] = Schedule.TimeZone, ["issqlcompression"] = false };
            props["subProtectionPolicy"] = new JsonArray
            {
                new JsonObject { ["policyType"] = "Full", ["schedulePolicy"] = SchedulePolicy(Schedule, runTime, false), ["retentionPolicy"] = LongTerm(Retention, runTime) },
                new JsonObject
                {
                    ["policyType"] = "Log",
                    ["schedulePolicy"] = new JsonObject { ["schedulePolicyType"] = "LogSchedulePolicy", ["scheduleFrequencyInMins"] = LogIntervalMinutes },
                    ["retentionPolicy"] = new JsonObject { ["retentionPolicyType"] = "SimpleRetentionPolicy", ["retentionDuration"] = Duration(LogRetentionDays, "Days") },
                },
            };
        }
        else
        {
            props["workLoadType"] = Kind.WorkloadType;
            props["timeZone"] = Schedule.TimeZone;
            props["schedulePolicy"] = SchedulePolicy(Schedule, runTime, false);
            props["retentionPolicy"] = LongTerm(Retention, runTime);
        }
        return new JsonObject { ["properties"] = props };
    }

    /// <summary>
    /// Reads a policy document back (Set-RecoveryVaultPolicy changes only what it was asked to on the current
    /// document): the schedule and the retention the service holds, including weekly days and yearly months.
    /// </summary>
    public static PolicyDefinition Read(JsonObject document)
    {
        var props = document["properties"] as JsonObject ?? new JsonObject();
        var kind = WorkloadCatalogue.Of(props["backupManagementType"]?.ToString(), (props["workLoadType"] ?? props["workloadType"])?.ToString())
            ?? throw new BackupRequestException("UnsupportedForKind", $"The module cannot change {props["backupManagementType"]} policies.");
        var holder = Holder(props, kind);
        var timeZone = (kind == WorkloadCatalogue.SqlDatabase ? props["settings"]?["timeZone"] : props["timeZone"])?.ToString() ?? "UTC";
        var enhanced = props["policyType"]?.ToString() == "V2";
        int? instant = int.TryParse(props["instantRpRetentionRangeInDays"]?.ToString(), out var i) ? i : null;
        var log = (props["subProtectionPolicy"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(p => p["policyType"]?.ToString() == "Log");
        return new PolicyDefinition(kind, ReadSchedule(holder, timeZone), ReadRetention(holder["retentionPolicy"] as JsonObject))
        {
            Enhanced = enhanced,
            InstantRestoreDays = kind == WorkloadCatalogue.AzureVM ? instant : null,
            LogIntervalMinutes = int.TryParse(log?["schedulePolicy"]?["scheduleFrequencyInMins"]?.ToString(), out var li) ? li : 60,
            LogRetentionDays = int.TryParse(log?["retentionPolicy"]?["retentionDuration"]?["count"]?.ToString(), out var lr) ? lr : 15,
        };
    }

    /// <summary>
    /// Applies this definition to the service's current document, replacing only what the definition owns
    /// (schedule, retention, time zone, instant restore days) and keeping everything else the service holds.
    /// </summary>
    public JsonObject ApplyTo(JsonObject current)
    {
        var fresh = (JsonObject)ToBody()["properties"]!;
        var props = (JsonObject)(current["properties"]?.DeepClone() ?? new JsonObject());
        foreach (var key in new[] { "schedulePolicy", "retentionPolicy", "timeZone", "instantRpRetentionRangeInDays" })
        {
            if (fresh[key] is { } value)
            {
                props[key] = value.DeepClone();
            }
        }
        if (Kind == WorkloadCatalogue.SqlDatabase)
        {
            // Only the Full sub-policy is the definition's: Differential and Log sub-policies stay as they are.
            var settings = props["settings"] as JsonObject ?? new JsonObject();
            settings["timeZone"] = Schedule.TimeZone;
            props["settings"] = settings;
            var full = Holder(fresh, Kind);
            if (props["subProtectionPolicy"] is JsonArray subs && subs.OfType<JsonObject>().FirstOrDefault(p => p["policyType"]?.ToString() == "Full") is { } target)
            {
                target["schedulePolicy"] = full["schedulePolicy"]!.DeepClone();
                target["retentionPolicy"] = full["retentionPolicy"]!.DeepClone();
            }
            else
            {
                props["subProtectionPolicy"] = fresh["subProtectionPolicy"]!.DeepClone();
            }
        }
        return new JsonObject { ["properties"] = props };
    }

    private static JsonObject Holder(JsonObject props, WorkloadDescriptor kind) =>
        kind == WorkloadCatalogue.SqlDatabase
            ? (props["subProtectionPolicy"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(p => p["policyType"]?.ToString() == "Full") ?? new JsonObject()
            : props;

    // Azure stores a clock time as a full UTC-formatted timestamp whose date is ignored.
    private static string Time(TimeSpan t) => new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).Add(t).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static PolicySchedule ReadSchedule(JsonObject holder, string timeZone)
    {
        var s = holder["schedulePolicy"] as JsonObject ?? new JsonObject();
        var frequency = s["scheduleRunFrequency"]?.ToString() ?? "Daily";
        string? first = (s["scheduleRunTimes"] as JsonArray)?.FirstOrDefault()?.ToString()
            ?? s["dailySchedule"]?["scheduleRunTimes"]?[0]?.ToString()
            ?? s["weeklySchedule"]?["scheduleRunTimes"]?[0]?.ToString()
            ?? s["hourlySchedule"]?["scheduleWindowStartTime"]?.ToString();
        var at = DateTimeOffset.TryParse(first, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.UtcDateTime.TimeOfDay : new TimeSpan(22, 0, 0);
        var days = Days(s["scheduleRunDays"] as JsonArray ?? s["weeklySchedule"]?["scheduleRunDays"] as JsonArray);
        int? interval = int.TryParse(s["hourlySchedule"]?["interval"]?.ToString(), out var i) ? i : null;
        int? window = int.TryParse(s["hourlySchedule"]?["scheduleWindowDuration"]?.ToString(), out var w) ? w : null;
        return new PolicySchedule(frequency, at, days, interval, window, timeZone);
    }

    private static PolicyRetention ReadRetention(JsonObject? r)
    {
        static int? Count(JsonNode? rule) => int.TryParse(rule?["retentionDuration"]?["count"]?.ToString(), out var n) ? n : null;
        var weekly = r?["weeklySchedule"];
        var monthly = r?["monthlySchedule"];
        var yearly = r?["yearlySchedule"];
        var weekOfMonth = (monthly?["retentionScheduleWeekly"]?["weeksOfTheMonth"] ?? yearly?["retentionScheduleWeekly"]?["weeksOfTheMonth"]) is JsonArray weeks && weeks.Count > 0
            ? weeks[0]!.ToString() : "First";
        DayOfWeek[] weeklyDays = Days(weekly?["daysOfTheWeek"] as JsonArray ?? monthly?["retentionScheduleWeekly"]?["daysOfTheWeek"] as JsonArray);
        var months = (yearly?["monthsOfYear"] as JsonArray)?.Select(m => m?.ToString() ?? "January").ToArray() ?? ["January"];
        return new PolicyRetention(Count(r?["dailySchedule"]), Count(weekly), weeklyDays.Length == 0 ? [DayOfWeek.Sunday] : weeklyDays, Count(monthly), Count(yearly), months, weekOfMonth);
    }

    private static DayOfWeek[] Days(JsonArray? array) =>
        array?.Select(d => Enum.TryParse<DayOfWeek>(d?.ToString(), true, out var day) ? (DayOfWeek?)day : null).OfType<DayOfWeek>().ToArray() ?? [];

    private static JsonObject SchedulePolicy(PolicySchedule s, string runTime, bool v2)
    {
        var days = new JsonArray(s.DaysOfWeek.Select(d => (JsonNode)d.ToString()).ToArray());
        if (s.Frequency == "Hourly")
        {
            return new JsonObject
            {
                ["schedulePolicyType"] = v2 ? "SimpleSchedulePolicyV2" : "SimpleSchedulePolicy",
                ["scheduleRunFrequency"] = "Hourly",
                ["hourlySchedule"] = new JsonObject { ["interval"] = s.HourlyInterval, ["scheduleWindowStartTime"] = runTime, ["scheduleWindowDuration"] = s.WindowDurationHours },
            };
        }
        if (v2)
        {
            return s.Frequency == "Weekly"
                ? new JsonObject { ["schedulePolicyType"] = "SimpleSchedulePolicyV2", ["scheduleRunFrequency"] = "Weekly", ["weeklySchedule"] = new JsonObject { ["scheduleRunDays"] = days, ["scheduleRunTimes"] = new JsonArray(runTime) } }
                : new JsonObject { ["schedulePolicyType"] = "SimpleSchedulePolicyV2", ["scheduleRunFrequency"] = "Daily", ["dailySchedule"] = new JsonObject { ["scheduleRunTimes"] = new JsonArray(runTime) } };
        }
        var o = new JsonObject { ["schedulePolicyType"] = "SimpleSchedulePolicy", ["scheduleRunFrequency"] = s.Frequency, ["scheduleRunTimes"] = new JsonArray(runTime) };
        if (s.Frequency == "Weekly")
        {
            o["scheduleRunDays"] = days;
        }
        return o;
    }

    private static JsonObject Duration(int count, string type) => new() { ["count"] = count, ["durationType"] = type };

    private static JsonObject LongTerm(PolicyRetention r, string runTime)
    {
        var times = new JsonArray(runTime);
        var o = new JsonObject { ["retentionPolicyType"] = "LongTermRetentionPolicy" };
        if (r.DailyDays is { } d)
        {
            o["dailySchedule"] = new JsonObject { ["retentionTimes"] = times.DeepClone(), ["retentionDuration"] = Duration(d, "Days") };
        }
        var weekly = new JsonObject
        {
            ["daysOfTheWeek"] = new JsonArray(r.WeeklyDays.Select(x => (JsonNode)x.ToString()).ToArray()),
            ["weeksOfTheMonth"] = new JsonArray(r.WeekOfMonth),
        };
        if (r.WeeklyWeeks is { } w)
        {
            o["weeklySchedule"] = new JsonObject { ["daysOfTheWeek"] = weekly["daysOfTheWeek"]!.DeepClone(), ["retentionTimes"] = times.DeepClone(), ["retentionDuration"] = Duration(w, "Weeks") };
        }
        if (r.MonthlyMonths is { } m)
        {
            o["monthlySchedule"] = new JsonObject
            {
                ["retentionScheduleFormatType"] = "Weekly", ["retentionScheduleWeekly"] = weekly.DeepClone(),
                ["retentionTimes"] = times.DeepClone(), ["retentionDuration"] = Duration(m, "Months"),
            };
        }
        if (r.YearlyYears is { } y)
        {
            o["yearlySchedule"] = new JsonObject
            {
                ["retentionScheduleFormatType"] = "Weekly", ["monthsOfYear"] = new JsonArray(r.YearlyMonths.Select(x => (JsonNode)x).ToArray()),
                ["retentionScheduleWeekly"] = weekly.DeepClone(), ["retentionTimes"] = times.DeepClone(), ["retentionDuration"] = Duration(y, "Years"),
            };
        }
        return o;
    }
}
