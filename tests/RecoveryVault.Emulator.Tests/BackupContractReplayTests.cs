// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Tests;

/// <summary>
/// Replays every official 2023-06-01 backup example (except the B1 config ones, which <see cref="ContractReplayTests"/>
/// replays) against the emulator: the resources the example talks about are seeded first (through
/// <c>/_emulator/*</c> and earlier REST calls, with the example's names), then the example's request is sent and the
/// emulator's status code, headers and body shape (property paths + JSON value kinds) are compared with the example's.
/// Examples of operations the emulator does not implement, and every place where it deliberately answers differently,
/// are listed below with the reason, and those differences are asserted too.
/// </summary>
public sealed class BackupContractReplayTests(BackupContractReplayTests.ReplayFixture fx) : IClassFixture<BackupContractReplayTests.ReplayFixture>
{
    private const string Api = "?api-version=2023-06-01";
    private const string V = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/vaults/{vaultName}";
    private const string F = V + "/backupFabrics/{fabricName}";
    private const string C = F + "/protectionContainers/{containerName}";
    private const string I = C + "/protectedItems/{protectedItemName}";
    private const string RP = I + "/recoveryPoints/{recoveryPointId}";
    private const string P = V + "/backupPolicies/{policyName}";
    private const string L = "/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices/locations/{azureRegion}";

    /// <summary>Examples replayed here → method and CONTRACT.md §3 path.</summary>
    private static readonly Dictionary<string, (string Method, string Path)> Replayed = new(StringComparer.Ordinal)
    {
        ["AzureIaasVm/BackupPolicies_List.json"] = ("GET", V + "/backupPolicies"),
        ["AzureIaasVm/BackupProtectableItems_List.json"] = ("GET", V + "/backupProtectableItems"),
        ["AzureIaasVm/BackupProtectedItems_List.json"] = ("GET", V + "/backupProtectedItems"),
        ["AzureIaasVm/Compute_ProtectedItem_Get.json"] = ("GET", I),
        ["AzureIaasVm/ConfigureProtection.json"] = ("PUT", I),
        ["AzureIaasVm/ProtectedItemOperationResults.json"] = ("GET", I + "/operationResults/{operationId}"),
        ["AzureIaasVm/ProtectedItemOperationStatus.json"] = ("GET", I + "/operationsStatus/{operationId}"),
        ["AzureIaasVm/ProtectionPolicies_CreateOrUpdate_Simple.json"] = ("PUT", P),
        ["AzureIaasVm/ProtectionPolicies_Delete.json"] = ("DELETE", P),
        ["AzureIaasVm/ProtectionPolicies_Get.json"] = ("GET", P),
        ["AzureIaasVm/ProtectionPolicyOperationResults_Get.json"] = ("GET", P + "/operationResults/{operationId}"),
        ["AzureIaasVm/ProtectionPolicyOperationStatuses_Get.json"] = ("GET", P + "/operations/{operationId}"),
        ["AzureIaasVm/Provision_Ilr.json"] = ("POST", RP + "/provisionInstantItemRecovery"),
        ["AzureIaasVm/RecoveryPoints_Get.json"] = ("GET", RP),
        ["AzureIaasVm/RecoveryPoints_List.json"] = ("GET", I + "/recoveryPoints"),
        ["AzureIaasVm/Revoke_Ilr.json"] = ("POST", RP + "/revokeInstantItemRecovery"),
        ["AzureIaasVm/StopProtection.json"] = ("PUT", I),
        ["AzureIaasVm/TriggerRestore_ALR_IaasVMRestoreRequest.json"] = ("POST", RP + "/restore"),
        ["AzureIaasVm/TriggerRestore_ALR_IaasVMRestoreWithRehydrationRequest.json"] = ("POST", RP + "/restore"),
        ["AzureIaasVm/TriggerRestore_RestoreDisks_IaasVMRestoreRequest.json"] = ("POST", RP + "/restore"),
        ["AzureIaasVm/V2Policy/IaaS_v2_daily.json"] = ("PUT", P),
        ["AzureIaasVm/V2Policy/IaaS_v2_hourly.json"] = ("PUT", P),
        ["AzureIaasVm/V2Policy/v2-Get-Policy.json"] = ("GET", P),
        ["AzureStorage/ProtectableContainers_List.json"] = ("GET", F + "/protectableContainers"),
        ["AzureStorage/ProtectionContainers_Inquire.json"] = ("POST", C + "/inquire"),
        ["AzureStorage/ProtectionContainers_List.json"] = ("GET", V + "/backupProtectionContainers"),
        ["AzureStorage/ProtectionContainers_Register.json"] = ("PUT", C),
        ["AzureStorage/ProtectionPolicies_CreateOrUpdate_Daily.json"] = ("PUT", P),
        ["AzureStorage/ProtectionPolicies_CreateOrUpdate_Hourly.json"] = ("PUT", P),
        ["AzureWorkload/BackupPolicies_List.json"] = ("GET", V + "/backupPolicies"),
        ["AzureWorkload/BackupWorkloadItems_List.json"] = ("GET", C + "/items"),
        ["AzureWorkload/ProtectionContainers_Get.json"] = ("GET", C),
        ["AzureWorkload/ProtectionContainers_Unregister.json"] = ("DELETE", C),
        ["AzureWorkload/ProtectionPolicies_CreateOrUpdate_Complex.json"] = ("PUT", P),
        ["Common/CancelJobOperationResult.json"] = ("GET", V + "/backupJobs/{jobName}/operationResults/{operationId}"),
        ["Common/GetJobDetails.json"] = ("GET", V + "/backupJobs/{jobName}"),
        ["Common/ListJobs.json"] = ("GET", V + "/backupJobs"),
        ["Common/ListJobsWithAllSupportedFilters.json"] = ("GET", V + "/backupJobs"),
        ["Common/ProtectedItem_Delete.json"] = ("DELETE", I),
        ["Common/ProtectedItem_Delete_OperationResult.json"] = ("GET", V + "/backupOperationResults/{operationId}"),
        ["Common/ProtectedItem_Delete_OperationStatus.json"] = ("GET", V + "/backupOperations/{operationId}"),
        ["Common/RefreshContainers.json"] = ("POST", F + "/refreshContainers"),
        ["Common/RefreshContainers_OperationResults.json"] = ("GET", F + "/operationResults/{operationId}"),
        ["Common/TriggerBackup_Post.json"] = ("POST", I + "/backup"),
        ["Common/TriggerCancelJob.json"] = ("POST", V + "/backupJobs/{jobName}/cancel"),
        ["AzureIaasVm/ProtectionPolicies_CreateOrUpdate_Complex.json"] = ("PUT", P),
        ["AzureIaasVm/TriggerRestore_ALR_IaasVMRestoreRequest_IdentityBasedRestoreDetails.json"] = ("POST", RP + "/restore"),
        ["AzureIaasVm/TriggerRestore_RestoreDisks_IaasVMRestoreRequest_IdentityBasedRestoreDetails.json"] = ("POST", RP + "/restore"),
        ["AzureIaasVm/TriggerRestore_RestoreDisks_IaasVMRestoreWithRehydrationRequest.json"] = ("POST", RP + "/restore"),
        ["AzureIaasVm/V2Policy/v2-List-Policies.json"] = ("GET", V + "/backupPolicies"),
        ["AzureStorage/ProtectionContainers_Inquire_Result.json"] = ("GET", C + "/operationResults/{operationId}"),
        ["AzureIaasVm/GetBackupStatus.json"] = ("POST", L + "/backupStatus"),
        ["Common/BackupProtectedItem_UsageSummary_Get.json"] = ("GET", V + "/backupUsageSummaries"),
        ["Common/BackupProtectionContainers_UsageSummary_Get.json"] = ("GET", V + "/backupUsageSummaries"),
        ["Common/BackupSecurityPin_Get.json"] = ("POST", V + "/backupSecurityPIN"),
        ["Dpm/BackupEngines_Get.json"] = ("GET", V + "/backupEngines/{backupEngineName}"),
        ["Dpm/BackupEngines_List.json"] = ("GET", V + "/backupEngines"),
        ["Common/TriggerExportJobs.json"] = ("POST", V + "/backupJobsExport"),
        ["Common/ExportJobsOperationResult.json"] = ("GET", V + "/backupJobs/operationResults/{operationId}"),
        ["AzureIaasVm/ProtectionIntent_CreateOrUpdate.json"] = ("PUT", F + "/backupProtectionIntent/{intentObjectName}"),
        ["AzureIaasVm/ProtectionIntent_Validate.json"] = ("POST", L + "/backupPreValidateProtection"),
        ["AzureWorkload/BackupProtectionIntent_Delete.json"] = ("DELETE", F + "/backupProtectionIntent/{intentObjectName}"),
        ["AzureWorkload/BackupProtectionIntent_Get.json"] = ("GET", F + "/backupProtectionIntent/{intentObjectName}"),
        ["AzureWorkload/BackupProtectionIntent_List.json"] = ("GET", V + "/backupProtectionIntents"),
        ["BackupResourceEncryptionConfig_Get.json"] = ("GET", V + "/backupEncryptionConfigs/backupResourceEncryptionConfig"),
        ["BackupResourceEncryptionConfig_Put.json"] = ("PUT", V + "/backupEncryptionConfigs/backupResourceEncryptionConfig"),
        ["AzureIaasVm/BackupFeature_Validate.json"] = ("POST", L + "/backupValidateFeatures"),
        ["AzureIaasVm/TriggerValidateOperation_RestoreDisk.json"] = ("POST", V + "/backupTriggerValidateOperation"),
        ["AzureIaasVm/ValidateOperationResults.json"] = ("GET", V + "/backupValidateOperationResults/{operationId}"),
        ["AzureIaasVm/ValidateOperationStatus.json"] = ("GET", V + "/backupValidateOperationsStatuses/{operationId}"),
        ["AzureIaasVm/ValidateOperation_RestoreDisk.json"] = ("POST", V + "/backupValidateOperation"),
        ["AzureIaasVm/ValidateOperation_RestoreDisk_IdentityBasedRestoreDetails.json"] = ("POST", V + "/backupValidateOperation"),
        ["Common/ListJobsWithStartTimeAndEndTimeFilters.json"] = ("GET", V + "/backupJobs"),
        ["ListOperations.json"] = ("GET", "/providers/Microsoft.RecoveryServices/operations"),
    };

    /// <summary>
    /// Examples of operations the emulator does not route (docs/EMULATOR.md "Not modelled"): each must answer ARM's
    /// 404 <c>InvalidResourceType</c>, never a success. Implementing one of them makes its test fail: move it to
    /// <see cref="Replayed"/> then.
    /// </summary>
    private static readonly Dictionary<string, (string Method, string Path, string Reason)> Unimplemented = new(StringComparer.Ordinal)
    {
        ["AzureIaasVm/RecoveryPointsRecommendedForMove_List.json"] = ("POST", I + "/recoveryPointsRecommendedForMove", "Tier moves (archive tier) are not modelled."),
        ["AzureStorage/SoftDeletedContainers_List.json"] = ("GET", V + "/backupDeletedProtectionContainers", "The deleted (soft-deleted) containers list is not modelled."),
        ["BackupDataMove/PrepareDataMove_Post.json"] = ("POST", V + "/backupstorageconfig/vaultstorageconfig/prepareDataMove", "Cross-region data move (B10) is not modelled."),
        ["TriggerRecoveryPointMove_Post.json"] = ("POST", RP + "/move", "Moving recovery points across tiers (archive) is not modelled."),
        ["BackupDataMove/BackupDataMoveOperationStatus_Get.json"] = ("GET", V + "/backupstorageconfig/vaultstorageconfig/operationStatus/{operationId}", "Cross-region data move (B10) is not modelled, so neither is its status."),
        ["BackupDataMove/PrepareDataMoveOperationResult_Get.json"] = ("GET", V + "/backupstorageconfig/vaultstorageconfig/operationResults/{operationId}", "Cross-region data move (B10) is not modelled, so neither is its result."),
        ["BackupDataMove/TriggerDataMove_Post.json"] = ("POST", V + "/backupstorageconfig/vaultstorageconfig/triggerDataMove", "Cross-region data move (B10) is not modelled."),
        ["PrivateEndpointConnection/DeletePrivateEndpointConnection.json"] = ("DELETE", V + "/privateEndpointConnections/{privateEndpointConnectionName}", "Private endpoints are not reproduced (docs/ARCHITECTURE.md)."),
        ["PrivateEndpointConnection/GetPrivateEndpointConnection.json"] = ("GET", V + "/privateEndpointConnections/{privateEndpointConnectionName}", "Private endpoints are not reproduced (docs/ARCHITECTURE.md)."),
        ["PrivateEndpointConnection/GetPrivateEndpointConnectionOperationStatus.json"] = ("GET", V + "/privateEndpointConnections/{privateEndpointConnectionName}/operationsStatus/{operationId}", "Private endpoints are not reproduced (docs/ARCHITECTURE.md)."),
        ["PrivateEndpointConnection/PutPrivateEndpointConnection.json"] = ("PUT", V + "/privateEndpointConnections/{privateEndpointConnectionName}", "Private endpoints are not reproduced (docs/ARCHITECTURE.md)."),
        ["TieringCost/FetchTieringCostForPolicy.json"] = ("POST", V + "/backupTieringCost/default/fetchTieringCost", "Tiering cost (archive tier) is not modelled."),
        ["TieringCost/FetchTieringCostForProtectedItem.json"] = ("POST", V + "/backupTieringCost/default/fetchTieringCost", "Tiering cost (archive tier) is not modelled."),
        ["TieringCost/FetchTieringCostForRehydrate.json"] = ("POST", V + "/backupTieringCost/default/fetchTieringCost", "Tiering cost (archive tier) is not modelled."),
        ["TieringCost/FetchTieringCostForVault.json"] = ("POST", V + "/backupTieringCost/default/fetchTieringCost", "Tiering cost (archive tier) is not modelled."),
        ["TieringCost/GetTieringCostOperationResult.json"] = ("GET", V + "/backupTieringCost/default/operationResults/{operationId}", "Tiering cost (archive tier) is not modelled, so neither is its result."),
        ["TieringCost/GetTieringCostOperationStatus.json"] = ("GET", V + "/backupTieringCost/default/operationsStatus/{operationId}", "Tiering cost (archive tier) is not modelled, so neither is its status."),
    };

    /// <summary>
    /// Examples of routed operations the emulator answers with an error instead of the example's success: resources it
    /// cannot have (the handler answers the not-found a client gets for a resource that does not exist) and request
    /// shapes it does not model (refused with a message saying so, never half-applied). Status and code asserted.
    /// </summary>
    private static readonly Dictionary<string, (string Method, string Path, string Reason, int Status, string Code)> Unseedable = new(StringComparer.Ordinal)
    {
        ["AzureStorage/ProtectionPolicies_CreateOrUpdate_Hardened.json"] = ("PUT", P,
            "Vaulted Azure Files backup (vaultRetentionPolicy) is not modelled: the emulator keeps file share backups in the snapshot tier only, so it refuses the policy rather than drop its vault tier.",
            400, "BMSUserErrorInvalidPolicyInput"),
        ["AzureIaasVm/ClassicCompute_ProtectedItem_Get.json"] = ("GET", I,
            "Classic (Microsoft.ClassicCompute) VMs were retired on 2023-09-01 and cannot be seeded, so their items never exist.", 404, "BMSUserErrorItemNotFound"),
    };

    private const string SevenDayMinimum =
        "The example's testPolicy1 / v2-daily-sample keep daily points 1 day; Azure's minimum for VM policies (and the emulator's) is 7 days, "
        + "so the seed step asserts the 400 for the example's value and seeds the policy with 7 days.";

    /// <summary>Per-file exceptions: where the emulator deliberately answers differently from the example, and why.</summary>
    private static readonly Dictionary<string, Divergence> Divergences = new(StringComparer.Ordinal)
    {
        ["AzureIaasVm/ProtectionPolicies_CreateOrUpdate_Simple.json"] = new(
            "The example's VM policy keeps daily points 1 day; Azure's minimum is 7, so the emulator rejects it with a clear 400. "
            + "The same request with 7 days is then replayed and must match the example's 200.")
        {
            Rejected = new Rejection(400, "UserErrorInvalidRetentionRange", "between 7 and 9999", RaiseDailyRetentionToMinimum),
        },
        ["AzureIaasVm/BackupPolicies_List.json"] = new(SevenDayMinimum) { SeedAdjusted = true },
        ["AzureIaasVm/ProtectionPolicies_Delete.json"] = new(SevenDayMinimum) { SeedAdjusted = true },
        ["AzureIaasVm/ProtectionPolicies_Get.json"] = new(SevenDayMinimum) { SeedAdjusted = true },
        ["AzureIaasVm/ProtectionPolicyOperationResults_Get.json"] = new(SevenDayMinimum) { SeedAdjusted = true },
        ["AzureIaasVm/ProtectionPolicyOperationStatuses_Get.json"] = new(SevenDayMinimum) { SeedAdjusted = true },
        ["AzureIaasVm/V2Policy/v2-Get-Policy.json"] = new(SevenDayMinimum) { SeedAdjusted = true },
        ["AzureIaasVm/ConfigureProtection.json"] = new(
            "The example's final 200 body is a long-protected item (lastBackupTime set); an item whose protection was just configured "
            + "has had no backup yet, so the emulator's operation result has no lastBackupTime.")
        {
            Missing = ["properties.lastBackupTime:string"],
        },
        ["AzureIaasVm/RecoveryPoints_Get.json"] = new(
            "The example's point is of a zonal VM (zones: [\"1\"]); the emulator's VMs are not zonal, so zones is an empty array.")
        {
            Missing = ["properties.zones[]:string"],
        },
        ["AzureIaasVm/RecoveryPoints_List.json"] = new(
            "The example's points include an archived (Rehydrated) tier with extendedInfo, a zonal VM and an Edge Zone VM (extendedLocation); "
            + "the emulator has no archive tier, no zones and no edge zones (extendedLocation: null).")
        {
            Missing =
            [
                "value[].properties.extendedLocation:object",
                "value[].properties.extendedLocation.name:string",
                "value[].properties.extendedLocation.type:string",
                "value[].properties.recoveryPointTierDetails[].extendedInfo:object",
                "value[].properties.recoveryPointTierDetails[].extendedInfo.*:string",
                "value[].properties.zones[]:string",
            ],
        },
        ["AzureIaasVm/TriggerRestore_ALR_IaasVMRestoreWithRehydrationRequest.json"] = new(
            "There is no archive tier in the emulator: the point restored is a standard one and recoveryPointRehydrationInfo is accepted and ignored; "
            + "the restore job is an ordinary Restore job.")
        {
            Verify = VerifyRestoreJobAsync,
        },
        ["AzureStorage/ProtectionContainers_List.json"] = new(
            "The example filters on backupManagementType 'AzureWorkload' but shows an AzureStorage container; the emulator honours the filter, "
            + "so an AzureStorage container (the example's) and an AzureWorkload one are seeded and only the latter is listed.")
        {
            Verify = VerifyContainerFilterAsync,
        },
        ["Common/ListJobsWithStartTimeAndEndTimeFilters.json"] = new(
            "The example's window (2016-01-01 .. 2017-11-29) lies before the simulated clock, which starts at the real now: the seed step rewrites "
            + "startTime/endTime (same 'yyyy-MM-dd hh:mm:ss tt' format) around the simulated now; the original filter must answer an empty list. "
            + "The example's answer is the first page of a longer list (nextLink); the one seeded job fits on one page.")
        {
            Missing = ["nextLink:string"],
            SeedAdjusted = true,
            Verify = VerifyOriginalJobFilterAsync,
        },
        ["AzureIaasVm/V2Policy/v2-List-Policies.json"] = new(SevenDayMinimum) { SeedAdjusted = true },
        ["AzureIaasVm/GetBackupStatus.json"] = new(
            "The example's answer for a protected VM carries errorCode 'Success' with a placeholder errorMessage; the emulator sends no errorMessage when there is no error.")
        {
            Missing = ["errorMessage:string"],
        },
        ["Common/ListJobsWithAllSupportedFilters.json"] = new(
            "The example's window (2016-01-01 .. 2017-11-29) lies before the simulated clock, which starts at the real now: the seed step rewrites "
            + "startTime/endTime (same 'yyyy-MM-dd hh:mm:ss tt' format) around the simulated now; the original filter must answer an empty list.")
        {
            SeedAdjusted = true,
            Verify = VerifyOriginalJobFilterAsync,
        },
    };

    /// <summary>Free-form maps (keys are data, not schema): their keys become <c>*</c> in shapes.</summary>
    private static readonly string[] MapProperties = ["propertyBag", "recoveryPointMoveReadinessInfo", "failedJobsError", "userAssignedIdentities", "tags", "recoveryPointTierDetails[].extendedInfo"];

    private static string Root => Path.Combine(Paths.Contract(), "examples", "recoveryservicesbackup", "2023-06-01");

    /// <summary>Backup examples <see cref="ContractReplayTests"/> already replays (the B1 Common config ones).</summary>
    private static HashSet<string> ReplayedElsewhere()
    {
        var prefix = Path.Combine("examples", "recoveryservicesbackup", "2023-06-01") + Path.DirectorySeparatorChar;
        var set = ((IEnumerable<object?[]>)ContractReplayTests.Examples()).Select(row => (string)row[0]!).Where(p => p.StartsWith(prefix, StringComparison.Ordinal))
            .Select(p => p[prefix.Length..].Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);
        set.UnionWith(ResourceGuardTests.ProxyExamples);
        return set;
    }

    public static TheoryData<string> ReplayedExamples() => new(Replayed.Keys.Order(StringComparer.Ordinal));

    public static TheoryData<string> UnimplementedExamples() => new(Unimplemented.Keys.Order(StringComparer.Ordinal));

    public static TheoryData<string> UnseedableExamples() => new(Unseedable.Keys.Order(StringComparer.Ordinal));

    /// <summary>operationResults examples that also show the 202 "still running" answer.</summary>
    public static TheoryData<string> RunningMonitorExamples() =>
        new(Replayed.Where(r => r.Value.Path.Contains("OperationResults/", StringComparison.OrdinalIgnoreCase) && Load(r.Key)["responses"]!.AsObject().ContainsKey("202"))
            .Select(r => r.Key).Order(StringComparer.Ordinal));

    [Fact]
    public void EveryBackupExampleIsReplayedOrExplicitlySkipped()
    {
        var all = Directory.GetFiles(Root, "*.json", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);
        var elsewhere = ReplayedElsewhere();
        // The real counts of the vendored files (src/RecoveryVault.Emulator/Contract/PROVENANCE.md).
        Assert.Equal(104, all.Count);
        Assert.Equal(11, elsewhere.Count);
        Assert.Equal(74, Replayed.Count);
        Assert.Equal(17, Unimplemented.Count);
        Assert.Equal(2, Unseedable.Count);
        var lists = new[] { Replayed.Keys, Unimplemented.Keys, Unseedable.Keys, (IEnumerable<string>)elsewhere };
        Assert.Equal(all.Count, lists.Sum(l => l.Count()));
        var classified = lists.SelectMany(l => l).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(all.Order(StringComparer.Ordinal), classified.Order(StringComparer.Ordinal));
        Assert.All(Divergences.Keys, k => Assert.Contains(k, Replayed.Keys));
        Assert.All(Divergences.Values, d => Assert.False(string.IsNullOrWhiteSpace(d.Reason)));
        Assert.All(Unimplemented.Values, u => Assert.False(string.IsNullOrWhiteSpace(u.Reason)));
        Assert.All(Unseedable.Values, u => Assert.False(string.IsNullOrWhiteSpace(u.Reason)));
        Assert.Equal(
            ["AzureIaasVm/ProtectedItemOperationResults.json", "AzureIaasVm/ValidateOperationResults.json", "AzureStorage/ProtectionContainers_Inquire_Result.json", "Common/CancelJobOperationResult.json", "Common/ExportJobsOperationResult.json", "Common/ProtectedItem_Delete_OperationResult.json", "Common/RefreshContainers_OperationResults.json"],
            ((IEnumerable<object?[]>)RunningMonitorExamples()).Select(row => (string)row[0]!));
    }

    [Theory]
    [MemberData(nameof(UnimplementedExamples))]
    public async Task UnimplementedExample_AnswersArmError(string file)
    {
        var example = Load(file);
        var (method, template, _) = Unimplemented[file];
        using var arm = await Arm.ForOwnerAsync(fx.Server);
        var sc = await StartAsync(arm, file, example);
        if (sc.Values.ContainsKey("vaultName"))
        {
            await sc.VaultAsync();
        }

        var reply = await arm.SendAsync(method, BuildPath(template, sc.Values) + Query(sc.Values), method is "PUT" or "POST" or "PATCH" ? sc.Body?.DeepClone() : null);
        var successCodes = example["responses"]!.AsObject().Select(r => r.Key).ToList();
        Assert.DoesNotContain(reply.Code.ToString(CultureInfo.InvariantCulture), successCodes);
        Assert.Equal(404, reply.Code);
        Assert.Equal("InvalidResourceType", reply.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(reply.ErrorMessage), $"{file}: error without a message: {reply.Body}");
    }

    [Theory]
    [MemberData(nameof(UnseedableExamples))]
    public async Task UnseedableExample_AnswersNotFound(string file)
    {
        var example = Load(file);
        var (method, template, _, status, code) = Unseedable[file];
        using var arm = await Arm.ForOwnerAsync(fx.Server);
        var sc = await StartAsync(arm, file, example);
        await sc.VaultAsync();
        var reply = await arm.SendAsync(method, BuildPath(template, sc.Values) + Query(sc.Values), method is "PUT" or "POST" ? sc.Body?.DeepClone() : null);
        Assert.DoesNotContain(reply.Code.ToString(CultureInfo.InvariantCulture), example["responses"]!.AsObject().Select(r => r.Key));
        Assert.Equal(status, reply.Code);
        Assert.Equal(code, reply.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(ReplayedExamples))]
    public Task Example_ReplaysAgainstEmulator(string file) => ReplayAsync(file, running: false);

    /// <summary>The same monitor calls while the operation still runs: the example's 202 (and its headers).</summary>
    [Theory]
    [MemberData(nameof(RunningMonitorExamples))]
    public Task OperationResultExample_WhileRunning_MatchesExample202(string file) => ReplayAsync(file, running: true);

    private async Task ReplayAsync(string file, bool running)
    {
        var example = Load(file);
        var responses = example["responses"]!.AsObject();
        var (method, template) = Replayed[file];
        Divergences.TryGetValue(file, out var divergence);
        using var arm = await Arm.ForOwnerAsync(fx.Server);
        var sc = await StartAsync(arm, file, example);
        sc.KeepRunning = running;
        if (sc.Values.ContainsKey("vaultName"))
        {
            await sc.VaultAsync();
        }
        await SeedAsync(file, sc);

        // Where the example shows no 202 the emulator runs with lroDurationMs 0, in which it answers the spec's synchronous code.
        var accepted = responses.ContainsKey("202");
        Assert.Equal(200, (await arm.AdminAsync("PUT", "/_emulator/settings", new { lroDurationMs = accepted ? 1 : 0 })).Code);

        var path = BuildPath(template, sc.Values) + Query(sc.Values);
        var body = method is "PUT" or "POST" or "PATCH" ? sc.Body?.DeepClone() : null;
        var reply = await arm.SendAsync(method, path, body);
        if (divergence?.Rejected is { } rejected)
        {
            Assert.True(rejected.Status == reply.Code, $"{file}: expected the documented {rejected.Status}, got {reply.Code} {reply.Body}");
            Assert.Equal(rejected.Code, reply.ErrorCode);
            Assert.Contains(rejected.MessageContains, reply.ErrorMessage);
            rejected.Adjust(body!);
            reply = await arm.SendAsync(method, path, body);
        }

        if (running)
        {
            Assert.True(reply.Code == 202, $"{file}: a running operation's result must answer 202, got {reply.Code} {reply.Body}");
        }

        var code = reply.Code.ToString(CultureInfo.InvariantCulture);
        Assert.True(responses.ContainsKey(code), $"{file}: got {reply.Code} ({reply.Body}), example lists {string.Join(",", responses.Select(r => r.Key))}");
        var expected = responses[code]!.AsObject();
        if (expected["headers"] is JsonObject headers)
        {
            foreach (var (name, _) in headers)
            {
                Assert.True(reply.Header(name) is not null, $"{file}: header {name} missing");
            }
        }

        var mismatches = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        if (expected["body"] is JsonNode wantBody)
        {
            Assert.True(reply.Body is not null, $"{file}: {reply.Code} without a body");
            mismatches.UnionWith(Mismatches(wantBody, reply.Body!));
        }

        if (reply.Code == 202)
        {
            await CheckMonitorsAsync(arm, file, reply);

            // Style B/C: where the example also shows the final 200 body, follow Location to it and compare that too.
            if (!running && responses["200"]?["body"] is JsonNode finalBody && reply.Header("Location") is { } location)
            {
                var final = await FollowAsync(arm, location);
                Assert.True(final.Code == 200, $"{file}: following Location ended with {final.Code} {final.Body}");
                mismatches.UnionWith(Mismatches(finalBody, final.Body!));
            }
        }

        var declared = (divergence?.Missing ?? []).Order(StringComparer.OrdinalIgnoreCase).ToList();
        Assert.True(
            declared.SequenceEqual(mismatches, StringComparer.OrdinalIgnoreCase),
            $"{file}: shape differences [{string.Join(", ", mismatches)}] != documented [{string.Join(", ", declared)}]\n{reply.Body}");
        Assert.True(
            (divergence?.SeedAdjusted ?? false) == (sc.Adjustments.Count > 0),
            $"{file}: seed adjustments [{string.Join("; ", sc.Adjustments)}] must be documented in the divergence table (and only those)");
        if (divergence?.Verify is { } verify)
        {
            await verify(sc, reply);
        }
    }

    // ---------------------------------------------------------------- seeding

    /// <summary>Puts in place what the example's request needs, with the example's names; may substitute ids the emulator generates.</summary>
    private static async Task SeedAsync(string file, Scenario sc)
    {
        switch (file)
        {
            case "AzureIaasVm/BackupPolicies_List.json":
                {
                    // The example lists DefaultPolicy (every vault has it) and testPolicy1.
                    var props = sc.OkBody!["value"]![1]!["properties"]!.DeepClone().AsObject();
                    props.Remove("protectedItemsCount");
                    await sc.PutPolicyAsync("testPolicy1", props);
                    return;
                }

            case "AzureIaasVm/GetBackupStatus.json":
                {
                    // The example's VM testVm in testRg, protected by testVault with myPolicy, all in the example's region.
                    sc.Values["resourceGroupName"] = "testRg";
                    sc.Values["vaultName"] = "testVault";
                    await sc.VaultAsync();
                    var policy = await sc.Arm.SendAsync("GET", $"{sc.Vault}/backupPolicies/DefaultPolicy{Api}");
                    await sc.PutPolicyAsync("myPolicy", policy.Body!["properties"]!.DeepClone().AsObject());
                    await sc.ProtectVmAsync("iaasvmcontainer;iaasvmcontainerv2;testRg;testVm", "vm;iaasvmcontainerv2;testRg;testVm", "myPolicy");
                    return;
                }

            case "Common/BackupProtectedItem_UsageSummary_Get.json":
            case "Common/BackupProtectionContainers_UsageSummary_Get.json":
                {
                    // One registered MARS server with one protected folder: one container and one item to count.
                    var mars = await sc.Arm.AdminAsync("POST", "/_emulator/marsServers", new { vaultId = sc.Vault, name = "server1.contoso.com", items = new[] { "C:\\data" } });
                    Assert.True(mars.Code == 201, $"seed MARS: {mars.Code} {mars.Body}");
                    return;
                }

            case "Dpm/BackupEngines_Get.json":
            case "Dpm/BackupEngines_List.json":
                {
                    var name = sc.Values.GetValueOrDefault("backupEngineName") ?? "testServer1";
                    var engine = await sc.Arm.AdminAsync("POST", "/_emulator/backupServers", new
                    {
                        vaultId = sc.Vault, name, type = "DPM", version = "5.1.348.0",
                        servers = new[] { new { name = "sql01.contoso.com", items = new[] { new { name = "sql01\\db1", workloadType = "SQLDB" } } } },
                    });
                    Assert.True(engine.Code == 201, $"seed backup server: {engine.Code} {engine.Body}");
                    return;
                }

            case "AzureIaasVm/BackupProtectableItems_List.json":
                await sc.VmAsync("iaasvm-rg", "iaasvm-1");
                await sc.Arm.RefreshContainersAsync(sc.Vault);
                return;
            case "AzureIaasVm/BackupProtectedItems_List.json":
                await sc.BackupAsync(await sc.ProtectVmAsync(VmContainer("iaasvm-rg", "iaasvm-1"), VmItem("iaasvm-rg", "iaasvm-1")));
                return;
            case "AzureIaasVm/Compute_ProtectedItem_Get.json":
            case "AzureIaasVm/StopProtection.json":
                await sc.BackupAsync(await sc.ProtectExampleItemAsync());
                return;
            case "AzureIaasVm/ConfigureProtection.json":
                await sc.VmForItemAsync(sc.Values["protectedItemName"]);
                await sc.Arm.RefreshContainersAsync(sc.Vault);
                return;
            case "AzureIaasVm/ProtectedItemOperationResults.json":
                {
                    // Modify protection of a backed-up item: its operation result is the item.
                    var item = await sc.ProtectExampleItemAsync();
                    await sc.BackupAsync(item);
                    var put = await sc.MonitoredAsync(() => sc.Arm.SendAsync("PUT", item + Api, new JsonObject
                    {
                        ["properties"] = new JsonObject { ["protectedItemType"] = "Microsoft.Compute/virtualMachines", ["policyId"] = sc.Vault + "/backupPolicies/DefaultPolicy" },
                    }));
                    sc.Values["operationId"] = OperationIdOf(put.Header("Location"));
                    return;
                }

            case "AzureIaasVm/ProtectedItemOperationStatus.json":
                sc.Values["operationId"] = OperationIdOf((await sc.BackupAsync(await sc.ProtectExampleItemAsync(), complete: false)).Accepted.Header("Azure-AsyncOperation"));
                return;
            case "AzureIaasVm/ProtectionPolicies_CreateOrUpdate_Simple.json":
            case "AzureIaasVm/ProtectionPolicies_CreateOrUpdate_Complex.json":
            case "AzureStorage/ProtectionPolicies_CreateOrUpdate_Hardened.json":
            case "ListOperations.json":
            case "AzureIaasVm/V2Policy/IaaS_v2_daily.json":
            case "AzureIaasVm/V2Policy/IaaS_v2_hourly.json":
            case "AzureStorage/ProtectionPolicies_CreateOrUpdate_Daily.json":
            case "AzureStorage/ProtectionPolicies_CreateOrUpdate_Hourly.json":
            case "AzureWorkload/ProtectionPolicies_CreateOrUpdate_Complex.json":
            case "AzureWorkload/BackupPolicies_List.json": // lists the HourlyLogBackup policy every vault has
            case "Common/RefreshContainers.json":
                return;
            case "AzureIaasVm/ProtectionPolicies_Delete.json":
            case "AzureIaasVm/ProtectionPolicies_Get.json":
                await sc.PutPolicyAsync("testPolicy1", TestPolicy1());
                return;
            case "AzureIaasVm/ProtectionPolicyOperationResults_Get.json":
            case "AzureIaasVm/ProtectionPolicyOperationStatuses_Get.json":
                {
                    // Updating a policy that protects an item is the asynchronous case (one ConfigureBackup job per item).
                    await sc.PutPolicyAsync("testPolicy1", TestPolicy1());
                    await sc.ProtectVmAsync(VmContainer("netsdktestrg", "netvmtestv2vm1"), VmItem("netsdktestrg", "netvmtestv2vm1"), "testPolicy1");
                    var update = await sc.MonitoredAsync(() => sc.PutPolicyAsync("testPolicy1", TestPolicy1()));
                    sc.Values["operationId"] = OperationIdOf(update.Header("Azure-AsyncOperation"));
                    return;
                }

            case "AzureIaasVm/Provision_Ilr.json":
            case "AzureIaasVm/RecoveryPoints_Get.json":
            case "AzureIaasVm/Revoke_Ilr.json":
                {
                    var item = await sc.ProtectExampleItemAsync();
                    await sc.BackupAsync(item);
                    var rp = await sc.UseLatestPointAsync(item);
                    if (file.EndsWith("Revoke_Ilr.json", StringComparison.Ordinal))
                    {
                        var ilr = await sc.Arm.SendAsync("POST", $"{item}/recoveryPoints/{rp}/provisionInstantItemRecovery{Api}", new JsonObject
                        {
                            ["properties"] = new JsonObject { ["objectType"] = "IaasVMILRRegistrationRequest", ["recoveryPointId"] = rp, ["renewExistingRegistration"] = true },
                        });
                        await sc.DoneAsync(ilr);
                    }

                    return;
                }

            case "AzureIaasVm/RecoveryPoints_List.json":
                {
                    var item = await sc.ProtectExampleItemAsync();
                    await sc.BackupAsync(item);
                    await sc.BackupAsync(item);
                    return;
                }

            case "AzureIaasVm/TriggerRestore_ALR_IaasVMRestoreRequest.json":
            case "AzureIaasVm/TriggerRestore_ALR_IaasVMRestoreWithRehydrationRequest.json":
            case "AzureIaasVm/TriggerRestore_RestoreDisks_IaasVMRestoreRequest.json":
            case "AzureIaasVm/TriggerRestore_ALR_IaasVMRestoreRequest_IdentityBasedRestoreDetails.json":
            case "AzureIaasVm/TriggerRestore_RestoreDisks_IaasVMRestoreRequest_IdentityBasedRestoreDetails.json":
            case "AzureIaasVm/TriggerRestore_RestoreDisks_IaasVMRestoreWithRehydrationRequest.json":
                {
                    var item = await sc.ProtectExampleItemAsync();
                    await sc.BackupAsync(item);
                    await sc.UseLatestPointAsync(item);
                    var props = sc.Body!["properties"]!;

                    // The staging account: storageAccountId, or with identity-based restore the account it names instead.
                    var stagingId = props["storageAccountId"]?.GetValue<string>() ?? props["identityBasedRestoreDetails"]!["targetStorageAccountId"]!.GetValue<string>();
                    var staging = stagingId.Split('/', StringSplitOptions.RemoveEmptyEntries);
                    await sc.StorageAsync(staging[3], staging[7]);
                    if (props["targetResourceGroupId"]?.GetValue<string>() is { } targetRg)
                    {
                        await sc.ResourceGroupAsync(targetRg.Split('/', StringSplitOptions.RemoveEmptyEntries)[3]);
                    }

                    return;
                }

            case "AzureIaasVm/V2Policy/v2-List-Policies.json":
                // DefaultPolicy exists in every vault; testPolicy1 and v2-daily-policy come from the example's own bodies.
                foreach (var policy in sc.OkBody!["value"]!.AsArray().Skip(1))
                {
                    var props = policy!["properties"]!.DeepClone().AsObject();
                    props.Remove("protectedItemsCount");
                    await sc.PutPolicyAsync(policy["name"]!.GetValue<string>(), props);
                }

                return;
            case "AzureIaasVm/V2Policy/v2-Get-Policy.json":
                {
                    var props = sc.OkBody!["properties"]!.DeepClone().AsObject();
                    props.Remove("protectedItemsCount");
                    await sc.PutPolicyAsync(sc.Values["policyName"], props);
                    return;
                }

            case "AzureStorage/ProtectableContainers_List.json":
                await sc.StorageAsync("test-rg", "teststorage");
                await sc.Arm.RefreshContainersAsync(sc.Vault, "AzureStorage");
                return;
            case "AzureStorage/ProtectionContainers_Inquire.json":
            case "AzureWorkload/ProtectionContainers_Unregister.json":
                await sc.RegisterStorageAsync(sc.Values["containerName"], "test-rg", "teststorage");
                return;
            case "AzureStorage/ProtectionContainers_List.json":
                await sc.RegisterStorageAsync("StorageContainer;Storage;testrg;suchandrtestsa125", "testrg", "suchandrtestsa125");
                await sc.RegisterSqlAsync("VMAppContainer;Compute;testRG;testSQL", "testRG", "testSQL");
                return;
            case "AzureStorage/ProtectionContainers_Register.json":
                await sc.StorageAsync("SwaggerTestRg", "swaggertestsa");
                return;
            case "AzureWorkload/BackupWorkloadItems_List.json":
                await sc.RegisterSqlAsync(sc.Values["containerName"], "bvtdtestag", "sqlserver-1");
                return;
            case "AzureWorkload/ProtectionContainers_Get.json":
                await sc.RegisterSqlAsync(sc.Values["containerName"], "testRG", "testSQL");
                return;
            case "Common/GetJobDetails.json":
            case "Common/ListJobs.json":
            case "Common/TriggerCancelJob.json":
                sc.Values["jobName"] = await sc.RunningBackupJobAsync();
                return;
            case "Common/ListJobsWithAllSupportedFilters.json":
            case "Common/ListJobsWithStartTimeAndEndTimeFilters.json":
                {
                    await sc.RunningBackupJobAsync();
                    var now = DateTimeOffset.Parse((await sc.Arm.AdminAsync("GET", "/_emulator/clock")).Body!["now"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                    static string Sdk(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd hh:mm:ss tt", CultureInfo.InvariantCulture);
                    sc.Values["$filter"] = sc.Values["$filter"]
                        .Replace("2016-01-01 00:00:00 AM", Sdk(now.AddDays(-1)), StringComparison.Ordinal)
                        .Replace("2017-11-29 00:00:00 AM", Sdk(now.AddDays(1)), StringComparison.Ordinal);
                    Assert.NotEqual(sc.Original["$filter"], sc.Values["$filter"]);
                    sc.Adjustments.Add("job filter window moved to the simulated now: " + sc.Values["$filter"]);
                    return;
                }

            case "Common/CancelJobOperationResult.json":
                {
                    var job = await sc.RunningBackupJobAsync();
                    sc.Values["jobName"] = job;
                    var cancel = await sc.MonitoredAsync(() => sc.Arm.SendAsync("POST", $"{sc.Vault}/backupJobs/{job}/cancel{Api}"));
                    sc.Values["operationId"] = OperationIdOf(cancel.Header("Location"));
                    return;
                }

            case "Common/ProtectedItem_Delete.json":
            case "Common/TriggerBackup_Post.json":
                await sc.ProtectExampleItemAsync();
                return;
            case "Common/ProtectedItem_Delete_OperationResult.json":
            case "Common/ProtectedItem_Delete_OperationStatus.json":
                {
                    // Stop protection and delete data of the item ProtectedItem_Delete.json names.
                    var item = await sc.ProtectVmAsync(VmContainer("pysdktestrg", "pysdktestv2vm1"), VmItem("pysdktestrg", "pysdktestv2vm1"));
                    var delete = await sc.MonitoredAsync(() => sc.Arm.SendAsync("DELETE", item + Api));
                    Assert.Equal(OperationIdOf(delete.Header("Location")), OperationIdOf(delete.Header("Azure-AsyncOperation")));
                    sc.Values["operationId"] = OperationIdOf(delete.Header("Location"));
                    return;
                }

            case "AzureStorage/ProtectionContainers_Inquire_Result.json":
                {
                    await sc.RegisterSqlAsync(sc.Values["containerName"], "testRG", "testSQL");
                    var inquire = await sc.MonitoredAsync(() => sc.Arm.SendAsync("POST", $"{sc.Container(sc.Values["containerName"])}/inquire{Api}"));
                    sc.Values["operationId"] = OperationIdOf(inquire.Header("Location"));
                    return;
                }

            case "Common/RefreshContainers_OperationResults.json":
                {
                    var refresh = await sc.MonitoredAsync(() => sc.Arm.SendAsync("POST", $"{sc.Vault}/backupFabrics/Azure/refreshContainers{Api}"));
                    sc.Values["operationId"] = OperationIdOf(refresh.Header("Location"));
                    return;
                }

            case "AzureIaasVm/BackupFeature_Validate.json":
                return;
            case "AzureIaasVm/TriggerValidateOperation_RestoreDisk.json":
            case "AzureIaasVm/ValidateOperation_RestoreDisk.json":
            case "AzureIaasVm/ValidateOperation_RestoreDisk_IdentityBasedRestoreDetails.json":
                {
                    // The example's point is the newest backup of its item; its id (path and body) becomes the emulator's.
                    // The example's restore request names a staging account that does not exist, which the check reports.
                    var item = await sc.ProtectExampleItemAsync();
                    await sc.BackupAsync(item);
                    var rp = await sc.UseLatestPointAsync(item);
                    sc.Body!["id"] = $"{Uri.UnescapeDataString(item)}/recoveryPoints/{rp}";
                    sc.Body["properties"]!["restoreRequest"]!["recoveryPointId"] = rp;
                    return;
                }

            case "AzureIaasVm/ValidateOperationResults.json":
            case "AzureIaasVm/ValidateOperationStatus.json":
                {
                    var item = await sc.ProtectVmAsync(VmContainer("testRG", "testvmName"), VmItem("testRG", "testvmName"));
                    await sc.BackupAsync(item);
                    var points = await sc.Arm.SendAsync("GET", item + "/recoveryPoints" + Api);
                    var rp = points.Body!["value"]![0]!["name"]!.GetValue<string>();
                    var trigger = await sc.MonitoredAsync(() => sc.Arm.SendAsync("POST", $"{sc.Vault}/backupTriggerValidateOperation{Api}", new JsonObject
                    {
                        ["id"] = $"{Uri.UnescapeDataString(item)}/recoveryPoints/{rp}",
                        ["properties"] = new JsonObject
                        {
                            ["objectType"] = "ValidateIaasVMRestoreOperationRequest",
                            ["restoreRequest"] = new JsonObject { ["objectType"] = "IaasVMRestoreRequest", ["recoveryType"] = "RestoreDisks", ["recoveryPointId"] = rp, ["region"] = sc.Location, ["storageAccountId"] = $"/subscriptions/{sc.Sub}/resourceGroups/testRG/providers/Microsoft.Storage/storageAccounts/missing" },
                        },
                    }));
                    sc.Values["operationId"] = OperationIdOf(trigger.Header("Location"));
                    return;
                }

            case "BackupResourceEncryptionConfig_Put.json":
                // A customer-managed key is reached through a managed identity of the vault: give it its system-assigned one.
                await sc.IdentityAsync(new JsonObject { ["type"] = "SystemAssigned" });
                return;
            case "BackupResourceEncryptionConfig_Get.json":
                {
                    var props = sc.OkBody!["properties"]!.AsObject();
                    var uai = props["userAssignedIdentity"]!.GetValue<string>();
                    await sc.IdentityAsync(new JsonObject { ["type"] = "UserAssigned", ["userAssignedIdentities"] = new JsonObject { [uai] = new JsonObject() } });
                    var put = await sc.Arm.SendAsync("PUT", $"{sc.Vault}/backupEncryptionConfigs/backupResourceEncryptionConfig{Api}", new JsonObject
                    {
                        ["properties"] = new JsonObject
                        {
                            ["encryptionAtRestType"] = "CustomerManaged", ["keyUri"] = props["keyUri"]!.DeepClone(), ["subscriptionId"] = props["subscriptionId"]!.DeepClone(),
                            ["userAssignedIdentity"] = uai, ["useSystemAssignedIdentity"] = false, ["infrastructureEncryptionState"] = "Disabled",
                        },
                    });
                    Assert.True(put.Code == 200, $"seed encryption: {put.Code} {put.Body}");
                    return;
                }

            case "AzureIaasVm/ProtectionIntent_CreateOrUpdate.json":
                {
                    // The example's VM (chamscandel in chamsrgtest) and policy (myPolicy, a copy of DefaultPolicy).
                    var vm = sc.Body!["properties"]!["sourceResourceId"]!.GetValue<string>().Split('/');
                    await sc.VmAsync(vm[4], vm[8]);
                    var policy = await sc.Arm.SendAsync("GET", $"{sc.Vault}/backupPolicies/DefaultPolicy{Api}");
                    await sc.PutPolicyAsync(sc.Body["properties"]!["policyId"]!.GetValue<string>().Split('/')[^1], policy.Body!["properties"]!.DeepClone().AsObject());
                    return;
                }

            case "AzureIaasVm/ProtectionIntent_Validate.json":
                {
                    // The example's answer: upgrade1 (in arunaupgrade) is already protected, by the example's vault myRG/myVault.
                    sc.Values["resourceGroupName"] = "myRG";
                    sc.Values["vaultName"] = "myVault";
                    await sc.VaultAsync();
                    await sc.ProtectVmAsync(VmContainer("arunaupgrade", "upgrade1"), VmItem("arunaupgrade", "upgrade1"));
                    return;
                }

            case "AzureWorkload/BackupProtectionIntent_Delete.json":
            case "AzureWorkload/BackupProtectionIntent_Get.json":
            case "AzureWorkload/BackupProtectionIntent_List.json":
                {
                    // The example's intent: auto-protection of the MSSQLSERVER instance of testVmName, under the emulator's
                    // container name for it, with the vault's SQL policy.
                    const string Container = "VMAppContainer;Compute;testRG;testVmName";
                    await sc.RegisterSqlAsync(Container, "testRG", "testVmName");
                    await sc.MonitoredAsync(() => sc.Arm.SendAsync("POST", $"{sc.Container(Container)}/inquire{Api}"));
                    var put = await sc.Arm.SendAsync("PUT", $"{sc.Vault}/backupFabrics/Azure/backupProtectionIntent/249D9B07-D2EF-4202-AA64-65F35418564E{Api}", new JsonObject
                    {
                        ["properties"] = new JsonObject
                        {
                            ["protectionIntentItemType"] = "AzureWorkloadContainerAutoProtectionIntent",
                            ["itemId"] = $"{sc.Vault}/backupFabrics/Azure/protectionContainers/{Container}/protectableItems/SQLInstance;MSSQLSERVER",
                            ["policyId"] = $"{sc.Vault}/backupPolicies/HourlyLogBackup",
                        },
                    });
                    Assert.True(put.Code == 200, $"seed intent: {put.Code} {put.Body}");
                    return;
                }

            case "Common/TriggerExportJobs.json":
                return;
            case "Common/ExportJobsOperationResult.json":
                {
                    var export = await sc.MonitoredAsync(() => sc.Arm.SendAsync("POST", $"{sc.Vault}/backupJobsExport{Api}"));
                    sc.Values["operationId"] = OperationIdOf(export.Header("Location"));
                    return;
                }

            case "Common/BackupSecurityPin_Get.json":
                // The vault alone: a PIN is asked of the vault.
                return;

            default:
                throw new InvalidOperationException($"No seed step for {file}.");
        }
    }

    /// <summary>testPolicy1 as ProtectionPolicies_CreateOrUpdate_Simple.json defines it.</summary>
    private static JsonObject TestPolicy1() =>
        Load("AzureIaasVm/ProtectionPolicies_CreateOrUpdate_Simple.json")["parameters"]!["parameters"]!["properties"]!.DeepClone().AsObject();

    private static void RaiseDailyRetentionToMinimum(JsonNode policyBody)
    {
        var duration = policyBody["properties"]!["retentionPolicy"]!["dailySchedule"]!["retentionDuration"]!;
        if (duration["count"]!.GetValue<int>() < 7)
        {
            duration["count"] = 7;
        }
    }

    private static string VmContainer(string rg, string vm) => $"IaasVMContainer;iaasvmcontainerv2;{rg.ToLowerInvariant()};{vm.ToLowerInvariant()}";

    private static string VmItem(string rg, string vm) => $"VM;iaasvmcontainerv2;{rg.ToLowerInvariant()};{vm.ToLowerInvariant()}";

    private static string OperationIdOf(string? monitorUrl)
    {
        Assert.False(string.IsNullOrEmpty(monitorUrl), "monitor header missing");
        return Uri.UnescapeDataString(monitorUrl!.Split('?')[0].Split('/')[^1]);
    }

    // ---------------------------------------------------------------- divergence checks

    private static async Task VerifyRestoreJobAsync(Scenario sc, Reply accepted)
    {
        var status = await sc.Arm.WaitAsync(accepted.Header("Azure-AsyncOperation")!);
        Assert.Equal("Succeeded", status["status"]!.GetValue<string>());
        var job = await sc.Arm.SendAsync("GET", $"{sc.Vault}/backupJobs/{status["properties"]!["jobId"]!.GetValue<string>()}{Api}");
        Assert.Equal(200, job.Code);
        Assert.Equal("Restore", job.Body!["properties"]!["operation"]!.GetValue<string>());
        Assert.Equal("AlternateLocation", job.Body!["properties"]!["extendedInfo"]!["propertyBag"]!["Restore Type"]!.GetValue<string>());
    }

    private static async Task VerifyContainerFilterAsync(Scenario sc, Reply reply)
    {
        var listed = reply.Body!["value"]!.AsArray();
        Assert.NotEmpty(listed);
        Assert.All(listed, c => Assert.Equal("AzureWorkload", c!["properties"]!["backupManagementType"]!.GetValue<string>()));
        var all = await sc.Arm.SendAsync("GET", $"{sc.Vault}/backupProtectionContainers{Api}");
        Assert.Contains(all.Body!["value"]!.AsArray(), c => c!["properties"]!["backupManagementType"]!.GetValue<string>() == "AzureStorage");
    }

    private static async Task VerifyOriginalJobFilterAsync(Scenario sc, Reply reply)
    {
        Assert.NotEmpty(reply.Body!["value"]!.AsArray());
        var original = await sc.Arm.SendAsync("GET", $"{sc.Vault}/backupJobs{Api}&$filter={Uri.EscapeDataString(sc.Original["$filter"])}");
        Assert.Equal(200, original.Code);
        Assert.Empty(original.Body!["value"]!.AsArray());
    }

    // ---------------------------------------------------------------- plumbing

    private static JsonObject Load(string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(Root, file)))!.AsObject();

    /// <summary>Fresh emulator state (frozen clock), the example's subscription, async LROs that finish at once.</summary>
    private static async Task<Scenario> StartAsync(Arm arm, string file, JsonObject example)
    {
        Assert.Equal(200, (await arm.AdminAsync("POST", "/_emulator/reset")).Code);
        arm.Token = await arm.GetTokenAsync(arm.Server.OwnerClientId, arm.Server.OwnerClientSecret);
        Assert.Equal(200, (await arm.AdminAsync("PUT", "/_emulator/settings", new { lroDurationMs = 1, pageSize = 100, retryAfterSeconds = 0 })).Code);
        var sc = new Scenario(arm, file, example);
        var sub = await arm.AdminAsync("POST", "/_emulator/subscriptions", new { subscriptionId = sc.Sub, displayName = "backup replay" });
        Assert.True(sub.Code is 200 or 201, $"seed subscription: {sub.Code} {sub.Body}");
        return sc;
    }

    private static string BuildPath(string template, Dictionary<string, string> values)
    {
        var path = template;
        foreach (var (k, v) in values)
        {
            path = path.Replace("{" + k + "}", Uri.EscapeDataString(v), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("{", path);
        return path;
    }

    private static string Query(Dictionary<string, string> values) =>
        "?api-version=" + values["api-version"] + (values.TryGetValue("$filter", out var f) ? "&$filter=" + Uri.EscapeDataString(f) : string.Empty);

    /// <summary>Every 202 names monitors that must answer: Location 200/202/204, Azure-AsyncOperation 200 with a status.</summary>
    private static async Task CheckMonitorsAsync(Arm arm, string file, Reply accepted)
    {
        if (accepted.Header("Location") is { } location)
        {
            var r = await arm.SendAsync("GET", location);
            Assert.True(r.Code is 200 or 202 or 204, $"{file}: Location {location} answered {r.Code} {r.Body}");
        }

        if (accepted.Header("Azure-AsyncOperation") is { } status)
        {
            var r = await arm.SendAsync("GET", status);
            Assert.True(r.Code == 200 && r.Body?["status"] is JsonValue, $"{file}: Azure-AsyncOperation {status} answered {r.Code} {r.Body}");
        }
    }

    private static async Task<Reply> FollowAsync(Arm arm, string location)
    {
        for (var i = 0; ; i++)
        {
            var r = await arm.SendAsync("GET", location);
            if (r.Code != 202 || i > 200)
            {
                return r;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>"path:kind" entries of the example's body that the emulator's body lacks (or has with another JSON kind).</summary>
    private static IEnumerable<string> Mismatches(JsonNode want, JsonNode have)
    {
        var haveShape = ShapeOf(have);
        return ShapeOf(want).Where(p => !haveShape.Contains(p));
    }

    /// <summary>
    /// Property paths with their JSON kind (<c>properties.zones[]:string</c>); arrays add <c>[]</c>, keys of free-form
    /// maps become <c>*</c>. A null in the example constrains nothing (ARM clients treat null and absent alike).
    /// </summary>
    private static HashSet<string> ShapeOf(JsonNode node)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Walk(node, string.Empty, set);
        return set;
    }

    private static void Walk(JsonNode? node, string path, HashSet<string> set)
    {
        if (node is null)
        {
            return;
        }

        if (path.Length > 0)
        {
            set.Add(path + ":" + KindOf(node));
        }

        switch (node)
        {
            case JsonObject o:
                var isMap = MapProperties.Any(m => path.Equals(m, StringComparison.OrdinalIgnoreCase) || path.EndsWith("." + m, StringComparison.OrdinalIgnoreCase));
                foreach (var (k, v) in o)
                {
                    var key = isMap ? "*" : k;
                    Walk(v, path.Length == 0 ? key : path + "." + key, set);
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Walk(item, path + "[]", set);
                }

                break;
        }
    }

    private static string KindOf(JsonNode node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        _ => node.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => "string",
            System.Text.Json.JsonValueKind.Number => "number",
            System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "boolean",
            var k => k.ToString(),
        },
    };

    /// <summary>A documented difference between the emulator and one example.</summary>
    private sealed record Divergence(string Reason)
    {
        /// <summary>Exactly the "path:kind" entries of the example's body(ies) the emulator does not produce.</summary>
        public string[] Missing { get; init; } = [];

        /// <summary>The emulator refuses the example's request as it stands; the adjusted request must then match the example.</summary>
        public Rejection? Rejected { get; init; }

        /// <summary>The seed step had to change something of the example (recorded in <see cref="Scenario.Adjustments"/>).</summary>
        public bool SeedAdjusted { get; init; }

        /// <summary>Extra assertions proving the divergence.</summary>
        public Func<Scenario, Reply, Task>? Verify { get; init; }
    }

    private sealed record Rejection(int Status, string Code, string MessageContains, Action<JsonNode> Adjust);

    /// <summary>One example's request values and the seed helpers acting in its subscription / vault.</summary>
    private sealed class Scenario
    {
        public Scenario(Arm arm, string file, JsonObject example)
        {
            Arm = arm;
            var parameters = example["parameters"]!.AsObject();
            Values = parameters.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.ToString());

            // Tenant-level calls (ListOperations.json) name no subscription; the emulator's own is used for seeding then.
            Values.TryAdd("subscriptionId", arm.Server.SubscriptionId);
            Original = new Dictionary<string, string>(Values);
            Body = parameters.FirstOrDefault(p => p.Value is JsonObject).Value?.DeepClone();
            OkBody = example["responses"]!["200"]?["body"];

            // The restore examples restore into southeastasia (their 'region'); everything else lives in westus.
            Location = file.Contains("TriggerRestore", StringComparison.Ordinal) || file.Contains("GetBackupStatus", StringComparison.Ordinal)
                || file.Contains("ProtectionIntent_Validate", StringComparison.Ordinal) ? "southeastasia" : "westus";
        }

        public Arm Arm { get; }

        public Dictionary<string, string> Values { get; }

        public IReadOnlyDictionary<string, string> Original { get; }

        public JsonNode? Body { get; }

        public JsonNode? OkBody { get; }

        public string Location { get; }

        public List<string> Adjustments { get; } = [];

        /// <summary>Leave the operation the example's monitor call asks about running (for the 202 replay).</summary>
        public bool KeepRunning { get; set; }

        public string Sub => Values["subscriptionId"];

        public string Vault => $"/subscriptions/{Sub}/resourceGroups/{Values["resourceGroupName"]}/providers/Microsoft.RecoveryServices/vaults/{Values["vaultName"]}";

        public string Container(string name) => $"{Vault}/backupFabrics/Azure/protectionContainers/{Uri.EscapeDataString(name)}";

        public string Item(string container, string item) => $"{Container(container)}/protectedItems/{Uri.EscapeDataString(item)}";

        public Task ResourceGroupAsync(string name) => Arm.CreateResourceGroupAsync(name, Location, Sub);

        public async Task VaultAsync()
        {
            await ResourceGroupAsync(Values["resourceGroupName"]);
            var r = await Arm.SendAsync("PUT", Vault + "?api-version=" + Arm.VaultApi, new JsonObject
            {
                ["location"] = Location,
                ["sku"] = new JsonObject { ["name"] = "Standard" },
                ["properties"] = new JsonObject(),
            });
            Assert.True(r.Code == 201, $"seed vault: {r.Code} {r.Body}");
        }

        /// <summary>Sets the vault's managed identity (a vault PATCH, waited for).</summary>
        public async Task IdentityAsync(JsonObject identity)
        {
            var r = await Arm.SendAsync("PATCH", Vault + "?api-version=" + Arm.VaultApi, new JsonObject { ["identity"] = identity });
            Assert.True(r.Code is 200 or 202, $"seed identity: {r.Code} {r.Body}");
            if (r.Code == 202)
            {
                Assert.Equal("Succeeded", (await Arm.WaitAsync(r.Header("Azure-AsyncOperation")!))["status"]!.GetValue<string>());
            }
        }

        public async Task<string> VmAsync(string rg, string name)
        {
            await ResourceGroupAsync(rg);
            var r = await Arm.AdminAsync("POST", "/_emulator/virtualMachines", new { subscriptionId = Sub, resourceGroup = rg, name, location = Location, osType = "Windows", disks = new[] { new { lun = 0, name = "data0", sizeGB = 128 } } });
            Assert.True(r.Code == 201, $"seed VM: {r.Code} {r.Body}");
            return r.Body!["id"]!.GetValue<string>();
        }

        /// <summary>The VM an item name like <c>VM;iaasvmcontainerv2;{rg};{vm}</c> stands for.</summary>
        public Task<string> VmForItemAsync(string itemName)
        {
            var parts = itemName.Split(';');
            return VmAsync(parts[^2], parts[^1]);
        }

        public async Task<string> StorageAsync(string rg, string name)
        {
            await ResourceGroupAsync(rg);
            var r = await Arm.AdminAsync("POST", "/_emulator/storageAccounts", new { subscriptionId = Sub, resourceGroup = rg, name, location = Location, fileShares = new[] { "share1" } });
            Assert.True(r.Code == 201, $"seed storage account: {r.Code} {r.Body}");
            return r.Body!["id"]!.GetValue<string>();
        }

        /// <summary>Waits for a style B/C write (or takes its synchronous 200).</summary>
        public async Task DoneAsync(Reply r)
        {
            Assert.True(r.Code is 200 or 202, $"seed write: {r.Code} {r.Body}");
            if (r.Code == 202)
            {
                var status = await Arm.WaitAsync(r.Header("Azure-AsyncOperation")!);
                Assert.Equal("Succeeded", status["status"]!.GetValue<string>());
            }
        }

        /// <summary>
        /// Makes the operation whose monitor the example calls (a 202): settled before the replay, or, with
        /// <see cref="KeepRunning"/>, started with a 10-minute LRO so its monitors still answer "running".
        /// </summary>
        public async Task<Reply> MonitoredAsync(Func<Task<Reply>> send)
        {
            if (KeepRunning)
            {
                Assert.Equal(200, (await Arm.AdminAsync("PUT", "/_emulator/settings", new { lroDurationMs = 600_000 })).Code);
            }

            var r = await send();
            Assert.True(r.Code == 202, $"seed operation: {r.Code} {r.Body}");
            if (KeepRunning)
            {
                Assert.Equal(200, (await Arm.AdminAsync("PUT", "/_emulator/settings", new { lroDurationMs = 1 })).Code);
            }
            else if (r.Header("Azure-AsyncOperation") is { } status)
            {
                Assert.Equal("Succeeded", (await Arm.WaitAsync(status))["status"]!.GetValue<string>());
            }
            else
            {
                Assert.True((await FollowAsync(Arm, r.Header("Location")!)).Code is 200 or 204);
            }

            return r;
        }

        public async Task RegisterStorageAsync(string containerName, string rg, string account)
        {
            var id = await StorageAsync(rg, account);
            await DoneAsync(await Arm.SendAsync("PUT", Container(containerName) + Api, new JsonObject
            {
                ["properties"] = new JsonObject { ["containerType"] = "StorageContainer", ["backupManagementType"] = "AzureStorage", ["sourceResourceId"] = id },
            }));
        }

        public async Task RegisterSqlAsync(string containerName, string rg, string vm)
        {
            var id = await VmAsync(rg, vm);
            var sql = await Arm.AdminAsync("POST", "/_emulator/sqlServers", new { subscriptionId = Sub, resourceGroup = rg, vmName = vm, instance = "MSSQLSERVER", databases = new[] { "db1", "db2", "db3" } });
            Assert.True(sql.Code == 201, $"seed SQL: {sql.Code} {sql.Body}");
            await DoneAsync(await Arm.SendAsync("PUT", Container(containerName) + Api, new JsonObject
            {
                ["properties"] = new JsonObject { ["containerType"] = "VMAppContainer", ["backupManagementType"] = "AzureWorkload", ["sourceResourceId"] = id },
            }));
        }

        public async Task<Reply> PutPolicyAsync(string name, JsonObject properties)
        {
            var body = new JsonObject { ["properties"] = properties.DeepClone() };
            var r = await Arm.SendAsync("PUT", $"{Vault}/backupPolicies/{name}{Api}", body);
            if (r.Code == 400 && r.ErrorCode == "UserErrorInvalidRetentionRange")
            {
                Assert.Contains("between 7 and 9999", r.ErrorMessage);
                RaiseDailyRetentionToMinimum(body);
                Adjustments.Add($"policy {name}: daily retention raised to the 7-day minimum");
                r = await Arm.SendAsync("PUT", $"{Vault}/backupPolicies/{name}{Api}", body);
            }

            Assert.True(r.Code is 200 or 202, $"seed policy {name}: {r.Code} {r.Body}");
            return r;
        }

        public async Task<string> ProtectVmAsync(string containerName, string itemName, string policy = "DefaultPolicy")
        {
            var vmId = await VmForItemAsync(itemName);
            await Arm.RefreshContainersAsync(Vault);
            var item = Item(containerName, itemName);
            await DoneAsync(await Arm.SendAsync("PUT", item + Api, new JsonObject
            {
                ["properties"] = new JsonObject
                {
                    ["protectedItemType"] = "Microsoft.Compute/virtualMachines",
                    ["sourceResourceId"] = vmId,
                    ["policyId"] = $"{Vault}/backupPolicies/{policy}",
                },
            }));
            return item;
        }

        public Task<string> ProtectExampleItemAsync() => ProtectVmAsync(Values["containerName"], Values["protectedItemName"]);

        /// <summary>Backup now; with <paramref name="complete"/> the simulated clock moves past the 10-minute job so a point exists.</summary>
        public async Task<(Reply Accepted, string JobId)> BackupAsync(string item, bool complete = true)
        {
            var r = await Arm.SendAsync("POST", item + "/backup" + Api, new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "IaasVMBackupRequest" } });
            Assert.True(r.Code == 202, $"seed backup: {r.Code} {r.Body}");
            var status = await Arm.WaitAsync(r.Header("Azure-AsyncOperation")!);
            var job = status["properties"]!["jobId"]!.GetValue<string>();
            if (complete)
            {
                var advance = await Arm.AdminAsync("POST", "/_emulator/clock/advance", new { minutes = 11 });
                Assert.Equal(200, advance.Code);
                Assert.True(advance.Body!["recoveryPointsCreated"]!.GetValue<int>() >= 1, advance.Body.ToJsonString());
            }

            return (r, job);
        }

        /// <summary>Recovery point ids are the emulator's: the example's id (path and body) becomes the newest point's.</summary>
        public async Task<string> UseLatestPointAsync(string item)
        {
            var points = await Arm.SendAsync("GET", item + "/recoveryPoints" + Api);
            Assert.Equal(200, points.Code);
            var rp = points.Body!["value"]![0]!["name"]!.GetValue<string>();
            Values["recoveryPointId"] = rp;
            if (Body?["properties"] is JsonObject props && props.ContainsKey("recoveryPointId"))
            {
                props["recoveryPointId"] = rp;
            }

            return rp;
        }

        /// <summary>A protected VM named testvm (the examples' entityFriendlyName) with a backup job still running.</summary>
        public async Task<string> RunningBackupJobAsync()
        {
            var rg = Values["resourceGroupName"];
            var item = await ProtectVmAsync(VmContainer(rg, "testvm"), VmItem(rg, "testvm"));
            return (await BackupAsync(item, complete: false)).JobId;
        }
    }

    /// <summary>Frozen simulated clock (only /_emulator/clock/advance moves it), page size 100; LROs set per test.</summary>
    public sealed class ReplayFixture : EmulatorFixture
    {
        protected override EmulatorOptions Options => new() { InMemory = true, Port = 0, LroDurationMs = 1, PageSize = 100, RetryAfterSeconds = 0, ClockRate = 0, ClockStart = TestClock.Start };
    }
}
