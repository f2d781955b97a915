// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Shows the current connection (nothing when not connected).</summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultContext")]
[OutputType(typeof(ConnectionContext))]
public sealed class GetRecoveryVaultContextCommand : RecoveryVaultCmdletBase
{
    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (ModuleState.For(CurrentRunspace) is { } s)
        {
            WriteObject(new ConnectionContext(s, ModuleState.IsProcessWide(CurrentRunspace) ? "Process" : "Runspace"));
        }
    }
}
