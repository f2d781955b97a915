// Copyright (c) RecoveryVault contributors. MIT License.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Hosting;
using Xunit;

namespace RecoveryVault.Emulator.Tests;

/// <summary>
/// Registration with a vault credentials file (the RSBackupVaultAADCreds XML of Az's
/// Get-AzRecoveryServicesVaultSettingsFile -Backup): the file's certificate must be one uploaded to its vault with
/// VaultCertificates_Create (PUTVaultCred.json), the file must hold its key and the upload's AAD details, and the
/// certificate must be valid on the emulator's clock; otherwise the agent's "Invalid vault credentials provided"
/// (Microsoft Learn, backup-azure-mars-troubleshoot, ID 34513) or an expiry message, as 400.
/// </summary>
public sealed class VaultCredentialsTests(VaultCredentialsTests.Fixture fx) : IClassFixture<VaultCredentialsTests.Fixture>
{
    private const string Ns = "http://schemas.datacontract.org/2004/07/Microsoft.Azure.Portal.RecoveryServices.Models.Common";

    private async Task<(Arm Arm, string Vault, string Rg)> VaultAsync(string rg)
    {
        var arm = await Arm.ForOwnerAsync(fx.Server);
        await arm.CreateResourceGroupAsync(rg);
        Assert.Equal(201, (await arm.CreateVaultAsync(rg, "rsv")).Code);
        return (arm, arm.VaultPath(rg, "rsv"), rg);
    }

    private static X509Certificate2 NewCertificate(DateTimeOffset from, DateTimeOffset to)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Windows Azure Tools", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var made = request.CreateSelfSigned(from, to);
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    private static async Task<JsonNode> UploadAsync(Arm arm, string vault, string name, X509Certificate2 cert)
    {
        var put = await arm.SendAsync("PUT", vault + "/certificates/" + name + "?api-version=" + Arm.VaultApi, new JsonObject
        {
            ["properties"] = new JsonObject { ["authType"] = "AAD", ["certificate"] = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(cert.RawData))) },
        });
        Assert.Equal(200, put.Code);
        return put.Body!["properties"]!;
    }

    private static string File(string sub, string rg, X509Certificate2 cert, JsonNode upload, Action<Dictionary<string, string>>? change = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["Version"] = "2.0", ["SubscriptionId"] = sub, ["ResourceType"] = "Vaults", ["ResourceName"] = "rsv",
            ["ManagementCert"] = Convert.ToBase64String(cert.Export(X509ContentType.Pkcs12)),
            ["ResourceId"] = upload["resourceId"]!.ToString(), ["ResourceGroup"] = rg, ["Location"] = "westus", ["ProviderNamespace"] = "Microsoft.RecoveryServices",
            ["AadAuthority"] = upload["aadAuthority"]!.ToString(), ["AadTenantId"] = upload["aadTenantId"]!.ToString(),
            ["ServicePrincipalClientId"] = upload["servicePrincipalClientId"]!.ToString(), ["IdMgmtRestEndpoint"] = upload["azureManagementEndpointAudience"]!.ToString(),
            ["AgentLinks"] = string.Empty,
        };
        change?.Invoke(fields);
        var root = new System.Xml.Linq.XElement(System.Xml.Linq.XName.Get("RSBackupVaultAADCreds", Ns),
            fields.Select(f => new System.Xml.Linq.XElement(System.Xml.Linq.XName.Get(f.Key, Ns), f.Value)));
        return root.ToString();
    }

    private static string Sub(string vault) => vault.Split('/')[2];

    [Fact]
    public async Task AFileMadeFromAnUpload_RegistersMarsAndBackupServersToItsVault()
    {
        var (arm, vault, rg) = await VaultAsync("vc-ok");
        using var cert = NewCertificate(TestClock.Start.AddDays(-1), TestClock.Start.AddDays(2));
        var upload = await UploadAsync(arm, vault, "creds", cert);
        var text = File(Sub(vault), rg, cert, upload);

        var mars = await arm.AdminAsync("POST", "/_emulator/marsServers", new { vaultCredential = text, name = "fs01", items = new[] { "C:\\Data" } });
        Assert.Equal(201, mars.Code);
        Assert.StartsWith(vault + "/backupFabrics/Azure/protectionContainers/", mars.Body!["id"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);

        var mabs = await arm.AdminAsync("POST", "/_emulator/backupServers", new { vaultCredential = text, name = "mabs01", type = "AzureBackupServer" });
        Assert.Equal(201, mabs.Code);

        // vaultId may be given as well, but must be the file's vault.
        var (_, other, _) = await VaultAsync("vc-other");
        var mismatch = await arm.AdminAsync("POST", "/_emulator/marsServers", new { vaultCredential = text, vaultId = other, name = "fs02" });
        Assert.Equal(400, mismatch.Code);
    }

    [Fact]
    public async Task AlteredFiles_AreRefusedWithTheAgentsMessage()
    {
        var (arm, vault, rg) = await VaultAsync("vc-bad");
        using var cert = NewCertificate(TestClock.Start.AddDays(-1), TestClock.Start.AddDays(2));
        var upload = await UploadAsync(arm, vault, "creds", cert);
        using var stranger = NewCertificate(TestClock.Start.AddDays(-1), TestClock.Start.AddDays(2));

        async Task<string> Refused(string text)
        {
            var r = await arm.AdminAsync("POST", "/_emulator/marsServers", new { vaultCredential = text, name = "fsx" });
            Assert.Equal(400, r.Code);
            return r.Body!["error"]!["message"]!.GetValue<string>();
        }

        Assert.Contains("never uploaded", await Refused(File(Sub(vault), rg, stranger, upload)), StringComparison.Ordinal);
        Assert.Contains("ResourceId", await Refused(File(Sub(vault), rg, cert, upload, f => f["ResourceId"] = "42")), StringComparison.Ordinal);
        Assert.Contains("ServicePrincipalClientId", await Refused(File(Sub(vault), rg, cert, upload, f => f["ServicePrincipalClientId"] = Guid.NewGuid().ToString())), StringComparison.Ordinal);
        Assert.Contains("ID: 34513", await Refused(File(Sub(vault), rg, cert, upload, f => f["ManagementCert"] = Convert.ToBase64String(cert.RawData))), StringComparison.Ordinal);
        Assert.Contains("not XML", await Refused("<RSBackupVaultAADCreds"), StringComparison.Ordinal);
        Assert.Contains("does not exist", await Refused(File(Sub(vault), rg, cert, upload, f => f["ResourceName"] = "nope")), StringComparison.Ordinal);
        var containers = await arm.SendAsync("GET", vault + "/backupProtectionContainers?api-version=2023-06-01&$filter=backupManagementType%20eq%20%27MAB%27");
        Assert.Empty(containers.Body!["value"]!.AsArray());
    }

    [Fact]
    public async Task Validity_IsCheckedOnTheEmulatorsClock()
    {
        var (arm, vault, rg) = await VaultAsync("vc-time");
        // Valid today by the machine's clock, but expired on the emulator's (frozen at TestClock.Start).
        using var past = NewCertificate(TestClock.Start.AddDays(-3), TestClock.Start.AddDays(-1));
        var upload = await UploadAsync(arm, vault, "old", past);
        var r = await arm.AdminAsync("POST", "/_emulator/marsServers", new { vaultCredential = File(Sub(vault), rg, past, upload), name = "fs01" });
        Assert.Equal(400, r.Code);
        Assert.Contains("expired", r.Body!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        using var future = NewCertificate(TestClock.Start.AddDays(1), TestClock.Start.AddDays(3));
        var upload2 = await UploadAsync(arm, vault, "future", future);
        var early = await arm.AdminAsync("POST", "/_emulator/marsServers", new { vaultCredential = File(Sub(vault), rg, future, upload2), name = "fs01" });
        Assert.Equal(400, early.Code);
    }

    public sealed class Fixture : EmulatorFixture
    {
        protected override EmulatorOptions Options => new() { InMemory = true, Port = 0, LroDurationMs = 1, PageSize = 100, RetryAfterSeconds = 0, ClockRate = 0, ClockStart = TestClock.Start };
    }
}
