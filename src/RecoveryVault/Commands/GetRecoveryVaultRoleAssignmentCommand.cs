// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Lists the role assignments that apply to a vault (at the vault, its resource group or subscription).</summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultRoleAssignment", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(VaultRoleAssignment))]
public sealed class GetRecoveryVaultRoleAssignmentCommand : VaultTargetCmdletBase
{
    /// <summary>Only this principal's assignments.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PrincipalId { get; set; }

    /// <summary>Only assignments made at the vault itself.</summary>
    [Parameter]
    public SwitchParameter VaultScopeOnly { get; set; }

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
        Run(async ct =>
        {
            var scope = id.ToString();
            try
            {
                // ARM accepts assignments at the scope of a vault that does not exist; a typo deserves VaultNotFound.
                await Session.GetVaultAsync(id.SubscriptionId, id.ResourceGroupName!, id.Name, ct).ConfigureAwait(false);
                var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                await foreach (var d in Session.ListRoleDefinitionsAsync(scope, null, ct).ConfigureAwait(false))
                {
                    if (d.Name is not null && d.RoleName is not null)
                    {
                        names[d.Name] = d.RoleName;
                    }
                }
                await foreach (var a in Session.ListRoleAssignmentsAsync(scope, ct).ConfigureAwait(false))
                {
                    var item = new VaultRoleAssignment(a, names.GetValueOrDefault(a.RoleDefinitionId?.Split('/')[^1] ?? string.Empty), scope);
                    if ((PrincipalId is null || item.PrincipalId.Equals(PrincipalId, StringComparison.OrdinalIgnoreCase)) && (!VaultScopeOnly || !item.Inherited))
                    {
                        Emit(item);
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
