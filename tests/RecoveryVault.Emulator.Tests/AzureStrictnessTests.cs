// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text;
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Tests;

/// <summary>
/// Issue 8: where Azure refuses a request the emulator refuses it with Azure's code, and where Azure answers in a
/// particular shape the emulator answers in that shape. Each test names the Azure source of the rule it checks.
/// </summary>
public sealed class AzureStrictnessTests(AzureStrictnessTests.Fixture fx) : IClassFixture<AzureStrictnessTests.Fixture>
{
    private const string Api = "?api-version=2023-06-01";

    private async Task<(Arm Arm, string Vault)> NewVaultAsync(string rg, JsonObject? vaultProperties = null)
    {
        var arm = await Arm.ForOwnerAsync(fx.Server);
        await arm.CreateResourceGroupAsync(rg);
        var r = await arm.CreateVaultAsync(rg, "rsv", new JsonObject { ["location"] = "westus", ["sku"] = new JsonObject { ["name"] = "Standard" }, ["properties"] = vaultProperties ?? new JsonObject() });
        Assert.Equal(201, r.Code);
        return (arm, arm.VaultPath(rg, "rsv"));
    }

    private static async Task SeedVmAsync(Arm arm, string rg, string name, string osType = "Windows", bool encrypted = false)
    {
        var r = await arm.AdminAsync("POST", "/_emulator/virtualMachines", new { resourceGroup = rg, name, location = "westus", osType, encrypted, disks = new[] { new { lun = 0, name = "data0", sizeGB = 128 } } });
        Assert.Equal(201, r.Code);
    }

    private static async Task<JsonNode> DoneAsync(Arm arm, Reply accepted)
    {
        Assert.True(accepted.Code == 202, $"{accepted.Code} {accepted.Body}");
        var status = await arm.WaitAsync(accepted.Header("Azure-AsyncOperation")!);
        Assert.Equal("Succeeded", status["status"]!.GetValue<string>());
        return status;
    }

    private static async Task AdvanceAsync(Arm arm, double minutes = 0, double days = 0) =>
        Assert.Equal(200, (await arm.AdminAsync("POST", "/_emulator/clock/advance", new { days, minutes })).Code);

    private static string VmItem(string vault, string rg, string vm) =>
        $"{vault}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;{rg};{vm}/protectedItems/VM;iaasvmcontainerv2;{rg};{vm}";

    private async Task<string> ProtectVmAsync(Arm arm, string vault, string rg, string vm)
    {
        await arm.RefreshContainersAsync(vault);
        var item = VmItem(vault, rg, vm);
        await DoneAsync(arm, await arm.SendAsync("PUT", item + Api, new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["protectedItemType"] = "Microsoft.Compute/virtualMachines",
                ["sourceResourceId"] = $"/subscriptions/{fx.Server.SubscriptionId}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{vm}",
                ["policyId"] = vault + "/backupPolicies/DefaultPolicy",
            },
        }));
        return item;
    }

    /// <summary>Protects the VM and takes one backup; returns the item and its point.</summary>
    private async Task<(string Item, string Point)> BackedUpVmAsync(Arm arm, string vault, string rg, string vm)
    {
        var item = await ProtectVmAsync(arm, vault, rg, vm);
        await DoneAsync(arm, await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "IaasVMBackupRequest" } }));
        await AdvanceAsync(arm, minutes: 11);
        var points = await arm.SendAsync("GET", item + "/recoveryPoints" + Api);
        return (item, points.Body!["value"]![0]!["name"]!.GetValue<string>());
    }

    private static async Task<JsonArray> ProvisionIlrAsync(Arm arm, string item, string point, bool renew)
    {
        var status = await DoneAsync(arm, await arm.SendAsync("POST", $"{item}/recoveryPoints/{point}/provisionInstantItemRecovery{Api}", new JsonObject
        {
            ["properties"] = new JsonObject { ["objectType"] = "IaasVMILRRegistrationRequest", ["recoveryPointId"] = point, ["renewExistingRegistration"] = renew },
        }));
        return status["properties"]!["recoveryTarget"]!["clientScripts"]!.AsArray();
    }

    private static JsonObject VmPolicy(string frequency, int? instantDays, bool enhanced = false)
    {
        const string T = "2024-01-01T02:00:00Z";
        var schedule = enhanced
            ? new JsonObject
            {
                ["schedulePolicyType"] = "SimpleSchedulePolicyV2",
                ["scheduleRunFrequency"] = frequency,
                ["dailySchedule"] = frequency == "Daily" ? new JsonObject { ["scheduleRunTimes"] = new JsonArray(T) } : null,
                ["weeklySchedule"] = frequency == "Weekly" ? new JsonObject { ["scheduleRunDays"] = new JsonArray("Sunday"), ["scheduleRunTimes"] = new JsonArray(T) } : null,
            }
            : new JsonObject { ["schedulePolicyType"] = "SimpleSchedulePolicy", ["scheduleRunFrequency"] = frequency, ["scheduleRunTimes"] = new JsonArray(T), ["scheduleRunDays"] = frequency == "Weekly" ? new JsonArray("Sunday") : null };
        var retention = frequency == "Weekly"
            ? new JsonObject { ["retentionPolicyType"] = "LongTermRetentionPolicy", ["weeklySchedule"] = new JsonObject { ["daysOfTheWeek"] = new JsonArray("Sunday"), ["retentionTimes"] = new JsonArray(T), ["retentionDuration"] = new JsonObject { ["count"] = 12, ["durationType"] = "Weeks" } } }
            : new JsonObject { ["retentionPolicyType"] = "LongTermRetentionPolicy", ["dailySchedule"] = new JsonObject { ["retentionTimes"] = new JsonArray(T), ["retentionDuration"] = new JsonObject { ["count"] = 30, ["durationType"] = "Days" } } };
        var props = new JsonObject { ["backupManagementType"] = "AzureIaasVM", ["schedulePolicy"] = schedule, ["retentionPolicy"] = retention, ["timeZone"] = "UTC" };
        if (enhanced)
        {
            props["policyType"] = "V2";
        }

        if (instantDays is { } d)
        {
            props["instantRpRetentionRangeInDays"] = d;
        }

        return new JsonObject { ["properties"] = props };
    }

    // ------------------------------------------------------------------ item 3 (d) and item 2 (c)

    /// <summary>
    /// Source: the portal's note that a Standard weekly policy keeps instant restore snapshots 5 days, and the error
    /// Azure answers otherwise, BMSUserErrorInvalidPolicyInput (quoted in hashicorp/terraform-provider-azurerm#24539).
    /// The emulator used to change the value to 5 silently.
    /// </summary>
    [Fact]
    public async Task StandardWeeklyVmPolicy_InstantRestoreMustBeFive()
    {
        var (arm, vault) = await NewVaultAsync("st-weekly");
        var two = await arm.SendAsync("PUT", vault + "/backupPolicies/weekly2" + Api, VmPolicy("Weekly", 2));
        Assert.Equal(400, two.Code);
        Assert.Equal("BMSUserErrorInvalidPolicyInput", two.ErrorCode);
        Assert.Contains("5 days", two.ErrorMessage);
        Assert.Equal(404, (await arm.SendAsync("GET", vault + "/backupPolicies/weekly2" + Api)).Code);

        var five = await arm.SendAsync("PUT", vault + "/backupPolicies/weekly5" + Api, VmPolicy("Weekly", 5));
        Assert.Equal(200, five.Code);
        Assert.Equal(5, five.Body!["properties"]!["instantRpRetentionRangeInDays"]!.GetValue<int>());

        // ProtectionPolicies_CreateOrUpdate_Complex.json (weekly V1) sends no value at all and Azure accepts it.
        var none = await arm.SendAsync("PUT", vault + "/backupPolicies/weeklyNone" + Api, VmPolicy("Weekly", null));
        Assert.Equal(200, none.Code);
        Assert.Equal(5, none.Body!["properties"]!["instantRpRetentionRangeInDays"]!.GetValue<int>());

        // A Standard daily policy: 1-5 days (azure-sdk-for-go#2822: 10 days answered BMSUserErrorInvalidPolicyInput).
        var ten = await arm.SendAsync("PUT", vault + "/backupPolicies/daily10" + Api, VmPolicy("Daily", 10));
        Assert.Equal("BMSUserErrorInvalidPolicyInput", ten.ErrorCode);
        Assert.Equal(200, (await arm.SendAsync("PUT", vault + "/backupPolicies/daily3" + Api, VmPolicy("Daily", 3))).Code);
    }

    /// <summary>Source: learn.microsoft.com/azure/backup/backup-azure-vms-enhanced-policy — Enhanced policies keep instant restore snapshots 1 to 30 days (default 7).</summary>
    [Fact]
    public async Task EnhancedVmPolicy_InstantRestoreOneToThirty_DefaultSeven()
    {
        var (arm, vault) = await NewVaultAsync("st-v2");
        var thirty = await arm.SendAsync("PUT", vault + "/backupPolicies/v2max" + Api, VmPolicy("Daily", 30, enhanced: true));
        Assert.True(thirty.Code == 200, thirty.Body?.ToJsonString());
        Assert.Equal(30, thirty.Body!["properties"]!["instantRpRetentionRangeInDays"]!.GetValue<int>());
        var one = await arm.SendAsync("PUT", vault + "/backupPolicies/v2min" + Api, VmPolicy("Daily", 1, enhanced: true));
        Assert.Equal(1, one.Body!["properties"]!["instantRpRetentionRangeInDays"]!.GetValue<int>());
        var dflt = await arm.SendAsync("PUT", vault + "/backupPolicies/v2default" + Api, VmPolicy("Daily", null, enhanced: true));
        Assert.Equal(7, dflt.Body!["properties"]!["instantRpRetentionRangeInDays"]!.GetValue<int>());
        foreach (var bad in new[] { 0, 31 })
        {
            var r = await arm.SendAsync("PUT", vault + "/backupPolicies/v2bad" + Api, VmPolicy("Daily", bad, enhanced: true));
            Assert.Equal(400, r.Code);
            Assert.Equal("BMSUserErrorInvalidPolicyInput", r.ErrorCode);
            Assert.Contains("between 1 and 30", r.ErrorMessage);
        }
    }

    // ------------------------------------------------------------------ item 1 (b): ILR in Azure's shape

    /// <summary>
    /// Sources: bms.json InstantItemRecoveryTarget / ClientScriptForConnect (url: "URL of Executable from where to source
    /// the content"), the official Provision_Ilr.json request (renewExistingRegistration), and where
    /// Az.RecoveryServices' mount-script cmdlet reads the password (15 characters, 33 after the last '_' of the suffix).
    /// </summary>
    [Fact]
    public async Task Ilr_Windows_TwoScripts_ExecutableUrlServed_PasswordInSuffix_RenewKeepsMount()
    {
        var (arm, vault) = await NewVaultAsync("st-ilrw");
        await SeedVmAsync(arm, "st-ilrw", "winvm");
        var (item, point) = await BackedUpVmAsync(arm, vault, "st-ilrw", "winvm");
        var scripts = await ProvisionIlrAsync(arm, item, point, renew: false);
        Assert.Equal(2, scripts.Count);
        Assert.All(scripts, sc => Assert.Equal("Windows", sc!["osType"]!.GetValue<string>()));
        var exe = scripts.Single(sc => sc!["url"] is not null)!;
        Assert.Equal(".exe", exe["scriptExtension"]!.GetValue<string>());
        var suffix = exe["scriptNameSuffix"]!.GetValue<string>();
        var password = suffix.Substring(suffix.LastIndexOf('_') + 33, 15);
        Assert.Equal(15, password.Length);

        var download = await arm.Http.GetAsync(new Uri(exe["url"]!.GetValue<string>()));
        Assert.Equal(System.Net.HttpStatusCode.OK, download.StatusCode);
        Assert.Contains($"TargetPassword=\"{password}\"", await download.Content.ReadAsStringAsync());

        var rp = await arm.SendAsync("GET", $"{item}/recoveryPoints/{point}{Api}");
        Assert.True(rp.Body!["properties"]!["isInstantIlrSessionActive"]!.GetValue<bool>());

        // A renewal extends the same mount: same password; without renewal a new mount (new password) is made.
        var renewed = (await ProvisionIlrAsync(arm, item, point, renew: true)).Single(sc => sc!["url"] is not null)!["scriptNameSuffix"]!.GetValue<string>();
        Assert.Equal(password, renewed.Substring(renewed.LastIndexOf('_') + 33, 15));
        var fresh = (await ProvisionIlrAsync(arm, item, point, renew: false)).Single(sc => sc!["url"] is not null)!["scriptNameSuffix"]!.GetValue<string>();
        Assert.NotEqual(password, fresh.Substring(fresh.LastIndexOf('_') + 33, 15));
    }

    /// <summary>Source: bms.json ClientScriptForConnect; Azure's Linux file recovery script is one python script carrying the target password.</summary>
    [Fact]
    public async Task Ilr_Linux_OneScriptWithTargetPassword()
    {
        var (arm, vault) = await NewVaultAsync("st-ilrl");
        await SeedVmAsync(arm, "st-ilrl", "linvm", osType: "Linux");
        var (item, point) = await BackedUpVmAsync(arm, vault, "st-ilrl", "linvm");
        var script = Assert.Single(await ProvisionIlrAsync(arm, item, point, renew: false))!;
        Assert.Equal("Linux", script["osType"]!.GetValue<string>());
        Assert.Null(script["url"]);
        var text = Encoding.UTF8.GetString(Convert.FromBase64String(script["scriptContent"]!.GetValue<string>()));
        Assert.Matches("TargetPassword=\"[A-Za-z0-9]{15}\"", text);
    }

    /// <summary>
    /// Source: learn.microsoft.com/azure/backup/backup-azure-encrypted-vm-troubleshoot ("ADE encrypted VMs cannot be
    /// recovered at the file/folder level"); bms.json IaasVMRecoveryPoint.keyAndSecret ("applicable only when
    /// IsSourceVMEncrypted is true").
    /// </summary>
    [Fact]
    public async Task Ilr_EncryptedVmPoint_IsRefused()
    {
        var (arm, vault) = await NewVaultAsync("st-ilre");
        await SeedVmAsync(arm, "st-ilre", "encvm", encrypted: true);
        var (item, point) = await BackedUpVmAsync(arm, vault, "st-ilre", "encvm");
        var rp = await arm.SendAsync("GET", $"{item}/recoveryPoints/{point}{Api}");
        Assert.True(rp.Body!["properties"]!["isSourceVMEncrypted"]!.GetValue<bool>());
        Assert.NotNull(rp.Body!["properties"]!["keyAndSecret"]!["bekDetails"]!["secretUrl"]);
        var r = await arm.SendAsync("POST", $"{item}/recoveryPoints/{point}/provisionInstantItemRecovery{Api}", new JsonObject
        {
            ["properties"] = new JsonObject { ["objectType"] = "IaasVMILRRegistrationRequest", ["recoveryPointId"] = point, ["renewExistingRegistration"] = false },
        });
        Assert.Equal(400, r.Code);
        Assert.Equal("UserErrorILRNotSupportedForEncryptedVM", r.ErrorCode);
        Assert.False((await arm.SendAsync("GET", $"{item}/recoveryPoints/{point}{Api}")).Body!["properties"]!["isInstantIlrSessionActive"]!.GetValue<bool>());
    }

    // ------------------------------------------------------------------ item 4 (e): on-demand SQL backup retention

    /// <summary>
    /// Source: learn.microsoft.com/azure/backup/backup-azure-sql-database ("Run an on-demand backup"): an on-demand
    /// Full is kept at least 45 days, Differential and Log follow the policy, a copy-only Full is kept until the date given.
    /// </summary>
    [Fact]
    public async Task SqlOnDemandBackup_FullNeedsFortyFiveDays_DiffLogFollowPolicy_CopyOnlyAnyDate()
    {
        var (arm, vault) = await NewVaultAsync("st-sql");
        await SeedVmAsync(arm, "st-sql", "sqlvm");
        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/sqlServers", new { resourceGroup = "st-sql", vmName = "sqlvm", instance = "MSSQLSERVER", databases = new[] { "db1" } })).Code);
        var container = vault + "/backupFabrics/Azure/protectionContainers/VMAppContainer;Compute;st-sql;sqlvm";
        await DoneAsync(arm, await arm.SendAsync("PUT", container + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["containerType"] = "VMAppContainer", ["backupManagementType"] = "AzureWorkload", ["workloadType"] = "SQLDataBase", ["sourceResourceId"] = $"/subscriptions/{fx.Server.SubscriptionId}/resourceGroups/st-sql/providers/Microsoft.Compute/virtualMachines/sqlvm" },
        }));
        var item = container + "/protectedItems/SQLDataBase;mssqlserver;db1";
        await DoneAsync(arm, await arm.SendAsync("PUT", item + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["protectedItemType"] = "AzureVmWorkloadSQLDatabase", ["policyId"] = vault + "/backupPolicies/HourlyLogBackup" },
        }));
        var now = DateTimeOffset.Parse((await arm.AdminAsync("GET", "/_emulator/clock")).Body!["now"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        JsonObject Request(string type, DateTimeOffset? expiry) => new()
        {
            ["properties"] = new JsonObject
            {
                ["objectType"] = "AzureWorkloadBackupRequest",
                ["backupType"] = type,
                ["recoveryPointExpiryTimeInUTC"] = expiry is { } e ? e.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) : null,
            },
        };

        var shortFull = await arm.SendAsync("POST", item + "/backup" + Api, Request("Full", now.AddDays(30)));
        Assert.Equal(400, shortFull.Code);
        Assert.Equal("UserErrorInvalidRecoveryPointExpiryTime", shortFull.ErrorCode);
        Assert.Contains("45 days", shortFull.ErrorMessage);
        await DoneAsync(arm, await arm.SendAsync("POST", item + "/backup" + Api, Request("Full", now.AddDays(46))));
        await AdvanceAsync(arm, minutes: 11);

        var diffWithExpiry = await arm.SendAsync("POST", item + "/backup" + Api, Request("Differential", now.AddDays(60)));
        Assert.Equal(400, diffWithExpiry.Code);
        Assert.Equal("BMSUserErrorInvalidInput", diffWithExpiry.ErrorCode);

        await DoneAsync(arm, await arm.SendAsync("POST", item + "/backup" + Api, Request("CopyOnlyFull", now.AddDays(3))));
        await AdvanceAsync(arm, minutes: 11);
        await DoneAsync(arm, await arm.SendAsync("POST", item + "/backup" + Api, Request("Log", null)));
        await AdvanceAsync(arm, minutes: 11);
    }

    // ------------------------------------------------------------------ item 5 (f): soft-delete retention

    /// <summary>
    /// Source: Microsoft docs (backup-azure-security-feature-cloud, "soft delete retention 14-180 days"), bms.json
    /// AzureIaaSVMProtectedItem deferredDeleteTimeInUTC / deferredDeleteTimeRemaining / isScheduledForDeferredDelete.
    /// </summary>
    [Fact]
    public async Task SoftDeletedItem_PurgeFollowsVaultRetention_AndShowsDeferredDeleteTimes()
    {
        var securitySettings = new JsonObject { ["softDeleteSettings"] = new JsonObject { ["softDeleteState"] = "Enabled", ["softDeleteRetentionPeriodInDays"] = 30 } };
        var (arm, vault) = await NewVaultAsync("st-soft", new JsonObject { ["securitySettings"] = securitySettings });
        await SeedVmAsync(arm, "st-soft", "vm1");
        var (item, _) = await BackedUpVmAsync(arm, vault, "st-soft", "vm1");
        var now = DateTimeOffset.Parse((await arm.AdminAsync("GET", "/_emulator/clock")).Body!["now"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        await DoneAsync(arm, await arm.SendAsync("DELETE", item + Api));
        var got = (await arm.SendAsync("GET", item + Api)).Body!["properties"]!;
        Assert.True(got["isScheduledForDeferredDelete"]!.GetValue<bool>());
        var deletedAt = DateTimeOffset.Parse(got["deferredDeleteTimeInUTC"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Math.Abs((deletedAt - now).TotalMinutes) < 5, $"{deletedAt} vs {now}");
        // The clock is frozen, so exactly the vault's 30 days remain (d.hh:mm:ss, as Azure renders it).
        Assert.Equal("30.00:00:00", got["deferredDeleteTimeRemaining"]!.GetValue<string>());

        await AdvanceAsync(arm, days: 20);
        Assert.Equal(200, (await arm.SendAsync("GET", item + Api)).Code);
        await AdvanceAsync(arm, days: 11);
        Assert.Equal(404, (await arm.SendAsync("GET", item + Api)).Code);
    }

    // ------------------------------------------------------------------ item 11 (j): Azure Files

    /// <summary>Source: learn.microsoft.com/azure/backup/azure-file-share-support-matrix — snapshot retention at most 200 days, 200 weeks, 120 months, 10 years.</summary>
    [Fact]
    public async Task FileSharePolicy_SnapshotRetentionCaps()
    {
        var (arm, vault) = await NewVaultAsync("st-afs");
        const string T = "2024-01-01T02:00:00Z";
        JsonObject Policy(string rule, string unit, int count)
        {
            var r = new JsonObject { ["retentionTimes"] = new JsonArray(T), ["retentionDuration"] = new JsonObject { ["count"] = count, ["durationType"] = unit } };
            if (rule == "weeklySchedule")
            {
                r["daysOfTheWeek"] = new JsonArray("Sunday");
            }
            else if (rule is "monthlySchedule" or "yearlySchedule")
            {
                r["retentionScheduleFormatType"] = "Weekly";
                r["retentionScheduleWeekly"] = new JsonObject { ["daysOfTheWeek"] = new JsonArray("Sunday"), ["weeksOfTheMonth"] = new JsonArray("First") };
                if (rule == "yearlySchedule")
                {
                    r["monthsOfYear"] = new JsonArray("January");
                }
            }

            var retention = new JsonObject { ["retentionPolicyType"] = "LongTermRetentionPolicy", ["dailySchedule"] = new JsonObject { ["retentionTimes"] = new JsonArray(T), ["retentionDuration"] = new JsonObject { ["count"] = 30, ["durationType"] = "Days" } } };
            retention[rule] = r;
            return new JsonObject
            {
                ["properties"] = new JsonObject
                {
                    ["backupManagementType"] = "AzureStorage",
                    ["workLoadType"] = "AzureFileShare",
                    ["schedulePolicy"] = new JsonObject { ["schedulePolicyType"] = "SimpleSchedulePolicy", ["scheduleRunFrequency"] = "Daily", ["scheduleRunTimes"] = new JsonArray(T) },
                    ["retentionPolicy"] = retention,
                    ["timeZone"] = "UTC",
                },
            };
        }

        foreach (var (rule, unit, cap) in new[] { ("dailySchedule", "Days", 200), ("weeklySchedule", "Weeks", 200), ("monthlySchedule", "Months", 120), ("yearlySchedule", "Years", 10) })
        {
            var ok = await arm.SendAsync("PUT", vault + "/backupPolicies/afs-" + unit + Api, Policy(rule, unit, cap));
            Assert.True(ok.Code == 200, $"{rule} {cap}: {ok.Code} {ok.Body}");
            var over = await arm.SendAsync("PUT", vault + "/backupPolicies/afs-over-" + unit + Api, Policy(rule, unit, cap + 1));
            Assert.Equal(400, over.Code);
            Assert.Equal("UserErrorInvalidRetentionRange", over.ErrorCode);
            Assert.Contains($"between 1 and {cap}", over.ErrorMessage);
        }
    }

    /// <summary>Source: bms.json AzureFileShareRestoreRequest / RestoreFileSpecs (fileSpecType File|Directory, targetFolderPath), copyOptions enum.</summary>
    [Fact]
    public async Task FileShareItemLevelRestore_NeedsFileSpecTypeTargetFolderAndCopyOptions()
    {
        var (arm, vault) = await NewVaultAsync("st-afr");
        var sa = await arm.AdminAsync("POST", "/_emulator/storageAccounts", new { resourceGroup = "st-afr", name = "afrsa", location = "westus", fileShares = new[] { "share1" } });
        Assert.Equal(201, sa.Code);
        var saId = sa.Body!["id"]!.GetValue<string>();
        var container = vault + "/backupFabrics/Azure/protectionContainers/StorageContainer;Storage;st-afr;afrsa";
        await DoneAsync(arm, await arm.SendAsync("PUT", container + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["containerType"] = "StorageContainer", ["backupManagementType"] = "AzureStorage", ["sourceResourceId"] = saId },
        }));
        var item = container + "/protectedItems/AzureFileShare;share1";
        await DoneAsync(arm, await arm.SendAsync("PUT", item + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["protectedItemType"] = "AzureFileShareProtectedItem", ["sourceResourceId"] = saId, ["policyId"] = vault + "/backupPolicies/DailyPolicy-file" },
        }));
        await DoneAsync(arm, await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "AzureFileShareBackupRequest" } }));
        await AdvanceAsync(arm, minutes: 11);
        var point = (await arm.SendAsync("GET", item + "/recoveryPoints" + Api)).Body!["value"]![0]!["name"]!.GetValue<string>();
        Task<Reply> RestoreAsync(JsonObject spec, string? copy = "Overwrite") => arm.SendAsync("POST", $"{item}/recoveryPoints/{point}/restore{Api}", new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["objectType"] = "AzureFileShareRestoreRequest",
                ["recoveryType"] = "AlternateLocation",
                ["sourceResourceId"] = saId,
                ["copyOptions"] = copy,
                ["restoreRequestType"] = "ItemLevelRestore",
                ["restoreFileSpecs"] = new JsonArray(spec),
                ["targetDetails"] = new JsonObject { ["name"] = "share1", ["targetResourceId"] = saId },
            },
        });

        var noType = await RestoreAsync(new JsonObject { ["path"] = "dir/a.txt", ["targetFolderPath"] = "restored" });
        Assert.Equal("BMSUserErrorInvalidInput", noType.ErrorCode);
        Assert.Contains("File or Directory", noType.ErrorMessage);
        var noFolder = await RestoreAsync(new JsonObject { ["path"] = "dir", ["fileSpecType"] = "Directory" });
        Assert.Equal("BMSUserErrorInvalidInput", noFolder.ErrorCode);
        Assert.Contains("targetFolderPath", noFolder.ErrorMessage);
        var noCopy = await RestoreAsync(new JsonObject { ["path"] = "dir", ["fileSpecType"] = "Directory", ["targetFolderPath"] = "restored" }, copy: null);
        Assert.Equal("BMSUserErrorInvalidInput", noCopy.ErrorCode);
        await DoneAsync(arm, await RestoreAsync(new JsonObject { ["path"] = "dir", ["fileSpecType"] = "Directory", ["targetFolderPath"] = "restored" }));
    }

    // ------------------------------------------------------------------ item 9 (k): VM restore region

    /// <summary>
    /// Source: bms.json IaasVMRestoreRequest.region; every official TriggerRestore_*.json sends it, equal to the vault's
    /// location, and Az's Restore-AzRecoveryServicesBackupItem always sends -VaultLocation there.
    /// </summary>
    [Fact]
    public async Task VmRestore_RequiresTheVaultsRegion()
    {
        var (arm, vault) = await NewVaultAsync("st-region");
        await SeedVmAsync(arm, "st-region", "vm1");
        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/storageAccounts", new { resourceGroup = "st-region", name = "stagingsa", location = "westus", fileShares = Array.Empty<string>() })).Code);
        var (item, point) = await BackedUpVmAsync(arm, vault, "st-region", "vm1");
        Task<Reply> RestoreAsync(string? region) => arm.SendAsync("POST", $"{item}/recoveryPoints/{point}/restore{Api}", new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["objectType"] = "IaasVMRestoreRequest",
                ["recoveryType"] = "RestoreDisks",
                ["recoveryPointId"] = point,
                ["region"] = region,
                ["storageAccountId"] = $"/subscriptions/{fx.Server.SubscriptionId}/resourceGroups/st-region/providers/Microsoft.Storage/storageAccounts/stagingsa",
            },
        });
        var missing = await RestoreAsync(null);
        Assert.Equal(400, missing.Code);
        Assert.Equal("BMSUserErrorInvalidInput", missing.ErrorCode);
        Assert.Contains("region is required", missing.ErrorMessage);
        var other = await RestoreAsync("eastus");
        Assert.Equal("BMSUserErrorInvalidInput", other.ErrorCode);
        await DoneAsync(arm, await RestoreAsync("West US"));
    }

    /// <summary>Frozen simulated clock at midday, LROs short.</summary>
    // ------------------------------------------------------------------ immutable vaults (issue 9)

    private static JsonObject Immutable(string state) =>
        new() { ["securitySettings"] = new JsonObject { ["immutabilitySettings"] = new JsonObject { ["state"] = state } } };

    /// <summary>Vault PATCH; an accepted one (202, vaults spec) is waited for and reported as 200.</summary>
    private static async Task<int> PatchVaultAsync(Arm arm, string vault, JsonObject properties)
    {
        var r = await arm.SendAsync("PATCH", vault + "?api-version=" + Arm.VaultApi, new JsonObject { ["properties"] = properties });
        if (r.Code != 202)
        {
            return r.Code == 200 ? 200 : throw new Xunit.Sdk.XunitException($"{r.Code} {r.ErrorCode}");
        }

        Assert.Equal("Succeeded", (await arm.WaitAsync(r.Header("Azure-AsyncOperation")!))["status"]!.GetValue<string>());
        return 200;
    }

    private static async Task<Reply> PatchVaultRefusedAsync(Arm arm, string vault, JsonObject properties)
    {
        var r = await arm.SendAsync("PATCH", vault + "?api-version=" + Arm.VaultApi, new JsonObject { ["properties"] = properties });
        Assert.Equal(400, r.Code);
        return r;
    }

    /// <summary>
    /// Source: Azure Backup "immutable vault" concept page (stop protection with delete data is not allowed) and the
    /// code Azure answers, UserErrorOperationDeniedOnImmutableItem (Azure/azure-rest-api-specs#32688,
    /// Azure/azure-powershell#24298). Once immutability is Disabled again (allowed from Unlocked), the delete goes through.
    /// </summary>
    [Fact]
    public async Task ImmutableVault_RefusesStopProtectionWithDelete()
    {
        var (arm, vault) = await NewVaultAsync("imm-del", Immutable("Unlocked"));
        await SeedVmAsync(arm, "imm-del", "vm1");
        var item = await ProtectVmAsync(arm, vault, "imm-del", "vm1");

        var denied = await arm.SendAsync("DELETE", item + Api);
        Assert.Equal(400, denied.Code);
        Assert.Equal("UserErrorOperationDeniedOnImmutableItem", denied.ErrorCode);
        var still = await arm.SendAsync("GET", item + Api);
        Assert.Equal(200, still.Code);
        Assert.NotEqual("ProtectionStopped", still.Body!["properties"]!["protectionState"]!.GetValue<string>());

        Assert.Equal(200, await PatchVaultAsync(arm, vault, Immutable("Disabled")));
        var deleted = await arm.SendAsync("DELETE", item + Api);
        Assert.True(deleted.Code is 200 or 202 or 204, $"{deleted.Code} {deleted.Body}");
    }

    /// <summary>
    /// Source: immutable vault concept page, "Modify backup policy to reduce retention" and "Change backup policy to a
    /// policy with lower retention" are denied; increasing retention is allowed. Code as above.
    /// </summary>
    [Fact]
    public async Task ImmutableVault_RefusesRetentionReduction_AllowsIncrease()
    {
        var (arm, vault) = await NewVaultAsync("imm-ret", Immutable("Locked"));
        Assert.Equal(200, (await arm.SendAsync("PUT", vault + "/backupPolicies/daily" + Api, VmPolicy("Daily", 2))).Code);

        var shorter = VmPolicy("Daily", 2);
        shorter["properties"]!["retentionPolicy"]!["dailySchedule"]!["retentionDuration"]!["count"] = 10;
        var denied = await arm.SendAsync("PUT", vault + "/backupPolicies/daily" + Api, shorter);
        Assert.Equal(400, denied.Code);
        Assert.Equal("UserErrorOperationDeniedOnImmutableItem", denied.ErrorCode);
        var kept = await arm.SendAsync("GET", vault + "/backupPolicies/daily" + Api);
        Assert.Equal(30, kept.Body!["properties"]!["retentionPolicy"]!["dailySchedule"]!["retentionDuration"]!["count"]!.GetValue<int>());

        var longer = VmPolicy("Daily", 2);
        longer["properties"]!["retentionPolicy"]!["dailySchedule"]!["retentionDuration"]!["count"] = 60;
        Assert.Equal(200, (await arm.SendAsync("PUT", vault + "/backupPolicies/daily" + Api, longer)).Code);

        // Moving an item to a policy that keeps points for less time is a reduction too.
        await SeedVmAsync(arm, "imm-ret", "vm1");
        var item = await ProtectVmAsync(arm, vault, "imm-ret", "vm1");
        Assert.Equal(200, (await arm.SendAsync("PUT", vault + "/backupPolicies/short" + Api, shorter)).Code);
        var move = await arm.SendAsync("PUT", item + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["protectedItemType"] = "Microsoft.Compute/virtualMachines", ["policyId"] = vault + "/backupPolicies/short" },
        });
        Assert.Equal(400, move.Code);
        Assert.Equal("UserErrorOperationDeniedOnImmutableItem", move.ErrorCode);
        var get = await arm.SendAsync("GET", item + Api);
        Assert.EndsWith("/backupPolicies/DefaultPolicy", get.Body!["properties"]!["policyId"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Source: Azure/azure-cli#27785: a Locked vault answers UserErrorUnsupportedVaultImmutabilityStateChange to any
    /// attempt to make it mutable; Azure/azure-cli#32383: always-on soft delete answers
    /// BMSUserErrorDisablingSoftDeleteStateNotAllowed, through the vault and through backupconfig alike.
    /// </summary>
    [Fact]
    public async Task LockedImmutability_And_AlwaysOnSoftDelete_CannotBeUndone()
    {
        var (arm, vault) = await NewVaultAsync("imm-lock", Immutable("Locked"));
        foreach (var state in new[] { "Unlocked", "Disabled" })
        {
            var r = await PatchVaultRefusedAsync(arm, vault, Immutable(state));
            Assert.Equal("UserErrorUnsupportedVaultImmutabilityStateChange", r.ErrorCode);
        }

        var on = new JsonObject { ["securitySettings"] = new JsonObject { ["softDeleteSettings"] = new JsonObject { ["softDeleteState"] = "AlwaysON" } } };
        Assert.Equal(200, await PatchVaultAsync(arm, vault, on));
        var off = new JsonObject { ["securitySettings"] = new JsonObject { ["softDeleteSettings"] = new JsonObject { ["softDeleteState"] = "Disabled" } } };
        var viaVault = await PatchVaultRefusedAsync(arm, vault, off);
        Assert.Equal("BMSUserErrorDisablingSoftDeleteStateNotAllowed", viaVault.ErrorCode);
        var viaConfig = await arm.SendAsync("PATCH", vault + "/backupconfig/vaultconfig" + Api, new JsonObject { ["properties"] = new JsonObject { ["softDeleteFeatureState"] = "Disabled" } });
        Assert.Equal(400, viaConfig.Code);
        Assert.Equal("BMSUserErrorDisablingSoftDeleteStateNotAllowed", viaConfig.ErrorCode);

        var after = await arm.SendAsync("GET", vault + "?api-version=" + Arm.VaultApi);
        Assert.Equal("Locked", after.Body!["properties"]!["securitySettings"]!["immutabilitySettings"]!["state"]!.GetValue<string>());
        Assert.Equal("AlwaysON", after.Body!["properties"]!["securitySettings"]!["softDeleteSettings"]!["softDeleteState"]!.GetValue<string>());
    }

    /// <summary>
    /// Source: Disable-AzRecoveryServicesBackupProtection -RetainRecoveryPointsAsPerPolicy ("backups can't be suspended
    /// until immutability is enabled on the vault") and the code Azure answers otherwise (Azure/azure-rest-api-specs#32688).
    /// Suspended items keep their policy (points expire as it says) and take no backups.
    /// </summary>
    [Fact]
    public async Task BackupsSuspended_OnlyOnImmutableVault_KeepsPolicy()
    {
        var (arm, vault) = await NewVaultAsync("imm-susp");
        await SeedVmAsync(arm, "imm-susp", "vm1");
        var item = await ProtectVmAsync(arm, vault, "imm-susp", "vm1");
        var suspend = new JsonObject { ["properties"] = new JsonObject { ["protectedItemType"] = "Microsoft.Compute/virtualMachines", ["protectionState"] = "BackupsSuspended" } };

        var mutable = await arm.SendAsync("PUT", item + Api, suspend);
        Assert.Equal(400, mutable.Code);
        Assert.Equal("UserErrorOperationDeniedOnImmutableItem", mutable.ErrorCode);

        Assert.Equal(200, await PatchVaultAsync(arm, vault, Immutable("Unlocked")));
        await DoneAsync(arm, await arm.SendAsync("PUT", item + Api, suspend));
        var got = (await arm.SendAsync("GET", item + Api)).Body!["properties"]!;
        Assert.Equal("BackupsSuspended", got["protectionState"]!.GetValue<string>());
        Assert.EndsWith("/backupPolicies/DefaultPolicy", got["policyId"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        var backup = await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "IaasVMBackupRequest" } });
        Assert.Equal(400, backup.Code);
        Assert.Equal("UserErrorBackupNotAllowedProtectionStopped", backup.ErrorCode);
    }

    public sealed class Fixture : EmulatorFixture
    {
        protected override EmulatorOptions Options => new() { InMemory = true, Port = 0, LroDurationMs = 1, PageSize = 100, RetryAfterSeconds = 0, ClockRate = 0, ClockStart = TestClock.Start };
    }
}
