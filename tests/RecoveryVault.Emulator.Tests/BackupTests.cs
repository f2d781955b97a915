// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Tests;

/// <summary>Backup lifecycle against a frozen simulated clock (rate 0), so every schedule and job is deterministic.</summary>
public sealed class BackupTests(BackupTests.BackupFixture fx) : IClassFixture<BackupTests.BackupFixture>
{
    private const string Api = "?api-version=2023-06-01";

    private static async Task<(Arm Arm, string Vault)> NewVaultAsync(EmulatorServer server, string rg, string vault = "rsv", string location = "westus")
    {
        var arm = await Arm.ForOwnerAsync(server);
        await arm.CreateResourceGroupAsync(rg, location);
        var r = await arm.CreateVaultAsync(rg, vault, new JsonObject { ["location"] = location, ["sku"] = new JsonObject { ["name"] = "Standard" }, ["properties"] = new JsonObject() });
        Assert.Equal(201, r.Code);
        return (arm, arm.VaultPath(rg, vault));
    }

    private static async Task SeedVmAsync(Arm arm, string rg, string name, string location = "westus")
    {
        var r = await arm.AdminAsync("POST", "/_emulator/virtualMachines", new { resourceGroup = rg, name, location, osType = "Windows", disks = new[] { new { lun = 0, name = "data0", sizeGB = 128 } } });
        Assert.Equal(201, r.Code);
    }

    private static async Task<JsonNode> AdvanceAsync(Arm arm, double minutes = 0, double days = 0)
    {
        var r = await arm.AdminAsync("POST", "/_emulator/clock/advance", new { days, minutes });
        Assert.Equal(200, r.Code);
        return r.Body!;
    }

    private static async Task<JsonNode> FollowStatusAsync(Arm arm, Reply accepted)
    {
        Assert.Equal(202, accepted.Code);
        Assert.NotNull(accepted.Header("Location"));
        return await arm.WaitAsync(accepted.Header("Azure-AsyncOperation")!);
    }

    private static string ItemPath(Arm arm, string vault, string rg, string vm) =>
        $"{vault}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;{rg.ToLowerInvariant()};{vm}/protectedItems/VM;iaasvmcontainerv2;{rg.ToLowerInvariant()};{vm}";

    private static async Task<string> ProtectVmAsync(Arm arm, string vault, string rg, string vm, string policy = "DefaultPolicy")
    {
        await arm.RefreshContainersAsync(vault);
        var item = ItemPath(arm, vault, rg, vm);
        var put = await arm.SendAsync("PUT", item + Api, new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["protectedItemType"] = "Microsoft.Compute/virtualMachines",
                ["sourceResourceId"] = $"/subscriptions/{arm.Server.SubscriptionId}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{vm}",
                ["policyId"] = $"{vault}/backupPolicies/{policy}",
            },
        });
        var status = await FollowStatusAsync(arm, put);
        Assert.Equal("Succeeded", status["status"]!.GetValue<string>());
        Assert.Equal("OperationStatusJobExtendedInfo", status["properties"]!["objectType"]!.GetValue<string>());
        var result = await arm.SendAsync("GET", put.Header("Location")!);
        Assert.Equal(200, result.Code);
        Assert.Equal("IRPending", result.Body!["properties"]!["protectionState"]!.GetValue<string>());
        return item;
    }

    [Fact]
    public async Task NewVault_HasAzureDefaultPolicies_AndFilterWorks()
    {
        var (arm, vault) = await NewVaultAsync(fx.Server, "bk-pol");
        var all = await arm.SendAsync("GET", vault + "/backupPolicies" + Api + "&$top=50");
        Assert.Equal(200, all.Code);
        var list = await arm.SendAsync("GET", vault + "/backupPolicies" + Api + "&$filter=" + Uri.EscapeDataString("backupManagementType eq 'AzureIaasVM'"));
        var names = list.Body!["value"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("DefaultPolicy", names);
        Assert.Contains("EnhancedPolicy", names);
        Assert.DoesNotContain("HourlyLogBackup", names);
        var get = await arm.SendAsync("GET", vault + "/backupPolicies/HourlyLogBackup" + Api);
        Assert.Equal(200, get.Code);
        Assert.Equal(200, (await arm.SendAsync("GET", vault + "/backupPolicies/DailyPolicy-file" + Api)).Code);
    }

    [Fact]
    public async Task PolicyValidation_UsesAzureLimits()
    {
        var (arm, vault) = await NewVaultAsync(fx.Server, "bk-val");
        JsonObject Vm(string time, int days) => new()
        {
            ["properties"] = new JsonObject
            {
                ["backupManagementType"] = "AzureIaasVM",
                ["schedulePolicy"] = new JsonObject { ["schedulePolicyType"] = "SimpleSchedulePolicy", ["scheduleRunFrequency"] = "Daily", ["scheduleRunTimes"] = new JsonArray(time) },
                ["retentionPolicy"] = new JsonObject { ["retentionPolicyType"] = "LongTermRetentionPolicy", ["dailySchedule"] = new JsonObject { ["retentionTimes"] = new JsonArray(time), ["retentionDuration"] = new JsonObject { ["count"] = days, ["durationType"] = "Days" } } },
                ["timeZone"] = "UTC",
            },
        };
        var shortRetention = await arm.SendAsync("PUT", vault + "/backupPolicies/p1" + Api, Vm("2024-01-01T02:00:00Z", 3));
        Assert.Equal(400, shortRetention.Code);
        Assert.Contains("between 7 and 9999", shortRetention.ErrorMessage);
        var badTime = await arm.SendAsync("PUT", vault + "/backupPolicies/p1" + Api, Vm("2024-01-01T02:15:00Z", 7));
        Assert.Equal(400, badTime.Code);
        Assert.Contains("half hour", badTime.ErrorMessage);
        var ok = await arm.SendAsync("PUT", vault + "/backupPolicies/p1" + Api, Vm("2024-01-01T02:30:00Z", 7));
        Assert.Equal(200, ok.Code);
        Assert.Equal(0, ok.Body!["properties"]!["protectedItemsCount"]!.GetValue<int>());
        Assert.Equal("V1", ok.Body!["properties"]!["policyType"]!.GetValue<string>());
        // bms.json ProtectionPolicies_Delete (and its example) list 200 and 204 only, whatever the LRO duration.
        Assert.Equal(200, (await arm.SendAsync("DELETE", vault + "/backupPolicies/p1" + Api)).Code);
        Assert.Equal(204, (await arm.SendAsync("DELETE", vault + "/backupPolicies/p1" + Api)).Code);
    }

    [Fact]
    public async Task VmLifecycle_ScheduleBackupNowRestoreIlrJobsAndSoftDelete()
    {
        var (arm, vault) = await NewVaultAsync(fx.Server, "bk-vm");
        await SeedVmAsync(arm, "bk-vm", "vm1");
        var vmGet = await arm.SendAsync("GET", $"/subscriptions/{fx.Server.SubscriptionId}/resourceGroups/bk-vm/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2023-03-01");
        Assert.Equal(200, vmGet.Code);

        await arm.RefreshContainersAsync(vault);
        var protectable = await arm.SendAsync("GET", vault + "/backupProtectableItems" + Api + "&$filter=" + Uri.EscapeDataString("backupManagementType eq 'AzureIaasVM'"));
        Assert.Contains(protectable.Body!["value"]!.AsArray(), i => i!["properties"]!["friendlyName"]!.GetValue<string>() == "vm1");

        var item = await ProtectVmAsync(arm, vault, "bk-vm", "vm1");

        // The default policy runs daily: two simulated days give at least one scheduled recovery point.
        var adv = await AdvanceAsync(arm, days: 2);
        Assert.True(adv["recoveryPointsCreated"]!.GetValue<int>() >= 1, adv.ToJsonString());
        var got = await arm.SendAsync("GET", item + Api);
        Assert.Equal("Protected", got.Body!["properties"]!["protectionState"]!.GetValue<string>());
        Assert.Equal("Completed", got.Body!["properties"]!["lastBackupStatus"]!.GetValue<string>());

        // Backup now → job InProgress → completes after 10 simulated minutes with a recovery point.
        var before = (await arm.SendAsync("GET", item + "/recoveryPoints" + Api)).Body!["value"]!.AsArray().Count;
        var backup = await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "IaasVMBackupRequest" } });
        var status = await FollowStatusAsync(arm, backup);
        var jobId = status["properties"]!["jobId"]!.GetValue<string>();
        var job = await arm.SendAsync("GET", vault + "/backupJobs/" + jobId + Api);
        Assert.Equal("InProgress", job.Body!["properties"]!["status"]!.GetValue<string>());
        Assert.Equal("AzureIaaSVMJob", job.Body!["properties"]!["jobType"]!.GetValue<string>());
        var again = await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "IaasVMBackupRequest" } });
        Assert.Equal(400, again.Code);
        await AdvanceAsync(arm, minutes: 11);
        job = await arm.SendAsync("GET", vault + "/backupJobs/" + jobId + Api);
        Assert.Equal("Completed", job.Body!["properties"]!["status"]!.GetValue<string>());
        var points = (await arm.SendAsync("GET", item + "/recoveryPoints" + Api)).Body!["value"]!.AsArray();
        Assert.Equal(before + 1, points.Count);
        var rp = points[0]!;
        Assert.Equal("IaasVMRecoveryPoint", rp["properties"]!["objectType"]!.GetValue<string>());
        var rpName = rp["name"]!.GetValue<string>();
        Assert.Matches("^[0-9]{14}$", rpName);

        // Filter in the SDK's format.
        var filtered = await arm.SendAsync("GET", item + "/recoveryPoints" + Api + "&$filter=" + Uri.EscapeDataString("startDate eq '2000-01-01 12:00:00 AM' and endDate eq '2000-01-02 12:00:00 AM'"));
        Assert.Empty(filtered.Body!["value"]!.AsArray());

        // Restore disks: staging account must exist.
        var restoreBody = new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["objectType"] = "IaasVMRestoreRequest",
                ["recoveryType"] = "RestoreDisks",
                ["recoveryPointId"] = rpName,
                ["region"] = "westus",
                ["storageAccountId"] = $"/subscriptions/{fx.Server.SubscriptionId}/resourceGroups/bk-vm/providers/Microsoft.Storage/storageAccounts/staging1",
                ["targetResourceGroupId"] = $"/subscriptions/{fx.Server.SubscriptionId}/resourceGroups/bk-vm",
            },
        };
        var missing = await arm.SendAsync("POST", item + "/recoveryPoints/" + rpName + "/restore" + Api, restoreBody);
        Assert.Equal(400, missing.Code);
        Assert.Equal("UserErrorStorageAccountNotFound", missing.ErrorCode);
        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/storageAccounts", new { resourceGroup = "bk-vm", name = "staging1", location = "westus" })).Code);
        var restore = await arm.SendAsync("POST", item + "/recoveryPoints/" + rpName + "/restore" + Api, restoreBody);
        var restoreStatus = await FollowStatusAsync(arm, restore);
        var restoreJob = restoreStatus["properties"]!["jobId"]!.GetValue<string>();
        await AdvanceAsync(arm, minutes: 21);
        var rj = await arm.SendAsync("GET", vault + "/backupJobs/" + restoreJob + Api);
        Assert.Equal("Completed", rj.Body!["properties"]!["status"]!.GetValue<string>());
        Assert.Equal("staging1", rj.Body!["properties"]!["extendedInfo"]!["propertyBag"]!["Target Storage Account Name"]!.GetValue<string>());

        // ILR.
        var ilr = await arm.SendAsync("POST", item + "/recoveryPoints/" + rpName + "/provisionInstantItemRecovery" + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["objectType"] = "IaasVMILRRegistrationRequest", ["recoveryPointId"] = rpName, ["renewExistingRegistration"] = true },
        });
        var ilrStatus = await FollowStatusAsync(arm, ilr);
        Assert.Equal("OperationStatusProvisionILRExtendedInfo", ilrStatus["properties"]!["objectType"]!.GetValue<string>());
        var script = ilrStatus["properties"]!["recoveryTarget"]!["clientScripts"]![0]!;
        Assert.Equal(".ps1", script["scriptExtension"]!.GetValue<string>());
        Assert.NotEmpty(Convert.FromBase64String(script["scriptContent"]!.GetValue<string>()));
        var rpGet = await arm.SendAsync("GET", item + "/recoveryPoints/" + rpName + Api);
        Assert.True(rpGet.Body!["properties"]!["isInstantIlrSessionActive"]!.GetValue<bool>());
        Assert.Equal(202, (await arm.SendAsync("POST", item + "/recoveryPoints/" + rpName + "/revokeInstantItemRecovery" + Api)).Code);

        // Jobs with the SDK's filter spelling.
        var jobs = await arm.SendAsync("GET", vault + "/backupJobs" + Api + "&$filter=" + Uri.EscapeDataString("operation eq 'Restore' and status eq 'Completed' and backupManagementType eq 'AzureIaasVM'"));
        Assert.Single(jobs.Body!["value"]!.AsArray());

        // Vault delete refused while items exist; policy in use cannot be deleted.
        var vaultDelete = await arm.SendAsync("DELETE", vault + "?api-version=2026-07-01");
        Assert.Equal(409, vaultDelete.Code);
        Assert.Equal("ServiceResourceNotEmpty", vaultDelete.ErrorCode);
        Assert.Equal("UserErrorPolicyInUse", (await arm.SendAsync("DELETE", vault + "/backupPolicies/DefaultPolicy" + Api)).ErrorCode);

        // Updating a policy in use is asynchronous (a ConfigureBackup job per item), but its operationResults is 200 +
        // the policy at any time: ProtectionPolicyOperationResults_Get lists no other code (no 202, no 204).
        var policy = (await arm.SendAsync("GET", vault + "/backupPolicies/DefaultPolicy" + Api)).Body!;
        var update = await arm.SendAsync("PUT", vault + "/backupPolicies/DefaultPolicy" + Api, new JsonObject { ["properties"] = policy["properties"]!.DeepClone() });
        Assert.Equal(202, update.Code);
        Assert.Contains("/backupPolicies/DefaultPolicy/operations/", update.Header("Azure-AsyncOperation"));
        var early = await arm.SendAsync("GET", update.Header("Location")!);
        Assert.Equal(200, early.Code);
        Assert.Equal("DefaultPolicy", early.Body!["name"]!.GetValue<string>());
        Assert.Single((await arm.WaitAsync(update.Header("Azure-AsyncOperation")!))["properties"]!["jobIds"]!.AsArray());
        Assert.Equal(200, (await arm.SendAsync("GET", update.Header("Location")!)).Code);

        // Stop protection + delete data → soft-deleted 14 days; undelete brings it back; resume.
        var del = await arm.SendAsync("DELETE", item + Api);
        Assert.Equal(202, del.Code);
        Assert.Contains("/backupOperationResults/", del.Header("Location"));
        Assert.Contains("/backupOperations/", del.Header("Azure-AsyncOperation"));
        var soft = await arm.SendAsync("GET", item + Api);
        Assert.True(soft.Body!["properties"]!["isScheduledForDeferredDelete"]!.GetValue<bool>());
        Assert.NotNull(soft.Body!["properties"]!["deferredDeleteTimeInUTC"]);
        var undelete = await arm.SendAsync("PUT", item + Api, new JsonObject { ["properties"] = new JsonObject { ["protectedItemType"] = "Microsoft.Compute/virtualMachines", ["protectionState"] = "ProtectionStopped", ["isRehydrate"] = true } });
        await FollowStatusAsync(arm, undelete);
        var back = await arm.SendAsync("GET", item + Api);
        Assert.False(back.Body!["properties"]!["isScheduledForDeferredDelete"]!.GetValue<bool>());
        Assert.Equal("ProtectionStopped", back.Body!["properties"]!["protectionState"]!.GetValue<string>());

        // Delete again and let the soft-delete period pass: purged, then the vault can go.
        await FollowStatusAsync(arm, await arm.SendAsync("DELETE", item + Api));
        await AdvanceAsync(arm, days: 15);
        Assert.Equal(404, (await arm.SendAsync("GET", item + Api)).Code);
        Assert.Equal(202, (await arm.SendAsync("DELETE", vault + "?api-version=2026-07-01")).Code);
    }

    [Fact]
    public async Task Rules_RegionAndOneVaultPerItem_AndOperatorCannotDeleteData()
    {
        var (arm, vault) = await NewVaultAsync(fx.Server, "bk-rules");
        await SeedVmAsync(arm, "bk-rules", "farvm", "eastus");
        var far = await arm.SendAsync("PUT", ItemPath(arm, vault, "bk-rules", "farvm") + Api, new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["protectedItemType"] = "Microsoft.Compute/virtualMachines",
                ["sourceResourceId"] = $"/subscriptions/{fx.Server.SubscriptionId}/resourceGroups/bk-rules/providers/Microsoft.Compute/virtualMachines/farvm",
                ["policyId"] = vault + "/backupPolicies/DefaultPolicy",
            },
        });
        Assert.Equal("UserErrorVmAndVaultInDifferentRegions", far.ErrorCode);

        await SeedVmAsync(arm, "bk-rules", "vm2");
        var item = await ProtectVmAsync(arm, vault, "bk-rules", "vm2");
        var other = arm.VaultPath("bk-rules", "rsv2");
        Assert.Equal(201, (await arm.CreateVaultAsync("bk-rules", "rsv2")).Code);
        await arm.RefreshContainersAsync(other);
        var dup = await arm.SendAsync("PUT", ItemPath(arm, other, "bk-rules", "vm2") + Api, new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["protectedItemType"] = "Microsoft.Compute/virtualMachines",
                ["sourceResourceId"] = $"/subscriptions/{fx.Server.SubscriptionId}/resourceGroups/bk-rules/providers/Microsoft.Compute/virtualMachines/vm2",
                ["policyId"] = other + "/backupPolicies/DefaultPolicy",
            },
        });
        Assert.Equal("UserErrorProtectableItemAlreadyProtected", dup.ErrorCode);
        Assert.Contains("rsv", dup.ErrorMessage);

        var p = await arm.AdminAsync("POST", "/_emulator/principals", new { displayName = "operator" });
        var oid = p.Body!["objectId"]!.GetValue<string>();
        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/roleAssignments", new { principalId = oid, roleName = "Backup Operator", scope = vault })).Code);
        using var op = new Arm(fx.Server);
        op.Token = await op.GetTokenAsync(p.Body!["clientId"]!.GetValue<string>(), p.Body!["clientSecret"]!.GetValue<string>());
        Assert.Equal(202, (await op.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "IaasVMBackupRequest" } })).Code);
        var denied = await op.SendAsync("DELETE", item + Api);
        Assert.Equal(403, denied.Code);
        Assert.Contains("protectedItems/delete", denied.ErrorMessage);
        Assert.Equal(403, (await op.SendAsync("PUT", vault + "/backupPolicies/x" + Api, new JsonObject())).Code);
    }

    [Fact]
    public async Task FileShare_RegisterProtectBackupRestore_AndUnregisterRules()
    {
        var (arm, vault) = await NewVaultAsync(fx.Server, "bk-fs");
        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/storageAccounts", new { resourceGroup = "bk-fs", name = "safs", location = "westus", fileShares = new[] { "share1", "share2" } })).Code);
        var container = vault + "/backupFabrics/Azure/protectionContainers/StorageContainer;Storage;bk-fs;safs";
        var reg = await arm.SendAsync("PUT", container + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["containerType"] = "StorageContainer", ["backupManagementType"] = "AzureStorage", ["sourceResourceId"] = $"/subscriptions/{fx.Server.SubscriptionId}/resourceGroups/bk-fs/providers/Microsoft.Storage/storageAccounts/safs" },
        });
        await FollowStatusAsync(arm, reg);
        var containers = await arm.SendAsync("GET", vault + "/backupProtectionContainers" + Api + "&$filter=" + Uri.EscapeDataString("backupManagementType eq 'AzureStorage'"));
        Assert.Single(containers.Body!["value"]!.AsArray());
        var protectable = await arm.SendAsync("GET", vault + "/backupProtectableItems" + Api + "&$filter=" + Uri.EscapeDataString("backupManagementType eq 'AzureStorage' and workloadType eq 'AzureFileShare'"));
        Assert.Equal(2, protectable.Body!["value"]!.AsArray().Count + (protectable.Body!["nextLink"] is null ? 0 : 1));

        var item = container + "/protectedItems/AzureFileShare;share1";
        var put = await arm.SendAsync("PUT", item + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["protectedItemType"] = "AzureFileShareProtectedItem", ["policyId"] = vault + "/backupPolicies/DailyPolicy-file" },
        });
        await FollowStatusAsync(arm, put);
        Assert.Equal("BMSUserErrorContainerHasDatasources", (await arm.SendAsync("DELETE", container + Api)).ErrorCode);

        var backup = await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "AzureFileShareBackupRequest", ["recoveryPointExpiryTimeInUTC"] = DateTime.UtcNow.AddYears(1).ToString("o") } });
        var job = (await FollowStatusAsync(arm, backup))["properties"]!["jobId"]!.GetValue<string>();
        Assert.Equal("AzureStorageJob", (await arm.SendAsync("GET", vault + "/backupJobs/" + job + Api)).Body!["properties"]!["jobType"]!.GetValue<string>());
        await AdvanceAsync(arm, minutes: 11);
        var rp = (await arm.SendAsync("GET", item + "/recoveryPoints" + Api)).Body!["value"]![0]!;
        Assert.Equal("AzureFileShareRecoveryPoint", rp["properties"]!["objectType"]!.GetValue<string>());
        var restore = await arm.SendAsync("POST", item + "/recoveryPoints/" + rp["name"]!.GetValue<string>() + "/restore" + Api, new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["objectType"] = "AzureFileShareRestoreRequest",
                ["recoveryType"] = "OriginalLocation",
                ["copyOptions"] = "Overwrite",
                ["restoreRequestType"] = "ItemLevelRestore",
                ["restoreFileSpecs"] = new JsonArray(new JsonObject { ["path"] = "dir/a.txt", ["fileSpecType"] = "File" }),
            },
        });
        Assert.Equal(202, restore.Code);
        var noCopy = await arm.SendAsync("POST", item + "/recoveryPoints/" + rp["name"]!.GetValue<string>() + "/restore" + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["objectType"] = "AzureFileShareRestoreRequest", ["recoveryType"] = "OriginalLocation" },
        });
        Assert.Equal(400, noCopy.Code);
    }

    [Fact]
    public async Task Sql_RegisterWorkloadItemsFullAndLogChain()
    {
        var (arm, vault) = await NewVaultAsync(fx.Server, "bk-sql");
        await SeedVmAsync(arm, "bk-sql", "sqlvm");
        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/sqlServers", new { resourceGroup = "bk-sql", vmName = "sqlvm", instance = "MSSQLSERVER", databases = new[] { "db1", "db2" } })).Code);
        var container = vault + "/backupFabrics/Azure/protectionContainers/VMAppContainer;Compute;bk-sql;sqlvm";
        await FollowStatusAsync(arm, await arm.SendAsync("PUT", container + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["containerType"] = "VMAppContainer", ["backupManagementType"] = "AzureWorkload", ["workloadType"] = "SQLDataBase", ["sourceResourceId"] = $"/subscriptions/{fx.Server.SubscriptionId}/resourceGroups/bk-sql/providers/Microsoft.Compute/virtualMachines/sqlvm" },
        }));
        var items = await arm.SendAsync("GET", container + "/items" + Api + "&$filter=" + Uri.EscapeDataString("backupManagementType eq 'AzureWorkload'"));
        Assert.Equal(200, items.Code);
        var item = container + "/protectedItems/SQLDataBase;mssqlserver;db1";
        await FollowStatusAsync(arm, await arm.SendAsync("PUT", item + Api, new JsonObject
        {
            ["properties"] = new JsonObject { ["protectedItemType"] = "AzureVmWorkloadSQLDatabase", ["policyId"] = vault + "/backupPolicies/HourlyLogBackup" },
        }));
        // AzureVmWorkloadProtectedItem.lastBackupStatus is bms.json's LastBackupStatus enum (Invalid, Healthy, Unhealthy, IRPending).
        Assert.Equal("IRPending", (await arm.SendAsync("GET", item + Api)).Body!["properties"]!["lastBackupStatus"]!.GetValue<string>());
        var log = await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "AzureWorkloadBackupRequest", ["backupType"] = "Log" } });
        Assert.Equal("UserErrorSQLNoFullBackup", log.ErrorCode);
        await FollowStatusAsync(arm, await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "AzureWorkloadBackupRequest", ["backupType"] = "Full" } }));
        await AdvanceAsync(arm, minutes: 11);
        await AdvanceAsync(arm, minutes: 180);
        Assert.Equal("Healthy", (await arm.SendAsync("GET", item + Api)).Body!["properties"]!["lastBackupStatus"]!.GetValue<string>());
        var points = (await arm.SendAsync("GET", item + "/recoveryPoints" + Api)).Body!["value"]!.AsArray();
        Assert.Contains(points, p => p!["properties"]!["objectType"]!.GetValue<string>() == "AzureWorkloadSQLRecoveryPoint");
        var range = points.First(p => p!["properties"]!["objectType"]!.GetValue<string>() == "AzureWorkloadSQLPointInTimeRecoveryPoint")!;
        Assert.NotEmpty(range["properties"]!["timeRanges"]!.AsArray());
        Assert.Equal(409, (await arm.SendAsync("DELETE", vault + "?api-version=2026-07-01")).Code);
    }

    [Fact]
    public async Task JobFailure_AndCancel()
    {
        var (arm, vault) = await NewVaultAsync(fx.Server, "bk-fail");
        await SeedVmAsync(arm, "bk-fail", "vmf");
        var item = await ProtectVmAsync(arm, vault, "bk-fail", "vmf");
        Assert.Equal(200, (await arm.AdminAsync("POST", "/_emulator/faults/next", new { kind = "jobFailure", count = 1 })).Code);
        var job = (await FollowStatusAsync(arm, await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "IaasVMBackupRequest" } })))["properties"]!["jobId"]!.GetValue<string>();
        await AdvanceAsync(arm, minutes: 11);
        Assert.Equal("Failed", (await arm.SendAsync("GET", vault + "/backupJobs/" + job + Api)).Body!["properties"]!["status"]!.GetValue<string>());
        var got = await arm.SendAsync("GET", item + Api);
        Assert.Equal("ProtectionError", got.Body!["properties"]!["protectionState"]!.GetValue<string>());

        var job2 = (await FollowStatusAsync(arm, await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "IaasVMBackupRequest" } })))["properties"]!["jobId"]!.GetValue<string>();
        var cancel = await arm.SendAsync("POST", vault + "/backupJobs/" + job2 + "/cancel" + Api);
        Assert.Equal(202, cancel.Code);
        Assert.Null(cancel.Header("Azure-AsyncOperation"));
        Assert.Contains($"/backupJobs/{job2}/operationResults/", cancel.Header("Location"));
        Assert.Equal("Cancelled", (await arm.SendAsync("GET", vault + "/backupJobs/" + job2 + Api)).Body!["properties"]!["status"]!.GetValue<string>());
    }

    // Emulator contract (docs/EMULATOR.md, faults/next jobFailure): a failure scoped by pathContains goes to that item's
    // on-demand job only, so another item's job that ends first, or a scheduled backup coming due, does not take it.
    [Fact]
    public async Task JobFailure_ScopedToAnItem_SkipsOtherItemsJobs()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { InMemory = true, Port = 0, LroDurationMs = 30, RetryAfterSeconds = 0, ClockRate = 0, ClockStart = TestClock.Start, Strict = true });
        var (arm, vault) = await NewVaultAsync(server, "bk-scope");
        await SeedVmAsync(arm, "bk-scope", "vmx");
        await SeedVmAsync(arm, "bk-scope", "vmy");
        var x = await ProtectVmAsync(arm, vault, "bk-scope", "vmx");
        var y = await ProtectVmAsync(arm, vault, "bk-scope", "vmy");
        Assert.Equal(200, (await arm.AdminAsync("POST", "/_emulator/faults/next", new { kind = "jobFailure", count = 1, pathContains = y })).Code);

        // A day on: both items' scheduled backups ran and completed; the failure still waits for y's on-demand job.
        await AdvanceAsync(arm, minutes: 25 * 60);
        var jobs = (await arm.SendAsync("GET", vault + "/backupJobs" + Api)).Body!["value"]!.AsArray();
        Assert.Contains(jobs, j => j!["properties"]!["operation"]!.GetValue<string>() == "Backup");
        Assert.DoesNotContain(jobs, j => j!["properties"]!["status"]!.GetValue<string>() == "Failed");
        Assert.Equal(1, (await arm.AdminAsync("GET", "/_emulator/faults")).Body!["queuedJobFailures"]!.GetValue<int>());

        var body = new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "IaasVMBackupRequest" } };
        var jobX = (await FollowStatusAsync(arm, await arm.SendAsync("POST", x + "/backup" + Api, body.DeepClone())))["properties"]!["jobId"]!.GetValue<string>();
        await AdvanceAsync(arm, minutes: 11);
        Assert.Equal("Completed", (await arm.SendAsync("GET", vault + "/backupJobs/" + jobX + Api)).Body!["properties"]!["status"]!.GetValue<string>());
        var jobY = (await FollowStatusAsync(arm, await arm.SendAsync("POST", y + "/backup" + Api, body.DeepClone())))["properties"]!["jobId"]!.GetValue<string>();
        await AdvanceAsync(arm, minutes: 11);
        Assert.Equal("Failed", (await arm.SendAsync("GET", vault + "/backupJobs/" + jobY + Api)).Body!["properties"]!["status"]!.GetValue<string>());
        var state = (await arm.AdminAsync("GET", "/_emulator/faults")).Body!;
        Assert.Equal(0, state["queuedJobFailures"]!.GetValue<int>());
    }

    // Alerts_GetAll / Alerts_ChangeState (AlertsManagement.json stable 2019-03-01); a failed job raises Azure Backup's
    // job failure alert while the vault's monitoringSettings.azureMonitorAlertSettings.alertsForAllJobFailures is on.
    [Fact]
    public async Task JobFailure_RaisesAzureMonitorAlert_WhileJobFailureAlertsAreOn()
    {
        // A server of its own: a queued jobFailure fails the next job to complete, which on the shared fixture can be
        // another test's scheduled backup.
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { InMemory = true, Port = 0, LroDurationMs = 30, RetryAfterSeconds = 0, ClockRate = 0, ClockStart = TestClock.Start, Strict = true });
        var (arm, vault) = await NewVaultAsync(server, "bk-alert");
        await SeedVmAsync(arm, "bk-alert", "vma");
        var item = await ProtectVmAsync(arm, vault, "bk-alert", "vma");
        Assert.Equal(200, (await arm.AdminAsync("POST", "/_emulator/faults/next", new { kind = "jobFailure", count = 1 })).Code);
        var job = (await FollowStatusAsync(arm, await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "IaasVMBackupRequest" } })))["properties"]!["jobId"]!.GetValue<string>();
        await AdvanceAsync(arm, minutes: 11);
        var alerts = $"/subscriptions/{server.SubscriptionId}/providers/Microsoft.AlertsManagement/alerts";
        var list = await arm.SendAsync("GET", alerts + "?api-version=2019-03-01&includeContext=true&targetResource=" + Uri.EscapeDataString(vault));
        Assert.Equal(200, list.Code);
        var alert = Assert.Single(list.Body!["value"]!.AsArray())!;
        var e = alert["properties"]!["essentials"]!;
        Assert.Equal("New", e["alertState"]!.GetValue<string>());
        Assert.Equal("Fired", e["monitorCondition"]!.GetValue<string>());
        Assert.Equal(vault, e["targetResource"]!.GetValue<string>(), ignoreCase: true);
        Assert.EndsWith("/backupJobs/" + job, alert["properties"]!["context"]!["jobId"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith(vault + "/providers/Microsoft.AlertsManagement/alerts/", alert["id"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);

        var id = alert["id"]!.GetValue<string>();
        var closed = await arm.SendAsync("POST", id + "/changestate?api-version=2019-03-01&newState=Closed");
        Assert.Equal(200, closed.Code);
        Assert.Equal("Closed", closed.Body!["properties"]!["essentials"]!["alertState"]!.GetValue<string>());
        Assert.Equal(400, (await arm.SendAsync("POST", id + "/changestate?api-version=2019-03-01&newState=Resolved")).Code);
        Assert.Equal(404, (await arm.SendAsync("POST", alerts + "/" + Guid.NewGuid() + "/changestate?api-version=2019-03-01&newState=Closed")).Code);

        // Off: a failed job raises nothing.
        var patch = await arm.SendAsync("PATCH", vault + "?api-version=2026-07-01", new JsonObject
        {
            ["properties"] = new JsonObject { ["monitoringSettings"] = new JsonObject { ["azureMonitorAlertSettings"] = new JsonObject { ["alertsForAllJobFailures"] = "Disabled" } } },
        });
        Assert.Contains(patch.Code, new[] { 200, 202 });
        Assert.Equal(200, (await arm.AdminAsync("POST", "/_emulator/faults/next", new { kind = "jobFailure", count = 1 })).Code);
        await FollowStatusAsync(arm, await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "IaasVMBackupRequest" } }));
        await AdvanceAsync(arm, minutes: 11);
        Assert.Single((await arm.SendAsync("GET", alerts + "?api-version=2019-03-01&targetResource=" + Uri.EscapeDataString(vault))).Body!["value"]!.AsArray());
    }

    [Fact]
    public async Task Mars_ServerAppearsAsWindowsContainer()
    {
        var (arm, vault) = await NewVaultAsync(fx.Server, "bk-mars");
        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/marsServers", new { vaultId = vault, name = "fileserver01.contoso.com", items = new[] { "C:\\Data" } })).Code);
        var list = await arm.SendAsync("GET", vault + "/backupProtectionContainers" + Api + "&$filter=" + Uri.EscapeDataString("backupManagementType eq 'MAB'"));
        var c = list.Body!["value"]![0]!;
        Assert.Equal("Windows", c["properties"]!["containerType"]!.GetValue<string>());
        var items = await arm.SendAsync("GET", vault + "/backupProtectedItems" + Api + "&$filter=" + Uri.EscapeDataString("backupManagementType eq 'MAB'"));
        Assert.Single(items.Body!["value"]!.AsArray());
    }

    /// <summary>Frozen clock, short LROs, RBAC on; each test uses its own resource group.</summary>
    [Fact]
    public async Task Long_recovery_point_lists_page_from_one_snapshot_newest_first()
    {
        var (arm, vault) = await NewVaultAsync(fx.Server, "bk-many");
        await SeedVmAsync(arm, "bk-many", "big1");
        var item = await ProtectVmAsync(arm, vault, "bk-many", "big1");
        var seeded = await arm.AdminAsync("POST", "/_emulator/recoverypoints", new { itemId = item, count = 230, intervalMinutes = 60 });
        Assert.Equal(201, seeded.Code);
        Assert.Equal(230, seeded.Body!["created"]!.GetValue<int>());

        var names = new List<string>();
        var times = new List<DateTimeOffset>();
        string? url = item + "/recoveryPoints" + Api;
        var pages = 0;
        while (url is not null)
        {
            var page = await arm.SendAsync("GET", url);
            Assert.Equal(200, page.Code);
            pages++;
            foreach (var rp in page.Body!["value"]!.AsArray())
            {
                names.Add(rp!["name"]!.GetValue<string>());
                times.Add(DateTimeOffset.Parse(rp["properties"]!["recoveryPointTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
            }

            if (pages == 2)
            {
                // A new newest point between pages must not shift the rest of the list into a duplicate.
                await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "IaasVMBackupRequest" } });
                var adv = await AdvanceAsync(arm, minutes: 60);
                Assert.True(adv["recoveryPointsCreated"]!.GetValue<int>() >= 1, adv.ToJsonString());
            }

            url = page.Body!["nextLink"]?.GetValue<string>();
        }

        Assert.Equal(5, pages); // page size 50
        Assert.Equal(230, names.Count);
        Assert.Equal(230, names.Distinct().Count());
        Assert.Equal(times.OrderByDescending(t => t), times);

        var expired = await arm.SendAsync("GET", item + "/recoveryPoints" + Api + "&$skiptoken=" + Uri.EscapeDataString(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("0123456789abcdef:50"))));
        Assert.Equal(400, expired.Code);
        Assert.Equal("InvalidSkipToken", expired.ErrorCode);
    }

    public sealed class BackupFixture : EmulatorFixture
    {
        protected override EmulatorOptions Options => new() { InMemory = true, Port = 0, LroDurationMs = 30, PageSize = 50, RetryAfterSeconds = 0, ClockRate = 0, ClockStart = TestClock.Start };
    }
}
