// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Tests;

/// <summary>Shared calls of the classic vault surface (frozen clock: an upgrade only moves when a test advances it).</summary>
internal static class Classic
{
    public const string Api = "?api-version=2015-03-15";

    public static string Prefix(Arm arm) => $"/subscriptions/{arm.Server.SubscriptionId}/providers/Microsoft.Backup/classicVaults";

    public static string VaultPath(Arm arm, string name) => $"{Prefix(arm)}/{name}";

    /// <summary>Seeds a classic vault: servers (name → folders), each folder with <paramref name="days"/> daily points.</summary>
    public static async Task<JsonObject> SeedAsync(Arm arm, string name, int days = 3, string? agentVersion = null, params (string Server, string[] Items)[] servers)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["location"] = "westeurope",
            ["recoveryPointDays"] = days,
            ["servers"] = new JsonArray([.. servers.Select(s =>
            {
                var o = new JsonObject { ["name"] = s.Server, ["items"] = new JsonArray([.. s.Items.Select(i => (JsonNode)i)]) };
                if (agentVersion is not null)
                {
                    o["agentVersion"] = agentVersion;
                }

                return (JsonNode)o;
            })]),
        };
        return await SeedAsync(arm, body);
    }

    public static async Task<JsonObject> SeedAsync(Arm arm, JsonObject body)
    {
        var r = await arm.AdminAsync("POST", "/_emulator/classicVaults", body);
        Assert.True(r.Code == 201, $"seed classic vault: {r.Code} {r.Body}");
        return r.Body!.AsObject();
    }

    /// <summary>Every element of a list, following nextLink.</summary>
    public static async Task<List<JsonObject>> ListAllAsync(Arm arm, string pathAndQuery)
    {
        var all = new List<JsonObject>();
        string? next = pathAndQuery;
        var pages = 0;
        while (next is not null)
        {
            var r = await arm.SendAsync("GET", next);
            Assert.Equal(200, r.Code);
            all.AddRange(r.Body!["value"]!.AsArray().Select(v => v!.AsObject()));
            next = r.Body!["nextLink"]?.GetValue<string>();
            Assert.True(++pages < 1000, "nextLink never ends");
        }

        return all;
    }

    public static async Task AdvanceAsync(Arm arm, double minutes)
    {
        var r = await arm.AdminAsync("POST", "/_emulator/clock/advance", new { minutes });
        Assert.Equal(200, r.Code);
    }

    public static Task<Reply> ValidateAsync(Arm arm, string name, string rg, bool acceptBillingChange = false) =>
        arm.SendAsync("POST", VaultPath(arm, name) + "/validateUpgrade" + Api, new JsonObject { ["targetResourceGroupName"] = rg, ["acceptBillingChange"] = acceptBillingChange });

    public static Task<Reply> UpgradeAsync(Arm arm, string name, string rg) =>
        arm.SendAsync("POST", VaultPath(arm, name) + "/upgrade" + Api, new JsonObject { ["targetResourceGroupName"] = rg, ["acceptBillingChange"] = false });

    public static async Task<JsonObject> StatusAsync(Arm arm, string name)
    {
        var r = await arm.SendAsync("GET", VaultPath(arm, name) + "/upgradeStatus" + Api);
        Assert.Equal(200, r.Code);
        return r.Body!.AsObject();
    }

    /// <summary>An id as a request path (item names hold ';', ':' and backslashes).</summary>
    public static string EscapePath(string id) => string.Join('/', id.Split('/').Select(Uri.EscapeDataString));

    public static string ResourceGroupPath(Arm arm, string rg) => $"/subscriptions/{arm.Server.SubscriptionId}/resourceGroups/{rg}?api-version=2021-04-01";

    public static string Str(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            node = node?[p];
        }

        return node?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"no {string.Join('.', path)}");
    }

    public static HashSet<string> Codes(JsonNode validation) =>
        [.. validation["findings"]!.AsArray().Select(f => f!["code"]!.GetValue<string>())];

    public static JsonObject Finding(JsonNode validation, string code) =>
        validation["findings"]!.AsArray().Select(f => f!.AsObject()).Single(f => f["code"]!.GetValue<string>() == code);
}

/// <summary>The emulator's classic Backup vault API and the upgrade, over HTTP, against a frozen clock.</summary>
public sealed class ClassicUpgradeTests(ClassicUpgradeTests.ClassicFixture fx) : IClassFixture<ClassicUpgradeTests.ClassicFixture>
{
    private const string VaultsApi = "?api-version=" + Arm.VaultApi;

    [Fact]
    public async Task ListAndGet_ReportWhatTheVaultHolds_AcrossPages()
    {
        using var arm = await Arm.ForOwnerAsync(fx.Server);
        await Classic.SeedAsync(arm, "list-a", 3, null, ("fs01", ["C:\\Data", "D:\\Shares"]), ("fs02", ["C:\\Data", "E:\\Home"]));
        await Classic.SeedAsync(arm, "list-b", 2, null, ("app01", ["F:\\App"]));

        // Page size 2: the list of vaults and every collection below come in pages.
        var vaults = await Classic.ListAllAsync(arm, Classic.Prefix(arm) + Classic.Api);
        Assert.Contains(vaults, v => v["name"]!.GetValue<string>() == "list-a");
        Assert.Contains(vaults, v => v["name"]!.GetValue<string>() == "list-b");
        Assert.All(vaults, v => Assert.Equal("Microsoft.Backup/classicVaults", v["type"]!.GetValue<string>()));

        var get = await arm.SendAsync("GET", Classic.VaultPath(arm, "list-a") + Classic.Api);
        Assert.Equal(200, get.Code);
        var p = get.Body!["properties"]!;
        Assert.Equal(Classic.VaultPath(arm, "list-a"), get.Body!["id"]!.GetValue<string>());
        Assert.Equal("Active", p["state"]!.GetValue<string>());
        Assert.Equal(2, p["registeredServerCount"]!.GetValue<int>());
        Assert.Equal(4, p["protectedItemCount"]!.GetValue<int>());
        Assert.Equal(1, p["policyCount"]!.GetValue<int>());
        Assert.Equal(12, p["recoveryPointCount"]!.GetValue<int>());
        Assert.Equal(0, p["runningJobCount"]!.GetValue<int>());

        var servers = await Classic.ListAllAsync(arm, Classic.VaultPath(arm, "list-a") + "/registeredServers" + Classic.Api);
        var items = await Classic.ListAllAsync(arm, Classic.VaultPath(arm, "list-a") + "/protectedItems" + Classic.Api);
        var policies = await Classic.ListAllAsync(arm, Classic.VaultPath(arm, "list-a") + "/policies" + Classic.Api);
        var points = await Classic.ListAllAsync(arm, Classic.VaultPath(arm, "list-a") + "/recoveryPoints" + Classic.Api);
        Assert.Equal(["fs01", "fs02"], servers.Select(s => s["name"]!.GetValue<string>()).Order());
        Assert.Equal(4, items.Count);
        Assert.Equal("DailyFiles", Assert.Single(policies)["name"]!.GetValue<string>());
        Assert.Equal(12, points.Count);
        Assert.Equal(12, points.Select(x => x["id"]!.GetValue<string>()).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var item in items)
        {
            var itemId = item["id"]!.GetValue<string>();
            var mine = points.Where(x => x["id"]!.GetValue<string>().StartsWith(itemId + "/recoveryPoints/", StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.Equal(3, mine.Count);
            Assert.Equal(3, item["properties"]!["recoveryPointCount"]!.GetValue<int>());
            Assert.Equal(mine.Max(x => x["properties"]!["recoveryPointTime"]!.GetValue<string>()), item["properties"]!["latestRecoveryPoint"]!.GetValue<string>());
        }

        var other = await arm.SendAsync("GET", Classic.VaultPath(arm, "list-b") + Classic.Api);
        Assert.Equal(2, other.Body!["properties"]!["recoveryPointCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task ValidateUpgrade_ReportsEachFinding_AndChangesNothing()
    {
        using var arm = await Arm.ForOwnerAsync(fx.Server);
        await Classic.SeedAsync(arm, "val-a", 2, "2.0.9000.0", ("old01", ["C:\\Data"]));
        await Classic.SeedAsync(arm, new JsonObject
        {
            ["name"] = "val-a",
            ["billingModel"] = "StorageBased",
            ["managedByCsp"] = true,
            ["servers"] = new JsonArray(new JsonObject { ["name"] = "silent01", ["lastSeenDaysAgo"] = 40, ["items"] = new JsonArray("D:\\Docs") }),
            ["runningJobs"] = new JsonArray(
                new JsonObject { ["operation"] = "ConfigureBackup", ["server"] = "silent01", ["minutes"] = 600 },
                new JsonObject { ["operation"] = "Backup", ["server"] = "old01", ["item"] = "C:\\Data", ["minutes"] = 600 }),
        });

        var r = await Classic.ValidateAsync(arm, "val-a", "val-missing-rg");
        Assert.Equal(200, r.Code);
        var v = r.Body!;
        Assert.False(v["canUpgrade"]!.GetValue<bool>());
        Assert.Equal(Classic.VaultPath(arm, "val-a"), v["classicVaultId"]!.GetValue<string>());
        Assert.Equal(arm.VaultPath("val-missing-rg", "val-a"), v["targetVaultId"]!.GetValue<string>());
        Assert.Equal(
            ["BackupJobsRunning", "BillingModelChange", "ConfigurationJobInProgress", "CspVaultNotSupported", "MarsAgentTooOld", "ServerNotReporting", "TargetResourceGroupWillBeCreated"],
            Classic.Codes(v).Order());
        string Severity(string code) => Classic.Finding(v, code)["severity"]!.GetValue<string>();
        Assert.Equal("Error", Severity("MarsAgentTooOld"));
        Assert.Equal("Warning", Severity("ServerNotReporting"));
        Assert.Equal("Error", Severity("ConfigurationJobInProgress"));
        Assert.Equal("Information", Severity("BackupJobsRunning"));
        Assert.Equal("Error", Severity("BillingModelChange"));
        Assert.Equal("Error", Severity("CspVaultNotSupported"));
        Assert.Equal("Warning", Severity("TargetResourceGroupWillBeCreated"));
        Assert.Contains("old01 (2.0.9000.0)", Classic.Finding(v, "MarsAgentTooOld")["message"]!.GetValue<string>());
        Assert.Equal(Classic.VaultPath(arm, "val-a") + "/registeredServers/old01", Classic.Finding(v, "MarsAgentTooOld")["targets"]![0]!.GetValue<string>());
        Assert.Contains("'silent01' has not contacted the vault for 40 days", Classic.Finding(v, "ServerNotReporting")["message"]!.GetValue<string>());
        Assert.Contains("ConfigureBackup on silent01", Classic.Finding(v, "ConfigurationJobInProgress")["message"]!.GetValue<string>());
        Assert.Contains("'val-missing-rg'", Classic.Finding(v, "TargetResourceGroupWillBeCreated")["message"]!.GetValue<string>());

        // Accepting the billing change turns that Error into Information; an existing group is only Information.
        await arm.CreateResourceGroupAsync("val-rg", "westeurope");
        var accepted = (await Classic.ValidateAsync(arm, "val-a", "val-rg", acceptBillingChange: true)).Body!;
        Assert.Equal("Information", Classic.Finding(accepted, "BillingModelChange")["severity"]!.GetValue<string>());
        Assert.Equal("Information", Classic.Finding(accepted, "TargetResourceGroupExists")["severity"]!.GetValue<string>());
        Assert.DoesNotContain("TargetResourceGroupWillBeCreated", Classic.Codes(accepted));

        // A vault of the target name in the group is in the way.
        Assert.Equal(201, (await arm.CreateVaultAsync("val-rg", "val-a")).Code);
        var taken = (await Classic.ValidateAsync(arm, "val-a", "val-rg", acceptBillingChange: true)).Body!;
        Assert.Equal("Error", Classic.Finding(taken, "TargetVaultNameTaken")["severity"]!.GetValue<string>());
        Assert.Equal(arm.VaultPath("val-rg", "val-a"), Classic.Finding(taken, "TargetVaultNameTaken")["targets"]![0]!.GetValue<string>());

        // Nothing changed: still Active, no upgrade, no group created.
        var after = await arm.SendAsync("GET", Classic.VaultPath(arm, "val-a") + Classic.Api);
        Assert.Equal("Active", after.Body!["properties"]!["state"]!.GetValue<string>());
        Assert.Equal("StorageBased", after.Body!["properties"]!["billingModel"]!.GetValue<string>());
        var status = await arm.SendAsync("GET", Classic.VaultPath(arm, "val-a") + "/upgradeStatus" + Classic.Api);
        Assert.Equal(404, status.Code);
        Assert.Equal("UpgradeNotFound", status.ErrorCode);
        Assert.Equal(404, (await arm.SendAsync("GET", Classic.ResourceGroupPath(arm, "val-missing-rg"))).Code);

        // The check needs a target group; the upgrade refuses to start with errors, listing them.
        var noTarget = await arm.SendAsync("POST", Classic.VaultPath(arm, "val-a") + "/validateUpgrade" + Classic.Api, new JsonObject());
        Assert.Equal(400, noTarget.Code);
        Assert.Equal("InvalidParameter", noTarget.ErrorCode);
        var refused = await Classic.UpgradeAsync(arm, "val-a", "val-missing-rg");
        Assert.Equal(400, refused.Code);
        Assert.Equal("UpgradePrerequisitesNotMet", refused.ErrorCode);
        var details = refused.Body!["error"]!["details"]!.AsArray().Select(d => d!["code"]!.GetValue<string>()).Order();
        Assert.Equal(["BillingModelChange", "ConfigurationJobInProgress", "CspVaultNotSupported", "MarsAgentTooOld"], details);
    }

    [Fact]
    public async Task Upgrade_Answers202WithAsyncOperationAndRetryAfter_AndMovesWithTheClock()
    {
        using var arm = await Arm.ForOwnerAsync(fx.Server);
        await Classic.SeedAsync(arm, "op-a", 2, null, ("fs01", ["C:\\Data"]));
        await arm.CreateResourceGroupAsync("op-rg", "westeurope");

        var accepted = await Classic.UpgradeAsync(arm, "op-a", "op-rg");
        Assert.Equal(202, accepted.Code);
        var url = accepted.Header("Azure-AsyncOperation");
        Assert.NotNull(url);
        Assert.Equal(url, accepted.Header("Location"));
        Assert.Equal("3", accepted.Header("Retry-After"));
        Assert.StartsWith(fx.Server.EndpointString + Classic.VaultPath(arm, "op-a") + "/upgradeOperations/", url);
        Assert.EndsWith(Classic.Api, url);

        async Task<Reply> Poll()
        {
            var r = await arm.SendAsync("GET", url!);
            Assert.Equal(200, r.Code);
            return r;
        }

        var first = await Poll();
        var opName = first.Body!["name"]!.GetValue<string>();
        Assert.Equal("InProgress", first.Body!["status"]!.GetValue<string>());
        Assert.Equal("Validating", first.Body!["properties"]!["phase"]!.GetValue<string>());
        Assert.Equal(0, first.Body!["percentComplete"]!.GetValue<int>());
        Assert.Equal("3", first.Header("Retry-After"));
        Assert.Equal("Upgrading", (await arm.SendAsync("GET", Classic.VaultPath(arm, "op-a") + Classic.Api)).Body!["properties"]!["state"]!.GetValue<string>());

        // Asking again while it runs gives the same operation.
        var again = await Classic.UpgradeAsync(arm, "op-a", "op-rg");
        Assert.Equal(202, again.Code);
        Assert.Equal(url, again.Header("Azure-AsyncOperation"));

        // Phases of 1, 2, 3, 4, 10 and 5 simulated minutes: looked at 2, 4.5, 8, 15 and 22 minutes in, each phase in turn,
        // the percentage only going up.
        var seen = new List<(string Phase, int Percent)>();
        foreach (var minutes in new[] { 2.0, 2.5, 3.5, 7, 7 })
        {
            await Classic.AdvanceAsync(arm, minutes);
            var r = await Poll();
            Assert.Equal("InProgress", r.Body!["status"]!.GetValue<string>());
            seen.Add((r.Body!["properties"]!["phase"]!.GetValue<string>(), r.Body!["percentComplete"]!.GetValue<int>()));
        }

        Assert.Equal(["MovingPolicies", "MovingServers", "MovingItems", "MovingRecoveryPoints", "Finalizing"], seen.Select(s => s.Phase));
        Assert.Equal(seen.Select(s => s.Percent).Order(), seen.Select(s => s.Percent));
        Assert.True(seen[0].Percent > 0 && seen[^1].Percent < 100);

        await Classic.AdvanceAsync(arm, 5);
        var done = await Poll();
        Assert.Equal("Succeeded", done.Body!["status"]!.GetValue<string>());
        Assert.Equal("Completed", done.Body!["properties"]!["phase"]!.GetValue<string>());
        Assert.Equal(100, done.Body!["percentComplete"]!.GetValue<int>());
        Assert.Null(done.Header("Retry-After"));
        Assert.Equal(opName, done.Body!["name"]!.GetValue<string>());
        var start = DateTimeOffset.Parse(Classic.Str(done.Body, "startTime"), System.Globalization.CultureInfo.InvariantCulture);
        var end = DateTimeOffset.Parse(Classic.Str(done.Body, "endTime"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromMinutes(25), end - start);

        var status = await Classic.StatusAsync(arm, "op-a");
        Assert.Equal(opName, status["name"]!.GetValue<string>());
        Assert.Equal("Succeeded", status["status"]!.GetValue<string>());
        Assert.Equal(1, status["properties"]!["attempt"]!.GetValue<int>());

        // Upgraded: no longer listed, still readable by name, and a second upgrade is a conflict.
        var listed = await Classic.ListAllAsync(arm, Classic.Prefix(arm) + Classic.Api);
        Assert.DoesNotContain(listed, v => v["name"]!.GetValue<string>() == "op-a");
        var vault = await arm.SendAsync("GET", Classic.VaultPath(arm, "op-a") + Classic.Api);
        Assert.Equal("Upgraded", vault.Body!["properties"]!["state"]!.GetValue<string>());
        Assert.Equal(arm.VaultPath("op-rg", "op-a"), vault.Body!["properties"]!["upgradedVaultId"]!.GetValue<string>());
        var twice = await Classic.UpgradeAsync(arm, "op-a", "op-rg");
        Assert.Equal(409, twice.Code);
        Assert.Equal("VaultAlreadyUpgraded", twice.ErrorCode);
        var rsv = await arm.SendAsync("GET", arm.VaultPath("op-rg", "op-a") + VaultsApi);
        Assert.Equal(200, rsv.Code);
        Assert.Equal("Upgraded", rsv.Body!["properties"]!["upgradeDetails"]!["status"]!.GetValue<string>());
        Assert.Equal(Classic.VaultPath(arm, "op-a"), rsv.Body!["properties"]!["upgradeDetails"]!["previousResourceId"]!.GetValue<string>());
        Assert.Equal("Enabled", rsv.Body!["properties"]!["securitySettings"]!["softDeleteSettings"]!["softDeleteState"]!.GetValue<string>());
        Assert.Equal("Enabled", rsv.Body!["properties"]!["securitySettings"]!["softDeleteSettings"]!["enhancedSecurityState"]!.GetValue<string>());
    }

    [Fact]
    public async Task Commit_IsAtomic_NothingBeforeIt_EverythingAfterIt()
    {
        using var arm = await Arm.ForOwnerAsync(fx.Server);
        await Classic.SeedAsync(arm, "atom-a", 4, null, ("fs01", ["C:\\Data", "D:\\Shares"]), ("fs02", ["E:\\Home"]));
        var classicItems = await Classic.ListAllAsync(arm, Classic.VaultPath(arm, "atom-a") + "/protectedItems" + Classic.Api);
        var classicPoints = await Classic.ListAllAsync(arm, Classic.VaultPath(arm, "atom-a") + "/recoveryPoints" + Classic.Api);
        Assert.Equal(3, classicItems.Count);
        Assert.Equal(12, classicPoints.Count);
        var rsv = arm.VaultPath("atom-rg", "atom-a");
        const string Api = "?api-version=2023-06-01";
        var mab = "&$filter=" + Uri.EscapeDataString("backupManagementType eq 'MAB'");

        var accepted = await Classic.UpgradeAsync(arm, "atom-a", "atom-rg");
        Assert.Equal(202, accepted.Code);

        // One simulated minute before the commit (end of MovingRecoveryPoints, 20 minutes in): nothing exists yet.
        await Classic.AdvanceAsync(arm, 19);
        var before = await Classic.StatusAsync(arm, "atom-a");
        Assert.Equal("MovingRecoveryPoints", Classic.Str(before, "properties", "phase"));
        Assert.True(before["properties"]!["classicVaultUntouched"]!.GetValue<bool>());
        Assert.Null(before["properties"]!["idMap"]);
        Assert.Equal(404, (await arm.SendAsync("GET", Classic.ResourceGroupPath(arm, "atom-rg"))).Code);
        Assert.Equal(404, (await arm.SendAsync("GET", rsv + VaultsApi)).Code);
        Assert.Equal(12, (await Classic.ListAllAsync(arm, Classic.VaultPath(arm, "atom-a") + "/recoveryPoints" + Classic.Api)).Count);

        // One minute after it: the group, the vault, every container, item and point exist at once.
        await Classic.AdvanceAsync(arm, 2);
        var after = await Classic.StatusAsync(arm, "atom-a");
        Assert.Equal("Finalizing", Classic.Str(after, "properties", "phase"));
        Assert.False(after["properties"]!["classicVaultUntouched"]!.GetValue<bool>());
        Assert.True(after["properties"]!["resourceGroupCreated"]!.GetValue<bool>());
        var moved = after["properties"]!["moved"]!;
        Assert.Equal(1, moved["policies"]!.GetValue<int>());
        Assert.Equal(2, moved["servers"]!.GetValue<int>());
        Assert.Equal(3, moved["items"]!.GetValue<int>());
        Assert.Equal(12, moved["recoveryPoints"]!.GetValue<int>());
        Assert.Equal(200, (await arm.SendAsync("GET", Classic.ResourceGroupPath(arm, "atom-rg"))).Code);
        var vault = await arm.SendAsync("GET", rsv + VaultsApi);
        Assert.Equal(200, vault.Code);
        Assert.Equal("InProgress", vault.Body!["properties"]!["upgradeDetails"]!["status"]!.GetValue<string>());
        var containers = await Classic.ListAllAsync(arm, rsv + "/backupProtectionContainers" + Api + mab);
        Assert.Equal(["fs01", "fs02"], containers.Select(c => c["name"]!.GetValue<string>()).Order());
        var items = await Classic.ListAllAsync(arm, rsv + "/backupProtectedItems" + Api + mab);
        Assert.Equal(3, items.Count);

        var idMap = after["properties"]!["idMap"]!.AsObject();
        var points = 0;
        foreach (var ci in classicItems)
        {
            var newItem = idMap[ci["id"]!.GetValue<string>()]!.GetValue<string>();
            Assert.Contains(items, i => string.Equals(i["id"]!.GetValue<string>(), newItem, StringComparison.OrdinalIgnoreCase));
            var expected = classicPoints.Where(p => p["id"]!.GetValue<string>().StartsWith(ci["id"]!.GetValue<string>() + "/recoveryPoints/", StringComparison.OrdinalIgnoreCase))
                .Select(p => p["name"]!.GetValue<string>()).Order().ToList();
            var got = (await Classic.ListAllAsync(arm, Classic.EscapePath(newItem) + "/recoveryPoints" + Api)).Select(p => p["name"]!.GetValue<string>()).Order().ToList();
            Assert.Equal(expected, got);
            points += got.Count;
        }

        Assert.Equal(classicPoints.Count, points);
        await Classic.AdvanceAsync(arm, 5);
        Assert.Equal("Succeeded", Classic.Str(await Classic.StatusAsync(arm, "atom-a"), "status"));
    }

    [Fact]
    public async Task WrongOrMissingApiVersion_Is400()
    {
        using var arm = await Arm.ForOwnerAsync(fx.Server);
        await Classic.SeedAsync(arm, "api-a", 1, null, ("fs01", ["C:\\Data"]));

        var wrong = await arm.SendAsync("GET", Classic.VaultPath(arm, "api-a") + "?api-version=2023-06-01");
        Assert.Equal(400, wrong.Code);
        Assert.Equal("NoRegisteredProviderFound", wrong.ErrorCode);
        Assert.Contains("'Microsoft.Backup/classicVaults'", wrong.ErrorMessage);
        Assert.Contains("'2015-03-15'", wrong.ErrorMessage);

        var vaultsVersion = await arm.SendAsync("POST", Classic.VaultPath(arm, "api-a") + "/upgrade" + VaultsApi, new JsonObject { ["targetResourceGroupName"] = "api-rg" });
        Assert.Equal(400, vaultsVersion.Code);
        Assert.Equal("NoRegisteredProviderFound", vaultsVersion.ErrorCode);
        Assert.Equal(404, (await arm.SendAsync("GET", Classic.VaultPath(arm, "api-a") + "/upgradeStatus" + Classic.Api)).Code);

        var missing = await arm.SendAsync("GET", Classic.Prefix(arm));
        Assert.Equal(400, missing.Code);
        Assert.Equal("MissingApiVersionParameter", missing.ErrorCode);
    }

    [Fact]
    public async Task UnknownVaultOrOperation_Is404()
    {
        using var arm = await Arm.ForOwnerAsync(fx.Server);
        var get = await arm.SendAsync("GET", Classic.VaultPath(arm, "nosuch") + Classic.Api);
        Assert.Equal(404, get.Code);
        Assert.Equal("ClassicVaultNotFound", get.ErrorCode);
        Assert.Contains("'nosuch'", get.ErrorMessage);
        Assert.Equal("ClassicVaultNotFound", (await arm.SendAsync("GET", Classic.VaultPath(arm, "nosuch") + "/protectedItems" + Classic.Api)).ErrorCode);
        Assert.Equal("ClassicVaultNotFound", (await Classic.ValidateAsync(arm, "nosuch", "rg")).ErrorCode);
        var upgrade = await Classic.UpgradeAsync(arm, "nosuch", "rg");
        Assert.Equal(404, upgrade.Code);
        Assert.Equal("ClassicVaultNotFound", upgrade.ErrorCode);

        await Classic.SeedAsync(arm, "nf-a", 1, null, ("fs01", ["C:\\Data"]));
        var op = await arm.SendAsync("GET", Classic.VaultPath(arm, "nf-a") + "/upgradeOperations/" + Guid.NewGuid() + Classic.Api);
        Assert.Equal(404, op.Code);
        Assert.Equal("UpgradeOperationNotFound", op.ErrorCode);
        var status = await arm.SendAsync("GET", Classic.VaultPath(arm, "nf-a") + "/upgradeStatus" + Classic.Api);
        Assert.Equal(404, status.Code);
        Assert.Equal("UpgradeNotFound", status.ErrorCode);
    }

    [Fact]
    public async Task Rbac_APrincipalWithoutRightsGets403_AReaderMayReadButNotUpgrade()
    {
        using var owner = await Arm.ForOwnerAsync(fx.Server);
        await Classic.SeedAsync(owner, "rbac-a", 1, null, ("fs01", ["C:\\Data"]));
        var vaultPath = Classic.VaultPath(owner, "rbac-a");

        async Task<(Arm Arm, string ObjectId)> NewPrincipalAsync(string name)
        {
            var p = await owner.AdminAsync("POST", "/_emulator/principals", new { displayName = name });
            Assert.Equal(HttpStatusCode.Created, p.Status);
            var arm = new Arm(fx.Server);
            arm.Token = await arm.GetTokenAsync(p.Body!["clientId"]!.GetValue<string>(), p.Body!["clientSecret"]!.GetValue<string>());
            return (arm, p.Body!["objectId"]!.GetValue<string>());
        }

        var (nobody, nobodyId) = await NewPrincipalAsync("classic-nobody");
        using (nobody)
        {
            foreach (var (method, path) in new[]
            {
                ("GET", Classic.Prefix(owner) + Classic.Api),
                ("GET", vaultPath + Classic.Api),
                ("GET", vaultPath + "/recoveryPoints" + Classic.Api),
                ("GET", vaultPath + "/upgradeStatus" + Classic.Api),
                ("POST", vaultPath + "/validateUpgrade" + Classic.Api),
                ("POST", vaultPath + "/upgrade" + Classic.Api),
            })
            {
                var r = await nobody.SendAsync(method, path, method == "POST" ? new JsonObject { ["targetResourceGroupName"] = "rbac-rg" } : null);
                Assert.Equal(HttpStatusCode.Forbidden, r.Status);
                Assert.Equal("AuthorizationFailed", r.ErrorCode);
                Assert.Contains($"object id '{nobodyId}'", r.ErrorMessage);
            }
        }

        var (reader, readerId) = await NewPrincipalAsync("classic-reader");
        using (reader)
        {
            var assign = await owner.AdminAsync("POST", "/_emulator/roleAssignments", new { principalId = readerId, roleName = "Reader", scope = $"/subscriptions/{fx.Server.SubscriptionId}" });
            Assert.Equal(HttpStatusCode.Created, assign.Status);
            Assert.Equal(200, (await reader.SendAsync("GET", vaultPath + Classic.Api)).Code);
            Assert.Single(await Classic.ListAllAsync(reader, vaultPath + "/protectedItems" + Classic.Api));
            var upgrade = await Classic.UpgradeAsync(reader, "rbac-a", "rbac-rg");
            Assert.Equal(HttpStatusCode.Forbidden, upgrade.Status);
            Assert.Contains("'Microsoft.Backup/classicVaults/upgrade/action'", upgrade.ErrorMessage);
            Assert.Contains($"over scope '{vaultPath}'", upgrade.ErrorMessage);
            var validate = await Classic.ValidateAsync(reader, "rbac-a", "rbac-rg");
            Assert.Equal(HttpStatusCode.Forbidden, validate.Status);
            Assert.Contains("'Microsoft.Backup/classicVaults/validateUpgrade/action'", validate.ErrorMessage);
        }

        // Refused requests changed nothing.
        var vault = await owner.SendAsync("GET", vaultPath + Classic.Api);
        Assert.Equal("Active", vault.Body!["properties"]!["state"]!.GetValue<string>());
        Assert.Equal("UpgradeNotFound", (await owner.SendAsync("GET", vaultPath + "/upgradeStatus" + Classic.Api)).ErrorCode);

        // Contributor on the classic vault alone may check it; the check then says what is missing on the target.
        var (scoped, scopedId) = await NewPrincipalAsync("classic-scoped");
        using (scoped)
        {
            Assert.Equal(HttpStatusCode.Created, (await owner.AdminAsync("POST", "/_emulator/roleAssignments", new { principalId = scopedId, roleName = "Contributor", scope = vaultPath })).Status);
            var check = await Classic.ValidateAsync(scoped, "rbac-a", "rbac-rg");
            Assert.Equal(200, check.Code);
            var f = Classic.Finding(check.Body!, "InsufficientPermissions");
            Assert.Equal("Error", f["severity"]!.GetValue<string>());
            Assert.Contains(scopedId, f["message"]!.GetValue<string>());
            Assert.Contains("Microsoft.RecoveryServices/vaults/write and Microsoft.Resources/subscriptions/resourceGroups/write", f["message"]!.GetValue<string>());
            var refused = await Classic.UpgradeAsync(scoped, "rbac-a", "rbac-rg");
            Assert.Equal(400, refused.Code);
            Assert.Equal("UpgradePrerequisitesNotMet", refused.ErrorCode);
            Assert.Contains("InsufficientPermissions", refused.ErrorMessage);
        }
    }

    public sealed class ClassicFixture : EmulatorFixture
    {
        protected override EmulatorOptions Options => new() { InMemory = true, Port = 0, LroDurationMs = 30, PageSize = 2, RetryAfterSeconds = 3, ClockRate = 0, ClockStart = TestClock.Start };
    }
}

/// <summary>A failure injected at the last phase before the commit, or after it, in an emulator of its own (faults are global).</summary>
public sealed class ClassicUpgradeFaultTests(ClassicUpgradeFaultTests.FaultFixture fx) : IClassFixture<ClassicUpgradeFaultTests.FaultFixture>
{
    [Fact]
    public async Task FailureBeforeTheCommit_LeavesNothing_FailureAfterIt_LeavesOnlyFinishing()
    {
        using var arm = await Arm.ForOwnerAsync(fx.Server);
        await Classic.SeedAsync(arm, "flt-a", 2, null, ("fs01", ["C:\\Data"]));
        var rsv = arm.VaultPath("flt-rg", "flt-a") + "?api-version=" + Arm.VaultApi;

        // Fails at the end of MovingRecoveryPoints, the instant before the commit.
        Assert.Equal(200, (await arm.AdminAsync("POST", "/_emulator/faults/next", new { kind = "upgradeFailure", phase = "MovingRecoveryPoints" })).Code);
        Assert.Equal(202, (await Classic.UpgradeAsync(arm, "flt-a", "flt-rg")).Code);
        await Classic.AdvanceAsync(arm, 30);
        var failed = await Classic.StatusAsync(arm, "flt-a");
        var opName = failed["name"]!.GetValue<string>();
        Assert.Equal("Failed", failed["status"]!.GetValue<string>());
        Assert.Equal("UpgradeInterrupted", Classic.Str(failed, "error", "code"));
        Assert.True(failed["properties"]!["classicVaultUntouched"]!.GetValue<bool>());
        Assert.True(failed["properties"]!["resumable"]!.GetValue<bool>());
        Assert.Equal(404, (await arm.SendAsync("GET", rsv)).Code);
        Assert.Equal(404, (await arm.SendAsync("GET", Classic.ResourceGroupPath(arm, "flt-rg"))).Code);
        Assert.Equal("Active", Classic.Str((await arm.SendAsync("GET", Classic.VaultPath(arm, "flt-a") + Classic.Api)).Body, "properties", "state"));

        // Retried: the same operation, attempt 2; this time it fails after the commit, in Finalizing.
        Assert.Equal(200, (await arm.AdminAsync("POST", "/_emulator/faults/next", new { kind = "upgradeFailure", phase = "Finalizing" })).Code);
        var retry = await Classic.UpgradeAsync(arm, "flt-a", "flt-rg");
        Assert.Equal(202, retry.Code);
        Assert.EndsWith("/upgradeOperations/" + opName + Classic.Api, retry.Header("Azure-AsyncOperation"));
        await Classic.AdvanceAsync(arm, 30);
        var late = await Classic.StatusAsync(arm, "flt-a");
        Assert.Equal(opName, late["name"]!.GetValue<string>());
        Assert.Equal(2, late["properties"]!["attempt"]!.GetValue<int>());
        Assert.Equal("Failed", late["status"]!.GetValue<string>());
        Assert.Equal("Finalizing", Classic.Str(late, "properties", "phase"));
        Assert.False(late["properties"]!["classicVaultUntouched"]!.GetValue<bool>());
        Assert.True(late["properties"]!["resumable"]!.GetValue<bool>());
        var vault = await arm.SendAsync("GET", rsv);
        Assert.Equal(200, vault.Code);
        Assert.Equal("InProgress", Classic.Str(vault.Body, "properties", "upgradeDetails", "status"));

        // The check does not see the upgrade's own vault as "in the way".
        var check = (await Classic.ValidateAsync(arm, "flt-a", "flt-rg")).Body!;
        Assert.DoesNotContain("TargetVaultNameTaken", Classic.Codes(check));
        Assert.True(check["canUpgrade"]!.GetValue<bool>());

        // Resumed: only finishing remains.
        Assert.Equal(202, (await Classic.UpgradeAsync(arm, "flt-a", "flt-rg")).Code);
        var resumed = await Classic.StatusAsync(arm, "flt-a");
        Assert.Equal("InProgress", resumed["status"]!.GetValue<string>());
        Assert.Equal("Finalizing", Classic.Str(resumed, "properties", "phase"));
        Assert.Equal(3, resumed["properties"]!["attempt"]!.GetValue<int>());
        await Classic.AdvanceAsync(arm, 6);
        var done = await Classic.StatusAsync(arm, "flt-a");
        Assert.Equal("Succeeded", done["status"]!.GetValue<string>());
        Assert.Equal(opName, done["name"]!.GetValue<string>());
        Assert.Equal("Upgraded", Classic.Str((await arm.SendAsync("GET", rsv)).Body, "properties", "upgradeDetails", "status"));
    }

    public sealed class FaultFixture : EmulatorFixture
    {
        protected override EmulatorOptions Options => new() { InMemory = true, Port = 0, LroDurationMs = 30, PageSize = 50, RetryAfterSeconds = 0, ClockRate = 0, ClockStart = TestClock.Start };
    }
}
