// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Models;

namespace RecoveryVault.Internal;

/// <summary>
/// Base of cmdlets that act on one vault: the Azure PowerShell piping sets ByName (-Name -ResourceGroupName),
/// ByResourceId (-ResourceId, alias Id, by property name) and ByInputObject (-InputObject, by value).
/// </summary>
public abstract class VaultTargetCmdletBase : RecoveryVaultCmdletBase
{
    /// <summary>Parameter set: vault by name.</summary>
    protected const string ByNameSet = "ByName";
    /// <summary>Parameter set: vault by resource id.</summary>
    protected const string ByResourceIdSet = "ByResourceId";
    /// <summary>Parameter set: vault object.</summary>
    protected const string ByInputObjectSet = "ByInputObject";

    /// <summary>Vault name.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>Resource group of the vault.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ResourceGroupCompleter))]
    public string ResourceGroupName { get; set; } = string.Empty;

    /// <summary>Subscription (default: the connected one).</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    /// <summary>Vault resource id.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByResourceIdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string ResourceId { get; set; } = string.Empty;

    /// <summary>A vault from Get-RecoveryVault or New-RecoveryVault.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Vault? InputObject { get; set; }

    /// <summary>The vault's id from whichever set was used; a malformed id is a non-terminating InvalidResourceId error (null).</summary>
    protected RecoveryVaultResourceId? ResolveVaultId()
    {
        string? text = ParameterSetName switch
        {
            ByInputObjectSet => InputObject!.Id,
            ByResourceIdSet => ResourceId,
            _ => null,
        };
        if (text is null)
        {
            if (!CheckScope(SubscriptionId, ResourceGroupName, Name) || !CheckVaultName(Name, Name))
            {
                return null;
            }
            return RecoveryVaultResourceId.ForVault(SubscriptionId ?? Session.SubscriptionId ?? string.Empty, ResourceGroupName, Name);
        }
        if (!RecoveryVaultResourceId.TryParse(text, out var id, out var error) || !id.IsVault)
        {
            WriteError(InputError(id is null ? error : $"'{text}' is not a Recovery Services vault id (expected /subscriptions/{{id}}/resourceGroups/{{group}}/providers/Microsoft.RecoveryServices/vaults/{{name}}).",
                ErrorIds.InvalidResourceId, text));
            return null;
        }
        return CheckScope(id.SubscriptionId, id.ResourceGroupName, text, text, id.Name) ? id : null;
    }

    /// <summary>Resolves the vault and runs <paramref name="work"/> on it (see the base's RunOnVault).</summary>
    protected void RunOnVault(Func<RecoveryVaultResourceId, CancellationToken, Task> work) => RunOnVault(ResolveVaultId(), work);
}
