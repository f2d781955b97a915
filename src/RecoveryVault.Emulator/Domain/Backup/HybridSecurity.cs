// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;

namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>
/// The vault's security settings for hybrid backups (Azure Backup "security features to help protect hybrid backups":
/// the portal's Properties > Security Settings, on the wire the vault's <c>enhancedSecurityState</c>, which the
/// emulator keeps in <c>securitySettings.softDeleteSettings</c> and shows through <c>backupconfig</c>). While they are
/// on, MARS policies keep a minimum number of points and deleted hybrid backup data is kept for 14 days.
/// </summary>
internal static class HybridSecurity
{
    /// <summary>How long deleted hybrid backup data is kept when soft delete itself is off ("an additional 14 days").</summary>
    public const int RetainDeletedDays = 14;

    /// <summary>
    /// Azure documents no ARM code for this refusal (the agent shows "[0x29834]"); the emulator answers with the code it
    /// uses for every retention below Azure's minimum.
    /// </summary>
    public const string RetentionCode = "UserErrorInvalidRetentionRange";

    /// <summary>"Maintain a minimum retention range": 7 days daily, 4 weeks weekly, 3 months monthly, 1 year yearly.</summary>
    public static readonly IReadOnlyList<(string Rule, string Label, int Minimum, string Unit)> Minimums =
    [
        ("dailySchedule", "daily", 7, "Days"),
        ("weeklySchedule", "weekly", 4, "Weeks"),
        ("monthlySchedule", "monthly", 3, "Months"),
        ("yearlySchedule", "yearly", 1, "Years"),
    ];

    public static string State(ResourceDoc v) =>
        Json.Str(v.Body["properties"]?["securitySettings"]?["softDeleteSettings"] as JsonObject, "enhancedSecurityState") ?? "Enabled";

    public static bool IsOn(ResourceDoc v) => State(v) is "Enabled" or "AlwaysON";

    /// <summary>MARS, Azure Backup Server and DPM: the workloads these settings protect.</summary>
    public static bool IsHybrid(string? backupManagementType) =>
        BackupModel.Eq(backupManagementType, "MAB") || BackupModel.Eq(backupManagementType, "AzureBackupServer") || BackupModel.Eq(backupManagementType, "DPM");

    /// <summary>Refuses a MARS policy that keeps fewer points than the minimum while the vault's hybrid security settings are on.</summary>
    public static void RequireMinimumRetention(ResourceDoc v, JsonObject policyProperties)
    {
        if (!IsOn(v) || !BackupModel.Eq(Json.Str(policyProperties, "backupManagementType"), "MAB") || policyProperties["retentionPolicy"] is not JsonObject retention)
        {
            return;
        }

        if (retention["retentionDuration"] is JsonObject simple)
        {
            Check(v, "daily", PolicyRules.DurationDays(simple), 7, "Days", Json.Int(simple["count"]) ?? 0);
            return;
        }

        foreach (var (rule, label, minimum, unit) in Minimums)
        {
            if (retention[rule]?["retentionDuration"] is JsonObject d)
            {
                var count = Json.Int(d["count"]) ?? 0;
                Check(v, label, count, minimum, unit, count);
            }
        }
    }

    private static void Check(ResourceDoc v, string label, int value, int minimum, string unit, int count)
    {
        if (value < minimum)
        {
            throw ArmErrors.BadRequest(RetentionCode,
                $"The security settings for hybrid backups (enhanced security) are enabled on vault '{Json.Str(v.Body, "name")}', so a MARS policy must keep at least " +
                $"7 daily, 4 weekly, 3 monthly and 1 yearly recovery points; the {label} retention of {count} {unit.ToLowerInvariant()} is below the minimum of {minimum}. " +
                "See https://learn.microsoft.com/azure/backup/backup-azure-security-feature.");
        }
    }

    /// <summary>
    /// How long a deleted item's data is kept: the vault's soft-delete retention when soft delete is on; for hybrid
    /// items, 14 days while the hybrid security settings are on even with soft delete off; otherwise null (deleted now).
    /// </summary>
    public static int? RetainDeletedFor(ResourceDoc v, ResourceDoc item)
    {
        if (BackupModel.SoftDeleteState(v) is "Enabled" or "AlwaysON")
        {
            return BackupModel.SoftDeleteDays(v);
        }

        return IsHybrid(Json.Str(item.Props, "backupManagementType")) && IsOn(v) ? RetainDeletedDays : null;
    }
}
