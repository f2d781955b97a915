// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Tests;

/// <summary>
/// Discovery as Azure does it (a source is protectable only after the vault's refresh / inquire), SQL restores under
/// another name on the same instance, disk exclusions on item PUT. Each test names its Azure source.
/// </summary>
public sealed class DiscoveryAndRestoreTests(DiscoveryAndRestoreTests.Fixture fx) : IClassFixture<DiscoveryAndRestoreTests.Fixture>
{
    private const string Api = "?api-version=2023-06-01";

    private async Task<(Arm Arm, string Vault)> NewVaultAsync(string rg, string name = "rsv")
    {
        var arm = await Arm.ForOwnerAsync(fx.Server);
        await arm.CreateResourceGroupAsync(rg);
        Assert.Equal(201, (await arm.CreateVaultAsync(rg, name)).Code);
        return (arm, arm.VaultPath(rg, name));
    }

    private static async Task SeedVmAsync(Arm arm, string rg, string name, int dataDisks = 1)
    {
        var disks = Enumerable.Range(0, dataDisks).Select(l => new { lun = l, name = $"data{l}", sizeGB = 128 }).ToArray();
        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/virtualMachines", new { resourceGroup = rg, name, location = "westus", osType = "Windows", disks })).Code);
    }

    private static async Task<JsonNode> DoneAsync(Arm arm, Reply accepted)
    {
        Assert.True(accepted.Code == 202, $"{accepted.Code} {accepted.Body}");
        var status = await arm.WaitAsync(accepted.Header("Azure-AsyncOperation")!);
        Assert.Equal("Succeeded", status["status"]!.GetValue<string>());
        return status;
    }

    private static async Task<List<string>> ProtectableAsync(Arm arm, string vault, string filter)
    {
        var r = await arm.SendAsync("GET", vault + "/backupProtectableItems" + Api + "&$filter=" + Uri.EscapeDataString(filter));
        Assert.Equal(200, r.Code);
        return r.Body!["value"]!.AsArray().Select(i => i!["properties"]!["friendlyName"]!.GetValue<string>()).ToList();
    }

    private string VmId(string rg, string vm) => $"/subscriptions/{fx.Server.SubscriptionId}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{vm}";

    private static string VmItem(string vault, string rg, string vm) =>
        $"{vault}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;{rg};{vm}/protectedItems/VM;iaasvmcontainerv2;{rg};{vm}";

    private JsonObject VmPut(string vault, string rg, string vm, JsonObject? extendedProperties = null)
    {
        var props = new JsonObject
        {
            ["protectedItemType"] = "Microsoft.Compute/virtualMachines",
            ["sourceResourceId"] = VmId(rg, vm),
            ["policyId"] = vault + "/backupPolicies/DefaultPolicy",
        };
        if (extendedProperties is not null)
        {
            props["extendedProperties"] = extendedProperties;
        }

        return new JsonObject { ["properties"] = props };
    }

    /// <summary>
    /// Source: Microsoft docs "Back up an Azure VM using REST API" (discover unprotected VMs with refreshContainers, then
    /// list backupProtectableItems); spec BMSRefreshContainersQueryObject (backupManagementType). Discovery belongs to the
    /// vault that ran it: another vault in the same region has not seen the VM.
    /// </summary>
    [Fact]
    public async Task NewVm_ProtectableOnlyAfterRefreshOfThatVault()
    {
        var (arm, vault) = await NewVaultAsync("dc-vm");
        Assert.Equal(201, (await arm.CreateVaultAsync("dc-vm", "other")).Code);
        var other = arm.VaultPath("dc-vm", "other");
        await SeedVmAsync(arm, "dc-vm", "nvm1");
        const string VmFilter = "backupManagementType eq 'AzureIaasVM' and workloadType eq 'VM'";
        Assert.DoesNotContain("nvm1", await ProtectableAsync(arm, vault, VmFilter));

        // A refresh of another kind does not discover VMs.
        await arm.RefreshContainersAsync(vault, "AzureStorage");
        Assert.DoesNotContain("nvm1", await ProtectableAsync(arm, vault, VmFilter));

        var refresh = await arm.RefreshContainersAsync(vault, "AzureIaasVM");
        Assert.Equal(202, refresh.Code);
        Assert.Contains("nvm1", await ProtectableAsync(arm, vault, VmFilter));
        Assert.DoesNotContain("nvm1", await ProtectableAsync(arm, other, VmFilter));

        // A VM created after the refresh waits for the next one.
        await SeedVmAsync(arm, "dc-vm", "nvm2");
        Assert.DoesNotContain("nvm2", await ProtectableAsync(arm, vault, VmFilter));
        await arm.RefreshContainersAsync(vault);
        Assert.Contains("nvm2", await ProtectableAsync(arm, vault, VmFilter));
    }

    /// <summary>
    /// Source: official example Common/RefreshContainers.json (no $filter: 202 + Location) — a refresh without a filter
    /// discovers every kind: VMs, storage accounts with their shares, SQL VMs.
    /// </summary>
    [Fact]
    public async Task RefreshWithoutFilter_DiscoversEveryKind()
    {
        var (arm, vault) = await NewVaultAsync("dc-all");
        await SeedVmAsync(arm, "dc-all", "vma");
        await SeedVmAsync(arm, "dc-all", "sqlvm");
        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/sqlServers", new { resourceGroup = "dc-all", vmName = "sqlvm", databases = new[] { "db1" } })).Code);
        Assert.True((await arm.AdminAsync("POST", "/_emulator/storageAccounts", new { resourceGroup = "dc-all", name = "saall", location = "westus", fileShares = new[] { "s1" } })).Code is 200 or 201);
        var containersBefore = await arm.SendAsync("GET", vault + "/backupFabrics/Azure/protectableContainers" + Api + "&$filter=" + Uri.EscapeDataString("backupManagementType eq 'AzureStorage'"));
        Assert.Empty(containersBefore.Body!["value"]!.AsArray());

        var r = await arm.SendAsync("POST", vault + "/backupFabrics/Azure/refreshContainers" + Api);
        Assert.Equal(202, r.Code);
        Assert.NotNull(r.Header("Location"));
        Assert.Contains("vma", await ProtectableAsync(arm, vault, "backupManagementType eq 'AzureIaasVM'"));
        var storage = await arm.SendAsync("GET", vault + "/backupFabrics/Azure/protectableContainers" + Api + "&$filter=" + Uri.EscapeDataString("backupManagementType eq 'AzureStorage'"));
        Assert.Contains(storage.Body!["value"]!.AsArray(), c => c!["properties"]!["friendlyName"]!.GetValue<string>() == "saall");
        var workload = await arm.SendAsync("GET", vault + "/backupFabrics/Azure/protectableContainers" + Api + "&$filter=" + Uri.EscapeDataString("backupManagementType eq 'AzureWorkload'"));
        Assert.Contains(workload.Body!["value"]!.AsArray(), c => c!["properties"]!["friendlyName"]!.GetValue<string>() == "sqlvm");
    }

    /// <summary>
    /// Source for the code: a filter on a field the query object does not have is 400 BMSUserErrorInvalidInput
    /// (Azure/azure-sdk-for-net#41075, backupProtectableItems with "name eq '…'"); spec BMSPOQueryObject lists the fields.
    /// An unbalanced quote is not a filter at all.
    /// </summary>
    [Theory]
    [InlineData("/backupProtectableItems", "name eq 'vm1'")]
    [InlineData("/backupProtectableItems", "backupManagementType eq 'AzureIaasVM")]
    [InlineData("/backupProtectableItems", "backupManagementType eq 'AzureIaasVM' or workloadType eq 'VM'")]
    [InlineData("/backupFabrics/Azure/refreshContainers", "workloadType eq 'VM'")]
    [InlineData("/backupFabrics/Azure/refreshContainers", "backupManagementType eq AzureIaasVM'")]
    [InlineData("/backupFabrics/Azure/refreshContainers", "backupManagementType eq 'Nonsense'")]
    public async Task BadFilter_Is400InvalidInput(string path, string filter)
    {
        var (arm, vault) = await NewVaultAsync("dc-filter", "rsv" + Guid.NewGuid().ToString("N")[..8]);
        var method = path.EndsWith("refreshContainers", StringComparison.Ordinal) ? "POST" : "GET";
        var r = await arm.SendAsync(method, vault + path + Api + "&$filter=" + Uri.EscapeDataString(filter));
        Assert.Equal(400, r.Code);
        Assert.Equal("BMSUserErrorInvalidInput", r.ErrorCode);
    }

    /// <summary>
    /// Source: hashicorp/terraform-provider-azurerm#2207 — a VM PUT the vault cannot resolve to a discovered item is 400
    /// BMSUserErrorInvalidConfigureProtectionRequest ("Please ensure that container exists"); Az's
    /// Enable-AzRecoveryServicesBackupProtection refreshes containers first for that reason.
    /// </summary>
    [Fact]
    public async Task ProtectingUndiscoveredVm_IsRefused_ThenWorksAfterRefresh()
    {
        var (arm, vault) = await NewVaultAsync("dc-put");
        await SeedVmAsync(arm, "dc-put", "pvm1");
        var item = VmItem(vault, "dc-put", "pvm1");
        var refused = await arm.SendAsync("PUT", item + Api, VmPut(vault, "dc-put", "pvm1"));
        Assert.Equal(400, refused.Code);
        Assert.Equal("BMSUserErrorInvalidConfigureProtectionRequest", refused.ErrorCode);
        Assert.Equal(404, (await arm.SendAsync("GET", item + Api)).Code);

        await arm.RefreshContainersAsync(vault, "AzureIaasVM");
        await DoneAsync(arm, await arm.SendAsync("PUT", item + Api, VmPut(vault, "dc-put", "pvm1")));
        Assert.Equal(200, (await arm.SendAsync("GET", item + Api)).Code);
        Assert.DoesNotContain("pvm1", await ProtectableAsync(arm, vault, "backupManagementType eq 'AzureIaasVM'"));
    }

    /// <summary>
    /// Source: official example AzureStorage/ProtectionContainers_Inquire.json (202 + Location, Azure-AsyncOperation,
    /// Retry-After); Az's Initialize-AzRecoveryServicesBackupProtectableItem ("discover new DBs whenever they are added");
    /// spec BMSContainersInquiryQueryObject (workloadType). Databases present at registration are discovered by it.
    /// </summary>
    [Fact]
    public async Task NewSqlDatabase_ProtectableOnlyAfterInquire()
    {
        var (arm, vault) = await NewVaultAsync("dc-sql");
        await SeedVmAsync(arm, "dc-sql", "sqlvm");
        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/sqlServers", new { resourceGroup = "dc-sql", vmName = "sqlvm", instance = "MSSQLSERVER", databases = new[] { "db1" } })).Code);
        await arm.RefreshContainersAsync(vault, "AzureWorkload");
        var container = vault + "/backupFabrics/Azure/protectionContainers/VMAppContainer;Compute;dc-sql;sqlvm";
        await DoneAsync(arm, await arm.SendAsync("PUT", container + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["containerType"] = "VMAppContainer", ["backupManagementType"] = "AzureWorkload", ["workloadType"] = "SQLDataBase", ["sourceResourceId"] = VmId("dc-sql", "sqlvm") },
        }));
        const string SqlFilter = "backupManagementType eq 'AzureWorkload' and workloadType eq 'SQLDataBase'";
        Assert.Equal(["db1"], await ProtectableAsync(arm, vault, SqlFilter));

        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/sqlServers", new { resourceGroup = "dc-sql", vmName = "sqlvm", instance = "MSSQLSERVER", databases = new[] { "db1", "db2" } })).Code);
        Assert.DoesNotContain("db2", await ProtectableAsync(arm, vault, SqlFilter));
        var db2 = container + "/protectedItems/SQLDataBase;mssqlserver;db2";
        var early = await arm.SendAsync("PUT", db2 + Api, new JsonObject { ["properties"] = new JsonObject { ["protectedItemType"] = "AzureVmWorkloadSQLDatabase", ["policyId"] = vault + "/backupPolicies/HourlyLogBackup" } });
        Assert.Equal("BMSUserErrorInvalidConfigureProtectionRequest", early.ErrorCode);

        var inquire = await arm.SendAsync("POST", container + "/inquire" + Api + "&$filter=" + Uri.EscapeDataString("workloadType eq 'SQLDataBase'"));
        Assert.Equal(202, inquire.Code);
        Assert.NotNull(inquire.Header("Location"));
        Assert.NotNull(inquire.Header("Azure-AsyncOperation"));
        Assert.NotNull(inquire.Header("Retry-After"));
        Assert.Contains("db2", await ProtectableAsync(arm, vault, SqlFilter));
        await DoneAsync(arm, await arm.SendAsync("PUT", db2 + Api, new JsonObject { ["properties"] = new JsonObject { ["protectedItemType"] = "AzureVmWorkloadSQLDatabase", ["policyId"] = vault + "/backupPolicies/HourlyLogBackup" } }));

        var badInquire = await arm.SendAsync("POST", container + "/inquire" + Api + "&$filter=" + Uri.EscapeDataString("itemType eq 'SQLDataBase'"));
        Assert.Equal("BMSUserErrorInvalidInput", badInquire.ErrorCode);
    }

    /// <summary>
    /// Source: Microsoft docs "Back up Azure file shares with REST API" (refreshContainers with
    /// backupManagementType eq 'AzureStorage' discovers storage accounts; inquire lists the shares of a registered one).
    /// </summary>
    [Fact]
    public async Task NewFileShare_ProtectableAfterStorageRefresh()
    {
        var (arm, vault) = await NewVaultAsync("dc-fs");
        Assert.True((await arm.AdminAsync("POST", "/_emulator/storageAccounts", new { resourceGroup = "dc-fs", name = "safs", location = "westus", fileShares = new[] { "share1" } })).Code is 200 or 201);
        await arm.RefreshContainersAsync(vault, "AzureStorage");
        var container = vault + "/backupFabrics/Azure/protectionContainers/StorageContainer;Storage;dc-fs;safs";
        await DoneAsync(arm, await arm.SendAsync("PUT", container + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["containerType"] = "StorageContainer", ["backupManagementType"] = "AzureStorage", ["sourceResourceId"] = $"/subscriptions/{fx.Server.SubscriptionId}/resourceGroups/dc-fs/providers/Microsoft.Storage/storageAccounts/safs" },
        }));
        const string FsFilter = "backupManagementType eq 'AzureStorage' and workloadType eq 'AzureFileShare'";
        Assert.Equal(["share1"], await ProtectableAsync(arm, vault, FsFilter));

        Assert.True((await arm.AdminAsync("POST", "/_emulator/storageAccounts", new { resourceGroup = "dc-fs", name = "safs", location = "westus", fileShares = new[] { "share1", "share2" } })).Code is 200 or 201);
        Assert.DoesNotContain("share2", await ProtectableAsync(arm, vault, FsFilter));
        await arm.RefreshContainersAsync(vault, "AzureStorage");
        Assert.Contains("share2", await ProtectableAsync(arm, vault, FsFilter));
    }

    /// <summary>
    /// Source: bms.json AzureWorkloadSQLRecoveryPointExtendedInfo (dataDirectoryTimeInUTC, dataDirectoryPaths[type, path,
    /// logicalName]) on the GET of one point; AzureWorkloadSQLRestoreRequest.alternateDirectoryPaths (SQLDataDirectoryMapping);
    /// SQL Server refuses to restore over files in use (Msg 3156 "Use WITH MOVE"). No Azure-specific code was found for the
    /// refusal, so it is the generic BMSUserErrorInvalidInput.
    /// </summary>
    [Fact]
    public async Task SqlRestoreUnderAnotherName_OnSameInstance_NeedsMovedFiles()
    {
        var (arm, vault) = await NewVaultAsync("dc-sqlr");
        await SeedVmAsync(arm, "dc-sqlr", "sqlrvm");
        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/sqlServers", new { resourceGroup = "dc-sqlr", vmName = "sqlrvm", instance = "MSSQLSERVER", databases = new[] { "sales" } })).Code);
        await arm.RefreshContainersAsync(vault, "AzureWorkload");
        var containerName = "VMAppContainer;Compute;dc-sqlr;sqlrvm";
        var container = vault + "/backupFabrics/Azure/protectionContainers/" + containerName;
        await DoneAsync(arm, await arm.SendAsync("PUT", container + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["containerType"] = "VMAppContainer", ["backupManagementType"] = "AzureWorkload", ["workloadType"] = "SQLDataBase", ["sourceResourceId"] = VmId("dc-sqlr", "sqlrvm") },
        }));
        var item = container + "/protectedItems/SQLDataBase;mssqlserver;sales";
        await DoneAsync(arm, await arm.SendAsync("PUT", item + Api, new JsonObject { ["properties"] = new JsonObject { ["protectedItemType"] = "AzureVmWorkloadSQLDatabase", ["policyId"] = vault + "/backupPolicies/HourlyLogBackup" } }));
        var now = DateTimeOffset.Parse((await arm.AdminAsync("GET", "/_emulator/clock")).Body!["now"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        await DoneAsync(arm, await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["objectType"] = "AzureWorkloadBackupRequest", ["backupType"] = "Full", ["recoveryPointExpiryTimeInUTC"] = now.AddDays(60).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) },
        }));
        Assert.Equal(200, (await arm.AdminAsync("POST", "/_emulator/clock/advance", new { minutes = 11 })).Code);
        var points = (await arm.SendAsync("GET", item + "/recoveryPoints" + Api)).Body!["value"]!.AsArray();
        var full = points.First(p => p!["properties"]!["objectType"]!.GetValue<string>() == "AzureWorkloadSQLRecoveryPoint")!["name"]!.GetValue<string>();
        var one = (await arm.SendAsync("GET", item + "/recoveryPoints/" + full + Api)).Body!["properties"]!["extendedInfo"]!;
        Assert.NotNull(one["dataDirectoryTimeInUTC"]);
        var files = one["dataDirectoryPaths"]!.AsArray();
        Assert.Equal(["Data", "Log"], files.Select(f => f!["type"]!.GetValue<string>()));
        Assert.All(files, f => Assert.False(string.IsNullOrEmpty(f!["logicalName"]!.GetValue<string>())));
        var dataFile = files[0]!["path"]!.GetValue<string>();
        var logFile = files[1]!["path"]!.GetValue<string>();

        JsonObject Restore(JsonArray? moves) => new()
        {
            ["properties"] = new JsonObject
            {
                ["objectType"] = "AzureWorkloadSQLRestoreRequest",
                ["recoveryType"] = "AlternateLocation",
                ["sourceResourceId"] = VmId("dc-sqlr", "sqlrvm"),
                ["shouldUseAlternateTargetLocation"] = true,
                ["isNonRecoverable"] = false,
                ["targetInfo"] = new JsonObject { ["overwriteOption"] = "Overwrite", ["containerId"] = container, ["databaseName"] = "MSSQLSERVER/sales_copy" },
                ["alternateDirectoryPaths"] = moves,
            },
        };

        var restore = item + "/recoveryPoints/" + full + "/restore" + Api;
        var noMoves = await arm.SendAsync("POST", restore, Restore(null));
        Assert.Equal(400, noMoves.Code);
        Assert.Equal("BMSUserErrorInvalidInput", noMoves.ErrorCode);

        var samePaths = await arm.SendAsync("POST", restore, Restore(new JsonArray(
            new JsonObject { ["mappingType"] = "Data", ["sourceLogicalName"] = files[0]!["logicalName"]!.GetValue<string>(), ["sourcePath"] = dataFile, ["targetPath"] = dataFile },
            new JsonObject { ["mappingType"] = "Log", ["sourceLogicalName"] = files[1]!["logicalName"]!.GetValue<string>(), ["sourcePath"] = logFile, ["targetPath"] = logFile })));
        Assert.Equal("BMSUserErrorInvalidInput", samePaths.ErrorCode);

        var moved = await arm.SendAsync("POST", restore, Restore(new JsonArray(
            new JsonObject { ["mappingType"] = "Data", ["sourceLogicalName"] = files[0]!["logicalName"]!.GetValue<string>(), ["sourcePath"] = dataFile, ["targetPath"] = "F:\\DATA\\sales_copy.mdf" },
            new JsonObject { ["mappingType"] = "Log", ["sourceLogicalName"] = files[1]!["logicalName"]!.GetValue<string>(), ["sourcePath"] = logFile, ["targetPath"] = "F:\\LOG\\sales_copy_log.ldf" })));
        Assert.Equal(202, moved.Code);
    }

    /// <summary>
    /// Source: bms.json AzureIaaSComputeVMProtectedItem.extendedProperties.diskExclusionProperties (diskLunList,
    /// isInclusionList); official example AzureIaasVm/ConfigureProtection (item PUT replaces the configuration); Az's
    /// Set-AzRecoveryServicesBackupProtection -InclusionDisksList/-ExclusionDisksList re-sends the whole setting.
    /// </summary>
    [Fact]
    public async Task DiskExclusions_StoredOnPut_ReplacedByLaterPut_ReturnedOnGet()
    {
        var (arm, vault) = await NewVaultAsync("dc-disk");
        await SeedVmAsync(arm, "dc-disk", "dvm", dataDisks: 3);
        await arm.RefreshContainersAsync(vault, "AzureIaasVM");
        var item = VmItem(vault, "dc-disk", "dvm");
        JsonObject Disks(bool inclusion, params int[] luns) => new() { ["diskExclusionProperties"] = new JsonObject { ["diskLunList"] = new JsonArray([.. luns.Select(l => (JsonNode?)l)]), ["isInclusionList"] = inclusion } };

        await DoneAsync(arm, await arm.SendAsync("PUT", item + Api, VmPut(vault, "dc-disk", "dvm", Disks(true, 0, 1))));
        var first = (await arm.SendAsync("GET", item + Api)).Body!["properties"]!["extendedProperties"]!["diskExclusionProperties"]!;
        Assert.Equal([0, 1], first["diskLunList"]!.AsArray().Select(x => x!.GetValue<int>()));
        Assert.True(first["isInclusionList"]!.GetValue<bool>());

        await DoneAsync(arm, await arm.SendAsync("PUT", item + Api, VmPut(vault, "dc-disk", "dvm", Disks(false, 2))));
        var second = (await arm.SendAsync("GET", item + Api)).Body!["properties"]!["extendedProperties"]!["diskExclusionProperties"]!;
        Assert.Equal([2], second["diskLunList"]!.AsArray().Select(x => x!.GetValue<int>()));
        Assert.False(second["isInclusionList"]!.GetValue<bool>());
    }

    public sealed class Fixture : EmulatorFixture
    {
        protected override EmulatorOptions Options => new() { InMemory = true, Port = 0, LroDurationMs = 1, PageSize = 100, RetryAfterSeconds = 0, ClockRate = 0, ClockStart = TestClock.Start };
    }
}
