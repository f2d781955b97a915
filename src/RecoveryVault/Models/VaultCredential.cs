// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Engine.Hosting;

namespace RecoveryVault.Models;

/// <summary>
/// A vault credentials file written by Get-RecoveryVaultCredential: where it is and what it is good for. The
/// certificate's private key is in the file only, never in this object.
/// </summary>
public sealed class VaultCredentialFile
{
    internal VaultCredentialFile(VaultCredentialsResult result, string kind)
    {
        Path = result.Path;
        Name = System.IO.Path.GetFileName(result.Path);
        VaultId = result.VaultId;
        Vault = Engine.RecoveryVaultResourceId.Parse(result.VaultId).Name;
        Kind = kind;
        CertificateName = result.CertificateName;
        Thumbprint = result.Thumbprint;
        ValidFrom = result.ValidFrom;
        ValidTo = result.ValidTo;
    }

    /// <summary>Full path of the file (pass to the agent's or backup server's registration wizard).</summary>
    public string Path { get; }

    /// <summary>File name.</summary>
    public string Name { get; }

    /// <summary>Vault name.</summary>
    public string Vault { get; }

    /// <summary>Vault resource id.</summary>
    public string VaultId { get; }

    /// <summary>MarsServer or BackupServer: what the file was made for (the file's format is the same for both).</summary>
    public string Kind { get; }

    /// <summary>Name of the certificate resource uploaded to the vault.</summary>
    public string CertificateName { get; }

    /// <summary>SHA-1 thumbprint of the certificate.</summary>
    public string Thumbprint { get; }

    /// <summary>Start of validity.</summary>
    public DateTimeOffset ValidFrom { get; }

    /// <summary>The file registers no server after this time.</summary>
    public DateTimeOffset ValidTo { get; }

    /// <inheritdoc />
    public override string ToString() => Path;
}
