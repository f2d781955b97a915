// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Engine.Hosting;

public sealed partial class RecoveryVaultSession
{
    /// <summary>
    /// Makes a vault credentials file in <paramref name="folder"/>: a new self-signed certificate valid for
    /// <paramref name="validity"/>, its public part uploaded to the vault (VaultCertificates_Create), and the file
    /// written with the AAD details of the answer and the certificate with its key. The key lives in this process
    /// only while the file is written.
    /// </summary>
    public async Task<VaultCredentialsResult> NewVaultCredentialsAsync(RecoveryVaultResourceId vaultId, string folder, TimeSpan validity, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(vaultId);
        var target = vaultId.ToString();
        var vault = await GetVaultAsync(vaultId.SubscriptionId, vaultId.ResourceGroupName!, vaultId.Name, ct).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        using var certificate = VaultCredentialsFile.NewCertificate(now, validity);
        var name = VaultCredentialsFile.CertificateName(vaultId.Name, vaultId.SubscriptionId, now);
        var upload = await Call(async () => (await _client.CreateVaultCertificateAsync(vaultId.SubscriptionId, vaultId.ResourceGroupName!, vaultId.Name,
            new VaultCertificateRequest(name, certificate.RawData), ct).ConfigureAwait(false)).Value, target).ConfigureAwait(false);
        var path = Path.Combine(Path.GetFullPath(folder), VaultCredentialsFile.FileName(vaultId.Name, now));
        VaultCredentialsFile.Write(path, certificate, vault, vaultId, upload);
        return new VaultCredentialsResult(path, target, name, certificate.Thumbprint, certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime());
    }
}
