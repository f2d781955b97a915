// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json.Nodes;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Models;

/// <summary>A classic (Service Manager) Backup vault, with what it holds. Pipes into Test- and Start-RecoveryVaultUpgrade.</summary>
public sealed class ClassicVault
{
    internal ClassicVault(ClassicResourceData d)
    {
        Id = d.Id ?? string.Empty;
        Name = d.Name ?? string.Empty;
        SubscriptionId = Id.Split('/', StringSplitOptions.RemoveEmptyEntries) is { Length: > 1 } parts ? parts[1] : string.Empty;
        Location = d.StringAt("location") ?? string.Empty;
        State = d.Read("state") ?? "Active";
        BillingModel = d.Read("billingModel");
        StorageType = d.Read("storageType");
        ManagedByCsp = bool.TryParse(d.Read("managedByCsp"), out var csp) && csp;
        RegisteredServerCount = Int(d.Read("registeredServerCount"));
        ProtectedItemCount = Int(d.Read("protectedItemCount"));
        PolicyCount = Int(d.Read("policyCount"));
        RecoveryPointCount = Int(d.Read("recoveryPointCount"));
        RunningJobCount = Int(d.Read("runningJobCount"));
        UpgradedVaultId = d.Read("upgradedVaultId");
    }

    internal static int Int(string? s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : 0;

    /// <summary>Vault name (unique in its subscription).</summary>
    public string Name { get; }

    /// <summary>Subscription.</summary>
    public string SubscriptionId { get; }

    /// <summary>Region.</summary>
    public string Location { get; }

    /// <summary>Classic id (no resource group: Service Manager).</summary>
    public string Id { get; }

    /// <summary>Active, Upgrading or Upgraded.</summary>
    public string State { get; }

    /// <summary>StorageBased or InstanceBased.</summary>
    public string? BillingModel { get; }

    /// <summary>GeoRedundant or LocallyRedundant.</summary>
    public string? StorageType { get; }

    /// <summary>Managed by a Cloud Solution Provider (cannot be upgraded).</summary>
    public bool ManagedByCsp { get; }

    /// <summary>Registered servers (MARS agents, DPM, Azure Backup Server).</summary>
    public int RegisteredServerCount { get; }

    /// <summary>Protected items.</summary>
    public int ProtectedItemCount { get; }

    /// <summary>Backup policies.</summary>
    public int PolicyCount { get; }

    /// <summary>Recovery points of all items.</summary>
    public int RecoveryPointCount { get; }

    /// <summary>Jobs running now.</summary>
    public int RunningJobCount { get; }

    /// <summary>The Recovery Services vault it became, once upgraded.</summary>
    public string? UpgradedVaultId { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>One prerequisite finding of an upgrade check.</summary>
public sealed class UpgradeFinding
{
    internal UpgradeFinding(JsonObject f, string classicVaultName)
    {
        ClassicVaultName = classicVaultName;
        Severity = f["severity"]?.GetValue<string>() ?? "Information";
        Code = f["code"]?.GetValue<string>() ?? string.Empty;
        Message = f["message"]?.GetValue<string>() ?? string.Empty;
        RecommendedAction = f["recommendedAction"]?.GetValue<string>() ?? string.Empty;
        Targets = f["targets"] is JsonArray a ? [.. a.Select(t => t?.GetValue<string>()).OfType<string>()] : [];
    }

    /// <summary>The classic vault checked.</summary>
    public string ClassicVaultName { get; }

    /// <summary>Error (must be fixed), Warning (may proceed) or Information.</summary>
    public string Severity { get; }

    /// <summary>Stable code, e.g. MarsAgentTooOld, ServerNotReporting, BillingModelChange.</summary>
    public string Code { get; }

    /// <summary>What was found.</summary>
    public string Message { get; }

    /// <summary>What to do about it.</summary>
    public string RecommendedAction { get; }

    /// <summary>The ids it is about (servers, jobs, the target resource group or vault).</summary>
    public string[] Targets { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Severity} {Code}: {Message}";
}

/// <summary>The result of Test-RecoveryVaultUpgrade. Pipes into Start-RecoveryVaultUpgrade with its target.</summary>
public sealed class UpgradeCheck
{
    internal UpgradeCheck(ClassicResourceData d, string classicVaultName, string subscriptionId, string targetSubscriptionId, string targetResourceGroupName, string targetVaultName, bool acceptBillingChange)
    {
        ClassicVaultName = classicVaultName;
        ClassicVaultId = d.StringAt("classicVaultId") ?? string.Empty;
        SubscriptionId = subscriptionId;
        TargetSubscriptionId = targetSubscriptionId;
        TargetResourceGroupName = targetResourceGroupName;
        TargetVaultName = targetVaultName;
        TargetVaultId = d.StringAt("targetVaultId") ?? string.Empty;
        AcceptBillingChange = acceptBillingChange;
        CanUpgrade = bool.TryParse(d.StringAt("canUpgrade"), out var ok) && ok;
        Findings = d.Raw["findings"] is JsonArray a ? [.. a.OfType<JsonObject>().Select(f => new UpgradeFinding(f, classicVaultName))] : [];
    }

    /// <summary>The classic vault.</summary>
    public string ClassicVaultName { get; }

    /// <summary>Its classic id.</summary>
    public string ClassicVaultId { get; }

    /// <summary>Its subscription.</summary>
    public string SubscriptionId { get; }

    /// <summary>Subscription of the new vault.</summary>
    public string TargetSubscriptionId { get; }

    /// <summary>Resource group of the new vault.</summary>
    public string TargetResourceGroupName { get; }

    /// <summary>Name of the new vault.</summary>
    public string TargetVaultName { get; }

    /// <summary>Id the new vault will have.</summary>
    public string TargetVaultId { get; }

    /// <summary>The billing change was accepted for this check.</summary>
    public bool AcceptBillingChange { get; }

    /// <summary>No finding of severity Error.</summary>
    public bool CanUpgrade { get; }

    /// <summary>Every finding (errors first).</summary>
    public UpgradeFinding[] Findings { get; }

    /// <summary>Findings that block the upgrade.</summary>
    public UpgradeFinding[] Errors => [.. Findings.Where(f => f.Severity == "Error")];

    /// <summary>Findings that allow it, with a consequence to accept.</summary>
    public UpgradeFinding[] Warnings => [.. Findings.Where(f => f.Severity == "Warning")];

    /// <inheritdoc />
    public override string ToString() => $"{ClassicVaultName}: {(CanUpgrade ? "can upgrade" : "blocked")} ({Errors.Length} error(s), {Warnings.Length} warning(s))";
}

/// <summary>One kind of thing the verification counted: how many the classic vault had and how many the new vault has of them.</summary>
public sealed class UpgradeCount
{
    internal UpgradeCount(string what, int classic, int found, string[] missing, int duplicated)
    {
        What = what;
        Classic = classic;
        Found = found;
        Missing = missing;
        Duplicated = duplicated;
    }

    /// <summary>Policies, Servers, Items or RecoveryPoints.</summary>
    public string What { get; }

    /// <summary>In the classic vault.</summary>
    public int Classic { get; }

    /// <summary>Of those, present in the new vault.</summary>
    public int Found { get; }

    /// <summary>Classic ids with no counterpart in the new vault.</summary>
    public string[] Missing { get; }

    /// <summary>Counterparts that exist more than once.</summary>
    public int Duplicated { get; }

    /// <summary>Every one present, none twice.</summary>
    public bool Complete => Missing.Length == 0 && Duplicated == 0 && Found == Classic;

    /// <inheritdoc />
    public override string ToString() => $"{What}: {Found}/{Classic}" + (Duplicated > 0 ? $", {Duplicated} duplicated" : string.Empty);
}

/// <summary>What the verification of an upgrade found.</summary>
public sealed class UpgradeVerification
{
    internal UpgradeVerification(IReadOnlyList<UpgradeCount> counts, int newRecoveryPoints, IReadOnlyDictionary<string, string> idMap)
    {
        Counts = [.. counts];
        NewRecoveryPoints = newRecoveryPoints;
        IdMap = new Dictionary<string, string>(idMap, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Every policy, server, item and recovery point of the classic vault is in the new vault, none twice.</summary>
    public bool Verified => Counts.All(c => c.Complete);

    /// <summary>Per kind: classic count, found, missing, duplicated.</summary>
    public UpgradeCount[] Counts { get; }

    /// <summary>Points in the new vault that the classic vault did not have: backups that finished after the move (such as jobs that were running).</summary>
    public int NewRecoveryPoints { get; }

    /// <summary>Classic id → new id, for policies, servers, items and handed-over jobs (recovery points keep their ids).</summary>
    public IReadOnlyDictionary<string, string> IdMap { get; }

    /// <inheritdoc />
    public override string ToString() => (Verified ? "Verified: " : "NOT verified: ") + string.Join("; ", Counts.Select(c => c.ToString()));
}

/// <summary>An upgrade of a classic vault: its state, and (once done) the new vault and the verification.</summary>
public sealed class UpgradeResult
{
    internal UpgradeResult(JsonObject op, string classicVaultName, Vault? vault, UpgradeVerification? verification)
    {
        var p = op["properties"] as JsonObject ?? new JsonObject();
        string? S(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var x) ? x : o[name]?.ToString();
        bool B(string name) => p[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
        DateTimeOffset? T(string name) => DateTimeOffset.TryParse(S(p, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
        ClassicVaultName = classicVaultName;
        ClassicVaultId = S(p, "classicVaultId") ?? string.Empty;
        OperationId = S(op, "name") ?? string.Empty;
        Status = S(p, "status") ?? "Unknown";
        Phase = S(p, "phase");
        PercentComplete = ClassicVault.Int(S(p, "percentComplete"));
        Attempt = Math.Max(1, ClassicVault.Int(S(p, "attempt")));
        StartTime = T("startTime");
        EndTime = T("endTime");
        TargetVaultId = S(p, "targetVaultId") ?? string.Empty;
        ResourceGroupCreated = B("resourceGroupCreated");
        BillingModelChanged = B("billingModelChanged");
        ClassicVaultUntouched = B("classicVaultUntouched");
        Resumable = B("resumable");
        ErrorCode = p["error"] is JsonObject e ? S(e, "code") : null;
        ErrorMessage = p["error"] is JsonObject e2 ? S(e2, "message") : null;
        Vault = vault;
        Verification = verification;
    }

    /// <summary>The classic vault.</summary>
    public string ClassicVaultName { get; }

    /// <summary>Its classic id.</summary>
    public string ClassicVaultId { get; }

    /// <summary>The service's operation (the same one however often the upgrade is started or looked at).</summary>
    public string OperationId { get; }

    /// <summary>InProgress, Succeeded or Failed.</summary>
    public string Status { get; }

    /// <summary>Validating, MovingPolicies, MovingServers, MovingItems, MovingRecoveryPoints, Finalizing or Completed.</summary>
    public string? Phase { get; }

    /// <summary>0–100.</summary>
    public int PercentComplete { get; }

    /// <summary>1, or more once resumed.</summary>
    public int Attempt { get; }

    /// <summary>Start (service clock).</summary>
    public DateTimeOffset? StartTime { get; }

    /// <summary>End (service clock).</summary>
    public DateTimeOffset? EndTime { get; }

    /// <summary>The Recovery Services vault's id.</summary>
    public string TargetVaultId { get; }

    /// <summary>The target resource group did not exist and was created.</summary>
    public bool ResourceGroupCreated { get; }

    /// <summary>Storage-based billing became instance-based.</summary>
    public bool BillingModelChanged { get; }

    /// <summary>After a failure: nothing moved, the classic vault is as it was.</summary>
    public bool ClassicVaultUntouched { get; }

    /// <summary>After a failure: Start-RecoveryVaultUpgrade resumes this operation.</summary>
    public bool Resumable { get; }

    /// <summary>Upgraded, InProgress, FailedClassicVaultUntouched, FailedResumable or Failed.</summary>
    public string Outcome => Status switch
    {
        "Succeeded" => Verification is { Verified: false } ? "UpgradedNotVerified" : "Upgraded",
        "Failed" when ClassicVaultUntouched => "FailedClassicVaultUntouched",
        "Failed" when Resumable => "FailedResumable",
        "Failed" => "Failed",
        _ => Status,
    };

    /// <summary>Service error code of a failure.</summary>
    public string? ErrorCode { get; }

    /// <summary>Service message of a failure.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The new vault, once the upgrade succeeded.</summary>
    public Vault? Vault { get; }

    /// <summary>The verification, once the upgrade succeeded.</summary>
    public UpgradeVerification? Verification { get; }

    /// <inheritdoc />
    public override string ToString() => $"{ClassicVaultName}: {Outcome}";
}
