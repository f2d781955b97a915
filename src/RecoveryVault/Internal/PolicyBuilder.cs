// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json.Nodes;
using RecoveryVault.Models;

namespace RecoveryVault.Internal;

/// <summary>
/// Turns schedule and retention objects into the service's policy document for each kind, checking Azure Backup's
/// rules first so a bad policy never costs a request.
/// </summary>
internal static class PolicyBuilder
{
    // Azure stores a clock time as a full UTC-formatted timestamp whose date is ignored.
    private static string Time(TimeSpan t) => new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).Add(t).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string? Validate(string kind, BackupSchedule schedule, BackupRetention retention, bool enhanced)
    {
        if (schedule.Frequency == "Hourly" && kind == BackupKinds.AzureVM && !enhanced)
        {
            return "Hourly schedules need an enhanced policy: add -Enhanced (policy type V2).";
        }
        if (schedule.Frequency == "Hourly" && kind is BackupKinds.SqlDatabase or BackupKinds.MarsServer)
        {
            return $"{kind} policies cannot back up hourly; use a daily or weekly full backup (SQL log backups are set with -LogBackupIntervalMinutes).";
        }
        if (schedule.Frequency == "Weekly" && retention.DailyDays is not null)
        {
            return "A weekly schedule has no daily points to keep: remove -DailyDays from the retention, or use a daily schedule.";
        }
        if (schedule.Frequency != "Weekly" && retention.DailyDays is null)
        {
            return "A daily or hourly schedule needs daily retention (-DailyDays).";
        }
        var minDaily = kind == BackupKinds.AzureFileShare ? 1 : 7;
        if (retention.DailyDays is { } d && d < minDaily)
        {
            return $"Daily retention must be at least {minDaily} days for {kind} (got {d}).";
        }
        if (kind == BackupKinds.AzureFileShare && retention.DailyDays > 200)
        {
            return $"File share daily retention is at most 200 days (got {retention.DailyDays}).";
        }
        if (schedule.Frequency == "Weekly" && retention.WeeklyWeeks is null)
        {
            return "A weekly schedule needs weekly retention (-WeeklyWeeks).";
        }
        if (schedule.Frequency == "Weekly" && retention.WeeklyDays.Except(schedule.DaysOfWeek).Any())
        {
            return $"Weekly retention keeps points of {string.Join(",", retention.WeeklyDays)}, but the schedule only runs on {string.Join(",", schedule.DaysOfWeek)}.";
        }
        return null;
    }

    public static JsonObject Build(string kind, BackupSchedule schedule, BackupRetention retention, bool enhanced, int? instantRestoreDays,
        int logIntervalMinutes, int logRetentionDays)
    {
        var runTime = Time(schedule.RunTime);
        var props = new JsonObject();
        switch (kind)
        {
            case BackupKinds.AzureVM:
                props["backupManagementType"] = "AzureIaasVM";
                props["policyType"] = enhanced ? "V2" : "V1";
                props["timeZone"] = schedule.TimeZone;
                props["instantRpRetentionRangeInDays"] = instantRestoreDays ?? (enhanced ? 7 : 2);
                props["schedulePolicy"] = Schedule(schedule, runTime, enhanced);
                props["retentionPolicy"] = LongTerm(retention, runTime);
                break;
            case BackupKinds.AzureFileShare:
                props["backupManagementType"] = "AzureStorage";
                props["workLoadType"] = "AzureFileShare";
                props["timeZone"] = schedule.TimeZone;
                props["schedulePolicy"] = Schedule(schedule, runTime, false);
                props["retentionPolicy"] = LongTerm(retention, runTime);
                break;
            case BackupKinds.SqlDatabase:
                props["backupManagementType"] = "AzureWorkload";
                props["workLoadType"] = "SQLDataBase";
                props["settings"] = new JsonObject { ["timeZone"] = schedule.TimeZone, ["issqlcompression"] = false };
                props["subProtectionPolicy"] = new JsonArray
                {
                    new JsonObject { ["policyType"] = "Full", ["schedulePolicy"] = Schedule(schedule, runTime, false), ["retentionPolicy"] = LongTerm(retention, runTime) },
                    new JsonObject
                    {
                        ["policyType"] = "Log",
                        ["schedulePolicy"] = new JsonObject { ["schedulePolicyType"] = "LogSchedulePolicy", ["scheduleFrequencyInMins"] = logIntervalMinutes },
                        ["retentionPolicy"] = new JsonObject { ["retentionPolicyType"] = "SimpleRetentionPolicy", ["retentionDuration"] = Duration(logRetentionDays, "Days") },
                    },
                };
                break;
            default:
                props["backupManagementType"] = "MAB";
                props["schedulePolicy"] = Schedule(schedule, runTime, false);
                props["retentionPolicy"] = LongTerm(retention, runTime);
                break;
        }
        return new JsonObject { ["properties"] = props };
    }

    /// <summary>Replaces schedule and/or retention in an existing policy document (Set-RecoveryVaultPolicy).</summary>
    public static void Apply(JsonObject policy, string kind, BackupSchedule? schedule, BackupRetention? retention, bool enhanced)
    {
        var props = (JsonObject)policy["properties"]!;
        var target = kind == BackupKinds.SqlDatabase
            ? (props["subProtectionPolicy"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(p => p["policyType"]?.ToString() == "Full") ?? props
            : props;
        var effective = schedule ?? ReadSchedule(target, kind == BackupKinds.SqlDatabase ? props["settings"]?["timeZone"]?.ToString() : props["timeZone"]?.ToString());
        var runTime = Time(effective.RunTime);
        if (schedule is not null)
        {
            target["schedulePolicy"] = Schedule(schedule, runTime, enhanced);
            if (kind == BackupKinds.SqlDatabase)
            {
                props["settings"] ??= new JsonObject();
                props["settings"]!["timeZone"] = schedule.TimeZone;
            }
            else
            {
                props["timeZone"] = schedule.TimeZone;
            }
        }
        if (retention is not null)
        {
            target["retentionPolicy"] = LongTerm(retention, runTime);
        }
        else if (schedule is not null && target["retentionPolicy"] is JsonObject kept)
        {
            // The service keeps the points taken at the schedule's run time: a new run time moves every rule with it.
            foreach (var rule in kept.Select(kv => kv.Value).OfType<JsonObject>())
            {
                if (rule["retentionTimes"] is JsonArray)
                {
                    rule["retentionTimes"] = new JsonArray(runTime);
                }
            }
        }
    }

    public static BackupSchedule ReadSchedule(JsonObject holder, string? timeZone)
    {
        var s = holder["schedulePolicy"] as JsonObject ?? new JsonObject();
        var frequency = s["scheduleRunFrequency"]?.ToString() ?? "Daily";
        string? first = (s["scheduleRunTimes"] as JsonArray)?.FirstOrDefault()?.ToString()
            ?? s["dailySchedule"]?["scheduleRunTimes"]?[0]?.ToString()
            ?? s["weeklySchedule"]?["scheduleRunTimes"]?[0]?.ToString()
            ?? s["hourlySchedule"]?["scheduleWindowStartTime"]?.ToString();
        var at = DateTimeOffset.TryParse(first, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.UtcDateTime.TimeOfDay : new TimeSpan(22, 0, 0);
        var days = (s["scheduleRunDays"] as JsonArray ?? s["weeklySchedule"]?["scheduleRunDays"] as JsonArray)?
            .Select(d => Enum.TryParse<DayOfWeek>(d?.ToString(), out var day) ? day : DayOfWeek.Sunday).ToArray() ?? [];
        int? interval = int.TryParse(s["hourlySchedule"]?["interval"]?.ToString(), out var i) ? i : null;
        int? window = int.TryParse(s["hourlySchedule"]?["scheduleWindowDuration"]?.ToString(), out var w) ? w : null;
        return new BackupSchedule(frequency, at, days, interval, window, timeZone ?? "UTC");
    }

    private static JsonObject Schedule(BackupSchedule s, string runTime, bool v2)
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

    private static JsonObject LongTerm(BackupRetention r, string runTime)
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
