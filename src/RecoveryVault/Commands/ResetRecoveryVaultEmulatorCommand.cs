// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;

namespace RecoveryVault.Commands;

/// <summary>Puts the connected emulator back to its fixed seed (one subscription, the owner principal, nothing else).</summary>
[Cmdlet(VerbsCommon.Reset, "RecoveryVaultEmulator", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class ResetRecoveryVaultEmulatorCommand : RecoveryVaultCmdletBase
{
    /// <summary>Do not ask for confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        RequireSession();
        var session = Session;
        if (session.Request.Kind != AuthKind.Emulator)
        {
            ThrowTerminatingError(new ErrorRecord(new PSInvalidOperationException("Reset-RecoveryVaultEmulator works only when connected to the emulator."),
                ErrorIds.InvalidParameterCombination, ErrorCategory.InvalidOperation, session.Endpoint.ToString()));
        }
        // -Force skips the prompt, never -WhatIf.
        if (!(Force && !IsWhatIf) && !ShouldProcess(session.Endpoint.ToString(), "Erase all emulator state"))
        {
            return;
        }
        Run(async ct =>
        {
            using var admin = new EmulatorAdmin(session.Endpoint, session.Request.Thumbprint, session.Client.ServiceClock);
            try
            {
                await admin.SendAsync(HttpMethod.Post, "/_emulator/reset", null, ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitError(new ErrorRecord(new InvalidOperationException($"The emulator refused the reset: {ex.Message}"), ErrorIds.EmulatorRequestFailed,
                    ErrorIds.CategoryFor(ex.Status), session.Endpoint.ToString()));
            }
        });
    }
}
