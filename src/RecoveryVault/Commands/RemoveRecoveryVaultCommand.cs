// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Deletes a vault (it stays soft-deleted for 14 days and can be brought back with Restore-RecoveryVault).</summary>
[Cmdlet(VerbsCommon.Remove, "RecoveryVault", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(bool), typeof(RecoveryVaultBackgroundJob))]
public sealed class RemoveRecoveryVaultCommand : VaultTargetCmdletBase
{
    /// <summary>Return at once instead of waiting for the deletion to finish.</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    /// <summary>Write $true for each vault removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>
    /// Also remove what keeps a vault from being deleted, DESTROYING ITS BACKUP DATA: stop protection and delete the
    /// data of every item (soft delete is turned off first and soft-deleted items are purged), unregister every
    /// container. -WhatIf lists every step; without -Force the whole clean-up is confirmed once, showing what goes.
    /// </summary>
    [Parameter]
    public SwitchParameter DeleteBackupData { get; set; }

    /// <summary>Do not ask for confirmation. It never deletes backup data by itself: that takes -DeleteBackupData.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Run in a background job and return it at once (Receive-Job gets the output).</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <inheritdoc />
    protected override bool ForceSkipsConfirmation => Force;

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (DeferToJob(AsJob))
        {
            return;
        }
        var id = ResolveVaultId();
        if (id is null)
        {
            return;
        }
        Run(async ct =>
        {
            try
            {
                // ARM answers 204 for a vault that is not there; a mistyped name deserves an error instead.
                var vault = await Session.GetVaultAsync(id.SubscriptionId, id.ResourceGroupName!, id.Name, ct).ConfigureAwait(false);
                if (DeleteBackupData)
                {
                    if (!await VaultCleanup.RunAsync(this, Session, id, vault.SoftDeleteState, Force, ct).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                else if ((IsWhatIf || !Force) && !await ShouldProcessAsync(id.ToString(), "Delete Recovery Services vault").ConfigureAwait(false))
                {
                    return;
                }
                var done = await Session.DeleteVaultAsync(id.SubscriptionId, id.ResourceGroupName!, id.Name, NoWait, ct).ConfigureAwait(false);
                EmitVerbose(done ? $"Deleted {id}." : $"Deletion of {id} started; it finishes in the background.");
                if (PassThru)
                {
                    Emit(true);
                }
            }
            catch (RecoveryVaultServiceException ex) when (ex.ErrorCode == "ServiceResourceNotEmpty" && !DeleteBackupData)
            {
                var record = ServiceErrorRecord(ex, id.ToString(), ErrorIds.VaultNotFound);
                record.ErrorDetails = new ErrorDetails(record.Exception.Message)
                {
                    RecommendedAction = "Run Remove-RecoveryVault -DeleteBackupData (-WhatIf first lists every step) to stop protection, delete the backup data and unregister containers before the vault is deleted.",
                };
                EmitError(record);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, id.ToString(), ErrorIds.VaultNotFound);
            }
        });
    }
}
