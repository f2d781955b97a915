// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Stops an emulator started by Start-RecoveryVaultEmulator (or all of this session's).</summary>
[Cmdlet(VerbsLifecycle.Stop, "RecoveryVaultEmulator", SupportsShouldProcess = true, DefaultParameterSetName = AllSet)]
[OutputType(typeof(void))]
public sealed class StopRecoveryVaultEmulatorCommand : RecoveryVaultCmdletBase
{
    private const string AllSet = "All";
    private const string InstanceSet = "Instance";

    /// <summary>The emulator to stop.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InstanceSet, ValueFromPipeline = true, Position = 0)]
    [ValidateNotNull]
    public EmulatorInstance? InputObject { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var ids = InputObject is not null ? [InputObject.ProcessId] : EmulatorProcesses.Running;
        foreach (var id in ids)
        {
            if (ShouldProcess($"process {id}", "Stop the RecoveryVault emulator") && !EmulatorProcesses.Stop(id))
            {
                WriteVerbose($"Emulator process {id} is not running.");
            }
        }
        if (InputObject is not null && ModuleState.For(CurrentRunspace)?.Endpoint.ToString().TrimEnd('/') == InputObject.Endpoint.TrimEnd('/'))
        {
            ModuleState.Disconnect(CurrentRunspace);
        }
    }
}
