// Copyright (c) RecoveryVault contributors. MIT License.
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Engine.Models;
using Xunit;

namespace RecoveryVault.Engine.Tests;

/// <summary>
/// The vault credentials file and the certificate upload, against Az's Get-AzRecoveryServicesVaultSettingsFile
/// (azure-powershell RecoveryServices: RSBackupVaultAADCreds DataContract, Version 2.0, ManagementCert as PFX) and the
/// vaults spec example PUTVaultCred.json (certificate as base64 of the base64 text, authType AAD).
/// </summary>
public class VaultCredentialsFileTests
{
    [Fact]
    public void UploadBody_IsTheBase64OfTheBase64Text_AsAzSendsIt()
    {
        var der = new byte[] { 0x30, 0x82, 0x01, 0x02 };
        var body = new VaultCertificateRequest("v-creds", der).ToJson();
        Assert.Equal("AAD", body["properties"]!["authType"]!.GetValue<string>());
        var outer = Convert.FromBase64String(body["properties"]!["certificate"]!.GetValue<string>());
        Assert.Equal(der, Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(outer)));
    }

    [Fact]
    public void File_IsRSBackupVaultAADCreds_InDataContractOrder_WithTheKey_AndOwnerOnly()
    {
        var now = DateTimeOffset.UtcNow;
        using var cert = VaultCredentialsFile.NewCertificate(now, TimeSpan.FromDays(2));
        Assert.Equal("CN=Windows Azure Tools", cert.Subject);
        Assert.Contains(cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.2");
        var vaultId = RecoveryVaultResourceId.ForVault("00000000-0000-0000-0000-000000000001", "rg", "v1");
        var vault = new VaultData(new JsonObject { ["id"] = vaultId.ToString(), ["name"] = "v1", ["location"] = "westeurope" });
        var upload = new VaultCertificateData(new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["resourceId"] = 1234567890123L, ["aadAuthority"] = "https://login.microsoftonline.com", ["aadTenantId"] = "t", ["servicePrincipalClientId"] = "c",
                ["azureManagementEndpointAudience"] = "https://ppe1-id1.wus.wabppe.obs-df.com/restapi/",
            },
        });
        var folder = Directory.CreateTempSubdirectory("rv-creds-");
        try
        {
            var path = Path.Combine(folder.FullName, VaultCredentialsFile.FileName("v1", now));
            File.WriteAllText(path, "an older file with wider rights");
            VaultCredentialsFile.Write(path, cert, vault, vaultId, upload);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
            Assert.Single(Directory.GetFiles(folder.FullName));

            var root = XDocument.Load(path).Root!;
            Assert.Equal(XName.Get("RSBackupVaultAADCreds", VaultCredentialsFile.XmlNamespace), root.Name);
            Assert.Equal(
                ["Version", "SubscriptionId", "ResourceType", "ResourceName", "ManagementCert", "ResourceId", "ResourceGroup", "Location", "ProviderNamespace",
                    "AadAuthority", "AadTenantId", "ServicePrincipalClientId", "IdMgmtRestEndpoint", "AgentLinks"],
                root.Elements().Select(e => e.Name.LocalName));
            string F(string n) => root.Element(XName.Get(n, VaultCredentialsFile.XmlNamespace))!.Value;
            Assert.Equal("2.0", F("Version"));
            Assert.Equal("Vaults", F("ResourceType"));
            Assert.Equal("1234567890123", F("ResourceId"));
            Assert.Equal("https://ppe1-id1.wus.wabppe.obs-df.com/restapi/", F("IdMgmtRestEndpoint"));
            using var back = X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(F("ManagementCert")), null);
            Assert.True(back.HasPrivateKey);
            Assert.Equal(cert.Thumbprint, back.Thumbprint);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
