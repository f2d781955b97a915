// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Models;

namespace RecoveryVault.Internal;

/// <summary>
/// Base of cmdlets that work inside one vault. The vault comes piped (a Vault object, by value), or from the
/// VaultId property of any piped backup object, or as -VaultName/-ResourceGroupName.
/// </summary>
public abstract class VaultScopedCmdletBase : RecoveryVaultCmdletBase
{
    /// <summary>The vault (from Get-RecoveryVault).</summary>
    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNull]
    public Vault? Vault { get; set; }

    /// <summary>Vault resource id (bound by property name from any backup object).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? VaultId { get; set; }

    /// <summary>Vault name (with -ResourceGroupName).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string? VaultName { get; set; }

    /// <summary>Resource group of -VaultName.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ResourceGroupCompleter))]
    public string? ResourceGroupName { get; set; }

    /// <summary>The vault id, or a non-terminating error (null) when none or a bad one was given.</summary>
    protected RecoveryVaultResourceId? ResolveVault()
    {
        var text = Vault?.Id ?? VaultId;
        if (text is null && VaultName is not null && ResourceGroupName is not null)
        {
            if (!CheckScope(null, ResourceGroupName, VaultName) || !CheckVaultName(VaultName, VaultName))
            {
                return null;
            }
            return RecoveryVaultResourceId.ForVault(Session.SubscriptionId!, ResourceGroupName, VaultName);
        }
        if (text is null)
        {
            WriteErrorInOrder(InputError("Which vault? Pipe a vault (Get-RecoveryVault …), pass -Vault, -VaultId, or -VaultName with -ResourceGroupName.", ErrorIds.VaultRequired, null));
            return null;
        }
        if (!RecoveryVaultResourceId.TryParse(text, out var id, out var error) || id.GetVaultId() is null)
        {
            WriteErrorInOrder(InputError(id is null ? error : $"'{text}' is not in a Recovery Services vault.", ErrorIds.InvalidResourceId, text));
            return null;
        }
        return CheckScope(id.SubscriptionId, id.ResourceGroupName, text, text, id.VaultName) ? id.GetVaultId() : null;
    }

    /// <summary>
    /// The not-found id of a 404 on one resource inside the vault: ARM answers a vault that is gone with
    /// <c>ResourceNotFound</c> on the parent before Azure Backup is asked, which names its own misses
    /// (<c>BMSUserErrorPolicyNotFound</c>, <c>BMSUserErrorJobNotFound</c>); only those are the child's.
    /// </summary>
    internal static string ChildNotFoundId(RecoveryVaultServiceException ex, string childNotFoundId) =>
        ex.ErrorCode == "ResourceNotFound" ? ErrorIds.VaultNotFound : childNotFoundId;

    /// <summary>Resolves the vault and runs <paramref name="work"/> on it (see the base's RunOnVault).</summary>
    protected void RunOnVault(Func<RecoveryVaultResourceId, CancellationToken, Task> work) => RunOnVault(ResolveVault(), work);
}
