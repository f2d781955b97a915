// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;

namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>
/// Immutable vaults (Azure Backup "immutable vault" concept page): while immutability is Unlocked or Locked, no operation
/// may lose recovery points before they expire: no stop-protection-with-delete, no policy edit that shortens retention,
/// no switch of an item to a policy with shorter retention. Azure refuses them with
/// <c>UserErrorOperationDeniedOnImmutableItem</c> (Azure/azure-rest-api-specs#32688, Azure/azure-powershell#24298).
/// </summary>
internal static class Immutability
{
    public const string DeniedCode = "UserErrorOperationDeniedOnImmutableItem";

    public static string State(ResourceDoc v) =>
        Json.Str(v.Body["properties"]?["securitySettings"]?["immutabilitySettings"] as JsonObject, "state") ?? "Disabled";

    public static bool IsImmutable(ResourceDoc v) => State(v) is "Unlocked" or "Locked";

    public static ArmException Denied(ResourceDoc v, string what) => ArmErrors.BadRequest(DeniedCode,
        $"The vault is immutable (immutability {State(v)}), so destructive operations are denied: {what}. " +
        "Immutability keeps every recovery point until it expires; see https://aka.ms/AB-ImmutableVaults-States.");

    /// <summary>Refuses, on an immutable vault, a retention change from <paramref name="before"/> to <paramref name="after"/> that keeps any point for less time.</summary>
    public static void RequireNoRetentionReduction(ResourceDoc v, JsonObject before, JsonObject after, string what)
    {
        if (!IsImmutable(v))
        {
            return;
        }

        var old = RetentionRules(before);
        var next = RetentionRules(after);
        foreach (var (rule, days) in old)
        {
            if (!next.TryGetValue(rule, out var now))
            {
                throw Denied(v, $"{what} removes the {rule} retention rule ({days} days)");
            }

            if (now < days)
            {
                throw Denied(v, $"{what} reduces the {rule} retention from {days} to {now} days");
            }
        }
    }

    /// <summary>
    /// Retention of each rule of a policy's properties, in days: the top-level retention policy (IaaS VM, Azure Files,
    /// MARS) and each sub-policy's (SQL: Full, Differential, Log), keyed by rule so a removed rule is seen too.
    /// </summary>
    internal static Dictionary<string, int> RetentionRules(JsonObject policyProperties)
    {
        var rules = new Dictionary<string, int>(StringComparer.Ordinal);
        AddRules(rules, string.Empty, policyProperties["retentionPolicy"] as JsonObject);
        AddRules(rules, "vault ", policyProperties["vaultRetentionPolicy"]?["vaultRetention"] as JsonObject);
        if (policyProperties["subProtectionPolicy"] is JsonArray subs)
        {
            foreach (var sub in subs.OfType<JsonObject>())
            {
                AddRules(rules, (Json.Str(sub, "policyType") ?? "Full") + " ", sub["retentionPolicy"] as JsonObject);
            }
        }

        return rules;
    }

    private static void AddRules(Dictionary<string, int> rules, string prefix, JsonObject? retention)
    {
        if (retention is null)
        {
            return;
        }

        if (retention["retentionDuration"] is JsonObject simple)
        {
            rules[prefix + "simple"] = PolicyRules.DurationDays(simple);
            return;
        }

        foreach (var (rule, label) in new[] { ("dailySchedule", "daily"), ("weeklySchedule", "weekly"), ("monthlySchedule", "monthly"), ("yearlySchedule", "yearly") })
        {
            if (retention[rule]?["retentionDuration"] is JsonObject d)
            {
                rules[prefix + label] = PolicyRules.DurationDays(d);
            }
        }
    }
}
