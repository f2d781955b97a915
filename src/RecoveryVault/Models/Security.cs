// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Models;

/// <summary>One check of Test-RecoveryVaultSecurity: what was looked at, what it is, and what to do.</summary>
public sealed class VaultSecurityCheck
{
    internal VaultSecurityCheck(string name, string result, string? value, string recommendation)
    {
        Name = name;
        Result = result;
        Value = value;
        Recommendation = recommendation;
    }

    /// <summary>SoftDelete, SoftDeleteRetention, Immutability, MultiUserAuthorization, CrossRegionRestore, Alerts, StorageRedundancy, CustomerManagedKey, PublicNetworkAccess.</summary>
    public string Name { get; }

    /// <summary>Passed, Warning or Failed.</summary>
    public string Result { get; }

    /// <summary>The setting as the vault has it.</summary>
    public string? Value { get; }

    /// <summary>One line: why it matters and how to improve it (empty when Passed).</summary>
    public string Recommendation { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Result}";
}

/// <summary>The security checks of one vault (Test-RecoveryVaultSecurity) and the service's own security level.</summary>
public sealed class VaultSecurityReport
{
    internal VaultSecurityReport(string vaultId, string? secureScore, string? bcdrSecurityLevel, IReadOnlyList<VaultSecurityCheck> checks)
    {
        VaultId = vaultId;
        var id = Engine.RecoveryVaultResourceId.Parse(vaultId);
        VaultName = id.Name;
        ResourceGroupName = id.ResourceGroupName ?? string.Empty;
        SecureScore = secureScore;
        BcdrSecurityLevel = bcdrSecurityLevel;
        Checks = checks;
        FailedCount = checks.Count(c => c.Result == "Failed");
        WarningCount = checks.Count(c => c.Result == "Warning");
        Passed = FailedCount == 0;
    }

    /// <summary>Vault name.</summary>
    public string VaultName { get; }

    /// <summary>Vault resource group.</summary>
    public string ResourceGroupName { get; }

    /// <summary>True when no check failed (warnings allowed).</summary>
    public bool Passed { get; }

    /// <summary>Checks that failed.</summary>
    public int FailedCount { get; }

    /// <summary>Checks with a warning.</summary>
    public int WarningCount { get; }

    /// <summary>The service's secure score of the vault: None, Minimum, Adequate, Maximum.</summary>
    public string? SecureScore { get; }

    /// <summary>The service's security level: Poor, Fair, Good, Excellent.</summary>
    public string? BcdrSecurityLevel { get; }

    /// <summary>Every check, in a fixed order.</summary>
    public IReadOnlyList<VaultSecurityCheck> Checks { get; }

    /// <summary>Vault id (pipes on by property name).</summary>
    public string VaultId { get; }

    /// <inheritdoc />
    public override string ToString() => VaultId;
}
