// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Security;
using RecoveryVault.Internal;

namespace RecoveryVault.Commands;

/// <summary>
/// Removes a vault's resource guard mapping (turns multi-user authorization off). That is itself a critical operation:
/// the cmdlet unlocks the delete on the guard (unlockDelete) and then deletes the mapping, both authorized by the guard,
/// so the identity presented to it needs Backup MUA Operator there.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "RecoveryVaultResourceGuardMapping", DefaultParameterSetName = ByNameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveRecoveryVaultResourceGuardMappingCommand : VaultTargetCmdletBase
{
    /// <summary>An access token for the guard's tenant; without it one is acquired from the connected credential.</summary>
    [Parameter]
    public SecureString? ResourceGuardToken { get; set; }

    /// <summary>Do not ask.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var token = ResourceGuardSupport.Plain(ResourceGuardToken);
        RunOnVault(async (id, ct) =>
        {
            if ((IsWhatIf || !Force) && !await ShouldProcessAsync(id.ToString(), "Remove the resource guard mapping (turns multi-user authorization off)").ConfigureAwait(false))
            {
                return;
            }
            if (!await Session.RemoveResourceGuardMappingAsync(id, token, ct).ConfigureAwait(false))
            {
                EmitVerbose($"Vault '{id.Name}' is not mapped to a resource guard; nothing to remove.");
            }
        });
    }
}
