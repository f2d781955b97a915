// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Models;

/// <summary>One count of the estate overview: what is counted (e.g. "AzureVM / Protected") and how many.</summary>
public sealed class SummaryCount
{
    internal SummaryCount(string name, long count)
    {
        Name = name;
        Count = count;
    }

    /// <summary>What is counted.</summary>
    public string Name { get; }

    /// <summary>How many.</summary>
    public long Count { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Count}";
}

/// <summary>
/// The Backup center overview of an estate, from Azure Resource Graph: protected items by kind and protection state,
/// jobs of the last 24 hours by status, vaults by security level and the VMs no vault protects.
/// </summary>
public sealed class RecoveryVaultSummary
{
    internal RecoveryVaultSummary(IReadOnlyList<SummaryCount> items, IReadOnlyList<SummaryCount> jobs, IReadOnlyList<SummaryCount> vaults, long vaultCount, long virtualMachines, long unprotected, string[] scope)
    {
        ItemsByKindAndState = items;
        JobsLast24Hours = jobs;
        VaultsBySecurityLevel = vaults;
        ProtectedItemCount = items.Sum(i => i.Count);
        JobCount = jobs.Sum(j => j.Count);
        FailedJobCount = jobs.Where(j => j.Name == "Failed").Sum(j => j.Count);
        VaultCount = vaultCount;
        VirtualMachineCount = virtualMachines;
        UnprotectedVirtualMachineCount = unprotected;
        Scope = scope;
    }

    /// <summary>Protected items (soft-deleted ones left out) by "Kind / ProtectionState".</summary>
    public IReadOnlyList<SummaryCount> ItemsByKindAndState { get; }

    /// <summary>Jobs started in the last 24 hours (service clock) by status.</summary>
    public IReadOnlyList<SummaryCount> JobsLast24Hours { get; }

    /// <summary>Vaults by security level (properties.bcdrSecurityLevel: Poor, Fair, Good, Excellent).</summary>
    public IReadOnlyList<SummaryCount> VaultsBySecurityLevel { get; }

    /// <summary>All protected items counted.</summary>
    public long ProtectedItemCount { get; }

    /// <summary>Jobs of the last 24 hours.</summary>
    public long JobCount { get; }

    /// <summary>Failed jobs of the last 24 hours.</summary>
    public long FailedJobCount { get; }

    /// <summary>Vaults.</summary>
    public long VaultCount { get; }

    /// <summary>Virtual machines.</summary>
    public long VirtualMachineCount { get; }

    /// <summary>Virtual machines that no vault protects (no protected item, soft-deleted ones aside, names them as source).</summary>
    public long UnprotectedVirtualMachineCount { get; }

    /// <summary>The subscriptions or management groups asked for; empty: every subscription the credential can see.</summary>
    public string[] Scope { get; }
}
