// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Ends an instant file recovery session (unmounts the recovery point).</summary>
[Cmdlet(VerbsData.Dismount, "RecoveryVaultRecoveryPoint", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class DismountRecoveryVaultRecoveryPointCommand : RecoveryVaultCmdletBase
{
    /// <summary>The recovery point (or the mount Mount-RecoveryVaultRecoveryPoint returned).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, Position = 0)]
    [Alias("RecoveryPointId")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!RecoveryVaultResourceId.TryParse(Id, out var id, out var error) || id.GetVaultId() is not { } vault || !Id.Contains("/recoveryPoints/", StringComparison.OrdinalIgnoreCase))
        {
            WriteError(InputError(id is null ? error : $"'{Id}' is not a recovery point id.", ErrorIds.InvalidResourceId, Id));
            return;
        }
        var itemId = Id[..Id.LastIndexOf("/recoveryPoints/", StringComparison.OrdinalIgnoreCase)];
        Run(async ct =>
        {
            if (!await ShouldProcessAsync(Id, "Unmount recovery point").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                await Session.BackupOperationAsync(vault, "POST", BackupPath.RecoveryPoint(itemId, id.Name) + "/revokeInstantItemRecovery", null, wait: true, ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, Id, ErrorIds.RecoveryPointNotFound);
            }
        });
    }
}
