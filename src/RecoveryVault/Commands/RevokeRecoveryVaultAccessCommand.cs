// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Removes a principal's Backup role assignment made at a vault.</summary>
[Cmdlet(VerbsSecurity.Revoke, "RecoveryVaultAccess", SupportsShouldProcess = true, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(void))]
public sealed class RevokeRecoveryVaultAccessCommand : VaultTargetCmdletBase
{
    /// <summary>Backup role.</summary>
    [Parameter(Mandatory = true)]
    [ValidateSet("BackupReader", "BackupOperator", "BackupContributor")]
    public string Role { get; set; } = string.Empty;

    /// <summary>Principal object id.</summary>
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
            try
            {
                // ARM accepts assignments at the scope of a vault that does not exist; a typo deserves VaultNotFound.
                await Session.GetVaultAsync(id.SubscriptionId, id.ResourceGroupName!, id.Name, ct).ConfigureAwait(false);
                var matches = (await BackupRoles.AtVaultAsync(Session, scope, PrincipalId, guid, ct).ConfigureAwait(false))
                    .Select(a => a.Id).OfType<string>().ToList();
                if (matches.Count == 0)
                {
                    EmitError(new ErrorRecord(new ItemNotFoundException($"Principal {PrincipalId} has no '{display}' assignment on {scope}. (Assignments inherited from the resource group or subscription are removed there.)"),
                        ErrorIds.RoleAssignmentNotFound, ErrorCategory.ObjectNotFound, scope));
                    return;
                }
                foreach (var assignment in matches)
                {
                    if (await ShouldProcessAsync(scope, $"Revoke '{display}' from principal {PrincipalId}").ConfigureAwait(false))
                    {
                        await Session.DeleteRoleAssignmentAsync(assignment, ct).ConfigureAwait(false);
                    }
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, scope, ErrorIds.VaultNotFound);
            }
        });
    }
}
