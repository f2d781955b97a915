// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Tests;

/// <summary>
/// Issue 9, "every operation answered": backupStatus, backupUsageSummaries, backupSecurityPIN, backupEngines and
/// registeredIdentities, beyond the shape replay of their official examples: what they answer must follow the vault's state.
/// </summary>
public sealed class BackupStatusAndServersTests(BackupStatusAndServersTests.Fixture fx) : IClassFixture<BackupStatusAndServersTests.Fixture>
{
    private const string Api = "?api-version=2023-06-01";

    private async Task<(Arm Arm, string Vault)> VaultAsync(string rg)
    {
        var arm = await Arm.ForOwnerAsync(fx.Server);
        await arm.CreateResourceGroupAsync(rg);
        Assert.Equal(201, (await arm.CreateVaultAsync(rg, "rsv")).Code);
        return (arm, arm.VaultPath(rg, "rsv"));
    }

    private async Task<string> ProtectedVmAsync(Arm arm, string vault, string rg, string vm)
    {
        var seeded = await arm.AdminAsync("POST", "/_emulator/virtualMachines", new { resourceGroup = rg, name = vm, location = "westus", osType = "Linux", disks = Array.Empty<object>() });
        Assert.Equal(201, seeded.Code);
        await arm.RefreshContainersAsync(vault);
        var item = $"{vault}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;{rg};{vm}/protectedItems/VM;iaasvmcontainerv2;{rg};{vm}";
        var put = await arm.SendAsync("PUT", item + Api, new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["protectedItemType"] = "Microsoft.Compute/virtualMachines",
                ["sourceResourceId"] = seeded.Body!["id"]!.GetValue<string>(),
                ["policyId"] = vault + "/backupPolicies/DefaultPolicy",
            },
        });
        Assert.True(put.Code is 200 or 202, $"{put.Code} {put.Body}");
        return seeded.Body!["id"]!.GetValue<string>();
    }

    private Task<Reply> StatusAsync(Arm arm, string region, object body) =>
        arm.SendAsync("POST", $"/subscriptions/{fx.Server.SubscriptionId}/providers/Microsoft.RecoveryServices/locations/{region}/backupStatus{Api}", body);

    /// <summary>Source: AzureIaasVm/GetBackupStatus.json (the protected answer names vault, container, item and policy) and BackupStatusResponse's enum.</summary>
    [Fact]
    public async Task BackupStatus_NamesTheVault_OnlyForProtectedSources()
    {
        var (arm, vault) = await VaultAsync("bs-rg");
        var vmId = await ProtectedVmAsync(arm, vault, "bs-rg", "web01");

        var yes = await StatusAsync(arm, "westus", new { resourceType = "VM", resourceId = vmId.ToUpperInvariant().Replace("/SUBSCRIPTIONS/", "/subscriptions/", StringComparison.Ordinal) });
        Assert.Equal(200, yes.Code);
        Assert.Equal("Protected", yes.Body!["protectionStatus"]!.GetValue<string>());
        Assert.Equal(vault, yes.Body!["vaultId"]!.GetValue<string>(), ignoreCase: true);
        Assert.Equal("DefaultPolicy", yes.Body!["policyName"]!.GetValue<string>());
        Assert.Equal("VM;iaasvmcontainerv2;bs-rg;web01", yes.Body!["protectedItemName"]!.GetValue<string>(), ignoreCase: true);

        var other = await StatusAsync(arm, "westus", new { resourceType = "VM", resourceId = vmId.Replace("web01", "web02", StringComparison.Ordinal) });
        Assert.Equal("NotProtected", other.Body!["protectionStatus"]!.GetValue<string>());
        Assert.Null(other.Body!["vaultId"]);

        // The lookup is per region: the VM's region, where its vault must be.
        Assert.Equal("NotProtected", (await StatusAsync(arm, "eastus", new { resourceType = "VM", resourceId = vmId })).Body!["protectionStatus"]!.GetValue<string>());

        var bad = await StatusAsync(arm, "westus", new { resourceType = "VM", resourceId = "web01" });
        Assert.Equal(400, bad.Code);
        Assert.Equal("BMSUserErrorInvalidInput", bad.ErrorCode);
    }

    /// <summary>Source: Common/BackupProtectedItem_UsageSummary_Get.json and …Containers_UsageSummary_Get.json (counts per management type, limit -1).</summary>
    [Fact]
    public async Task UsageSummaries_CountItemsAndRegisteredServers()
    {
        var (arm, vault) = await VaultAsync("us-rg");
        await ProtectedVmAsync(arm, vault, "us-rg", "vm1");
        await ProtectedVmAsync(arm, vault, "us-rg", "vm2");
        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/marsServers", new { vaultId = vault, name = "fs01", items = new[] { "C:\\a", "D:\\b", "E:\\c" } })).Code);

        var items = await arm.SendAsync("GET", vault + "/backupUsageSummaries" + Api + "&$filter=" + Uri.EscapeDataString("type eq 'BackupProtectedItemCountSummary'"));
        Assert.Equal(200, items.Code);
        var counts = items.Body!["value"]!.AsArray().ToDictionary(u => u!["name"]!["value"]!.GetValue<string>(), u => u!["currentValue"]!.GetValue<long>());
        Assert.Equal(new Dictionary<string, long> { ["AzureIaasVM"] = 2, ["MAB"] = 3 }, counts);
        Assert.All(items.Body!["value"]!.AsArray(), u => Assert.Equal(-1, u!["limit"]!.GetValue<long>()));

        var containers = await arm.SendAsync("GET", vault + "/backupUsageSummaries" + Api + "&$filter=" + Uri.EscapeDataString("type eq 'BackupProtectionContainerCountSummary'"));
        var c = containers.Body!["value"]!.AsArray().Single();
        Assert.Equal("MAB", c!["name"]!["value"]!.GetValue<string>());
        Assert.Equal(1, c["currentValue"]!.GetValue<long>());

        var wrong = await arm.SendAsync("GET", vault + "/backupUsageSummaries" + Api + "&$filter=" + Uri.EscapeDataString("type eq 'Storage'"));
        Assert.Equal(400, wrong.Code);
    }

    /// <summary>Source: Common/BackupSecurityPin_Get.json (token = securityPIN, expiry in UTC ticks) and the hybrid security docs (valid 5 minutes).</summary>
    [Fact]
    public async Task SecurityPin_IsNewEachTime_AndExpiresInFiveMinutes()
    {
        var (arm, vault) = await VaultAsync("pin-rg");
        var before = DateTimeOffset.UtcNow;
        var a = await arm.SendAsync("POST", vault + "/backupSecurityPIN" + Api);
        Assert.Equal(200, a.Code);
        var pin = a.Body!["securityPIN"]!.GetValue<string>();
        Assert.Matches("^[0-9]{6}$", pin);
        Assert.Equal(pin, a.Body!["token"]!.GetValue<string>());
        var expiry = new DateTimeOffset(a.Body!["expiryTimeInUtcTicks"]!.GetValue<long>(), TimeSpan.Zero);
        Assert.InRange(expiry, before.AddMinutes(5).AddSeconds(-5), DateTimeOffset.UtcNow.AddMinutes(5).AddSeconds(5));
    }

    /// <summary>
    /// Source: Dpm/BackupEngines_List.json / _Get.json; Azure refuses to delete a vault with registered servers
    /// (ServiceResourceNotEmpty); RegisteredIdentities_Delete (vaults spec) unregisters one, 204.
    /// </summary>
    [Fact]
    public async Task BackupServer_IsListed_BlocksVaultDelete_UntilUnregistered()
    {
        var (arm, vault) = await VaultAsync("mabs-rg");
        var seeded = await arm.AdminAsync("POST", "/_emulator/backupServers", new
        {
            vaultId = vault, name = "mabs01.contoso.com", type = "AzureBackupServer",
            servers = new[] { new { name = "sql01.contoso.com", items = new[] { new { name = "sql01\\db1", workloadType = "SQLDB" }, new { name = "sql01\\db2", workloadType = "SQLDB" } } } },
        });
        Assert.Equal(201, seeded.Code);

        var engines = await arm.SendAsync("GET", vault + "/backupEngines" + Api);
        var engine = engines.Body!["value"]!.AsArray().Single()!;
        Assert.Equal("AzureBackupServerEngine", engine["properties"]!["backupEngineType"]!.GetValue<string>());
        Assert.Equal(2, engine["properties"]!["extendedInfo"]!["protectedItemsCount"]!.GetValue<int>());
        Assert.Empty((await arm.SendAsync("GET", vault + "/backupEngines" + Api + "&$filter=" + Uri.EscapeDataString("backupManagementType eq 'DPM'"))).Body!["value"]!.AsArray());
        Assert.Equal(404, (await arm.SendAsync("GET", vault + "/backupEngines/nosuch" + Api)).Code);

        var items = await arm.SendAsync("GET", vault + "/backupProtectedItems" + Api + "&$filter=" + Uri.EscapeDataString("backupManagementType eq 'AzureBackupServer'"));
        Assert.Equal(2, items.Body!["value"]!.AsArray().Count);
        Assert.All(items.Body!["value"]!.AsArray(), i => Assert.Equal("DPMProtectedItem", i!["properties"]!["protectedItemType"]!.GetValue<string>()));

        var delete = await arm.SendAsync("DELETE", vault + "?api-version=" + Arm.VaultApi);
        Assert.Equal(409, delete.Code);
        Assert.Equal("ServiceResourceNotEmpty", delete.ErrorCode);

        Assert.Equal(204, (await arm.SendAsync("DELETE", vault + "/registeredIdentities/mabs01.contoso.com?api-version=" + Arm.VaultApi)).Code);
        Assert.Empty((await arm.SendAsync("GET", vault + "/backupEngines" + Api)).Body!["value"]!.AsArray());
        var gone = await arm.SendAsync("DELETE", vault + "?api-version=" + Arm.VaultApi);
        Assert.True(gone.Code is 200 or 202 or 204, $"{gone.Code} {gone.Body}");
    }

    /// <summary>
    /// Issue 14: item names carry resource group and VM name but no subscription, so a same-named VM of another
    /// subscription must not take over the local VM's item (and its policy).
    /// </summary>
    [Fact]
    public async Task SameNamedVm_OfAnotherSubscription_CannotTakeOverTheItem()
    {
        var (arm, vault) = await VaultAsync("xs-rg");
        var vmId = await ProtectedVmAsync(arm, vault, "xs-rg", "app01");
        var foreign = vmId.Replace(fx.Server.SubscriptionId, "11111111-2222-3333-4444-555555555555", StringComparison.OrdinalIgnoreCase);
        var item = $"{vault}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;xs-rg;app01/protectedItems/VM;iaasvmcontainerv2;xs-rg;app01";
        var put = await arm.SendAsync("PUT", item + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["protectedItemType"] = "Microsoft.Compute/virtualMachines", ["sourceResourceId"] = foreign, ["policyId"] = vault + "/backupPolicies/EnhancedPolicy" },
        });
        Assert.Equal(400, put.Code);
        Assert.Equal("BMSUserErrorInvalidInput", put.ErrorCode);
        var got = await arm.SendAsync("GET", item + Api);
        Assert.Equal(vmId, got.Body!["properties"]!["sourceResourceId"]!.GetValue<string>(), ignoreCase: true);
        Assert.EndsWith("/DefaultPolicy", got.Body!["properties"]!["policyId"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Source: Common/TriggerExportJobs.json (202 + Location) and Common/ExportJobsOperationResult.json (blobUrl + blobSasKey);
    /// the blob holds the jobs the export's $filter selected and is readable with its SAS key only.
    /// </summary>
    [Fact]
    public async Task JobsExport_WritesTheFilteredJobsToADownloadableBlob()
    {
        var (arm, vault) = await VaultAsync("exp-rg");
        await ProtectedVmAsync(arm, vault, "exp-rg", "vm1");
        var filter = "&$filter=" + Uri.EscapeDataString("operation eq 'ConfigureBackup'");
        var accepted = await arm.SendAsync("POST", vault + "/backupJobsExport" + Api + filter);
        Assert.Equal(202, accepted.Code);
        Reply result;
        do
        {
            result = await arm.SendAsync("GET", accepted.Header("Location")!);
        }
        while (result.Code == 202);

        Assert.Equal(200, result.Code);
        var info = result.Body!["operation"]!;
        Assert.Equal("ExportJobsOperationResultInfo", info["objectType"]!.GetValue<string>());
        var blobUrl = info["blobUrl"]!.GetValue<string>();
        var blob = await arm.Http.GetAsync(blobUrl + info["blobSasKey"]!.GetValue<string>());
        Assert.Equal(System.Net.HttpStatusCode.OK, blob.StatusCode);
        var jobs = JsonNode.Parse(await blob.Content.ReadAsStringAsync())!.AsArray();
        Assert.Single(jobs);
        Assert.Equal("ConfigureBackup", jobs[0]!["properties"]!["operation"]!.GetValue<string>());
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await arm.Http.GetAsync(blobUrl + "?sig=0000")).StatusCode);
    }

    /// <summary>
    /// Source: AzureIaasVm/ValidateOperation_RestoreDisk.json (refusals come back as validationResults with code and
    /// message, 200): the restore's own checks run, and nothing is restored (no Restore job).
    /// </summary>
    [Fact]
    public async Task ValidateOperation_ReportsWhatARestoreWouldRefuse_WithoutRestoring()
    {
        var (arm, vault) = await VaultAsync("val-rg");
        await ProtectedVmAsync(arm, vault, "val-rg", "vm1");
        var item = $"{vault}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;val-rg;vm1/protectedItems/VM;iaasvmcontainerv2;val-rg;vm1";
        Assert.Equal(202, (await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "IaasVMBackupRequest" } })).Code);
        Assert.Equal(200, (await arm.AdminAsync("POST", "/_emulator/clock/advance", new { minutes = 11 })).Code);
        var rp = (await arm.SendAsync("GET", item + "/recoveryPoints" + Api)).Body!["value"]![0]!["name"]!.GetValue<string>();
        var staging = await arm.AdminAsync("POST", "/_emulator/storageAccounts", new { resourceGroup = "val-rg", name = "stagingsa", location = "westus", fileShares = Array.Empty<string>() });
        Assert.Equal(201, staging.Code);

        JsonObject Request(string region) => new()
        {
            ["id"] = $"{item}/recoveryPoints/{rp}",
            ["properties"] = new JsonObject
            {
                ["objectType"] = "ValidateIaasVMRestoreOperationRequest",
                ["restoreRequest"] = new JsonObject
                {
                    ["objectType"] = "IaasVMRestoreRequest", ["recoveryType"] = "RestoreDisks", ["recoveryPointId"] = rp, ["region"] = region,
                    ["storageAccountId"] = staging.Body!["id"]!.GetValue<string>(),
                },
            },
        };

        var ok = await arm.SendAsync("POST", vault + "/backupValidateOperation" + Api, Request("westus"));
        Assert.Equal(200, ok.Code);
        Assert.Empty(ok.Body!["validateOperationResponse"]!["validationResults"]!.AsArray());

        var wrong = await arm.SendAsync("POST", vault + "/backupValidateOperation" + Api, Request("eastus"));
        Assert.Equal(200, wrong.Code);
        var result = wrong.Body!["validateOperationResponse"]!["validationResults"]!.AsArray().Single()!;
        Assert.Equal("BMSUserErrorInvalidInput", result["code"]!.GetValue<string>());
        Assert.Contains("region", result["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var restores = await arm.SendAsync("GET", vault + "/backupJobs" + Api + "&$filter=" + Uri.EscapeDataString("operation eq 'Restore'"));
        Assert.Empty(restores.Body!["value"]!.AsArray());
    }

    /// <summary>
    /// Source: BackupResourceEncryptionConfig_Put/_Get.json and Azure Backup "encryption using customer-managed keys":
    /// the key is reached through a managed identity of the vault, and a vault on a customer-managed key cannot be moved
    /// back to platform-managed keys. The vault's own properties.encryption shows the same key.
    /// </summary>
    [Fact]
    public async Task EncryptionConfig_NeedsAnIdentity_AndIsOneWay()
    {
        var (arm, vault) = await VaultAsync("cmk-rg");
        const string Path = "/backupEncryptionConfigs/backupResourceEncryptionConfig";
        var cmk = new JsonObject { ["properties"] = new JsonObject { ["encryptionAtRestType"] = "CustomerManaged", ["keyUri"] = "https://kv1.vault.azure.net/keys/backup/0123456789abcdef" } };

        Assert.Equal("MicrosoftManaged", (await arm.SendAsync("GET", vault + Path + Api)).Body!["properties"]!["encryptionAtRestType"]!.GetValue<string>());
        var noIdentity = await arm.SendAsync("PUT", vault + Path + Api, cmk.DeepClone());
        Assert.Equal(400, noIdentity.Code);
        Assert.Contains("managed identity", noIdentity.ErrorMessage, StringComparison.Ordinal);

        var patch = await arm.SendAsync("PATCH", vault + "?api-version=" + Arm.VaultApi, new JsonObject { ["identity"] = new JsonObject { ["type"] = "SystemAssigned" } });
        Assert.True(patch.Code is 200 or 202);
        if (patch.Code == 202)
        {
            await arm.WaitAsync(patch.Header("Azure-AsyncOperation")!);
        }

        Assert.Equal(200, (await arm.SendAsync("PUT", vault + Path + Api, cmk.DeepClone())).Code);
        var got = (await arm.SendAsync("GET", vault + Path + Api)).Body!["properties"]!;
        Assert.Equal("CustomerManaged", got["encryptionAtRestType"]!.GetValue<string>());
        Assert.True(got["useSystemAssignedIdentity"]!.GetValue<bool>());
        var vaultBody = (await arm.SendAsync("GET", vault + "?api-version=" + Arm.VaultApi)).Body!;
        Assert.Equal("https://kv1.vault.azure.net/keys/backup/0123456789abcdef", vaultBody["properties"]!["encryption"]!["keyVaultProperties"]!["keyUri"]!.GetValue<string>());

        var back = await arm.SendAsync("PUT", vault + Path + Api, new JsonObject { ["properties"] = new JsonObject { ["encryptionAtRestType"] = "MicrosoftManaged" } });
        Assert.Equal(400, back.Code);
        Assert.Equal("CustomerManaged", (await arm.SendAsync("GET", vault + Path + Api)).Body!["properties"]!["encryptionAtRestType"]!.GetValue<string>());
    }

    /// <summary>
    /// Source: AzureWorkload/BackupProtectionIntent_*.json and Azure Backup "SQL Server auto-protection": an auto-protection
    /// intent on an instance protects its databases now and the ones a later discovery finds; deleting the intent stops
    /// that, and leaves protected databases protected.
    /// </summary>
    [Fact]
    public async Task SqlAutoProtection_ProtectsExistingAndNewDatabases_UntilDeleted()
    {
        var (arm, vault) = await VaultAsync("ap-rg");
        var vm = await arm.AdminAsync("POST", "/_emulator/virtualMachines", new { resourceGroup = "ap-rg", name = "sql01", location = "westus", osType = "Windows", disks = Array.Empty<object>() });
        Assert.Equal(201, vm.Code);
        async Task Databases(params string[] names) =>
            Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/sqlServers", new { resourceGroup = "ap-rg", vmName = "sql01", instance = "MSSQLSERVER", databases = names })).Code);
        await Databases("db1", "db2");
        await arm.RefreshContainersAsync(vault, "AzureWorkload");
        const string ContainerName = "VMAppContainer;Compute;ap-rg;sql01";
        var container = $"{vault}/backupFabrics/Azure/protectionContainers/{ContainerName}";
        var register = await arm.SendAsync("PUT", container + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["containerType"] = "VMAppContainer", ["backupManagementType"] = "AzureWorkload", ["sourceResourceId"] = vm.Body!["id"]!.GetValue<string>() },
        });
        Assert.True(register.Code is 200 or 202, $"{register.Code} {register.Body}");

        async Task Inquire()
        {
            var r = await arm.SendAsync("POST", container + "/inquire" + Api);
            Assert.Equal(202, r.Code);
        }

        async Task<string[]> ProtectedDatabases() =>
            (await arm.SendAsync("GET", vault + "/backupProtectedItems" + Api + "&$filter=" + Uri.EscapeDataString("backupManagementType eq 'AzureWorkload'"))).Body!["value"]!.AsArray()
                .Select(i => i!["properties"]!["friendlyName"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray();

        await Inquire();
        var intent = $"{vault}/backupFabrics/Azure/backupProtectionIntent/auto-sql01";
        var put = await arm.SendAsync("PUT", intent + Api, new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["protectionIntentItemType"] = "AzureWorkloadSQLAutoProtectionIntent",
                ["itemId"] = $"{container}/protectableItems/SQLInstance;MSSQLSERVER",
                ["policyId"] = vault + "/backupPolicies/HourlyLogBackup",
            },
        });
        Assert.Equal(200, put.Code);
        Assert.Equal(["db1", "db2"], await ProtectedDatabases());

        await Databases("db1", "db2", "db3");
        await Inquire();
        Assert.Equal(["db1", "db2", "db3"], await ProtectedDatabases());

        Assert.Equal(204, (await arm.SendAsync("DELETE", intent + Api)).Code);
        Assert.Equal(404, (await arm.SendAsync("GET", intent + Api)).Code);
        await Databases("db1", "db2", "db3", "db4");
        await Inquire();
        Assert.Equal(["db1", "db2", "db3"], await ProtectedDatabases());
    }

    /// <summary>
    /// Source: PUTVaultCred.json (VaultCertificates_Create): the answer describes the uploaded certificate (thumbprint,
    /// subject, validity) and the AAD identity agents of this vault register as; a private key is never accepted.
    /// </summary>
    [Fact]
    public async Task VaultCertificate_DescribesTheUploadedCertificate()
    {
        var (arm, vault) = await VaultAsync("cert-rg");
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=rsv-cert-rg", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        var wire = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(cert.RawData)));

        var put = await arm.SendAsync("PUT", vault + "/certificates/rsv-cert-rg-vaultcredentials?api-version=" + Arm.VaultApi,
            new JsonObject { ["properties"] = new JsonObject { ["authType"] = "AAD", ["certificate"] = wire } });
        Assert.Equal(200, put.Code);
        var p = put.Body!["properties"]!;
        Assert.Equal(cert.Thumbprint, p["thumbprint"]!.GetValue<string>());
        Assert.Equal("CN=rsv-cert-rg", p["subject"]!.GetValue<string>());
        Assert.Equal("AzureActiveDirectory", p["authType"]!.GetValue<string>());
        Assert.True(Guid.TryParse(p["servicePrincipalClientId"]!.GetValue<string>(), out _));

        // The same vault keeps one agent identity across uploads.
        var again = await arm.SendAsync("PUT", vault + "/certificates/second?api-version=" + Arm.VaultApi,
            new JsonObject { ["properties"] = new JsonObject { ["authType"] = "AAD", ["certificate"] = Convert.ToBase64String(cert.RawData) } });
        Assert.Equal(p["servicePrincipalClientId"]!.GetValue<string>(), again.Body!["properties"]!["servicePrincipalClientId"]!.GetValue<string>());

        var withKey = await arm.SendAsync("PUT", vault + "/certificates/third?api-version=" + Arm.VaultApi,
            new JsonObject { ["properties"] = new JsonObject { ["authType"] = "AAD", ["certificate"] = Convert.ToBase64String(cert.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx)) } });
        Assert.Equal(400, withKey.Code);
        var junk = await arm.SendAsync("PUT", vault + "/certificates/fourth?api-version=" + Arm.VaultApi,
            new JsonObject { ["properties"] = new JsonObject { ["authType"] = "AAD", ["certificate"] = "bm90IGEgY2VydA==" } });
        Assert.Equal(400, junk.Code);
    }

    public sealed class Fixture : EmulatorFixture
    {
        protected override EmulatorOptions Options => new() { InMemory = true, Port = 0, LroDurationMs = 1, PageSize = 100, RetryAfterSeconds = 0, ClockRate = 0, ClockStart = TestClock.Start };
    }
}
