// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Stops protecting an item, keeping its backup data, or deleting it with -DeleteBackupData (kept soft-deleted for the
/// vault's soft-delete retention, 14-180 days, when soft delete is on), or, on an immutable vault, -SuspendBackups:
/// backups stop and the points are kept as the policy says (protectionState BackupsSuspended, Az's
/// -RetainRecoveryPointsAsPerPolicy).
/// </summary>
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

    /// <summary>Stop backups but keep the recovery points as long as the policy says (immutable vaults only).</summary>
    [Parameter]
    public SwitchParameter SuspendBackups { get; set; }

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
        if (DeleteBackupData && SuspendBackups)
        {
            WriteError(InputError("-SuspendBackups keeps the backup data as the policy says and -DeleteBackupData deletes it: pass one of them.", ErrorIds.InvalidParameterCombination, item.Id));
            return;
        }
        var vault = RecoveryVaultResourceId.Parse(item.VaultId);
        var path = BackupPath.Item(item.Id);
        Run(async ct =>
        {
            try
            {
                var stopState = SuspendBackups ? "BackupsSuspended" : "ProtectionStopped";
                if (!DeleteBackupData && item.ProtectionState == stopState)
                {
                    AlreadyDone(item, SuspendBackups
                        ? $"Backups of '{item.FriendlyName}' are already suspended (data kept as per policy); nothing to do."
                        : $"Protection of '{item.FriendlyName}' is already stopped (backup data kept); nothing to do.");
                    return;
                }
                var action = DeleteBackupData ? "Stop protection and DELETE all backup data"
                    : SuspendBackups ? "Suspend backups (keep recovery points as per policy)" : "Stop protection (keep backup data)";
                if (!await ShouldProcessAsync(item.Id, action).ConfigureAwait(false))
                {
                    return;
                }
                if (DeleteBackupData)
                {
                    // Stop with delete is a critical operation under a resource guard (MUA): unlockDelete on the item first.
                    await Session.RunCriticalAsync(vault, ResourceGuardSupport.Plain(ResourceGuardToken), RecoveryVaultSession.DeleteProtectedItemOperation, item.Id,
                        () => ChangeItemAsync(vault, path, "DELETE", path, null, item.Id, ct), ct).ConfigureAwait(false);
                    return;
                }
                var current = await CurrentAsync(vault, path, item, ct).ConfigureAwait(false);
                // Suspended points keep expiring as the policy says, so the item keeps its policy (a whole-item PUT
                // built from the item as it is); a plain stop leaves the item without one.
                await ChangeItemAsync(vault, path, "PUT", path, ItemRequests.Update(current, SuspendBackups ? current.PolicyId : null, stopState), item.Id, ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, item.Id, ErrorIds.ItemNotFound);
            }
        });
    }
}
