// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Tests;

public sealed class VaultTests(VaultTests.SlowLroFixture fx) : IClassFixture<VaultTests.SlowLroFixture>
{
    private EmulatorServer Server => fx.Server;

    [Fact]
    public async Task Vault_Lifecycle_FollowsLroStyleA()
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        await arm.CreateResourceGroupAsync("rg-life");
        var path = arm.VaultPath("rg-life", "vault-life");
        var create = await arm.CreateVaultAsync("rg-life", "vault-life", new JsonObject
        {
            ["location"] = "West US",
            ["identity"] = new JsonObject { ["type"] = "SystemAssigned" },
            ["sku"] = new JsonObject { ["name"] = "Standard" },
            ["properties"] = new JsonObject { ["customThing"] = new JsonObject { ["keep"] = "me" } },
        });
        Assert.Equal(HttpStatusCode.Created, create.Status);
        var asyncOp = create.Header("Azure-AsyncOperation")!;
        var location = create.Header("Location")!;
        Assert.StartsWith($"{Server.EndpointString}{path}/operationStatus/", asyncOp);
        Assert.EndsWith("?api-version=2026-07-01", asyncOp);
        Assert.StartsWith($"{Server.EndpointString}{path}/operationResults/", location);
        Assert.Equal("0", create.Header("Retry-After"));
        Assert.NotNull(create.Header("x-ms-retry-after-ms"));
        var body = create.Body!;
        Assert.Equal("Creating", body["properties"]!["provisioningState"]!.GetValue<string>());
        Assert.Equal("westus", body["location"]!.GetValue<string>());
        Assert.Equal(Server.TenantId, body["identity"]!["tenantId"]!.GetValue<string>());
        Assert.NotNull(body["identity"]!["principalId"]);
        Assert.StartsWith("W/\"datetime'", body["etag"]!.GetValue<string>());
        Assert.Equal("me", body["properties"]!["customThing"]!["keep"]!.GetValue<string>());
        var sd = body["properties"]!["securitySettings"]!["softDeleteSettings"]!;
        Assert.Equal("Enabled", sd["softDeleteState"]!.GetValue<string>());
        Assert.Equal(14, sd["softDeleteRetentionPeriodInDays"]!.GetValue<int>());
        Assert.Equal("Enabled", sd["enhancedSecurityState"]!.GetValue<string>());
        Assert.Equal("GeoRedundant", body["properties"]!["redundancySettings"]!["standardTierStorageRedundancy"]!.GetValue<string>());
        Assert.Equal("Disabled", body["properties"]!["redundancySettings"]!["crossRegionRestore"]!.GetValue<string>());
        Assert.Equal("Enabled", body["properties"]!["publicNetworkAccess"]!.GetValue<string>());

        var status = await arm.SendAsync("GET", asyncOp);
        Assert.Equal("InProgress", status.Body!["status"]!.GetValue<string>());
        Assert.Null(status.Body!["endTime"]);
        Assert.Equal(HttpStatusCode.Accepted, (await arm.SendAsync("GET", location)).Status);

        var done = await arm.WaitAsync(asyncOp);
        Assert.Equal("Succeeded", done["status"]!.GetValue<string>());
        Assert.NotNull(done["endTime"]);
        Assert.EndsWith(done["name"]!.GetValue<string>(), done["id"]!.GetValue<string>());
        var result = await arm.SendAsync("GET", location);
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("Succeeded", result.Body!["properties"]!["provisioningState"]!.GetValue<string>());

        // PUT on an existing vault is a synchronous update.
        var update = await arm.SendAsync("PUT", path + "?api-version=2026-07-01", new JsonObject { ["location"] = "westus", ["tags"] = new JsonObject { ["a"] = "b" } });
        Assert.Equal(HttpStatusCode.OK, update.Status);
        Assert.Equal("b", update.Body!["tags"]!["a"]!.GetValue<string>());
        Assert.Equal("me", update.Body!["properties"]!["customThing"]!["keep"]!.GetValue<string>());

        var patch = await arm.SendAsync("PATCH", path.ToUpperInvariant().Replace("/SUBSCRIPTIONS/", "/Subscriptions/") + "?api-version=2026-07-01",
            new JsonObject { ["properties"] = new JsonObject { ["redundancySettings"] = new JsonObject { ["crossRegionRestore"] = "Enabled" } } });
        Assert.Equal(HttpStatusCode.Accepted, patch.Status);
        Assert.NotNull(patch.Header("Azure-AsyncOperation"));
        Assert.NotNull(patch.Header("Location"));
        var during = await arm.SendAsync("GET", path + "?api-version=2026-07-01");
        Assert.Equal("Updating", during.Body!["properties"]!["provisioningState"]!.GetValue<string>());
        Assert.Equal("Enabled", during.Body!["properties"]!["redundancySettings"]!["crossRegionRestore"]!.GetValue<string>());
        await arm.WaitAsync(patch.Header("Azure-AsyncOperation")!);

        var storage = await arm.SendAsync("GET", path + "/backupstorageconfig/vaultstorageconfig?api-version=2023-06-01");
        Assert.True(storage.Body!["properties"]!["crossRegionRestoreFlag"]!.GetValue<bool>());

        var delete = await arm.SendAsync("DELETE", path + "?api-version=2026-07-01");
        Assert.Equal(HttpStatusCode.Accepted, delete.Status);
        var deleting = await arm.SendAsync("GET", path + "?api-version=2026-07-01");
        Assert.Equal("Deleting", deleting.Body!["properties"]!["provisioningState"]!.GetValue<string>());
        await arm.WaitAsync(delete.Header("Azure-AsyncOperation")!);
        // GetOperationResult (vaults spec) lists 200 and 202 only: a finished delete is 200 without a body.
        var deleteResult = await arm.SendAsync("GET", delete.Header("Location")!);
        Assert.Equal(HttpStatusCode.OK, deleteResult.Status);
        Assert.Null(deleteResult.Body);
        var gone = await arm.SendAsync("GET", path + "?api-version=2026-07-01");
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal("ResourceNotFound", gone.ErrorCode);
        Assert.Equal("The Resource 'Microsoft.RecoveryServices/vaults/vault-life' under resource group 'rg-life' was not found.", gone.ErrorMessage);

        // Soft-deleted vault: visible, undeletable back into a resource group.
        var deletedPath = $"/subscriptions/{Server.SubscriptionId}/providers/Microsoft.RecoveryServices/locations/westus/deletedVaults/vault-life";
        var deleted = await arm.SendAsync("GET", deletedPath + "?api-version=2026-07-01");
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.EndsWith("/vaults/vault-life", deleted.Body!["properties"]!["vaultId"]!.GetValue<string>());
        var undelete = await arm.SendAsync("POST", deletedPath + "/undelete?api-version=2026-07-01",
            new JsonObject { ["properties"] = new JsonObject { ["recoveryResourceGroupId"] = $"/subscriptions/{Server.SubscriptionId}/resourceGroups/rg-life" } });
        Assert.Equal(HttpStatusCode.Accepted, undelete.Status);
        Assert.Contains("/deletedVaults/vault-life/operations/", undelete.Header("Azure-AsyncOperation"));
        Assert.Equal("Succeeded", (await arm.WaitAsync(undelete.Header("Azure-AsyncOperation")!))["status"]!.GetValue<string>());
        var back = await arm.SendAsync("GET", path + "?api-version=2026-07-01");
        Assert.Equal(HttpStatusCode.OK, back.Status);
        Assert.Equal("me", back.Body!["properties"]!["customThing"]!["keep"]!.GetValue<string>());
    }

    [Fact]
    public async Task Vault_Validation_Errors()
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        var noRg = await arm.CreateVaultAsync("rg-missing", "vault1");
        Assert.Equal(HttpStatusCode.NotFound, noRg.Status);
        Assert.Equal("ResourceGroupNotFound", noRg.ErrorCode);
        Assert.Equal("Resource group 'rg-missing' could not be found.", noRg.ErrorMessage);

        await arm.CreateResourceGroupAsync("rg-val");
        foreach (var bad in new[] { "1vault", "v", "vault_x", new string('a', 51) })
        {
            var r = await arm.CreateVaultAsync("rg-val", bad);
            Assert.Equal(HttpStatusCode.BadRequest, r.Status);
            Assert.Equal("InvalidResourceName", r.ErrorCode);
        }

        var noLocation = await arm.CreateVaultAsync("rg-val", "vault-noloc", new JsonObject { ["properties"] = new JsonObject() });
        Assert.Equal("LocationRequired", noLocation.ErrorCode);

        var badRetention = await arm.CreateVaultAsync("rg-val", "vault-ret", JsonNode.Parse("""{"location":"westus","properties":{"securitySettings":{"softDeleteSettings":{"softDeleteRetentionPeriodInDays":7}}}}""")!.AsObject());
        Assert.Equal(HttpStatusCode.BadRequest, badRetention.Status);

        var locked = await arm.CreateVaultAsync("rg-val", "vault-lock", JsonNode.Parse("""{"location":"westus","properties":{"securitySettings":{"immutabilitySettings":{"state":"Locked"}}}}""")!.AsObject());
        Assert.Equal(HttpStatusCode.Created, locked.Status);
        var unlock = await arm.SendAsync("PATCH", arm.VaultPath("rg-val", "vault-lock") + "?api-version=2026-07-01",
            JsonNode.Parse("""{"properties":{"securitySettings":{"immutabilitySettings":{"state":"Unlocked"}}}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, unlock.Status);

        var missing = await arm.SendAsync("GET", arm.VaultPath("rg-val", "nope") + "?api-version=2026-07-01");
        Assert.Equal("The Resource 'Microsoft.RecoveryServices/vaults/nope' under resource group 'rg-val' was not found.", missing.ErrorMessage);

        var check = await arm.SendAsync("POST", $"/subscriptions/{Server.SubscriptionId}/resourceGroups/rg-val/providers/Microsoft.RecoveryServices/locations/westus/checkNameAvailability?api-version=2026-07-01",
            new JsonObject { ["type"] = "Microsoft.RecoveryServices/Vaults", ["name"] = "vault-lock" });
        Assert.False(check.Body!["nameAvailable"]!.GetValue<bool>());
        Assert.Equal("AlreadyExists", check.Body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Lists_ArePaged_WithAbsoluteNextLink()
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        await arm.CreateResourceGroupAsync("rg-page");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await arm.CreateVaultAsync("rg-page", $"pvault{i}")).Status);
        }

        var names = new List<string>();
        string? next = $"/subscriptions/{Server.SubscriptionId}/resourceGroups/rg-page/providers/Microsoft.RecoveryServices/vaults?api-version=2026-07-01";
        var pages = 0;
        while (next is not null)
        {
            var r = await arm.SendAsync("GET", next);
            Assert.Equal(HttpStatusCode.OK, r.Status);
            var value = r.Body!["value"]!.AsArray();
            Assert.True(value.Count <= 2);
            names.AddRange(value.Select(v => v!["name"]!.GetValue<string>()));
            next = r.Body!["nextLink"]?.GetValue<string>();
            if (next is not null)
            {
                Assert.StartsWith(Server.EndpointString + "/", next);
                Assert.Contains("$skiptoken=", next);
            }

            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"pvault{i}"), names);
    }

    [Fact]
    public async Task BackupConfigs_StayConsistentWithVault()
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        await arm.CreateResourceGroupAsync("rg-cfg");
        await arm.CreateVaultAsync("rg-cfg", "vault-cfg");
        var v = arm.VaultPath("rg-cfg", "vault-cfg");

        var put = await arm.SendAsync("PUT", v + "/backupstorageconfig/vaultstorageconfig?api-version=2023-06-01",
            JsonNode.Parse("""{"properties":{"storageType":"LocallyRedundant"}}"""));
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("LocallyRedundant", put.Body!["properties"]!["storageModelType"]!.GetValue<string>());
        var vault = await arm.SendAsync("GET", v + "?api-version=2026-07-01");
        Assert.Equal("LocallyRedundant", vault.Body!["properties"]!["redundancySettings"]!["standardTierStorageRedundancy"]!.GetValue<string>());

        var patch = await arm.SendAsync("PATCH", v + "/backupstorageconfig/vaultstorageconfig?api-version=2023-06-01",
            JsonNode.Parse("""{"properties":{"storageType":"ZoneRedundant"}}"""));
        Assert.Equal(HttpStatusCode.NoContent, patch.Status);

        var cfg = await arm.SendAsync("PATCH", v + "/backupconfig/vaultconfig?api-version=2023-06-01",
            JsonNode.Parse("""{"properties":{"softDeleteFeatureState":"Disabled","softDeleteRetentionPeriodInDays":30}}"""));
        Assert.Equal(HttpStatusCode.OK, cfg.Status);
        Assert.Equal("Disabled", cfg.Body!["properties"]!["softDeleteFeatureState"]!.GetValue<string>());
        vault = await arm.SendAsync("GET", v + "?api-version=2026-07-01");
        var sd = vault.Body!["properties"]!["securitySettings"]!["softDeleteSettings"]!;
        Assert.Equal("Disabled", sd["softDeleteState"]!.GetValue<string>());
        Assert.Equal(30, sd["softDeleteRetentionPeriodInDays"]!.GetValue<int>());
        Assert.Equal("ZoneRedundant", vault.Body!["properties"]!["redundancySettings"]!["standardTierStorageRedundancy"]!.GetValue<string>());

        // And the other way round: a vault PATCH shows up in the backup config.
        await arm.SendAsync("PATCH", v + "?api-version=2026-07-01", JsonNode.Parse("""{"properties":{"securitySettings":{"softDeleteSettings":{"softDeleteState":"AlwaysON"}}}}"""));
        var after = await arm.SendAsync("GET", v + "/backupconfig/vaultconfig?api-version=2023-06-01");
        Assert.Equal("AlwaysON", after.Body!["properties"]!["softDeleteFeatureState"]!.GetValue<string>());
        var back = await arm.SendAsync("PUT", v + "/backupconfig/vaultconfig?api-version=2023-06-01", JsonNode.Parse("""{"properties":{"softDeleteFeatureState":"Disabled"}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, back.Status);

        var badRetention = await arm.SendAsync("PATCH", v + "/backupconfig/vaultconfig?api-version=2023-06-01", JsonNode.Parse("""{"properties":{"softDeleteRetentionPeriodInDays":181}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, badRetention.Status);
    }

    /// <summary>
    /// These tests read the in-between states (Creating, Updating, Deleting): the LRO lasts long enough that a GET made
    /// while other test classes load both cores still lands inside it.
    /// </summary>
    public sealed class SlowLroFixture : EmulatorFixture
    {
        protected override EmulatorOptions Options => new() { InMemory = true, Port = 0, LroDurationMs = 1500, PageSize = 2, RetryAfterSeconds = 0 };
    }
}
