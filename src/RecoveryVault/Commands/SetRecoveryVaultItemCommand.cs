// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Moves a protected item to another policy of the same vault and kind.</summary>
[Cmdlet(VerbsCommon.Set, "RecoveryVaultItem", SupportsShouldProcess = true)]
[OutputType(typeof(BackupJob), typeof(BackupItem))]
public sealed class SetRecoveryVaultItemCommand : BackupJobCmdletBase
{
    /// <summary>The item (from Get-RecoveryVaultItem).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [ValidateNotNull]
    public BackupItem? InputObject { get; set; }

    /// <summary>The new policy.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public BackupPolicy? Policy { get; set; }

    /// <summary>For a vault protected by a resource guard: an access token for the guard's tenant (Az's -Token). Without it the token is acquired from the connection.</summary>
    [Parameter]
    public System.Security.SecureString? ResourceGuardToken { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var item = InputObject!;
        var policy = Policy!;
        if (!string.Equals(item.VaultId, policy.VaultId, StringComparison.OrdinalIgnoreCase) || !string.Equals(item.Kind, policy.Kind, StringComparison.OrdinalIgnoreCase))
        {
            WriteError(InputError($"Policy '{policy.Name}' ({policy.Kind}, vault {policy.VaultName}) cannot protect '{item.FriendlyName}' ({item.Kind}, vault {item.VaultName}).",
                ErrorIds.InvalidParameterCombination, item.Id));
            return;
        }
        var vault = RecoveryVaultResourceId.Parse(item.VaultId);
        var path = BackupPath.Item(item.Id);
        Run(async ct =>
        {
            try
            {
                if (string.Equals(item.PolicyName, policy.Name, StringComparison.OrdinalIgnoreCase) && item.ProtectionState is "Protected" or "IRPending")
                {
                    AlreadyDone(item, $"'{item.FriendlyName}' already uses policy '{policy.Name}'; nothing to do.");
                    return;
                }
                if (!await ShouldProcessAsync(item.Id, $"Change policy from '{item.PolicyName}' to '{policy.Name}'").ConfigureAwait(false))
                {
                    return;
                }
                // Moving to a policy with shorter retention is a critical operation under a resource guard (MUA).
                await Session.RunCriticalAsync(vault, ResourceGuardSupport.Plain(ResourceGuardToken), null, null, async () =>
                    await ChangeItemAsync(vault, path, "PUT", path, ItemRequests.Update(await CurrentAsync(vault, path, item, ct).ConfigureAwait(false), policy.Id, null), item.Id, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, item.Id, ErrorIds.ItemNotFound);
            }
        });
    }
}
