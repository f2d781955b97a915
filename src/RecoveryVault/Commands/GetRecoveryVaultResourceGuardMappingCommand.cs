// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Gets a vault's resource guard mapping; nothing when the vault is not protected by multi-user authorization.</summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultResourceGuardMapping", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ResourceGuardMapping))]
public sealed class GetRecoveryVaultResourceGuardMappingCommand : VaultTargetCmdletBase
{
    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        RunOnVault(async (id, ct) =>
        {
            if (await Session.GetResourceGuardMappingAsync(id, ct).ConfigureAwait(false) is { } mapping)
            {
                Emit(new ResourceGuardMapping(mapping, id.ToString()));
            }
        });
    }
}
