// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Writes a vault credentials file that the MARS agent or Azure Backup Server / DPM registers with, as Azure does it:
/// a new self-signed certificate, its public part uploaded to the vault, the file carrying the AAD details and the
/// certificate with its key, readable by its owner only.
/// </summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultCredential", DefaultParameterSetName = ByNameSet, SupportsShouldProcess = true)]
[OutputType(typeof(VaultCredentialFile))]
public sealed class GetRecoveryVaultCredentialCommand : VaultTargetCmdletBase
{
    /// <summary>Existing folder the file is written to (default: the current location).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = ".";

    /// <summary>MarsServer (the MARS agent) or BackupServer (Azure Backup Server, DPM).</summary>
    [Parameter]
    [ValidateSet("MarsServer", "BackupServer")]
    public string Kind { get; set; } = "MarsServer";

    /// <summary>Days the file can register servers (2 to 10; Az's file is good for 2, the portal's for 10).</summary>
    [Parameter]
    [ValidateRange(2, 10)]
    public int ValidityDays { get; set; } = 2;

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var vault = ResolveVaultId();
        if (vault is null)
        {
            return;
        }
        string folder;
        try
        {
            folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path, out var provider, out _);
            if (provider.Name != "FileSystem" || !Directory.Exists(folder))
            {
                WriteError(InputError($"-Path '{Path}' is not an existing folder of the file system.", ErrorIds.FolderNotFound, Path));
                return;
            }
        }
        catch (Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or ArgumentException)
        {
            WriteError(InputError($"-Path '{Path}' cannot be used: {ex.Message}", ErrorIds.FolderNotFound, Path));
            return;
        }
        if (!ShouldProcess(vault.ToString(), $"Upload a new {ValidityDays}-day certificate and write a {Kind} vault credentials file to '{folder}'"))
        {
            return;
        }
        var kind = Kind;
        var validity = TimeSpan.FromDays(ValidityDays);
        Run(async ct =>
        {
            try
            {
                var result = await Session.NewVaultCredentialsAsync(vault, folder, validity, ct).ConfigureAwait(false);
                EmitVerbose($"Certificate {result.CertificateName} ({result.Thumbprint}) uploaded; file written to {result.Path}, readable by its owner only.");
                Emit(new VaultCredentialFile(result, kind));
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, vault.ToString(), ErrorIds.VaultNotFound);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                EmitError(new ErrorRecord(new IOException($"The vault credentials file could not be written to '{folder}': {ex.Message}", ex), ErrorIds.FolderNotFound,
                    ErrorCategory.WriteError, folder));
            }
        });
    }
}
