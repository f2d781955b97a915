// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Engine.Hosting;

/// <summary>What Get-RecoveryVaultCredential wrote: never the key, only where it is and what it is good for.</summary>
/// <param name="Path">The file.</param>
/// <param name="VaultId">The vault it registers servers to.</param>
/// <param name="CertificateName">The certificate resource uploaded to the vault.</param>
/// <param name="Thumbprint">The certificate's SHA-1 thumbprint.</param>
/// <param name="ValidFrom">Start of the certificate's validity.</param>
/// <param name="ValidTo">End of the certificate's validity: the file registers no server after it.</param>
public sealed record VaultCredentialsResult(string Path, string VaultId, string CertificateName, string Thumbprint, DateTimeOffset ValidFrom, DateTimeOffset ValidTo);

/// <summary>
/// The .VaultCredentials file the MARS agent and Azure Backup Server / DPM register with, in the format Az's
/// Get-AzRecoveryServicesVaultSettingsFile -Backup writes (azure-powershell, RecoveryServices
/// GetAzureRMRecoveryServicesVaultSettingsFile.cs and RSBackupVaultAADCreds): a DataContract XML document
/// RSBackupVaultAADCreds in namespace Microsoft.Azure.Portal.RecoveryServices.Models.Common, version 2.0, carrying the
/// AAD details of the certificate upload and the certificate with its private key as base64 PFX (no password).
/// </summary>
public static class VaultCredentialsFile
{
    /// <summary>The DataContract namespace DPM's console looks for (Az rewrites its own namespace into this one).</summary>
    public const string XmlNamespace = "http://schemas.datacontract.org/2004/07/Microsoft.Azure.Portal.RecoveryServices.Models.Common";

    /// <summary>Az's agent links, written as Az writes them.</summary>
    private const string AgentLinks = "WABUpdateKBLink,http://go.microsoft.com/fwlink/p/?LinkId=229525;" +
        "StorageQuotaPurchaseLink,http://go.microsoft.com/fwlink/?LinkId=205490;" +
        "WebPortalLink,http://go.microsoft.com/fwlink/?LinkId=817353;" +
        "WABprivacyStatement,http://go.microsoft.com/fwlink/?LinkId=221308";

    /// <summary>
    /// A new self-signed certificate as Microsoft's documented Az recipe makes it (backup-client-automation:
    /// subject "Windows Azure Tools", valid from a day back, client-authentication EKU, exportable key), RSA 2048.
    /// </summary>
    public static X509Certificate2 NewCertificate(DateTimeOffset now, TimeSpan validity)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Windows Azure Tools", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var notBefore = now.AddDays(-1);
        return request.CreateSelfSigned(notBefore, now + validity);
    }

    /// <summary>Az's certificate resource name: {vault}{subscription}-{M-d-yyyy}-vaultcredentials.</summary>
    public static string CertificateName(string vaultName, string subscriptionId, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{vaultName}{subscriptionId}-{now:M-d-yyyy}-vaultcredentials");

    /// <summary>Az's file name: {vault}_{ddd MMM dd yyyy}.VaultCredentials (UTC date).</summary>
    public static string FileName(string vaultName, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{vaultName}_{now.UtcDateTime:ddd MMM dd yyyy}.VaultCredentials");

    /// <summary>
    /// Writes the file readable and writable by its owner only: a new file is created with that mode (0600 on Unix,
    /// an ACL with the current user alone on Windows) before a byte is written, then moved over the final name, so
    /// no reader ever sees a file with the key and wider rights. The key goes from the PFX bytes straight into the
    /// file as base64; the bytes are zeroed afterwards.
    /// </summary>
    public static void Write(string path, X509Certificate2 certificate, VaultData vault, RecoveryVaultResourceId vaultId, VaultCertificateData upload)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        var temp = System.IO.Path.Combine(folder, "." + Guid.NewGuid().ToString("N") + ".VaultCredentials.tmp");
        var pfx = certificate.Export(X509ContentType.Pkcs12);
        try
        {
            using (var stream = CreateOwnerOnly(temp))
            using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, NewLineOnAttributes = true }))
            {
                // Declarations in DataContractSerializer's order: the default namespace, then xmlns:i.
                writer.WriteStartElement("RSBackupVaultAADCreds", XmlNamespace);
                writer.WriteAttributeString("xmlns", XmlNamespace);
                writer.WriteAttributeString("xmlns", "i", null, "http://www.w3.org/2001/XMLSchema-instance");
                writer.WriteElementString("Version", XmlNamespace, "2.0");
                writer.WriteElementString("SubscriptionId", XmlNamespace, vaultId.SubscriptionId);
                writer.WriteElementString("ResourceType", XmlNamespace, "Vaults");
                writer.WriteElementString("ResourceName", XmlNamespace, vaultId.Name);
                writer.WriteStartElement("ManagementCert", XmlNamespace);
                writer.WriteBase64(pfx, 0, pfx.Length);
                writer.WriteEndElement();
                writer.WriteElementString("ResourceId", XmlNamespace, (upload.ResourceId ?? 0).ToString(CultureInfo.InvariantCulture));
                writer.WriteElementString("ResourceGroup", XmlNamespace, vaultId.ResourceGroupName!);
                writer.WriteElementString("Location", XmlNamespace, vault.Location ?? string.Empty);
                writer.WriteElementString("ProviderNamespace", XmlNamespace, "Microsoft.RecoveryServices");
                writer.WriteElementString("AadAuthority", XmlNamespace, upload.AadAuthority ?? string.Empty);
                writer.WriteElementString("AadTenantId", XmlNamespace, upload.AadTenantId ?? string.Empty);
                writer.WriteElementString("ServicePrincipalClientId", XmlNamespace, upload.ServicePrincipalClientId ?? string.Empty);
                writer.WriteElementString("IdMgmtRestEndpoint", XmlNamespace, upload.AzureManagementEndpointAudience ?? string.Empty);
                writer.WriteElementString("AgentLinks", XmlNamespace, AgentLinks);
                writer.WriteEndElement();
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pfx);
        }
    }

    private static FileStream CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            var me = System.Security.Principal.WindowsIdentity.GetCurrent().User!;
            var security = new System.Security.AccessControl.FileSecurity();
            security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
            security.SetOwner(me);
            security.AddAccessRule(new System.Security.AccessControl.FileSystemAccessRule(me, System.Security.AccessControl.FileSystemRights.FullControl,
                System.Security.AccessControl.AccessControlType.Allow));
            return FileSystemAclExtensions.Create(new FileInfo(path), FileMode.CreateNew, System.Security.AccessControl.FileSystemRights.Write | System.Security.AccessControl.FileSystemRights.ReadData,
                FileShare.None, 4096, FileOptions.None, security);
        }
        return new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
    }
}
