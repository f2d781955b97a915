// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Internal;

namespace RecoveryVault.Commands;

/// <summary>Forgets this runspace's connection (and the process-wide one when that is what this runspace was using).</summary>
[Cmdlet(VerbsCommunications.Disconnect, "RecoveryVault")]
[OutputType(typeof(void))]
public sealed class DisconnectRecoveryVaultCommand : RecoveryVaultCmdletBase
{
    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (ModuleState.For(CurrentRunspace) is null)
        {
            WriteVerbose("Not connected; nothing to do.");
        }
        ModuleState.Disconnect(CurrentRunspace);
    }
}
