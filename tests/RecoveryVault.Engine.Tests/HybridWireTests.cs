// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Engine.Backup;
using Xunit;

namespace RecoveryVault.Engine.Tests;

/// <summary>The hybrid surface (backup servers, usage summaries, backup status) against the official examples.</summary>
public class HybridWireTests
{
    [Theory]
    [InlineData("AzureBackupServer", "SQLDB")]
    [InlineData("DPM", "FileFolder")]
    [InlineData("DPM", "VMwareVM")]
    [InlineData("AzureBackupServer", null)]
    public void BackupServerDataSourcesOfEitherManagementTypeAreOneKind(string management, string? workload) =>
        Assert.Same(WorkloadCatalogue.BackupServer, WorkloadCatalogue.Of(management, workload));

    [Fact]
    public void BackupServerKindIsReadOnly()
    {
        Assert.False(WorkloadCatalogue.BackupServer.Protectable);
        Assert.Null(WorkloadCatalogue.BackupServer.BackupRequestType);
        Assert.Null(WorkloadCatalogue.BackupServer.RefreshFilter);
    }

    [Fact]
    public void ContainersOfBothManagementTypesAreAskedForOneEach()
    {
        // BackupProtectionContainers_List requires backupManagementType and takes one value (Dpm/... examples filter on one).
        var filters = new ContainerQuery(WorkloadCatalogue.BackupServer).ToRequests().Select(r => r.Filter).ToArray();
        Assert.Equal(new string?[] { "backupManagementType eq 'AzureBackupServer'", "backupManagementType eq 'DPM'" }, filters.AsEnumerable());
        Assert.Single(new ContainerQuery(WorkloadCatalogue.AzureFileShare).ToRequests());
    }

    [Fact]
    public void ItemsOfSeveralManagementTypesAreNotFilteredByTheService() =>
        Assert.Null(new ItemQuery { Kind = WorkloadCatalogue.BackupServer }.ToRequest().Filter);

    [Fact]
    public void JobsOfSeveralManagementTypesAreAskedPerTypeInEachWindow()
    {
        var now = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var requests = new JobQuery { Kind = WorkloadCatalogue.BackupServer, From = now.AddDays(-40), To = now }.ToRequests(now);
        Assert.Equal(4, requests.Count);
        Assert.Contains("backupManagementType eq 'AzureBackupServer'", requests[0].Filter);
        Assert.Contains("backupManagementType eq 'DPM'", requests[1].Filter);
        Assert.Single(new JobQuery { Kind = WorkloadCatalogue.AzureVM, From = now.AddDays(-1), To = now }.ToRequests(now));
    }

    [Theory]
    [InlineData(UsageSummaryType.ProtectedItems, "Common/BackupProtectedItem_UsageSummary_Get.json")]
    [InlineData(UsageSummaryType.Containers, "Common/BackupProtectionContainers_UsageSummary_Get.json")]
    public void UsageSummaryFiltersAreTheExamples(UsageSummaryType type, string example) =>
        Assert.Equal(Examples.Filter(example), new ODataFilter().Eq("type", HybridPaths.SummaryType(type)).Build());

    [Fact]
    public void BackupStatusBodyIsTheGetBackupStatusExample()
    {
        var example = Examples.Load("AzureIaasVm/GetBackupStatus.json")["parameters"]!;
        var body = example["parameters"]!.AsObject();
        var request = new BackupStatusRequest(example["subscriptionId"]!.GetValue<string>(), example["azureRegion"]!.GetValue<string>(), body["resourceId"]!.GetValue<string>(), null);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(body, request.ToBody()));
        Assert.Equal("/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.RecoveryServices/locations/southeastasia/backupStatus", request.Path);
    }

    [Fact]
    public void FileShareStatusNamesTheShare()
    {
        var account = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa01";
        var body = new BackupStatusRequest("00000000-0000-0000-0000-000000000000", "westeurope", account, "share1").ToBody();
        Assert.Equal("AzureFileShare", body["resourceType"]!.GetValue<string>());
        Assert.Equal("share1", body["poLogicalName"]!.GetValue<string>());
        Assert.Throws<ArgumentException>(() => new BackupStatusRequest("s", "westeurope", account, null).ToBody());
    }

    [Fact]
    public void EngineNameComesFromItsId()
    {
        Assert.Equal("mabs01", HybridPaths.EngineName("/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/backupEngines/mabs01"));
        Assert.Null(HybridPaths.EngineName("/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v"));
        // RegisteredIdentities_Delete (DeleteRegisteredIdentities.json): the identity is addressed by its name.
        Assert.Equal("registeredIdentities/dpmcontainer01", HybridPaths.RegisteredIdentity("dpmcontainer01"));
    }

    [Fact]
    public void BackupStatusAnswerReadsTheExampleResponse()
    {
        var answer = BackupStatusResult.From(Examples.Load("AzureIaasVm/GetBackupStatus.json")["responses"]!["200"]!["body"]!.AsObject());
        Assert.Equal("Protected", answer.ProtectionStatus);
        Assert.Equal("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/testRg/providers/Microsoft.RecoveryServices/Vaults/testVault", answer.VaultId);
        Assert.Equal("myPolicy", answer.PolicyName);
        Assert.Equal("vm;iaasvmcontainerv2;testRg;testVm", answer.ProtectedItemName);
        Assert.Equal("iaasvmcontainer;iaasvmcontainerv2;testRg;testVm", answer.ContainerName);
        // protectionStatus is optional in BackupStatusResponse: none means nothing protects the source.
        Assert.Equal("NotProtected", BackupStatusResult.From(new System.Text.Json.Nodes.JsonObject()).ProtectionStatus);
    }

    [Fact]
    public void UsageSummaryEntriesReadTheExampleResponse()
    {
        var first = Examples.Load("Common/BackupProtectedItem_UsageSummary_Get.json")["responses"]!["200"]!["body"]!["value"]!.AsArray()
            .Select(e => UsageCount.From(e!.AsObject())!).ToList();
        Assert.NotEmpty(first);
        Assert.All(first, u => Assert.False(string.IsNullOrEmpty(u.Name)));
        Assert.Contains(first, u => u.Name == "AzureIaasVM" && u.Unit == "Count");
    }
}
