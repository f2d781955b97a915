// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Resumes protection of an item whose protection was stopped (data kept). Resuming what runs says so and succeeds.</summary>
[Cmdlet(VerbsLifecycle.Resume, "RecoveryVaultProtection", SupportsShouldProcess = true)]
[OutputType(typeof(BackupJob), typeof(BackupItem))]
public sealed class ResumeRecoveryVaultProtectionCommand : BackupJobCmdletBase
{
    /// <summary>The item (from Get-RecoveryVaultItem).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [ValidateNotNull]
    public BackupItem? InputObject { get; set; }

    /// <summary>Policy to resume with.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public BackupPolicy? Policy { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var item = InputObject!;
        var vault = RecoveryVaultResourceId.Parse(item.VaultId);
        var path = BackupPath.Item(item.Id);
        Run(async ct =>
        {
            try
            {
                if (item.ProtectionState is "Protected" or "IRPending")
                {
                    AlreadyDone(item, $"'{item.FriendlyName}' is already protected (policy '{item.PolicyName}'); nothing to do. Use Set-RecoveryVaultItem -Policy to change its policy.");
                    return;
                }
                if (item.IsDeleted)
                {
                    EmitError(InputError($"'{item.FriendlyName}' is soft-deleted: run Undo-RecoveryVaultItemDeletion first.", ErrorIds.InvalidParameterCombination, item.Id));
                    return;
                }
                if (!await ShouldProcessAsync(item.Id, $"Resume protection with policy '{Policy!.Name}'").ConfigureAwait(false))
                {
                    return;
                }
                await ChangeItemAsync(vault, path, "PUT", path, ItemRequests.Update(await CurrentAsync(vault, path, item, ct).ConfigureAwait(false), Policy.Id, null), item.Id, ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, item.Id, ErrorIds.ItemNotFound);
            }
        });
    }
}
