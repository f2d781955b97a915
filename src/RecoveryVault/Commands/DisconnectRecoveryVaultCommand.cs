// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Internal;

namespace RecoveryVault.Commands;

/// <summary>Forgets the current connection.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "RecoveryVault")]
[OutputType(typeof(void))]
public sealed class DisconnectRecoveryVaultCommand : RecoveryVaultCmdletBase
{
    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (ModuleState.Session is null)
        {
            WriteVerbose("Not connected; nothing to do.");
        }
        ModuleState.Session = null;
    }
}
