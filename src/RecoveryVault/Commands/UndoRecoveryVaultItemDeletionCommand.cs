// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Brings back a soft-deleted item with its backup data (protection stays stopped; resume it after).</summary>
[Cmdlet(VerbsCommon.Undo, "RecoveryVaultItemDeletion", SupportsShouldProcess = true)]
[OutputType(typeof(BackupJob), typeof(BackupItem))]
public sealed class UndoRecoveryVaultItemDeletionCommand : BackupJobCmdletBase
{
    /// <summary>The soft-deleted item (Get-RecoveryVaultItem -Deleted).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [ValidateNotNull]
    public BackupItem? InputObject { get; set; }

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
                if (!item.IsDeleted)
                {
                    AlreadyDone(item, $"'{item.FriendlyName}' is not deleted; nothing to undo.");
                    return;
                }
                if (!await ShouldProcessAsync(item.Id, "Undelete backup item").ConfigureAwait(false))
                {
                    return;
                }
                await ChangeItemAsync(vault, path, "PUT", path, ItemRequests.Update(await CurrentAsync(vault, path, item, ct).ConfigureAwait(false), null, "ProtectionStopped", rehydrate: true), item.Id, ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, item.Id, ErrorIds.ItemNotFound);
            }
        });
    }
}
