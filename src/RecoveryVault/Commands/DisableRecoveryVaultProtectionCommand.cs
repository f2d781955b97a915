// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Stops protecting an item, keeping its backup data, or deleting it with -DeleteBackupData (kept soft-deleted for the vault's soft-delete retention, 14-180 days, when soft delete is on).</summary>
[Cmdlet(VerbsLifecycle.Disable, "RecoveryVaultProtection", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(BackupJob), typeof(BackupItem), typeof(RecoveryVaultBackgroundJob))]
public sealed class DisableRecoveryVaultProtectionCommand : BackupJobCmdletBase
{
    /// <summary>The item (from Get-RecoveryVaultItem).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [ValidateNotNull]
    public BackupItem? InputObject { get; set; }

    /// <summary>Also delete the backup data (recovery points).</summary>
    [Parameter]
    public SwitchParameter DeleteBackupData { get; set; }

    /// <summary>Run in a background job and return it at once (Receive-Job gets the output).</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <summary>For a vault protected by a resource guard: an access token for the guard's tenant (Az's -Token). Without it the token is acquired from the connection.</summary>
    [Parameter]
    public System.Security.SecureString? ResourceGuardToken { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (DeferToJob(AsJob))
        {
            return;
        }
        var item = InputObject!;
        var vault = RecoveryVaultResourceId.Parse(item.VaultId);
        var path = BackupPath.Item(item.Id);
        Run(async ct =>
        {
            try
            {
                if (!DeleteBackupData && item.ProtectionState == "ProtectionStopped")
                {
                    AlreadyDone(item, $"Protection of '{item.FriendlyName}' is already stopped (backup data kept); nothing to do.");
                    return;
                }
                var action = DeleteBackupData ? "Stop protection and DELETE all backup data" : "Stop protection (keep backup data)";
                if (!await ShouldProcessAsync(item.Id, action).ConfigureAwait(false))
                {
                    return;
                }
                // Stop with delete is a critical operation under a resource guard (MUA): unlockDelete on the item first.
                await (DeleteBackupData
                    ? Session.RunCriticalAsync(vault, ResourceGuardSupport.Plain(ResourceGuardToken), RecoveryVaultSession.DeleteProtectedItemOperation, item.Id,
                        () => ChangeItemAsync(vault, path, "DELETE", path, null, item.Id, ct), ct)
                    : ChangeItemAsync(vault, path, "PUT", path, ItemRequests.Update(await CurrentAsync(vault, path, item, ct).ConfigureAwait(false), null, "ProtectionStopped"), item.Id, ct)).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, item.Id, ErrorIds.ItemNotFound);
            }
        });
    }
}
