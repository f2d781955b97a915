// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure;
using RecoveryVault.Engine.Backup;
using RecoveryVault.Engine.Models;
using Xunit;

namespace RecoveryVault.Engine.Tests;

/// <summary>The official examples of the backup spec (vendored under src/RecoveryVault.Emulator/Contract).</summary>
internal static class Examples
{
    public static string Root => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..",
        "src", "RecoveryVault.Emulator", "Contract", "examples", "recoveryservicesbackup", "2023-06-01"));

    public static JsonObject Load(string relative) => JsonNode.Parse(File.ReadAllText(Path.Combine(Root, relative)))!.AsObject();

    /// <summary>The example's request body (the parameter that is an object).</summary>
    public static JsonObject Body(string relative) =>
        Load(relative)["parameters"]!.AsObject().Select(p => p.Value).OfType<JsonObject>().Single();

    public static string? Filter(string relative) => Load(relative)["parameters"]!["$filter"]?.GetValue<string>();

    /// <summary>Every property path of a document ("properties.encryptionDetails.encryptionEnabled").</summary>
    public static SortedSet<string> Paths(JsonNode? node, string prefix = "")
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        if (node is JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                var path = prefix.Length == 0 ? k : prefix + "." + k;
                set.Add(path);
                set.UnionWith(Paths(v, path));
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var item in a)
            {
                set.UnionWith(Paths(item, prefix + "[]"));
            }
        }
        return set;
    }
}

/// <summary>OData filters: quoted once, in one place, as the official examples write them.</summary>
public class ODataFilterTests
{
    [Fact]
    public void UserInputStaysOneLiteral()
    {
        var filter = new ItemQuery { PolicyName = "x' or name ne 'y" }.ToRequest().Filter;
        // OData ABNF: a quote inside a string literal is doubled, so the whole input is one value.
        Assert.Equal("policyName eq 'x'' or name ne ''y'", filter);
    }

    [Fact]
    public void ProtectedItemsFilterIsTheOfficialExamples()
    {
        // Example AzureIaasVm/BackupProtectedItems_List.json
        Assert.Equal(Examples.Filter("AzureIaasVm/BackupProtectedItems_List.json"), new ItemQuery { Kind = WorkloadCatalogue.AzureVM }.ToRequest().Filter);
    }

    [Fact]
    public void ProtectableItemsFilterIsTheOfficialExamples()
    {
        // Example AzureStorage/ProtectableContainers_List.json uses the same pair for file shares.
        Assert.Equal(Examples.Filter("AzureStorage/ProtectableContainers_List.json"), new ProtectableItemQuery(WorkloadCatalogue.AzureFileShare).ToRequest().Filter);
    }

    [Fact]
    public void PolicyAndContainerFiltersAreTheOfficialExamples()
    {
        Assert.Equal(Examples.Filter("AzureIaasVm/BackupPolicies_List.json"), new PolicyQuery { Kind = WorkloadCatalogue.AzureVM }.ToRequest().Filter);
        Assert.Equal(Examples.Filter("AzureStorage/ProtectionContainers_List.json"), new ContainerQuery(WorkloadCatalogue.SqlDatabase).ToRequest().Filter);
    }

    [Fact]
    public void JobFilterHasTheShapeOfTheOfficialExample()
    {
        // Example Common/ListJobsWithAllSupportedFilters.json: dates as 'yyyy-MM-dd hh:mm:ss tt'.
        var query = new JobQuery
        {
            From = new DateTimeOffset(2016, 1, 1, 0, 0, 0, TimeSpan.Zero),
            To = new DateTimeOffset(2016, 1, 20, 0, 0, 0, TimeSpan.Zero),
            Operation = "Backup",
            Kind = WorkloadCatalogue.AzureVM,
            Status = "InProgress",
        };
        var filter = Assert.Single(query.ToRequests(DateTimeOffset.UtcNow)).Filter;
        Assert.Equal("startTime eq '2016-01-01 12:00:00 AM' and endTime eq '2016-01-20 12:00:00 AM' and operation eq 'Backup' and backupManagementType eq 'AzureIaasVM' and status eq 'InProgress'", filter);
        var example = Examples.Filter("Common/ListJobsWithAllSupportedFilters.json")!;
        Assert.Equal(Terms(example), Terms(filter!));
    }

    private static string[] Terms(string filter) => filter.Split(" and ").Select(t => t[..t.IndexOf(" eq ", StringComparison.Ordinal)]).ToArray();

    [Fact]
    public void JobsDefaultToTheLast24HoursEndingNow()
    {
        // Get-AzRecoveryServicesBackupJob without -From/-To: the last 24 hours; the end is now (rounded up past the
        // current whole second, the filter's precision), not a far future.
        var now = new DateTimeOffset(2026, 12, 4, 15, 0, 0, TimeSpan.Zero);
        var filter = Assert.Single(new JobQuery().ToRequests(now)).Filter;
        Assert.Equal("startTime eq '2026-12-03 03:00:02 PM' and endTime eq '2026-12-04 03:00:02 PM'", filter);
    }

    [Fact]
    public void RangesOver30DaysAreSplitInto30DayWindows()
    {
        // The service answers at most 30 days per query (Get-AzRecoveryServicesBackupJob: "up to 30 days").
        var to = new DateTimeOffset(2026, 3, 31, 0, 0, 0, TimeSpan.Zero);
        var requests = new JobQuery { From = to.AddDays(-70), To = to }.ToRequests(to);
        Assert.Equal(3, requests.Count);
        Assert.Contains("startTime eq '2026-03-01 12:00:00 AM' and endTime eq '2026-03-31 12:00:00 AM'", requests[0].Filter);
        Assert.Contains("startTime eq '2026-01-30 12:00:00 AM' and endTime eq '2026-03-01 12:00:00 AM'", requests[1].Filter);
        Assert.Contains("startTime eq '2026-01-20 12:00:00 AM' and endTime eq '2026-01-30 12:00:00 AM'", requests[2].Filter);
    }
}

/// <summary>The workload catalogue.</summary>
public class WorkloadCatalogueTests
{
    [Theory]
    [InlineData("AzureIaasVM", "VM", "AzureVM")]
    [InlineData("AzureStorage", "AzureFileShare", "AzureFileShare")]
    [InlineData("AzureWorkload", "SQLDataBase", "SqlDatabase")]
    [InlineData("MAB", "FileFolder", "MarsServer")]
    [InlineData("AzureIaasVM", null, "AzureVM")]
    public void KnownPairsMapToOneKind(string management, string? workload, string kind) =>
        Assert.Equal(kind, WorkloadCatalogue.Of(management, workload)?.Name);

    [Theory]
    [InlineData("AzureWorkload", "SAPHanaDatabase")]
    [InlineData("AzureWorkload", "SAPAseDatabase")]
    [InlineData("MAB", "SQLDataBase")]
    public void UnknownWorkloadsAreNotTakenForAKnownOne(string management, string workload) =>
        Assert.Null(WorkloadCatalogue.Of(management, workload));

    [Fact]
    public void NamesFollowTheOfficialExamples()
    {
        // ConfigureProtection.json: container IaasVMContainer;iaasvmcontainerv2;{rg};{vm}, item VM;iaasvmcontainerv2;{rg};{vm}.
        var p = Examples.Load("AzureIaasVm/ConfigureProtection.json")["parameters"]!;
        Assert.Equal(p["containerName"]!.GetValue<string>(), WorkloadCatalogue.AzureVM.ContainerName("netsdktestrg", "netvmtestv2vm1"));
        Assert.Equal(p["protectedItemName"]!.GetValue<string>(), WorkloadCatalogue.AzureVM.ItemName("netsdktestrg", "netvmtestv2vm1"));
    }
}

/// <summary>Request bodies against the official examples of each operation.</summary>
public class BackupRequestBodyTests
{
    private const string Vm = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/netsdktestrg/providers/Microsoft.Compute/virtualMachines/netvmtestv2vm1";

    [Fact]
    public void ProtectionBodyIsTheConfigureProtectionExample()
    {
        var example = Examples.Body("AzureIaasVm/ConfigureProtection.json");
        var body = new ProtectionRequest(WorkloadCatalogue.AzureVM, Vm, example["properties"]!["policyId"]!.GetValue<string>()).ToBody();
        Assert.True(JsonNode.DeepEquals(example, body), body.ToJsonString());
    }

    [Fact]
    public void ProtectionBodyCarriesDiskExclusionsAsTheSpecNamesThem()
    {
        var body = new ProtectionRequest(WorkloadCatalogue.AzureVM, Vm, "p") { Disks = new DiskExclusion([1, 2], false) }.ToBody();
        // Spec ExtendedProperties.diskExclusionProperties { diskLunList, isInclusionList }.
        Assert.Equal("[1,2]", body["properties"]!["extendedProperties"]!["diskExclusionProperties"]!["diskLunList"]!.ToJsonString());
        Assert.False(body["properties"]!["extendedProperties"]!["diskExclusionProperties"]!["isInclusionList"]!.GetValue<bool>());
        Assert.Equal("[]", new ProtectionRequest(WorkloadCatalogue.AzureVM, Vm, "p") { Disks = DiskExclusion.OsDiskOnly }.ToBody()["properties"]!["extendedProperties"]!["diskExclusionProperties"]!["diskLunList"]!.ToJsonString());
        Assert.Throws<BackupRequestException>(() => new ProtectionRequest(WorkloadCatalogue.AzureFileShare, "sa", "p") { Disks = DiskExclusion.OsDiskOnly }.ToBody());
    }

    [Fact]
    public void DiskExclusionRoundTripsThroughAnItemDocument()
    {
        var item = new ProtectionRequest(WorkloadCatalogue.AzureVM, Vm, "p") { Disks = new DiskExclusion([3], true) }.ToBody();
        var read = DiskExclusion.Read((JsonObject)item["properties"]!);
        Assert.True(read!.SameAs(new DiskExclusion([3], true)));
        Assert.Null(DiskExclusion.Read(new JsonObject()));
    }

    [Fact]
    public void VmBackupBodyIsTheTriggerBackupExample()
    {
        var example = Examples.Body("Common/TriggerBackup_Post.json");
        var body = new OnDemandBackupRequest(WorkloadCatalogue.AzureVM) { RetainUntil = DateTimeOffset.UtcNow.AddDays(10) }.ToBody(DateTimeOffset.UtcNow);
        // The example sends objectType only; the expiry is optional in the spec and sent here so -RetainUntil is kept.
        Assert.Empty(Examples.Paths(example).Except(Examples.Paths(body)));
        Assert.Equal("IaasVMBackupRequest", body["properties"]!["objectType"]!.GetValue<string>());
    }

    [Fact]
    public void SqlFullBackupsAreKeptAtLeast45Days()
    {
        // Azure Backup docs, "Back up SQL Server databases in Azure VMs" > on-demand backup: full backups are kept
        // at least 45 days; differential and log backups follow the policy; copy-only full any time.
        var now = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
        var sql = WorkloadCatalogue.SqlDatabase;
        var full = new OnDemandBackupRequest(sql).ToBody(now);
        Assert.Equal("2027-01-18T13:00:00Z", full["properties"]!["recoveryPointExpiryTimeInUTC"]!.GetValue<string>());
        Assert.Equal("Full", full["properties"]!["backupType"]!.GetValue<string>());
        var tooShort = Assert.Throws<BackupRequestException>(() => new OnDemandBackupRequest(sql) { RetainUntil = now.AddDays(30) }.ToBody(now));
        Assert.Equal("InvalidRetention", tooShort.Code);
        Assert.NotNull(new OnDemandBackupRequest(sql) { BackupType = "CopyOnlyFull", RetainUntil = now.AddDays(3) }.ToBody(now));
        var log = new OnDemandBackupRequest(sql) { BackupType = "Log" }.ToBody(now);
        Assert.Null(log["properties"]!["recoveryPointExpiryTimeInUTC"]);
        Assert.Equal("InvalidParameterCombination", Assert.Throws<BackupRequestException>(() => new OnDemandBackupRequest(sql) { BackupType = "Differential", RetainUntil = now.AddDays(50) }.ToBody(now)).Code);
        Assert.Equal("UnsupportedForKind", Assert.Throws<BackupRequestException>(() => new OnDemandBackupRequest(WorkloadCatalogue.MarsServer).ToBody(now)).Code);
    }

    [Fact]
    public void VmRestoreBodyHasTheRestoreDisksExamplesCoreAndRegion()
    {
        var example = Examples.Body("AzureIaasVm/TriggerRestore_RestoreDisks_IaasVMRestoreRequest.json");
        var body = new VmRestoreRequest
        {
            RecoveryType = "RestoreDisks", RecoveryPointId = "348916168024334", SourceResourceId = Vm, Region = "southeastasia",
            StorageAccountId = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/testingRg/providers/Microsoft.Storage/storageAccounts/testAccount",
        }.ToBody("00000000-0000-0000-0000-000000000000");
        var have = Examples.Paths(body);
        // The example also shows identityInfo and targetDiskNetworkAccessSettings, which are optional and not used here.
        var want = Examples.Paths(example).Where(p => !p.Contains("identityInfo") && !p.Contains("targetDiskNetworkAccessSettings"));
        Assert.Empty(want.Except(have));
        Assert.Equal("southeastasia", body["properties"]!["region"]!.GetValue<string>());
    }

    [Fact]
    public void VmRestoreCarriesThePointsEncryptionDetailsAndSelectedDisks()
    {
        var point = JsonNode.Parse("""
            {"isSourceVMEncrypted":true,"originalStorageAccountOption":false,
             "keyAndSecret":{"kekDetails":{"keyUrl":"https://kv/keys/k/1","keyVaultId":"/kv","keyBackupData":"x"},
                             "bekDetails":{"secretUrl":"https://kv/secrets/s/1","secretVaultId":"/kv","secretData":"y"},"encryptionMechanism":"SinglePass"}}
            """)!.AsObject();
        var body = new VmRestoreRequest
        {
            RecoveryType = "RestoreDisks", RecoveryPointId = "1", SourceResourceId = Vm, Region = "westus", StorageAccountId = "sa",
            RecoveryPoint = point, DiskLuns = [0, 2], Zone = "2", DiskEncryptionSetId = "/des", TargetSubscriptionId = "other-sub", TargetResourceGroupName = "rg2",
        }.ToBody("vault-sub");
        var p = body["properties"]!;
        Assert.True(p["encryptionDetails"]!["encryptionEnabled"]!.GetValue<bool>());
        Assert.Equal("https://kv/keys/k/1", p["encryptionDetails"]!["kekUrl"]!.GetValue<string>());
        Assert.Equal("https://kv/secrets/s/1", p["encryptionDetails"]!["secretKeyUrl"]!.GetValue<string>());
        Assert.Equal("[0,2]", p["restoreDiskLunList"]!.ToJsonString());
        Assert.Equal("[\"2\"]", p["zones"]!.ToJsonString());
        Assert.Equal("/subscriptions/other-sub/resourceGroups/rg2", p["targetResourceGroupId"]!.GetValue<string>());
        Assert.Throws<BackupRequestException>(() => new VmRestoreRequest
        {
            RecoveryType = "RestoreDisks", RecoveryPointId = "1", SourceResourceId = Vm, Region = "westus", StorageAccountId = "sa",
            RecoveryPoint = point, OriginalStorageAccount = true,
        }.ToBody("s"));
    }

    [Fact]
    public void FileShareRestoreNamesEachPathsTypeAndTargetFolder()
    {
        var body = new FileShareRestoreRequest
        {
            SourceResourceId = "/sa", ConflictPolicy = "Skip", Files = [new FileSpec("docs", "Directory"), new FileSpec("a.txt", "File")], TargetFolder = "restored",
        }.ToBody("share1");
        var specs = body["properties"]!["restoreFileSpecs"]!.AsArray();
        Assert.Equal("Directory", specs[0]!["fileSpecType"]!.GetValue<string>());
        Assert.Equal("File", specs[1]!["fileSpecType"]!.GetValue<string>());
        Assert.Equal("restored", specs[1]!["targetFolderPath"]!.GetValue<string>());
        Assert.Equal("ItemLevelRestore", body["properties"]!["restoreRequestType"]!.GetValue<string>());
        Assert.Throws<BackupRequestException>(() => new FileShareRestoreRequest { SourceResourceId = "/sa", ConflictPolicy = "", Files = null }.ToBody("s"));
        Assert.Throws<BackupRequestException>(() => new FileShareRestoreRequest { SourceResourceId = "/sa", ConflictPolicy = "Skip", Files = [new FileSpec("x", "Guess")] }.ToBody("s"));
    }

    [Fact]
    public void SqlRestoreUnderAnotherNameMovesEveryFile()
    {
        // Spec AzureWorkloadSQLRestoreRequest.alternateDirectoryPaths (SQLDataDirectoryMapping), built from the point's
        // extendedInfo.dataDirectoryPaths (spec AzureWorkloadSQLRecoveryPointExtendedInfo).
        var point = JsonNode.Parse("""
            {"extendedInfo":{"dataDirectoryPaths":[
              {"type":"Data","path":"F:\\Data\\sales.mdf","logicalName":"sales"},
              {"type":"Log","path":"G:\\Log\\sales_log.ldf","logicalName":"sales_log"}]}}
            """)!.AsObject();
        var request = new SqlRestoreRequest
        {
            SourceResourceId = "/vm", DatabaseName = "sales_copy", TargetContainerId = "/c", Files = SqlFile.Read(point), LogFilePath = "L:\\Logs",
        };
        var body = request.ToBody()["properties"]!;
        var maps = body["alternateDirectoryPaths"]!.AsArray();
        Assert.Equal(2, maps.Count);
        Assert.Equal("F:\\Data\\sales_copy.mdf", maps[0]!["targetPath"]!.GetValue<string>());
        Assert.Equal("sales", maps[0]!["sourceLogicalName"]!.GetValue<string>());
        Assert.Equal("L:\\Logs\\sales_copy.ldf", maps[1]!["targetPath"]!.GetValue<string>());
        Assert.Equal("Log", maps[1]!["mappingType"]!.GetValue<string>());
        Assert.Throws<BackupRequestException>(() => new SqlRestoreRequest { SourceResourceId = "/vm", DatabaseName = "x", TargetContainerId = "/c" }.ToBody());
        Assert.Null(new SqlRestoreRequest { SourceResourceId = "/vm", DatabaseName = "x", TargetContainerId = "/c", OriginalLocation = true }.ToBody()["properties"]!["alternateDirectoryPaths"]);
    }

    [Fact]
    public void IlrBodyIsTheProvisionIlrExample()
    {
        var example = Examples.Body("AzureIaasVm/Provision_Ilr.json");
        var body = new IlrRequest("38823086363464", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/pysdktestrg/providers/Microsoft.Compute/virtualMachines/pysdktestv2vm1", "Hello World", true).ToBody();
        Assert.True(JsonNode.DeepEquals(example, body), body.ToJsonString());
    }
}

/// <summary>Instant file recovery scripts, as Azure answers them (observable in the Az module's mount-script cmdlet).</summary>
public class IlrScriptTests
{
    [Fact]
    public void WindowsScriptIsTheOneWithAUrlAndItsPasswordComesOutOfTheSuffix()
    {
        const string password = "Abcdefghijklmn1";
        // The 15-character password starts at (index of the last '_') + 33; the rest of the suffix is the file name.
        var suffix = "web01_2026" + "_" + new string('a', 32) + password + "z";
        var scripts = new JsonArray(
            new JsonObject { ["scriptContent"] = "IGNORED", ["scriptExtension"] = ".ps1", ["osType"] = "Windows", ["url"] = null, ["scriptNameSuffix"] = "helper" },
            new JsonObject { ["scriptContent"] = "ALSO IGNORED", ["scriptExtension"] = ".exe", ["osType"] = "Windows", ["url"] = "https://download.test/ilr.exe", ["scriptNameSuffix"] = suffix });
        var script = IlrScript.Select(scripts, "fallback");
        Assert.Equal(new Uri("https://download.test/ilr.exe"), script.DownloadUrl);
        Assert.Equal(password, script.Password);
        Assert.Equal("web01_2026_" + new string('a', 32) + "z.exe", script.FileName);
        Assert.DoesNotContain(password, script.FileName);
    }

    [Fact]
    public void LinuxPasswordIsInTheScriptAndIsReplaced()
    {
        const string password = "Linuxpassword15";
        var content = "#!/bin/bash\nTargetPassword=\"" + password + "\"\necho mount\n";
        var scripts = new JsonArray(new JsonObject
        {
            ["scriptContent"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(content)), ["scriptExtension"] = ".py", ["osType"] = "Linux", ["url"] = null, ["scriptNameSuffix"] = null,
        });
        var script = IlrScript.Select(scripts, "vm1_point");
        Assert.Null(script.DownloadUrl);
        Assert.Equal(password, script.Password);
        Assert.Equal("vm1_point.py", script.FileName);
        var saved = Encoding.UTF8.GetString(script.Content);
        Assert.DoesNotContain(password, saved);
        Assert.Contains("TargetPassword=\"" + IlrScript.PasswordPlaceholder + "\"", saved);
    }

    [Fact]
    public void AScriptWithoutAPasswordIsAFormatError() =>
        Assert.Throws<FormatException>(() => IlrScript.Select(new JsonArray(new JsonObject { ["url"] = "https://x/y", ["scriptNameSuffix"] = "short_one" }), "f"));
}

/// <summary>Policy rules (Azure Backup docs: VM backup policy, enhanced policy, Azure Files support matrix).</summary>
public class PolicyDefinitionTests
{
    private static readonly PolicySchedule Daily = new("Daily", new TimeSpan(2, 0, 0), [], null, null, "UTC");
    private static readonly PolicySchedule Weekly = new("Weekly", new TimeSpan(2, 0, 0), [DayOfWeek.Sunday], null, null, "UTC");
    private static readonly PolicyRetention ThirtyDays = new(30, null, [DayOfWeek.Sunday], null, null, ["January"], "First");
    private static readonly PolicyRetention TwelveWeeks = new(null, 12, [DayOfWeek.Sunday], null, null, ["January"], "First");

    [Fact]
    public void StandardWeeklyVmPoliciesSendFiveInstantRestoreDays()
    {
        var body = new PolicyDefinition(WorkloadCatalogue.AzureVM, Weekly, TwelveWeeks).ToBody();
        Assert.Equal(5, body["properties"]!["instantRpRetentionRangeInDays"]!.GetValue<int>());
        var ex = Assert.Throws<BackupRequestException>(() => new PolicyDefinition(WorkloadCatalogue.AzureVM, Weekly, TwelveWeeks) { InstantRestoreDays = 2 }.ToBody());
        Assert.Equal("InvalidRetention", ex.Code);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(30)]
    public void EnhancedPoliciesTakeOneTo30InstantRestoreDays(int days)
    {
        var body = new PolicyDefinition(WorkloadCatalogue.AzureVM, Daily, ThirtyDays) { Enhanced = true, InstantRestoreDays = days }.ToBody();
        Assert.Equal(days, body["properties"]!["instantRpRetentionRangeInDays"]!.GetValue<int>());
        Assert.Equal("V2", body["properties"]!["policyType"]!.GetValue<string>());
    }

    [Fact]
    public void EnhancedDefaultIsSevenAndBoundsAreChecked()
    {
        Assert.Equal(7, new PolicyDefinition(WorkloadCatalogue.AzureVM, Daily, ThirtyDays) { Enhanced = true }.EffectiveInstantRestoreDays);
        Assert.Throws<BackupRequestException>(() => new PolicyDefinition(WorkloadCatalogue.AzureVM, Daily, ThirtyDays) { Enhanced = true, InstantRestoreDays = 31 }.Validate());
        Assert.Throws<BackupRequestException>(() => new PolicyDefinition(WorkloadCatalogue.AzureVM, Daily, ThirtyDays) { InstantRestoreDays = 6 }.Validate());
        Assert.Throws<BackupRequestException>(() => new PolicyDefinition(WorkloadCatalogue.AzureVM, Daily, new PolicyRetention(7, null, [DayOfWeek.Sunday], null, null, ["January"], "First")) { Enhanced = true, InstantRestoreDays = 10 }.Validate());
    }

    [Fact]
    public void HourlyWindowShorterThanTheIntervalIsRefused()
    {
        var hourly = new PolicySchedule("Hourly", new TimeSpan(8, 0, 0), [], 12, 8, "UTC");
        var ex = Assert.Throws<BackupRequestException>(() => new PolicyDefinition(WorkloadCatalogue.AzureVM, hourly, ThirtyDays) { Enhanced = true }.Validate());
        Assert.Equal("InvalidSchedule", ex.Code);
        new PolicyDefinition(WorkloadCatalogue.AzureVM, hourly with { HourlyInterval = 24, WindowDurationHours = 24 }, ThirtyDays) { Enhanced = true }.Validate();
    }

    [Fact]
    public void HourlyV2BodyHasTheShapeOfTheOfficialExample()
    {
        var example = Examples.Body("AzureIaasVm/V2Policy/IaaS_v2_hourly.json");
        var body = new PolicyDefinition(WorkloadCatalogue.AzureVM, new PolicySchedule("Hourly", new TimeSpan(8, 0, 0), [], 4, 16, "India Standard Time"),
            new PolicyRetention(180, 12, [DayOfWeek.Wednesday, DayOfWeek.Friday], 60, 10, ["February", "November"], "First")) { Enhanced = true, InstantRestoreDays = 30 }.ToBody();
        var missing = Examples.Paths(example["properties"]!["schedulePolicy"]).Except(Examples.Paths(body["properties"]!["schedulePolicy"]));
        Assert.Empty(missing);
    }

    [Fact]
    public void FileShareSnapshotTierCapsAreChecked()
    {
        // Azure Files backup support matrix: daily 200 days, weekly 200 weeks, monthly 120 months, yearly 10 years.
        var fs = WorkloadCatalogue.AzureFileShare;
        Assert.Throws<BackupRequestException>(() => new PolicyDefinition(fs, Daily, ThirtyDays with { YearlyYears = 11 }).Validate());
        Assert.Throws<BackupRequestException>(() => new PolicyDefinition(fs, Daily, ThirtyDays with { MonthlyMonths = 121 }).Validate());
        Assert.Throws<BackupRequestException>(() => new PolicyDefinition(fs, Daily, ThirtyDays with { WeeklyWeeks = 201 }).Validate());
        Assert.Throws<BackupRequestException>(() => new PolicyDefinition(fs, Daily, ThirtyDays with { DailyDays = 201 }).Validate());
        new PolicyDefinition(fs, Daily, ThirtyDays with { WeeklyWeeks = 200, MonthlyMonths = 120, YearlyYears = 10 }).Validate();
    }

    [Fact]
    public void ReadThenApplyChangesOnlyWhatWasAsked()
    {
        var created = new PolicyDefinition(WorkloadCatalogue.AzureVM, Daily, ThirtyDays with { MonthlyMonths = 12 }) { InstantRestoreDays = 3 }.ToBody();
        created["properties"]!["protectedItemsCount"] = 4;
        var read = PolicyDefinition.Read(created);
        Assert.Equal(12, read.Retention.MonthlyMonths);
        Assert.Equal(3, read.InstantRestoreDays);
        var changed = (read with { Schedule = Daily with { RunTime = new TimeSpan(4, 30, 0) } }).ApplyTo(created);
        Assert.Equal(12, changed["properties"]!["retentionPolicy"]!["monthlySchedule"]!["retentionDuration"]!["count"]!.GetValue<int>());
        Assert.Equal(4, changed["properties"]!["protectedItemsCount"]!.GetValue<int>());
        Assert.Equal("2024-01-01T04:30:00Z", changed["properties"]!["schedulePolicy"]!["scheduleRunTimes"]![0]!.GetValue<string>());
        // The retention's times move with the schedule's (the service keeps the points taken at the run time).
        Assert.Equal("2024-01-01T04:30:00Z", changed["properties"]!["retentionPolicy"]!["dailySchedule"]!["retentionTimes"]![0]!.GetValue<string>());
    }
}

/// <summary>The client's typed calls on the wire (stub transport).</summary>
public class BackupClientWireTests
{
    private static readonly RecoveryVaultResourceId Vault = RecoveryVaultResourceId.ForVault(Stub.Sub, "rg", "v1");

    [Fact]
    public async Task RefreshContainersSendsTheKindsFilter()
    {
        var (client, handler, _) = Stub.Create((_, _) => StubHandler.Empty(HttpStatusCode.NoContent));
        await client.RefreshContainersAsync(WaitUntil.Started, Vault, WorkloadCatalogue.AzureFileShare);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("POST", request.Method);
        Assert.EndsWith("/backupFabrics/Azure/refreshContainers?api-version=2023-06-01&$filter=backupManagementType eq 'AzureStorage'", Uri.UnescapeDataString(request.Uri));
    }

    [Fact]
    public async Task ItemFiltersTravelEscaped()
    {
        var (client, handler, _) = Stub.Create((_, _) => StubHandler.Json(HttpStatusCode.OK, """{"value":[]}"""));
        await foreach (var _ in client.GetBackupResourcesAsync(Vault, new ItemQuery { PolicyName = "a'b" }.ToRequest()))
        {
        }
        Assert.EndsWith("$filter=policyName eq 'a''b'", Uri.UnescapeDataString(Assert.Single(handler.Requests).Uri));
    }

    [Fact]
    public async Task TheServicesDateIsTheClientsNow()
    {
        var serviceTime = DateTimeOffset.UtcNow.AddDays(3);
        var (client, _, _) = Stub.Create((_, _) =>
        {
            var r = StubHandler.Json(HttpStatusCode.OK, Stub.Vault("v1"));
            r.Headers.Date = serviceTime;
            return r;
        });
        await client.GetVaultAsync(Stub.Sub, "rg", "v1");
        Assert.True(client.ServiceClock.IsKnown);
        Assert.InRange(client.ServiceClock.Now, serviceTime.AddSeconds(-2), serviceTime.AddSeconds(5));
    }

    [Fact]
    public void JobsMatchTheirItemByContainerNotOnlyByName()
    {
        var item1 = $"{Vault}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-a;web01/protectedItems/VM;iaasvmcontainerv2;rg-a;web01";
        var item2 = $"{Vault}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-b;web01/protectedItems/VM;iaasvmcontainerv2;rg-b;web01";
        // AzureIaaSVMJob.containerName (spec), here without the type prefix.
        var job = new BackupResourceData(JsonNode.Parse("""{"properties":{"jobType":"AzureIaaSVMJob","entityFriendlyName":"web01","containerName":"iaasvmcontainerv2;rg-a;web01"}}""")!.AsObject());
        Assert.True(JobMatch.IsForItem(job, item1, "web01"));
        Assert.False(JobMatch.IsForItem(job, item2, "web01"));
    }
}
