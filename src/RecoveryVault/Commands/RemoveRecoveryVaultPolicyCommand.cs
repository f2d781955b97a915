// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Deletes a backup policy (the service refuses while items use it).</summary>
[Cmdlet(VerbsCommon.Remove, "RecoveryVaultPolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveRecoveryVaultPolicyCommand : RecoveryVaultCmdletBase
{
    /// <summary>The policy (from Get-RecoveryVaultPolicy).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [ValidateNotNull]
    public BackupPolicy? InputObject { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var policy = InputObject!;
        var vault = Engine.RecoveryVaultResourceId.Parse(policy.VaultId);
        Run(async ct =>
        {
            if (!await ShouldProcessAsync(policy.Id, "Delete backup policy").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                await Session.BackupOperationAsync(vault, "DELETE", "backupPolicies/" + Uri.EscapeDataString(policy.Name), null, wait: true, ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, policy.Id, ErrorIds.PolicyNotFound);
            }
        });
    }
}
