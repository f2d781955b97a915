// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>
/// What a MARS agent or Azure Backup Server checks when it registers with a vault credentials file (the
/// RSBackupVaultAADCreds XML that Az's Get-AzRecoveryServicesVaultSettingsFile -Backup and the portal write): the vault
/// it names, its certificate was uploaded to that vault (VaultCertificates_Create), the file holds that certificate's
/// private key, its AAD details are the upload's, and the certificate is inside its validity window. A file that
/// fails gets the agent's message (Microsoft Learn, backup-azure-mars-troubleshoot, "Invalid vault credentials
/// provided", ID 34513) with the reason.
/// </summary>
internal static class VaultCredentials
{
    /// <summary>Store kind of an uploaded vault certificate (written by the certificates handler).</summary>
    public const string CertificateKind = "vaultCertificate";

    private const string Invalid = "Invalid vault credentials provided. The file is either corrupted or does not have the latest credentials associated with recovery service (ID: 34513)";

    /// <summary>The id of the vault the file registers with, once every check passed; ArgumentException (400) otherwise.</summary>
    public static string Check(IStoreSession s, string text, DateTimeOffset now)
    {
        XElement root;
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            root = XDocument.Load(reader).Root ?? throw new XmlException("empty");
        }
        catch (XmlException)
        {
            throw new ArgumentException($"{Invalid}: the file is not XML.");
        }

        string? Field(string name) => root.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value.Trim();
        if (root.Name.LocalName != "RSBackupVaultAADCreds" || Field("Version") != "2.0")
        {
            throw new ArgumentException($"{Invalid}: it is not a version 2.0 Recovery Services backup vault credentials file (RSBackupVaultAADCreds).");
        }

        var (sub, group, name) = (Field("SubscriptionId"), Field("ResourceGroup"), Field("ResourceName"));
        if (string.IsNullOrEmpty(sub) || string.IsNullOrEmpty(group) || string.IsNullOrEmpty(name))
        {
            throw new ArgumentException($"{Invalid}: SubscriptionId, ResourceGroup and ResourceName are required.");
        }

        var vault = VaultModel.Load(s, VaultModel.IdOf(sub, group, name), DateTimeOffset.UtcNow)
            ?? throw new ArgumentException($"{Invalid}: vault '{name}' of resource group '{group}' in subscription '{sub}' does not exist.");

        using var certificate = LoadPfx(Field("ManagementCert"));
        var upload = s.ListByKind(CertificateKind, vault.Id + "/certificates/")
            .Select(d => JsonNode.Parse(d.Body)?["properties"] as JsonObject)
            .FirstOrDefault(p => string.Equals(Json.Str(p, "thumbprint"), certificate.Thumbprint, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"{Invalid}: its certificate ({certificate.Thumbprint}) was never uploaded to vault '{name}'; the file was altered or made for another vault.");

        using (var uploaded = DecodeUploaded(Json.Str(upload, "certificate")))
        {
            if (uploaded is null || !uploaded.RawData.AsSpan().SequenceEqual(certificate.RawData) || !HoldsKeyOf(certificate, uploaded))
            {
                throw new ArgumentException($"{Invalid}: its certificate or private key does not match the certificate uploaded to vault '{name}'; the file was altered.");
            }
        }

        foreach (var (field, property) in new[] { ("ResourceId", "resourceId"), ("AadTenantId", "aadTenantId"), ("ServicePrincipalClientId", "servicePrincipalClientId") })
        {
            if (!string.Equals(Field(field), upload[property]?.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"{Invalid}: its {field} is not the one vault '{name}' issued with the certificate; the file was altered.");
            }
        }

        var (from, to) = (new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
        if (now > to)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The vault credentials file expired on {to:yyyy-MM-dd'T'HH:mm:ss'Z'} (now {now.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}); download a new one from vault '{name}'."));
        }

        if (now < from)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The vault credentials file is not valid before {from:yyyy-MM-dd'T'HH:mm:ss'Z'} (now {now.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'})."));
        }

        return vault.Id;
    }

    private static X509Certificate2 LoadPfx(string? base64)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(base64 ?? string.Empty), null, X509KeyStorageFlags.EphemeralKeySet);
            if (!certificate.HasPrivateKey)
            {
                certificate.Dispose();
                throw new ArgumentException($"{Invalid}: ManagementCert carries no private key.");
            }

            return certificate;
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            throw new ArgumentException($"{Invalid}: ManagementCert is not a readable PKCS#12 certificate; the file was altered.");
        }
    }

    /// <summary>
    /// An uploaded vault certificate as VaultCertificates_Create carries it: base64 of the base64 text of DER (as the
    /// official example and Az send it) or base64 of DER; null when neither is a certificate.
    /// </summary>
    internal static X509Certificate2? DecodeUploaded(string? encoded)
    {
        try
        {
            var bytes = Convert.FromBase64String(encoded ?? string.Empty);
            if (bytes.Length > 0 && bytes[0] != 0x30)
            {
                bytes = Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(bytes));
            }

            return X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Proof of possession: a signature by the file's key verifies with the uploaded public key.</summary>
    private static bool HoldsKeyOf(X509Certificate2 file, X509Certificate2 uploaded)
    {
        using var key = file.GetRSAPrivateKey();
        using var pub = uploaded.GetRSAPublicKey();
        if (key is null || pub is null)
        {
            return false;
        }

        var challenge = RandomNumberGenerator.GetBytes(32);
        var signature = key.SignData(challenge, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return pub.VerifyData(challenge, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
