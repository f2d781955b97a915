// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Generates a security PIN for the vault's hybrid critical operations (POST backupSecurityPIN). Azure Backup "security
/// features for hybrid backups": the MARS agent, Azure Backup Server and DPM ask for it before stop protection with
/// delete data and change passphrase; it is valid for five minutes and a new one replaces the last.
/// </summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultSecurityPin")]
[OutputType(typeof(VaultSecurityPin))]
public sealed class GetRecoveryVaultSecurityPinCommand : VaultScopedCmdletBase
{
    /// <summary>For a vault protected by a resource guard: an access token for the guard's tenant (Az's -Token). Without it the token is acquired from the connection.</summary>
    [Parameter]
    public System.Security.SecureString? ResourceGuardToken { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        RunOnVault(async (vault, ct) =>
        {
            // Getting the PIN is a critical operation under a resource guard (MUA: getBackupSecurityPINRequests).
            var pin = await Session.RunCriticalAsync(vault, ResourceGuardSupport.Plain(ResourceGuardToken), null, null,
                () => Session.GetSecurityPinAsync(vault, ct), ct).ConfigureAwait(false);
            // The PIN goes to the pipeline only: verbose and debug streams end up in transcripts and runbook logs.
            EmitVerbose($"Security PIN generated for vault '{vault.Name}', valid until {pin.ExpiresOn:u}.");
            Emit(new VaultSecurityPin(vault.ToString(), pin));
        });
    }
}
