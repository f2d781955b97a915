// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Builds validated retention rules for New-/Set-RecoveryVaultPolicy. Nothing is sent to Azure.</summary>
[Cmdlet(VerbsCommon.New, "RecoveryVaultRetention")]
[OutputType(typeof(BackupRetention))]
public sealed class NewRecoveryVaultRetentionCommand : RecoveryVaultCmdletBase
{
    /// <summary>Keep daily points this many days (7–9999; 1–9999 for file shares is checked by the service).</summary>
    [Parameter(Position = 0)]
    [ValidateRange(1, 9999)]
    public int? DailyDays { get; set; }

    /// <summary>Keep weekly points this many weeks (1–5163).</summary>
    [Parameter]
    [ValidateRange(1, 5163)]
    public int? WeeklyWeeks { get; set; }

    /// <summary>Day whose point is kept as the weekly one (default Sunday).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public DayOfWeek[] WeeklyDays { get; set; } = [DayOfWeek.Sunday];

    /// <summary>Keep monthly points this many months (1–1188).</summary>
    [Parameter]
    [ValidateRange(1, 1188)]
    public int? MonthlyMonths { get; set; }

    /// <summary>Keep yearly points this many years (1–99).</summary>
    [Parameter]
    [ValidateRange(1, 99)]
    public int? YearlyYears { get; set; }

    /// <summary>Months whose point is the yearly one (default January).</summary>
    [Parameter]
    [ValidateSet("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")]
    public string[] YearlyMonths { get; set; } = ["January"];

    /// <summary>Which week of the month gives the monthly and yearly point.</summary>
    [Parameter]
    [ValidateSet("First", "Second", "Third", "Fourth", "Last")]
    public string WeekOfMonth { get; set; } = "First";

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (DailyDays is null && WeeklyWeeks is null && MonthlyMonths is null && YearlyYears is null)
        {
            ThrowTerminatingError(InputError("A retention needs at least one rule: -DailyDays, -WeeklyWeeks, -MonthlyMonths or -YearlyYears.", ErrorIds.InvalidRetention, null));
        }
        // Azure Backup's LongTermRetentionPolicy: weeklySchedule/monthlySchedule/yearlySchedule each carry their
        // retentionDuration; days, months or a week of the month given without it describe a rule Azure cannot keep,
        // and silently dropping them would keep less than the caller asked for.
        var bound = MyInvocation.BoundParameters;
        // Monthly and yearly points are taken on -WeeklyDays too, so the days stand alone only without all three.
        if (bound.ContainsKey(nameof(WeeklyDays)) && WeeklyWeeks is null && MonthlyMonths is null && YearlyYears is null)
        {
            ThrowTerminatingError(InputError("-WeeklyDays needs -WeeklyWeeks (or -MonthlyMonths / -YearlyYears, whose points fall on those days): a weekly retention keeps its points for a number of weeks.", ErrorIds.InvalidRetention, null));
        }
        if (bound.ContainsKey(nameof(YearlyMonths)) && YearlyYears is null)
        {
            ThrowTerminatingError(InputError("-YearlyMonths needs -YearlyYears: a yearly retention keeps its points for a number of years.", ErrorIds.InvalidRetention, null));
        }
        if (bound.ContainsKey(nameof(WeekOfMonth)) && MonthlyMonths is null && YearlyYears is null)
        {
            ThrowTerminatingError(InputError("-WeekOfMonth applies to monthly or yearly retention: add -MonthlyMonths or -YearlyYears.", ErrorIds.InvalidRetention, null));
        }
        WriteObject(new BackupRetention(DailyDays, WeeklyWeeks, WeeklyDays.Distinct().ToArray(), MonthlyMonths, YearlyYears, YearlyMonths, WeekOfMonth));
    }
}
