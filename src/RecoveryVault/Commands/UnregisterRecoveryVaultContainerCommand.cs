// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Unregisters a container from its vault (the service refuses while it has protected items).</summary>
[Cmdlet(VerbsLifecycle.Unregister, "RecoveryVaultContainer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class UnregisterRecoveryVaultContainerCommand : RecoveryVaultCmdletBase
{
    /// <summary>The container (from Get-RecoveryVaultContainer).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [ValidateNotNull]
    public BackupContainer? InputObject { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var c = InputObject!;
        var vault = RecoveryVaultResourceId.Parse(c.VaultId);
        var (fabric, container, _) = BackupPath.ItemParts(c.Id);
        Run(async ct =>
        {
            if (!await ShouldProcessAsync(c.Id, "Unregister container").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                await Session.BackupOperationAsync(vault, "DELETE", BackupPath.Container(fabric, container), null, wait: true, ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, c.Id, ErrorIds.ResourceNotFound);
            }
        });
    }
}
