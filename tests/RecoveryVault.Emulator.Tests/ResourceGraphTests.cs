// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Domain.ResourceGraph;

namespace RecoveryVault.Emulator.Tests;

/// <summary>The KQL subset of the emulator's Resource Graph: tokenizer, parser and evaluator, without a server.</summary>
public sealed class KqlTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private static List<JsonObject> Rows() =>
    [
        Row("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1/backupJobs/1", "1", "microsoft.recoveryservices/vaults/backupjobs", "Failed", "Backup", "2026-01-15T10:00:00Z", "westus"),
        Row("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1/backupJobs/2", "2", "microsoft.recoveryservices/vaults/backupjobs", "Completed", "Backup", "2026-01-15T11:00:00Z", "westus"),
        Row("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v2/backupJobs/3", "3", "microsoft.recoveryservices/vaults/backupjobs", "Completed", "Restore", "2026-01-13T11:00:00Z", "eastus"),
        Row("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v2/backupJobs/4", "4", "microsoft.recoveryservices/vaults/backupjobs", "InProgress", "ConfigureBackup", "2026-01-15T11:30:00Z", "eastus"),
    ];

    private static JsonObject Row(string id, string name, string type, string status, string operation, string start, string location) => new()
    {
        ["id"] = id,
        ["name"] = name,
        ["type"] = type,
        ["location"] = location,
        ["properties"] = new JsonObject { ["status"] = status, ["operation"] = operation, ["startTime"] = start, ["entityFriendlyName"] = "vm-" + name, ["tags-x"] = name },
    };

    private static List<JsonObject> Run(string query) => new KqlEvaluator(Now).Run(KqlParser.Parse(query), Rows());

    private static List<string?> Names(List<JsonObject> rows) => rows.Select(r => r["name"]?.GetValue<string>()).ToList();

    [Theory]
    [InlineData("RecoveryServicesResources | where properties.status == 'Failed'", new[] { "1" })]
    [InlineData("RecoveryServicesResources | where properties.status == 'failed'", new string[0])]
    [InlineData("RecoveryServicesResources | where properties.status =~ 'failed'", new[] { "1" })]
    [InlineData("RecoveryServicesResources | where properties.status != 'Completed'", new[] { "1", "4" })]
    [InlineData("RecoveryServicesResources | where properties.operation in ('Backup', 'Restore') and location == 'eastus'", new[] { "3" })]
    [InlineData("RecoveryServicesResources | where properties.operation in~ ('backup')", new[] { "1", "2" })]
    [InlineData("RecoveryServicesResources | where properties.operation !in ('Backup')", new[] { "3", "4" })]
    [InlineData("RecoveryServicesResources | where id has 'v2'", new[] { "3", "4" })]
    [InlineData("RecoveryServicesResources | where id has 'v'", new string[0])]
    [InlineData("RecoveryServicesResources | where properties.entityFriendlyName contains 'M-3'", new[] { "3" })]
    [InlineData("RecoveryServicesResources | where properties.operation startswith 'config'", new[] { "4" })]
    [InlineData("RecoveryServicesResources | where not(properties.status == 'Completed') or name == '2'", new[] { "1", "2", "4" })]
    [InlineData("RecoveryServicesResources | where properties['tags-x'] == '4'", new[] { "4" })]
    [InlineData("RecoveryServicesResources | where todatetime(properties.startTime) > ago(24h)", new[] { "1", "2", "4" })]
    [InlineData("RecoveryServicesResources | where properties.startTime > ago(1d)", new[] { "1", "2", "4" })]
    [InlineData("RecoveryServicesResources | where isnotempty(properties.status) and isempty(properties.nothing)", new[] { "1", "2", "3", "4" })]
    [InlineData("RecoveryServicesResources | where tolower(properties.status) == 'inprogress'", new[] { "4" })]
    [InlineData("where name == '2'", new[] { "2" })]
    [InlineData("RecoveryServicesResources | where todatetime(properties.startTime) >= datetime(2026-01-15T10:30:00Z)", new[] { "2", "4" })]
    public void Where_FiltersWithKqlSemantics(string query, string[] expected) => Assert.Equal(expected, Names(Run(query)));

    [Fact]
    public void OrderTakeProjectExtend()
    {
        // KQL sorts descending unless told otherwise.
        Assert.Equal(["4", "3", "2", "1"], Names(Run("RecoveryServicesResources | order by name")));
        Assert.Equal(["1", "2"], Names(Run("RecoveryServicesResources | sort by name asc | take 2")));
        Assert.Equal(["2", "4"], Names(Run("RecoveryServicesResources | where location == 'westus' or name == '4' | order by todatetime(properties.startTime) desc | limit 2 | order by name asc")));

        var projected = Run("RecoveryServicesResources | where name == '1' | project id, status = tostring(properties.status), properties.operation, tostring(properties.startTime)");
        var row = Assert.Single(projected);
        Assert.Equal(["id", "status", "properties_operation", "properties_startTime"], row.Select(p => p.Key).ToArray());
        Assert.Equal("Failed", row["status"]!.GetValue<string>());

        var extended = Assert.Single(Run("RecoveryServicesResources | where name == '3' | extend started = todatetime(properties.startTime), vault = tolower('V2')"));
        Assert.Equal("2026-01-13T11:00:00.0000000Z", extended["started"]!.GetValue<string>());
        Assert.Equal("v2", extended["vault"]!.GetValue<string>());
        Assert.NotNull(extended["properties"]);
    }

    [Fact]
    public void SummarizeAndCount()
    {
        // Column names as in the official examples: count_ ("Complex query"), properties_… ("Access a properties field").
        var rows = Run("RecoveryServicesResources | summarize count() by tostring(properties.status) | order by properties_status asc");
        Assert.Equal(["Completed", "Failed", "InProgress"], rows.Select(r => r["properties_status"]!.GetValue<string>()).ToArray());
        Assert.Equal([2L, 1L, 1L], rows.Select(r => r["count_"]!.GetValue<long>()).ToArray());

        var named = Run("RecoveryServicesResources | summarize n = count(), failed = countif(properties.status == 'Failed') by location | top 1 by n");
        Assert.Equal(2L, named[0]["n"]!.GetValue<long>());

        Assert.Equal(4L, Assert.Single(Run("RecoveryServicesResources | count"))["Count"]!.GetValue<long>());
        Assert.Equal(0L, Assert.Single(Run("RecoveryServicesResources | where name == 'x' | summarize count()"))["count_"]!.GetValue<long>());
        Assert.Equal(["westus", "eastus"], Run("RecoveryServicesResources | distinct location").Select(r => r["location"]!.GetValue<string>()).ToArray());
    }

    [Theory]
    [InlineData("Resources | join (Resources) on id", "InvalidQueryLanguage", "join")]
    [InlineData("Resources | mv-expand properties", "InvalidQueryLanguage", "mv-expand")]
    [InlineData("Resources | parse id with * '/' x", "InvalidQueryLanguage", "parse")]
    [InlineData("Resources | where name matches regex 'a'", "InvalidQueryLanguage", "matches")]
    [InlineData("Resources | extend x = parse_json(name)", "InvalidQueryLanguage", "parse_json")]
    [InlineData("Resources | where name == 'a", "ParserFailure", "'a")]
    [InlineData("Resources | where", "ParserFailure", "<end of query>")]
    [InlineData("Resources | frobnicate", "ParserFailure", "frobnicate")]
    [InlineData("Resources | take -1", "ParserFailure", "-")]
    public void Refusals_NameTheToken(string query, string code, string token)
    {
        var ex = Assert.Throws<KqlException>(() => KqlParser.Parse(query));
        Assert.Equal(code, ex.Code);
        Assert.Equal(token, ex.Token);
        Assert.Equal(1, ex.Line);
    }

    [Theory]
    [InlineData("RecoveryServicesResources | where type == 'a/b' and name == 'x'", "a/b")]
    [InlineData("RecoveryServicesResources | where type =~ 'A/B' | where type in ('a/b', 'c/d')", "a/b")]
    [InlineData("RecoveryServicesResources | where type in~ ('A/B', 'C/D')", "a/b,c/d")]
    [InlineData("RecoveryServicesResources | where type == 'a/b' or name == 'x'", null)]
    [InlineData("RecoveryServicesResources | extend type = 'x' | where type == 'a/b'", null)]
    public void Types_ArePinnedOnlyByLeadingFilters(string query, string? expected) =>
        Assert.Equal(expected, KqlParser.Parse(query).Types() is { } t ? string.Join(",", t.Order(StringComparer.Ordinal)) : null);

    [Fact]
    public void Tokenizer_ReadsLiteralsAndPositions()
    {
        var tokens = KqlLexer.Tokenize("where x == \"a\\\"b\" and y > 24h\n| take 10");
        Assert.Equal("a\"b", tokens[3].Value);
        Assert.Equal(TimeSpan.FromHours(24), tokens[7].Value);
        Assert.Equal(2, tokens[8].Line);
        Assert.Equal(10L, tokens[10].Value);
    }
}

/// <summary>
/// POST /providers/Microsoft.ResourceGraph/resources against a live emulator (resourcegraph.json 2024-04-01 and its
/// examples: body shape, totalRecords/count/resultTruncated/$skipToken/data, objectArray and table formats).
/// </summary>
public sealed class ResourceGraphTests(ResourceGraphTests.Fixture fx) : IClassFixture<ResourceGraphTests.Fixture>
{
    public sealed class Fixture : EmulatorFixture
    {
        protected override EmulatorOptions Options => new() { InMemory = true, Port = 0, LroDurationMs = 0, PageSize = 100, RetryAfterSeconds = 0, ClockRate = 0, ClockStart = TestClock.Start, ResourceGraphQuota = 1000 };
    }

    private const string Path = "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01";

    private async Task<(Arm Arm, string VaultId)> SeedAsync(string rg)
    {
        var arm = await Arm.ForOwnerAsync(fx.Server);
        await arm.CreateResourceGroupAsync(rg);
        Assert.Equal(201, (await arm.CreateVaultAsync(rg, "rsv", new JsonObject { ["location"] = "westus", ["sku"] = new JsonObject { ["name"] = "Standard" }, ["properties"] = new JsonObject() })).Code);
        var vaultId = arm.VaultPath(rg, "rsv");
        var mars = await arm.AdminAsync("POST", "/_emulator/marsServers", new { vaultId, name = "srv-" + rg, items = new[] { "C:\\a", "C:\\b", "C:\\c" }, failedItems = new[] { "C:\\b" } });
        Assert.Equal(201, mars.Code);
        return (arm, vaultId);
    }

    [Fact]
    public async Task ItemsJobsPolicies_HaveTheBackupApisProperties()
    {
        var (arm, vaultId) = await SeedAsync("rg-arg-shape");
        var sub = fx.Server.SubscriptionId;
        var r = await arm.SendAsync("POST", Path, new { subscriptions = new[] { sub }, query = $"RecoveryServicesResources | where type == 'microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems' and id startswith '{vaultId}' | order by name asc" });
        Assert.Equal(200, r.Code);
        Assert.Equal("false", r.Body!["resultTruncated"]!.GetValue<string>());
        Assert.Equal(3, r.Body["totalRecords"]!.GetValue<long>());
        Assert.NotNull(r.Header("x-ms-user-quota-remaining"));
        Assert.Matches(@"^\d\d:\d\d:\d\d$", r.Header("x-ms-user-quota-resets-after")!);
        var row = r.Body["data"]![0]!.AsObject();
        Assert.Equal(["id", "name", "type", "tenantId", "kind", "location", "resourceGroup", "subscriptionId", "managedBy", "sku", "plan", "properties", "tags", "identity", "zones", "extendedLocation"], row.Select(p => p.Key).ToArray());
        Assert.Equal("rg-arg-shape", row["resourceGroup"]!.GetValue<string>());

        // The same item through the backup API: the properties are the same document.
        var list = await arm.SendAsync("GET", vaultId + "/backupProtectedItems?api-version=2023-06-01");
        Assert.Equal(200, list.Code);
        var item = list.Body!["value"]!.AsArray().Single(i => string.Equals(i!["id"]!.GetValue<string>(), row["id"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.True(JsonNode.DeepEquals(item!["properties"], row["properties"]));

        var failed = await arm.SendAsync("POST", Path, new { query = $"RecoveryServicesResources | where type =~ 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems' and properties.lastBackupStatus == 'Failed' and id startswith '{vaultId}' | project id, properties.friendlyName" });
        Assert.Equal("C:\\b", Assert.Single(failed.Body!["data"]!.AsArray())!["properties_friendlyName"]!.GetValue<string>());

        var policies = await arm.SendAsync("POST", Path, new { query = $"RecoveryServicesResources | where type == 'microsoft.recoveryservices/vaults/backuppolicies' and id startswith '{vaultId}/' | project name" });
        Assert.Contains(policies.Body!["data"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "DefaultPolicy");

        var vaults = await arm.SendAsync("POST", Path, new { query = "Resources | where type == 'microsoft.recoveryservices/vaults' and resourceGroup == 'rg-arg-shape' | project id, name, properties.provisioningState" });
        Assert.Equal("rsv", Assert.Single(vaults.Body!["data"]!.AsArray())!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Paging_FollowsSkipToken_AndRefusesAnotherQuerysToken()
    {
        var (arm, vaultId) = await SeedAsync("rg-arg-page");
        var q = $"RecoveryServicesResources | where id startswith '{vaultId}/' | project id, name | order by id asc";
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var r = await arm.SendAsync("POST", Path, new { query = q, options = token is null ? (object)new Dictionary<string, object> { ["$top"] = 2 } : new Dictionary<string, object> { ["$top"] = 2, ["$skipToken"] = token } });
            Assert.Equal(200, r.Code);
            Assert.True(r.Body!["count"]!.GetValue<long>() <= 2);
            seen.AddRange(r.Body["data"]!.AsArray().Select(x => x!["id"]!.GetValue<string>()));
            token = r.Body["$skipToken"]?.GetValue<string>();
            pages++;
            if (token is not null)
            {
                var other = await arm.SendAsync("POST", Path, new { query = q + " | take 100", options = new Dictionary<string, object> { ["$skipToken"] = token } });
                Assert.Equal(400, other.Code);
                var otherScope = await arm.SendAsync("POST", Path, new { subscriptions = new[] { fx.Server.SubscriptionId }, query = q, options = new Dictionary<string, object> { ["$skipToken"] = token } });
                Assert.Equal("InvalidSkipToken", otherScope.ErrorCode);
            }
        }
        while (token is not null);

        var all = await arm.SendAsync("POST", Path, new { query = q });
        Assert.Equal(all.Body!["data"]!.AsArray().Select(x => x!["id"]!.GetValue<string>()), seen);
        Assert.True(pages > 2);

        // The token continues the answer of the first page: what changes between pages does not shift it.
        var first = await arm.SendAsync("POST", Path, new { query = q, options = new Dictionary<string, object> { ["$top"] = 2 } });
        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/marsServers", new { vaultId, name = "aaa-first", items = new[] { "C:\\early" } })).Code);
        var rest = new List<string>(first.Body!["data"]!.AsArray().Select(x => x!["id"]!.GetValue<string>()));
        token = first.Body["$skipToken"]!.GetValue<string>();
        while (token is not null)
        {
            var r = await arm.SendAsync("POST", Path, new { query = q, options = new Dictionary<string, object> { ["$top"] = 2, ["$skipToken"] = token } });
            rest.AddRange(r.Body!["data"]!.AsArray().Select(x => x!["id"]!.GetValue<string>()));
            token = r.Body["$skipToken"]?.GetValue<string>();
        }

        Assert.Equal(seen, rest);

        // Without an id column Resource Graph does not page: the answer is cut and says so.
        var noId = await arm.SendAsync("POST", Path, new { query = $"RecoveryServicesResources | where id startswith '{vaultId}/' | project name", options = new Dictionary<string, object> { ["$top"] = 1 } });
        Assert.Equal("true", noId.Body!["resultTruncated"]!.GetValue<string>());
        Assert.Null(noId.Body["$skipToken"]);

        var table = await arm.SendAsync("POST", Path, new { query = $"RecoveryServicesResources | where id startswith '{vaultId}/' | summarize count() by type | order by type asc", options = new { resultFormat = "table" } });
        Assert.Equal("type", table.Body!["data"]!["columns"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("integer", table.Body["data"]!["columns"]![1]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task BadQuery_IsAzuresInvalidQuery()
    {
        var arm = await Arm.ForOwnerAsync(fx.Server);
        // Shape seen from the service: Azure/azure-powershell#13762 (InvalidQueryLanguage, token "parse") and
        // grafana/grafana#35225 (ParserFailure with line and token), both under BadRequest + InvalidQuery.
        var r = await arm.SendAsync("POST", Path, new { query = "Resources | mv-expand properties" });
        Assert.Equal(400, r.Code);
        Assert.Equal("BadRequest", r.ErrorCode);
        var details = r.Body!["error"]!["details"]!.AsArray();
        Assert.Equal("InvalidQuery", details[0]!["code"]!.GetValue<string>());
        Assert.Equal("InvalidQueryLanguage", details[1]!["code"]!.GetValue<string>());
        Assert.Equal("mv-expand", details[1]!["token"]!.GetValue<string>());

        var syntax = await arm.SendAsync("POST", Path, new { query = "Resources | where name ==" });
        Assert.Equal("ParserFailure", syntax.Body!["error"]!["details"]![1]!["code"]!.GetValue<string>());

        var table = await arm.SendAsync("POST", Path, new { query = "SecurityResources | take 1" });
        Assert.Equal("DisallowedLogicalTableName", table.Body!["error"]!["details"]![1]!["code"]!.GetValue<string>());

        // rubrikinc/rubrik-sizing-scripts#87: a management group Resource Graph does not know.
        var mg = await arm.SendAsync("POST", Path, new { managementGroups = new[] { "Tenant Root Group" }, query = "Resources | take 1" });
        Assert.Equal(400, mg.Code);
        Assert.Equal("BadRequest", mg.ErrorCode);
        Assert.Equal("ManagementGroupsContainInvalidIds", mg.Body!["error"]!["details"]![0]!["code"]!.GetValue<string>());
        var root = await arm.SendAsync("POST", Path, new { managementGroups = new[] { fx.Server.TenantId }, query = "Resources | take 1" });
        Assert.Equal(200, root.Code);
    }

    [Fact]
    public async Task Rows_AreOnlyThoseTheCallerMayRead()
    {
        var (arm, vaultId) = await SeedAsync("rg-arg-rbac");
        var p = (await arm.AdminAsync("POST", "/_emulator/principals", new { displayName = "arg-reader" })).Body!;
        var reader = new Arm(fx.Server, await arm.GetTokenAsync(p["clientId"]!.GetValue<string>(), p["clientSecret"]!.GetValue<string>()));
        var none = await reader.SendAsync("POST", Path, new { query = "RecoveryServicesResources | count" });
        Assert.Equal(0L, none.Body!["data"]![0]!["Count"]!.GetValue<long>());

        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/roleAssignments", new { principalId = p["objectId"]!.GetValue<string>(), roleName = "Backup Reader", scope = vaultId })).Code);
        var some = await reader.SendAsync("POST", Path, new { query = "RecoveryServicesResources | where type endswith 'protecteditems' | project id" });
        Assert.Equal(3, some.Body!["data"]!.AsArray().Count);
        Assert.All(some.Body["data"]!.AsArray(), x => Assert.StartsWith(vaultId + "/", x!["id"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Lag_ServesTheIndexAsItWas_UntilItIsOlderThanTheLag()
    {
        var (arm, vaultId) = await SeedAsync("rg-arg-lag");
        Assert.Equal(200, (await arm.AdminAsync("PUT", "/_emulator/settings", new { resourceGraphLagSeconds = 2 })).Code);
        try
        {
            var q = new { query = $"RecoveryServicesResources | where id startswith '{vaultId}/' and type endswith 'protecteditems' | count" };
            Assert.Equal(3L, (await arm.SendAsync("POST", Path, q)).Body!["data"]![0]!["Count"]!.GetValue<long>());
            await arm.AdminAsync("POST", "/_emulator/marsServers", new { vaultId, name = "srv-late", items = new[] { "C:\\late" } });
            Assert.Equal(3L, (await arm.SendAsync("POST", Path, q)).Body!["data"]![0]!["Count"]!.GetValue<long>());
            await Task.Delay(2100);
            Assert.Equal(4L, (await arm.SendAsync("POST", Path, q)).Body!["data"]![0]!["Count"]!.GetValue<long>());
        }
        finally
        {
            await arm.AdminAsync("PUT", "/_emulator/settings", new { resourceGraphLagSeconds = 0 });
        }
    }
}
