// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;

namespace RecoveryVault.Internal;

/// <summary>Cmdlets that name a classic Backup vault: -Name (from ClassicVault / UpgradeCheck objects by property name) and -SubscriptionId.</summary>
public abstract class ClassicVaultCmdletBase : RecoveryVaultCmdletBase
{
    /// <summary>The parameter set that names the vault.</summary>
    protected const string ByNameSet = "ByName";

    /// <summary>The classic vault's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("ClassicVaultName")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Its subscription (default: the connection's).</summary>
    [Parameter(ParameterSetName = ByNameSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }
}
