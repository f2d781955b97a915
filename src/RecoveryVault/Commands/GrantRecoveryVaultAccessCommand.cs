// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Gives a principal a built-in Backup role on a vault. Granting what is already granted succeeds and says so.</summary>
[Cmdlet(VerbsSecurity.Grant, "RecoveryVaultAccess", SupportsShouldProcess = true, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(VaultRoleAssignment))]
public sealed class GrantRecoveryVaultAccessCommand : VaultTargetCmdletBase
{
    /// <summary>Backup role.</summary>
    [Parameter(Mandatory = true)]
    [ValidateSet("BackupReader", "BackupOperator", "BackupContributor")]
    public string Role { get; set; } = string.Empty;

    /// <summary>Object id of the user, group or service principal.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string PrincipalId { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var id = ResolveVaultId();
        if (id is null)
        {
            return;
        }
        var (display, guid) = BackupRoles.ByParameter[Role];
        Run(async ct =>
        {
            var scope = id.ToString();
            if (!await ShouldProcessAsync(scope, $"Grant '{display}' to principal {PrincipalId}").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                // ARM accepts assignments at the scope of a vault that does not exist; a typo deserves VaultNotFound.
                await Session.GetVaultAsync(id.SubscriptionId, id.ResourceGroupName!, id.Name, ct).ConfigureAwait(false);
                if ((await BackupRoles.AtVaultAsync(Session, scope, PrincipalId, guid, ct).ConfigureAwait(false)).FirstOrDefault() is { } existing)
                {
                    EmitVerbose($"Principal {PrincipalId} already has '{display}' on {scope}; nothing to do.");
                    Emit(new VaultRoleAssignment(existing, display, scope));
                    return;
                }
                var created = await Session.CreateRoleAssignmentAsync(scope, BackupRoles.DefinitionId(id.SubscriptionId, Role), PrincipalId, ct).ConfigureAwait(false);
                Emit(new VaultRoleAssignment(created, display, scope));
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, scope, ErrorIds.VaultNotFound);
            }
        });
    }
}
