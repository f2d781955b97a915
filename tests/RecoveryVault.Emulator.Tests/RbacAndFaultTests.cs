// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Tests;

public sealed class RbacTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private EmulatorServer Server => fx.Server;

    private static async Task<(string ClientId, string Secret, string ObjectId)> NewPrincipalAsync(Arm admin, string name)
    {
        var p = await admin.AdminAsync("POST", "/_emulator/principals", new { displayName = name });
        Assert.Equal(HttpStatusCode.Created, p.Status);
        return (p.Body!["clientId"]!.GetValue<string>(), p.Body!["clientSecret"]!.GetValue<string>(), p.Body!["objectId"]!.GetValue<string>());
    }

    /// <summary>
    /// Source: Permissions - List For Resource Group / For Resource (Microsoft.Authorization 2022-04-01): the caller's own
    /// actions and notActions at a scope, one entry per role assigned to it there or above; nothing below the scope counts.
    /// </summary>
    [Fact]
    public async Task Permissions_ListTheCallersOwnRolesAtAScope()
    {
        using var owner = await Arm.ForOwnerAsync(Server);
        await owner.CreateResourceGroupAsync("rg-perm");
        Assert.Equal(HttpStatusCode.Created, (await owner.CreateVaultAsync("rg-perm", "vault-perm")).Status);
        var (clientId, secret, oid) = await NewPrincipalAsync(owner, "contributor");
        var vaultScope = owner.VaultPath("rg-perm", "vault-perm");
        Assert.Equal(HttpStatusCode.Created, (await owner.AdminAsync("POST", "/_emulator/roleAssignments", new { principalId = oid, roleName = "Backup Contributor", scope = vaultScope })).Status);

        using var contributor = new Arm(Server);
        contributor.Token = await contributor.GetTokenAsync(clientId, secret);
        var atVault = await contributor.SendAsync("GET", vaultScope + "/providers/Microsoft.Authorization/permissions?api-version=2022-04-01");
        Assert.Equal(HttpStatusCode.OK, atVault.Status);
        var entry = atVault.Body!["value"]!.AsArray().Single()!;
        var actions = entry["actions"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        // Backup Contributor's documented actions: backup management and vault write, but not vault delete.
        Assert.Contains("Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/*", actions);
        Assert.Contains("Microsoft.RecoveryServices/Vaults/write", actions);
        Assert.DoesNotContain(actions, a => a.EndsWith("Vaults/delete", StringComparison.OrdinalIgnoreCase) || a == "*");
        Assert.Empty(entry["notActions"]!.AsArray());

        // The role is on the vault, so at the resource group (above it) the caller has nothing.
        var atGroup = await contributor.SendAsync("GET", $"/subscriptions/{Server.SubscriptionId}/resourceGroups/rg-perm/providers/Microsoft.Authorization/permissions?api-version=2022-04-01");
        Assert.Empty(atGroup.Body!["value"]!.AsArray());
    }

    [Fact]
    public async Task BackupReader_CanRead_ButNotWrite()
    {
        using var owner = await Arm.ForOwnerAsync(Server);
        await owner.CreateResourceGroupAsync("rg-rbac");
        Assert.Equal(HttpStatusCode.Created, (await owner.CreateVaultAsync("rg-rbac", "vault-rbac")).Status);
        var (clientId, secret, oid) = await NewPrincipalAsync(owner, "reader");
        var rgScope = $"/subscriptions/{Server.SubscriptionId}/resourceGroups/rg-rbac";
        var assign = await owner.AdminAsync("POST", "/_emulator/roleAssignments", new { principalId = oid, roleName = "Backup Reader", scope = rgScope });
        Assert.Equal(HttpStatusCode.Created, assign.Status);

        using var reader = new Arm(Server);
        reader.Token = await reader.GetTokenAsync(clientId, secret);
        var path = reader.VaultPath("rg-rbac", "vault-rbac");
        Assert.Equal(HttpStatusCode.OK, (await reader.SendAsync("GET", path + "?api-version=2026-07-01")).Status);
        Assert.Equal(HttpStatusCode.OK, (await reader.SendAsync("GET", path + "/backupconfig/vaultconfig?api-version=2023-06-01")).Status);

        var put = await reader.SendAsync("PUT", path + "?api-version=2026-07-01", new JsonObject { ["location"] = "westus" });
        Assert.Equal(HttpStatusCode.Forbidden, put.Status);
        Assert.Equal("AuthorizationFailed", put.ErrorCode);
        Assert.Contains($"The client '{oid}' with object id '{oid}'", put.ErrorMessage);
        Assert.Contains("'Microsoft.RecoveryServices/vaults/write'", put.ErrorMessage);
        Assert.Contains($"over scope '{path}'", put.ErrorMessage);

        var cfg = await reader.SendAsync("PUT", path + "/backupstorageconfig/vaultstorageconfig?api-version=2023-06-01", JsonNode.Parse("""{"properties":{"storageType":"LocallyRedundant"}}"""));
        Assert.Equal(HttpStatusCode.Forbidden, cfg.Status);
        Assert.Contains("Microsoft.RecoveryServices/vaults/backupstorageconfig/write", cfg.ErrorMessage);

        // Outside the assignment's scope nothing is visible.
        await owner.CreateResourceGroupAsync("rg-rbac-other");
        var other = await reader.SendAsync("GET", reader.VaultPath("rg-rbac-other", "x") + "?api-version=2026-07-01");
        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
    }

    [Fact]
    public async Task RoleAssignments_ViaArm_AreInheritedAndContributorCannotAssign()
    {
        using var owner = await Arm.ForOwnerAsync(Server);
        await owner.CreateResourceGroupAsync("rg-ra");
        var (clientId, secret, oid) = await NewPrincipalAsync(owner, "contrib");
        var subScope = $"/subscriptions/{Server.SubscriptionId}";
        var defs = await owner.SendAsync("GET", $"{subScope}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$filter=roleName%20eq%20'Contributor'");
        var contributorId = defs.Body!["value"]![0]!["id"]!.GetValue<string>();
        var put = await owner.SendAsync("PUT", $"{subScope}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?api-version=2022-04-01",
            new JsonObject { ["properties"] = new JsonObject { ["roleDefinitionId"] = contributorId, ["principalId"] = oid } });
        Assert.Equal(HttpStatusCode.Created, put.Status);

        using var contributor = new Arm(Server);
        contributor.Token = await contributor.GetTokenAsync(clientId, secret);
        Assert.Equal(HttpStatusCode.Created, (await contributor.CreateVaultAsync("rg-ra", "vault-by-contrib")).Status);
        var assign = await contributor.SendAsync("PUT", $"{subScope}/resourceGroups/rg-ra/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?api-version=2022-04-01",
            new JsonObject { ["properties"] = new JsonObject { ["roleDefinitionId"] = contributorId, ["principalId"] = oid } });
        Assert.Equal(HttpStatusCode.Forbidden, assign.Status);
        Assert.Contains("Microsoft.Authorization/roleAssignments/write", assign.ErrorMessage);

        var list = await owner.SendAsync("GET", $"{subScope}/resourceGroups/rg-ra/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()");
        Assert.Contains(list.Body!["value"]!.AsArray(), a => a!["properties"]!["principalId"]!.GetValue<string>() == oid);
    }
}

public sealed class FaultTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private EmulatorServer Server => fx.Server;

    [Fact]
    public async Task FaultQueue_IsDeterministic_AndSparesTokenAndAdmin()
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        var path = $"/subscriptions/{Server.SubscriptionId}/resourcegroups?api-version=2021-04-01&marker=faultq";

        Assert.Equal(HttpStatusCode.OK, (await arm.AdminAsync("POST", "/_emulator/faults/next", new { kind = "429", count = 2, retryAfterSeconds = 7, pathContains = "marker=faultq" })).Status);
        await arm.AdminAsync("POST", "/_emulator/faults/next", new { kind = "503", count = 1, pathContains = "marker=faultq" });
        await arm.AdminAsync("POST", "/_emulator/faults/next", new { kind = "500", count = 1, pathContains = "marker=faultq" });

        // Token and admin calls never consume faults.
        Assert.Equal(HttpStatusCode.OK, (await arm.PostTokenAsync(Server.OwnerClientId, Server.OwnerClientSecret)).Status);
        Assert.Equal(HttpStatusCode.OK, (await arm.AdminAsync("GET", "/_emulator/health")).Status);

        for (var i = 0; i < 2; i++)
        {
            var t = await arm.SendAsync("GET", path);
            Assert.Equal((HttpStatusCode)429, t.Status);
            Assert.Equal("TooManyRequests", t.ErrorCode);
            Assert.Equal("7", t.Header("Retry-After"));
        }

        var u = await arm.SendAsync("GET", path);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, u.Status);
        Assert.Equal("ServiceUnavailable", u.ErrorCode);
        Assert.NotNull(u.Header("Retry-After"));
        var e = await arm.SendAsync("GET", path);
        Assert.Equal(HttpStatusCode.InternalServerError, e.Status);
        Assert.Equal("InternalServerError", e.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, (await arm.SendAsync("GET", path)).Status);

        await arm.AdminAsync("POST", "/_emulator/faults/next", new { kind = "drop", count = 1, pathContains = "marker=faultq" });
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => arm.SendAsync("GET", path));

        await arm.AdminAsync("POST", "/_emulator/faults/next", new { kind = "latency", count = 1, pathContains = "marker=faultq", latencyMs = 300 });
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await arm.SendAsync("GET", path)).Status);
        Assert.True(sw.ElapsedMilliseconds >= 250, $"latency fault took {sw.ElapsedMilliseconds} ms");

        var log = await arm.AdminAsync("GET", "/_emulator/requests?last=50");
        Assert.Contains(log.Body!.AsArray(), x => x!["fault"]?.GetValue<string>() == "drop");
    }

    [Fact]
    public async Task RandomFaults_WithSeed_AreReproducible()
    {
        async Task<List<int>> RunAsync()
        {
            await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Strict = true, InMemory = true, Faults = "429:0.3,503:0.2", Seed = 42, RetryAfterSeconds = 0 });
            using var arm = await Arm.ForOwnerAsync(server);
            var codes = new List<int>();
            for (var i = 0; i < 20; i++)
            {
                codes.Add((await arm.SendAsync("GET", $"/subscriptions/{server.SubscriptionId}/resourcegroups?api-version=2021-04-01")).Code);
            }

            return codes;
        }

        var first = await RunAsync();
        var second = await RunAsync();
        Assert.Equal(first, second);
        Assert.Contains(429, first);
        Assert.Contains(200, first);
    }
}
