// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>Policy documents: stored properties, rendered with the live protectedItemsCount.</summary>
internal static class PolicyStore
{
    public static ResourceDoc Save(IStoreSession s, string vaultId, string name, JsonObject props)
    {
        var id = BackupModel.PolicyId(vaultId, name);
        var doc = new ResourceDoc(id, BackupDocKinds.Policy, vaultId, new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["type"] = BackupModel.PolicyType,
            ["properties"] = props,
        }, Json.Object());
        doc.Save(s);
        return doc;
    }

    public static ResourceDoc? Load(IStoreSession s, string vaultId, string name) => ResourceDoc.Load(s, BackupModel.PolicyId(vaultId, name), BackupDocKinds.Policy);

    /// <summary>The policy a policyId names, which must live in this vault.</summary>
    public static ResourceDoc? ByPolicyId(IStoreSession s, string vaultId, string? policyId)
    {
        if (string.IsNullOrEmpty(policyId) || !policyId.StartsWith(vaultId + "/backupPolicies/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return ResourceDoc.Load(s, policyId, BackupDocKinds.Policy);
    }

    public static int ItemsUsing(IStoreSession s, string vaultId, string policyId) =>
        ResourceDoc.List(s, DocumentKinds.ProtectedItem, vaultId).Count(i => BackupModel.Eq(Json.Str(i.Props, "policyId"), policyId));

    /// <summary>How many of the vault's items use each policy, by policy id (case-insensitive).</summary>
    public static Dictionary<string, int> ItemsUsing(IStoreSession s, string vaultId)
    {
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in s.ListByKind(DocumentKinds.ProtectedItem, vaultId))
        {
            if (Json.Str(Json.ParseObject(item.Body)["properties"] as JsonObject, "policyId") is { } policyId)
            {
                counts[policyId] = counts.GetValueOrDefault(policyId) + 1;
            }
        }

        return counts;
    }

    public static JsonObject Render(IStoreSession s, ResourceDoc p) => Render(p, ItemsUsing(s, p.ParentId ?? string.Empty));

    public static JsonObject Render(ResourceDoc p, IReadOnlyDictionary<string, int> itemsUsing)
    {
        var body = (JsonObject)p.Body.DeepClone();
        Json.Obj(body, "properties")["protectedItemsCount"] = itemsUsing.GetValueOrDefault(Json.Str(p.Body, "id")!);
        return body;
    }
}

/// <summary>Policy validation (Azure's limits and messages), schedules (when backups run) and retention (when points expire).</summary>
internal static class PolicyRules
{
    private static readonly string[] Weeks = ["First", "Second", "Third", "Fourth", "Last"];

    /// <summary>The policies Azure puts in every new vault (+ DailyPolicy-file, which the portal creates on first file share use).</summary>
    public static IEnumerable<(string Name, JsonObject Props)> Defaults(DateTimeOffset now)
    {
        var runTime = new DateTimeOffset(now.Year, now.Month, now.Day, 2, 30, 0, TimeSpan.Zero);
        var t = Json.Timestamp(runTime);
        JsonObject Daily(int days) => new()
        {
            ["retentionPolicyType"] = "LongTermRetentionPolicy",
            ["dailySchedule"] = new JsonObject { ["retentionTimes"] = new JsonArray(t), ["retentionDuration"] = new JsonObject { ["count"] = days, ["durationType"] = "Days" } },
        };
        yield return ("DefaultPolicy", new JsonObject
        {
            ["backupManagementType"] = WorkloadCatalogue.AzureVM.ManagementType,
            ["instantRpRetentionRangeInDays"] = 2,
            ["schedulePolicy"] = new JsonObject { ["schedulePolicyType"] = "SimpleSchedulePolicy", ["scheduleRunFrequency"] = "Daily", ["scheduleRunTimes"] = new JsonArray(t), ["scheduleWeeklyFrequency"] = 0 },
            ["retentionPolicy"] = Daily(30),
            ["timeZone"] = "UTC",
            ["policyType"] = "V1",
        });
        var windowStart = Json.Timestamp(new DateTimeOffset(now.Year, now.Month, now.Day, 8, 0, 0, TimeSpan.Zero));
        yield return ("EnhancedPolicy", new JsonObject
        {
            ["backupManagementType"] = WorkloadCatalogue.AzureVM.ManagementType,
            ["instantRpRetentionRangeInDays"] = 7,
            ["schedulePolicy"] = new JsonObject
            {
                ["schedulePolicyType"] = "SimpleSchedulePolicyV2",
                ["scheduleRunFrequency"] = "Hourly",
                ["hourlySchedule"] = new JsonObject { ["interval"] = 4, ["scheduleWindowStartTime"] = windowStart, ["scheduleWindowDuration"] = 12 },
            },
            ["retentionPolicy"] = Daily(30),
            ["timeZone"] = "UTC",
            ["policyType"] = "V2",
        });
        yield return ("HourlyLogBackup", new JsonObject
        {
            ["backupManagementType"] = WorkloadCatalogue.SqlDatabase.ManagementType,
            ["workLoadType"] = WorkloadCatalogue.SqlDatabase.WorkloadType,
            ["settings"] = new JsonObject { ["timeZone"] = "UTC", ["issqlcompression"] = false, ["isCompression"] = false },
            ["subProtectionPolicy"] = new JsonArray(
                new JsonObject
                {
                    ["policyType"] = "Full",
                    ["schedulePolicy"] = new JsonObject { ["schedulePolicyType"] = "SimpleSchedulePolicy", ["scheduleRunFrequency"] = "Daily", ["scheduleRunTimes"] = new JsonArray(t), ["scheduleWeeklyFrequency"] = 0 },
                    ["retentionPolicy"] = Daily(30),
                },
                new JsonObject
                {
                    ["policyType"] = "Log",
                    ["schedulePolicy"] = new JsonObject { ["schedulePolicyType"] = "LogSchedulePolicy", ["scheduleFrequencyInMins"] = 60 },
                    ["retentionPolicy"] = new JsonObject { ["retentionPolicyType"] = "SimpleRetentionPolicy", ["retentionDuration"] = new JsonObject { ["count"] = 30, ["durationType"] = "Days" } },
                }),
        });
        yield return ("DailyPolicy-file", new JsonObject
        {
            ["backupManagementType"] = WorkloadCatalogue.AzureFileShare.ManagementType,
            ["workLoadType"] = WorkloadCatalogue.AzureFileShare.WorkloadType,
            ["schedulePolicy"] = new JsonObject { ["schedulePolicyType"] = "SimpleSchedulePolicy", ["scheduleRunFrequency"] = "Daily", ["scheduleRunTimes"] = new JsonArray(t), ["scheduleWeeklyFrequency"] = 0 },
            ["retentionPolicy"] = Daily(30),
            ["timeZone"] = "UTC",
        });
    }

    // ---------------- validation ----------------

    /// <summary>Azure's text for BMSUserErrorInvalidPolicyInput (as quoted in azure-cli#10270 and terraform-provider-azurerm#24539).</summary>
    private const string PolicyFormatMessage = "Input for create or update policy is not in proper format. Please check format of parameters like schedule time, schedule days, retention time and retention days.";

    private static ArmException Invalid(string message, string code = "BMSUserErrorInvalidPolicyInput") => ArmErrors.BadRequest(code, message);

    /// <summary>Checks a policy body and returns the properties to store (canonical enum spellings, defaults filled).</summary>
    public static JsonObject Validate(JsonObject body)
    {
        var props = (body["properties"] as JsonObject)?.DeepClone() as JsonObject
            ?? throw Invalid("The policy has no 'properties'.", "InvalidRequestContent");
        props.Remove("protectedItemsCount");
        var bmt = Json.Str(props, "backupManagementType")
            ?? throw Invalid($"properties.backupManagementType is required ({WorkloadCatalogue.ManagementTypes(WorkloadCatalogue.WithArmPolicies, " or ")}).");
        var kind = WorkloadCatalogue.WithArmPolicies.FirstOrDefault(d => d.Is(bmt))
            ?? throw Invalid($"The backupManagementType '{bmt}' is not supported for policies by this emulator. Supported: {WorkloadCatalogue.ManagementTypes(WorkloadCatalogue.WithArmPolicies, ", ")}.");
        props["backupManagementType"] = kind.ManagementType;
        kind.ValidatePolicy(props);

        FillHourlyRetentionTimes(props);
        return props;
    }

    /// <summary>
    /// Hourly policies may send <c>retentionTimes: null</c>; Azure then keeps the points of the end of the schedule
    /// window and answers with that time (ProtectionPolicies_CreateOrUpdate_Hourly.json: window 08:00 + 12 h → 20:00).
    /// </summary>
    private static void FillHourlyRetentionTimes(JsonObject props)
    {
        if (props["schedulePolicy"]?["hourlySchedule"] is not JsonObject hourly || props["retentionPolicy"] is not JsonObject retention
            || Json.ParseTime(Json.Str(hourly, "scheduleWindowStartTime")) is not { } start || Json.Int(hourly["scheduleWindowDuration"]) is not { } hours)
        {
            return;
        }

        var end = start.AddHours(hours);
        var time = Json.Timestamp(end.AddDays(end.Date > start.Date ? -1 : 0));
        foreach (var rule in new[] { "dailySchedule", "weeklySchedule", "monthlySchedule", "yearlySchedule" })
        {
            if (retention[rule] is JsonObject r && (r["retentionTimes"] as JsonArray)?.Count is null or 0)
            {
                r["retentionTimes"] = new JsonArray(time);
            }
        }
    }

    internal static void ValidateFileShare(JsonObject props)
    {
        var kind = WorkloadCatalogue.AzureFileShare;
        props["workLoadType"] = kind.WorkloadType;
        if (props["vaultRetentionPolicy"] is not null)
        {
            // Azure accepts vaulted Azure Files policies (ProtectionPolicies_CreateOrUpdate_Hardened.json); the emulator
            // has only the snapshot tier, and storing the policy without its vault tier would misreport its retention.
            throw Invalid("vaultRetentionPolicy (vaulted Azure Files backup) is not modelled by this emulator; use a snapshot policy with retentionPolicy.");
        }

        ValidateSchedule(props, kind, allowHourly: kind.HourlySchedules == HourlySupport.Always);
        ValidateRetention(props["retentionPolicy"] as JsonObject, kind);
    }

    internal static void ValidateMars(JsonObject props)
    {
        ValidateSchedule(props, WorkloadCatalogue.MarsServer, allowHourly: WorkloadCatalogue.MarsServer.HourlySchedules == HourlySupport.Always);
        ValidateRetention(props["retentionPolicy"] as JsonObject, WorkloadCatalogue.MarsServer);
    }

    internal static void ValidateVm(JsonObject props)
    {
        var schedule = props["schedulePolicy"] as JsonObject ?? throw Invalid("schedulePolicy is required.");
        var v2 = BackupModel.Eq(Json.Str(schedule, "schedulePolicyType"), "SimpleSchedulePolicyV2");
        var policyType = Json.Str(props, "policyType");
        if (policyType is not null && BackupModel.Eq(policyType, "V2") != v2)
        {
            throw Invalid(v2 ? "SimpleSchedulePolicyV2 requires policyType 'V2' (Enhanced policy)." : "An Enhanced (V2) policy needs schedulePolicyType 'SimpleSchedulePolicyV2'.");
        }

        props["policyType"] = v2 ? "V2" : "V1";
        ValidateSchedule(props, WorkloadCatalogue.AzureVM, allowHourly: v2);
        // Instant restore (snapshot tier) days. Azure refuses a bad value with its generic policy-format error, both out of
        // range (azure-sdk-for-go#2822: 10 days on a Standard policy) and, on a Standard weekly policy, anything but the
        // fixed 5 days (the portal's note; terraform-provider-azurerm#24539 shows the BMSUserErrorInvalidPolicyInput
        // Azure answers). Enhanced policies take 1-30, default 7 (learn.microsoft.com/azure/backup/backup-azure-vms-enhanced-policy).
        var isWeekly = BackupModel.Eq(Json.Str(schedule, "scheduleRunFrequency"), "Weekly");
        var sent = Json.Int(props["instantRpRetentionRangeInDays"]);
        var instant = sent ?? (v2 ? 7 : isWeekly ? 5 : 2);
        if (isWeekly && !v2 && instant != 5)
        {
            throw Invalid($"{PolicyFormatMessage} A Standard weekly policy keeps instant restore snapshots for 5 days; instantRpRetentionRangeInDays {instant} is not allowed.");
        }

        var max = v2 ? 30 : 5;
        if (instant < 1 || instant > max)
        {
            throw Invalid($"{PolicyFormatMessage} Instant restore snapshot retention must be between 1 and {max} days for a {(v2 ? "Enhanced" : "Standard")} policy; got {instant}.");
        }

        props["instantRpRetentionRangeInDays"] = instant;
        ValidateRetention(props["retentionPolicy"] as JsonObject, WorkloadCatalogue.AzureVM);
    }

    internal static void ValidateWorkload(JsonObject props)
    {
        props["workLoadType"] = Json.Str(props, "workLoadType") ?? WorkloadCatalogue.SqlDatabase.WorkloadType;
        if (!BackupModel.Eq(Json.Str(props, "workLoadType"), WorkloadCatalogue.SqlDatabase.WorkloadType))
        {
            throw Invalid($"workLoadType '{Json.Str(props, "workLoadType")}' is not supported by this emulator; only SQLDataBase.");
        }

        var subs = props["subProtectionPolicy"] as JsonArray ?? throw Invalid($"subProtectionPolicy is required for {WorkloadCatalogue.SqlDatabase.ManagementType} policies.");
        var types = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var sub in subs.OfType<JsonObject>())
        {
            var type = Json.Str(sub, "policyType") ?? throw Invalid("subProtectionPolicy[].policyType is required (Full, Differential, Log).");
            if (!types.Add(type))
            {
                throw Invalid($"subProtectionPolicy has more than one '{type}' entry.");
            }

            var schedule = sub["schedulePolicy"] as JsonObject ?? throw Invalid($"The {type} sub-policy needs a schedulePolicy.");
            switch (type.ToUpperInvariant())
            {
                case "FULL":
                case "DIFFERENTIAL":
                    sub["policyType"] = type.Equals("full", StringComparison.OrdinalIgnoreCase) ? "Full" : "Differential";
                    ValidateSimpleSchedule(schedule, WorkloadCatalogue.SqlDatabase, allowHourly: false, sub["policyType"]!.GetValue<string>());
                    ValidateRetention(sub["retentionPolicy"] as JsonObject, WorkloadCatalogue.SqlDatabase);
                    break;
                case "LOG":
                    sub["policyType"] = "Log";
                    var freq = Json.Int(schedule["scheduleFrequencyInMins"]) ?? throw Invalid("The Log sub-policy needs scheduleFrequencyInMins.");
                    if (freq is not (15 or 30 or 60 or 120 or 240 or 480 or 720 or 1440))
                    {
                        throw Invalid($"Log backup frequency must be one of 15, 30, 60, 120, 240, 480, 720 or 1440 minutes; got {freq}.");
                    }

                    var days = RetentionDays(sub["retentionPolicy"] as JsonObject);
                    if (days is < 7 or > 35)
                    {
                        throw Invalid($"Log backup retention must be between 7 and 35 days; got {days}.", "UserErrorInvalidRetentionRange");
                    }

                    break;
                default:
                    throw Invalid($"subProtectionPolicy policyType '{type}' is not supported; use Full, Differential or Log.");
            }
        }

        if (!types.Contains("Full"))
        {
            throw Invalid($"An {WorkloadCatalogue.SqlDatabase.ManagementType} policy needs a Full sub-policy.");
        }

        if (types.Contains("Differential") && FrequencyOf(subs, "Full") == "Daily")
        {
            throw Invalid("A Differential backup can only be scheduled with a weekly Full backup.");
        }
    }

    private static string? FrequencyOf(JsonArray subs, string type) =>
        subs.OfType<JsonObject>().Where(s => BackupModel.Eq(Json.Str(s, "policyType"), type)).Select(s => Json.Str(s["schedulePolicy"] as JsonObject, "scheduleRunFrequency")).FirstOrDefault();

    private static void ValidateSchedule(JsonObject props, WorkloadDescriptor kind, bool allowHourly)
    {
        var schedule = props["schedulePolicy"] as JsonObject ?? throw Invalid("schedulePolicy is required.");
        ValidateSimpleSchedule(schedule, kind, allowHourly, null);
        props["timeZone"] = Json.Str(props, "timeZone") ?? "UTC";
    }

    private static void ValidateSimpleSchedule(JsonObject schedule, WorkloadDescriptor kind, bool allowHourly, string? sub)
    {
        var type = Json.Str(schedule, "schedulePolicyType") ?? "SimpleSchedulePolicy";
        if (!BackupModel.Eq(type, "SimpleSchedulePolicy") && !BackupModel.Eq(type, "SimpleSchedulePolicyV2"))
        {
            throw Invalid($"schedulePolicyType '{type}' is not valid here; use SimpleSchedulePolicy or SimpleSchedulePolicyV2.");
        }

        var freq = Json.Str(schedule, "scheduleRunFrequency") ?? throw Invalid("schedulePolicy.scheduleRunFrequency is required (Daily, Weekly or Hourly).");
        freq = freq.ToUpperInvariant() switch
        {
            "DAILY" => "Daily",
            "WEEKLY" => "Weekly",
            "HOURLY" => "Hourly",
            _ => throw Invalid($"scheduleRunFrequency '{freq}' is invalid; use Daily, Weekly or Hourly."),
        };
        schedule["scheduleRunFrequency"] = freq;
        // Azure answers scheduleWeeklyFrequency 0 on every SimpleSchedulePolicy, hourly ones included (ProtectionPolicies_CreateOrUpdate_Hourly.json).
        if (BackupModel.Eq(type, "SimpleSchedulePolicy") && schedule["scheduleWeeklyFrequency"] is null)
        {
            schedule["scheduleWeeklyFrequency"] = 0;
        }

        if (freq == "Hourly")
        {
            if (!allowHourly)
            {
                throw Invalid(kind.HourlySchedules == HourlySupport.EnhancedPolicyOnly
                    ? "Hourly backups need an Enhanced policy (policyType V2 with SimpleSchedulePolicyV2)."
                    : $"Hourly backups are not supported for {kind.ManagementType}{(sub is null ? string.Empty : " " + sub)} policies.");
            }

            var hourly = schedule["hourlySchedule"] as JsonObject ?? throw Invalid("An hourly schedule needs hourlySchedule {interval, scheduleWindowStartTime, scheduleWindowDuration}.");
            var interval = Json.Int(hourly["interval"]) ?? 0;
            if (interval is not (4 or 6 or 8 or 12))
            {
                throw Invalid($"hourlySchedule.interval must be 4, 6, 8 or 12 hours; got {interval}.");
            }

            var window = Json.Int(hourly["scheduleWindowDuration"]) ?? 0;
            if (window < interval || window > 24)
            {
                throw Invalid($"hourlySchedule.scheduleWindowDuration must be between the interval ({interval}) and 24 hours; got {window}.");
            }

            CheckHalfHour(Json.Str(hourly, "scheduleWindowStartTime"), "hourlySchedule.scheduleWindowStartTime");
            return;
        }

        var runTimes = RunTimes(schedule);
        if (runTimes.Count != 1)
        {
            throw Invalid($"Exactly one schedule run time is supported for {kind.ManagementType} {freq.ToLowerInvariant()} backups; got {runTimes.Count}.");
        }

        foreach (var t in runTimes)
        {
            CheckHalfHour(t, "scheduleRunTimes");
        }

        if (freq == "Weekly" && RunDays(schedule).Count == 0)
        {
            throw Invalid("A weekly schedule needs scheduleRunDays (e.g. [\"Sunday\"]).");
        }
    }

    private static void CheckHalfHour(string? value, string name)
    {
        var t = Json.ParseTime(value) ?? throw Invalid($"{name} '{value}' is not a valid date-time.");
        if (t.Second != 0 || t.Millisecond != 0 || t.Minute is not (0 or 30))
        {
            throw Invalid($"{name} '{value}' is invalid: backups can only be scheduled on the hour or the half hour (e.g. 02:00 or 02:30).", "UserErrorInvalidScheduleTime");
        }
    }

    private static List<string> RunTimes(JsonObject schedule)
    {
        var arr = schedule["scheduleRunTimes"] as JsonArray
            ?? schedule["dailySchedule"]?["scheduleRunTimes"] as JsonArray
            ?? schedule["weeklySchedule"]?["scheduleRunTimes"] as JsonArray;
        return arr?.Select(Json.Str).Where(x => x is not null).Select(x => x!).ToList() ?? [];
    }

    private static List<DayOfWeek> RunDays(JsonObject schedule)
    {
        var arr = schedule["scheduleRunDays"] as JsonArray ?? schedule["weeklySchedule"]?["scheduleRunDays"] as JsonArray;
        return Days(arr);
    }

    private static List<DayOfWeek> Days(JsonArray? arr) =>
        arr?.Select(Json.Str).Select(d => Enum.TryParse<DayOfWeek>(d, true, out var dow) ? (DayOfWeek?)dow : throw Invalid($"'{d}' is not a day of the week."))
            .Select(d => d!.Value).ToList() ?? [];

    private static void ValidateRetention(JsonObject? retention, WorkloadDescriptor kind)
    {
        if (retention is null)
        {
            throw Invalid("retentionPolicy is required.");
        }

        var type = Json.Str(retention, "retentionPolicyType") ?? "LongTermRetentionPolicy";
        if (BackupModel.Eq(type, "SimpleRetentionPolicy"))
        {
            var days = RetentionDays(retention);
            if (days < kind.Retention.MinDaily)
            {
                throw Invalid($"The retention range must be at least {kind.Retention.MinDaily} days for {kind.ManagementType}; got {days}.", "UserErrorInvalidRetentionRange");
            }

            return;
        }

        var any = false;
        void Check(string rule, string unit, int min, int max)
        {
            if (retention[rule] is not JsonObject r)
            {
                return;
            }

            any = true;
            var d = r["retentionDuration"] as JsonObject ?? throw Invalid($"retentionPolicy.{rule}.retentionDuration is required.");
            var count = Json.Int(d["count"]) ?? 0;
            var durationType = Json.Str(d, "durationType") ?? unit;
            if (!BackupModel.Eq(durationType, unit))
            {
                throw Invalid($"retentionPolicy.{rule}.retentionDuration.durationType must be '{unit}'.");
            }

            if (count < min || count > max)
            {
                var label = rule.Replace("Schedule", string.Empty, StringComparison.Ordinal);
                throw Invalid($"The {label} retention range for {kind.ManagementType} must be between {min} and {max} {unit.ToLowerInvariant()}; got {count}.", "UserErrorInvalidRetentionRange");
            }

            if (rule is "weeklySchedule" && Days(r["daysOfTheWeek"] as JsonArray).Count == 0)
            {
                throw Invalid("retentionPolicy.weeklySchedule.daysOfTheWeek is required.");
            }

            if (rule is "yearlySchedule" && (r["monthsOfYear"] as JsonArray)?.Count is null or 0)
            {
                throw Invalid("retentionPolicy.yearlySchedule.monthsOfYear is required.");
            }
        }

        var limits = kind.Retention;
        Check("dailySchedule", "Days", limits.MinDaily, limits.MaxDaily);
        Check("weeklySchedule", "Weeks", 1, limits.MaxWeeks);
        Check("monthlySchedule", "Months", 1, limits.MaxMonths);
        Check("yearlySchedule", "Years", 1, limits.MaxYears);
        if (!any)
        {
            throw Invalid("retentionPolicy needs at least one of dailySchedule, weeklySchedule, monthlySchedule, yearlySchedule.");
        }
    }

    private static int RetentionDays(JsonObject? retention) =>
        DurationDays(retention?["retentionDuration"] as JsonObject ?? retention?["dailySchedule"]?["retentionDuration"] as JsonObject);

    /// <summary>A RetentionDuration (count + durationType) in days; months count 30 days and years 365.</summary>
    internal static int DurationDays(JsonObject? d)
    {
        var count = Json.Int(d?["count"]) ?? 0;
        return (Json.Str(d, "durationType") ?? "Days").ToUpperInvariant() switch
        {
            "WEEKS" => count * 7,
            "MONTHS" => count * 30,
            "YEARS" => count * 365,
            _ => count,
        };
    }

    // ---------------- schedules ----------------

    public static TimeZoneInfo Zone(JsonObject props)
    {
        var name = Json.Str(props, "timeZone") ?? Json.Str(props["settings"] as JsonObject, "timeZone") ?? "UTC";
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            // Windows zone names may not resolve on every host (invariant globalization); schedules then run in UTC.
            return TimeZoneInfo.Utc;
        }
    }

    /// <summary>Scheduled backups in (from, to]: time and backup type (Full, Differential or the VM/file share default "Full").</summary>
    public static List<(DateTimeOffset Time, string Type)> Fires(JsonObject props, DateTimeOffset from, DateTimeOffset to)
    {
        var result = new List<(DateTimeOffset, string)>();
        if (to <= from || (to - from) > TimeSpan.FromDays(3660))
        {
            return result;
        }

        var zone = Zone(props);
        if (props["subProtectionPolicy"] is JsonArray subs)
        {
            foreach (var sub in subs.OfType<JsonObject>())
            {
                var type = Json.Str(sub, "policyType");
                if (type is "Full" or "Differential" && sub["schedulePolicy"] is JsonObject sp)
                {
                    result.AddRange(ScheduleFires(sp, zone, from, to).Select(t => (t, type)));
                }
            }

            // A Full and a Differential never run at the same instant: the Full wins.
            return result.GroupBy(r => r.Item1).Select(g => g.OrderBy(x => x.Item2 == "Full" ? 0 : 1).First()).OrderBy(r => r.Item1).ToList();
        }

        if (props["schedulePolicy"] is JsonObject schedule)
        {
            result.AddRange(ScheduleFires(schedule, zone, from, to).Select(t => (t, "Full")));
        }

        return result;
    }

    private static IEnumerable<DateTimeOffset> ScheduleFires(JsonObject schedule, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        var freq = Json.Str(schedule, "scheduleRunFrequency") ?? "Daily";
        var localFrom = TimeZoneInfo.ConvertTime(from, zone).Date.AddDays(-1);
        var localTo = TimeZoneInfo.ConvertTime(to, zone).Date.AddDays(1);
        var days = freq == "Weekly" ? RunDays(schedule) : [];
        for (var day = localFrom; day <= localTo; day = day.AddDays(1))
        {
            if (freq == "Weekly" && !days.Contains(day.DayOfWeek))
            {
                continue;
            }

            var times = new List<TimeSpan>();
            if (freq == "Hourly" && schedule["hourlySchedule"] is JsonObject hourly)
            {
                var start = Json.ParseTime(Json.Str(hourly, "scheduleWindowStartTime"))?.UtcDateTime.TimeOfDay ?? TimeSpan.FromHours(8);
                var interval = Math.Max(1, Json.Int(hourly["interval"]) ?? 4);
                var window = Json.Int(hourly["scheduleWindowDuration"]) ?? 12;
                for (var h = 0; h < window; h += interval)
                {
                    times.Add(start + TimeSpan.FromHours(h));
                }
            }
            else
            {
                times.AddRange(RunTimes(schedule).Select(x => Json.ParseTime(x)?.UtcDateTime.TimeOfDay ?? TimeSpan.Zero));
            }

            foreach (var tod in times)
            {
                var local = DateTime.SpecifyKind(day + tod, DateTimeKind.Unspecified);
                DateTimeOffset utc;
                try
                {
                    utc = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
                }
                catch (ArgumentException)
                {
                    continue; // a local time skipped by a DST change
                }

                if (utc > from && utc <= to)
                {
                    yield return utc;
                }
            }
        }
    }

    /// <summary>The log backup interval of an AzureWorkload policy, or null.</summary>
    public static (TimeSpan Interval, int RetentionDays)? LogSchedule(JsonObject props)
    {
        var log = (props["subProtectionPolicy"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(s => Json.Str(s, "policyType") == "Log");
        if (log is null)
        {
            return null;
        }

        return (TimeSpan.FromMinutes(Math.Max(15, Json.Int(log["schedulePolicy"]?["scheduleFrequencyInMins"]) ?? 60)), RetentionDays(log["retentionPolicy"] as JsonObject));
    }

    // ---------------- retention ----------------

    /// <summary>When a scheduled point taken at <paramref name="t"/> expires: the latest of the rules that keep it.</summary>
    public static DateTimeOffset Expiry(JsonObject props, DateTimeOffset t, string backupType)
    {
        var retention = props["retentionPolicy"] as JsonObject;
        if (props["subProtectionPolicy"] is JsonArray subs)
        {
            retention = subs.OfType<JsonObject>().FirstOrDefault(s => Json.Str(s, "policyType") == backupType)?["retentionPolicy"] as JsonObject;
        }

        if (retention is null)
        {
            return t.AddDays(30);
        }

        if (BackupModel.Eq(Json.Str(retention, "retentionPolicyType"), "SimpleRetentionPolicy"))
        {
            return t.AddDays(Math.Max(1, RetentionDays(retention)));
        }

        var local = TimeZoneInfo.ConvertTime(t, Zone(props)).DateTime;
        var best = t.AddDays(1);
        int Count(string rule) => Json.Int(retention[rule]?["retentionDuration"]?["count"]) ?? 0;
        if (retention["dailySchedule"] is JsonObject)
        {
            best = Max(best, t.AddDays(Count("dailySchedule")));
        }

        if (retention["weeklySchedule"] is JsonObject weekly && Days(weekly["daysOfTheWeek"] as JsonArray).Contains(local.DayOfWeek))
        {
            best = Max(best, t.AddDays(7 * Count("weeklySchedule")));
        }

        if (retention["monthlySchedule"] is JsonObject monthly && MatchesMonthly(monthly, local))
        {
            best = Max(best, t.AddMonths(Count("monthlySchedule")));
        }

        if (retention["yearlySchedule"] is JsonObject yearly && MatchesMonthly(yearly, local)
            && (yearly["monthsOfYear"] as JsonArray)?.Any(m => BackupModel.Eq(Json.Str(m), local.ToString("MMMM", System.Globalization.CultureInfo.InvariantCulture))) == true)
        {
            best = Max(best, t.AddYears(Count("yearlySchedule")));
        }

        return best;
    }

    private static bool MatchesMonthly(JsonObject rule, DateTime local)
    {
        if (BackupModel.Eq(Json.Str(rule, "retentionScheduleFormatType"), "Daily"))
        {
            var days = rule["retentionScheduleDaily"]?["daysOfTheMonth"] as JsonArray;
            return days?.OfType<JsonObject>().Any(d =>
                (Json.Bool(d["isLast"]) == true && local.Day == DateTime.DaysInMonth(local.Year, local.Month)) || Json.Int(d["date"]) == local.Day) == true;
        }

        var weekly = rule["retentionScheduleWeekly"] as JsonObject;
        if (weekly is null || !Days(weekly["daysOfTheWeek"] as JsonArray).Contains(local.DayOfWeek))
        {
            return false;
        }

        var index = (local.Day - 1) / 7;
        var isLast = local.Day + 7 > DateTime.DaysInMonth(local.Year, local.Month);
        return (weekly["weeksOfTheMonth"] as JsonArray)?.Select(Json.Str).Any(w =>
            (BackupModel.Eq(w, "Last") && isLast) || Array.FindIndex(Weeks, x => BackupModel.Eq(x, w)) == index) == true;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
