// Copyright (c) RecoveryVault contributors. MIT License.
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Azure;
using RecoveryVault.Engine.Models;
using Xunit;

namespace RecoveryVault.Engine.Tests;

public class RetryTests
{
    [Fact]
    public async Task Retries429HonouringRetryAfterWithOneClientRequestId()
    {
        int calls = 0;
        var (client, handler, _) = Stub.Create((_, _) => ++calls < 3
            ? StubHandler.Json(HttpStatusCode.TooManyRequests, """{"error":{"code":"TooManyRequests","message":"slow down"}}""", ("Retry-After", "1"))
            : StubHandler.Json(HttpStatusCode.OK, Stub.Vault("v1")));
        var watch = Stopwatch.StartNew();
        var vault = (await client.GetVaultAsync(Stub.Sub, "rg", "v1")).Value;
        Assert.Equal("v1", vault.Name);
        Assert.Equal(3, handler.Requests.Count);
        // Two waits of the server's Retry-After (1 s each), not the 10 ms base delay.
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.9), $"elapsed {watch.Elapsed}");
        var ids = handler.Requests.Select(r => r.Headers["x-ms-client-request-id"]).Distinct().ToList();
        Assert.Single(ids);
    }

    [Fact]
    public async Task Retries503ThenGivesUpAfterThreeRetries()
    {
        var (client, handler, _) = Stub.Create((_, _) => StubHandler.Json(HttpStatusCode.ServiceUnavailable, """{"error":{"code":"ServiceUnavailable","message":"down"}}""", ("x-ms-request-id", "rid-503")));
        var ex = await Assert.ThrowsAsync<RecoveryVaultRequestFailedException>(() => client.GetVaultAsync(Stub.Sub, "rg", "v1"));
        Assert.Equal(503, ex.Status);
        Assert.Equal("rid-503", ex.RequestId);
        Assert.Equal(4, handler.Requests.Count); // first try + 3 retries
    }

    [Fact]
    public async Task DoesNotRetry400()
    {
        var (client, handler, _) = Stub.Create((_, _) => StubHandler.Json(HttpStatusCode.BadRequest,
            """{"error":{"code":"InvalidApiVersionParameter","message":"bad version","target":"api-version","details":[{"code":"Inner","message":"more"}]}}""",
            ("x-ms-request-id", "rid-1"), ("x-ms-correlation-request-id", "cid-1")));
        var ex = await Assert.ThrowsAsync<RecoveryVaultRequestFailedException>(() => client.GetVaultAsync(Stub.Sub, "rg", "v1"));
        Assert.Single(handler.Requests);
        Assert.Equal(400, ex.Status);
        Assert.Equal("InvalidApiVersionParameter", ex.ErrorCode);
        Assert.Equal("api-version", ex.Error!.Target);
        Assert.Equal("Inner", Assert.Single(ex.Error.Details).Code);
        Assert.Equal("rid-1", ex.RequestId);
        Assert.Equal("cid-1", ex.CorrelationId);
        Assert.Contains("bad version", ex.Message);
        Assert.Contains("rid-1", ex.Message);
    }

    [Fact]
    public async Task RetriesNetworkFailure()
    {
        int calls = 0;
        var (client, handler, _) = Stub.Create((_, _) => ++calls == 1 ? throw new HttpRequestException("connection reset") : StubHandler.Json(HttpStatusCode.OK, Stub.Vault("v1")));
        Assert.Equal("v1", (await client.GetVaultAsync(Stub.Sub, "rg", "v1")).Value.Name);
        Assert.Equal(2, handler.Requests.Count);
    }
}

public class HeaderAndLoggingTests
{
    [Fact]
    public async Task SendsUserAgentAndBearerButLogsRedacted()
    {
        var (client, handler, log) = Stub.Create((_, _) => StubHandler.Json(HttpStatusCode.OK, Stub.Vault("v1"), ("x-ms-request-id", "rid-9")));
        await client.GetVaultAsync(Stub.Sub, "rg", "v1");
        var sent = Assert.Single(handler.Requests);
        Assert.StartsWith("RecoveryVault/", sent.Headers["User-Agent"]);
        Assert.EndsWith("PowerShell/7.6.9", sent.Headers["User-Agent"]);
        Assert.Equal("Bearer " + StaticTokenCredential.Token, sent.Headers["Authorization"]);
        Assert.Contains("api-version=2026-07-01", sent.Uri);
        var entry = Assert.Single(log);
        Assert.Equal(200, entry.Status);
        Assert.Equal("rid-9", entry.RequestId);
        Assert.Contains(entry.RequestHeaders, h => h.Key == "Authorization" && h.Value == "REDACTED");
        Assert.DoesNotContain(entry.RequestHeaders, h => h.Value.Contains(StaticTokenCredential.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApiVersionsAreOverridable()
    {
        var (client, handler, _) = Stub.Create((_, _) => StubHandler.Json(HttpStatusCode.OK, Stub.Vault("v1")));
        client.Options.VaultsApiVersion = "2025-08-01";
        await client.GetVaultAsync(Stub.Sub, "rg", "v1");
        Assert.Contains("api-version=2025-08-01", handler.Requests[0].Uri);
    }
}

public class PagingTests
{
    [Fact]
    public async Task FollowsNextLinkVerbatimLazily()
    {
        const string next = "https://arm.stub.test/opaque/next?$skiptoken=abc%3D&api-version=2026-07-01";
        var (client, handler, _) = Stub.Create((req, _) => req.RequestUri!.ToString().Contains("skiptoken", StringComparison.Ordinal)
            ? StubHandler.Json(HttpStatusCode.OK, $$"""{"value":[{{Stub.Vault("c")}}],"nextLink":null}""")
            : StubHandler.Json(HttpStatusCode.OK, $$"""{"value":[{{Stub.Vault("a")}},{{Stub.Vault("b")}}],"nextLink":"{{next}}"}"""));
        var names = new List<string>();
        await foreach (var v in client.GetVaultsAsync(Stub.Sub, "rg"))
        {
            names.Add(v.Name!);
            if (names.Count == 1)
            {
                // The first item is out before page 2 is asked for.
                Assert.Single(handler.Requests);
            }
        }
        Assert.Equal(["a", "b", "c"], names);
        Assert.Equal(next, handler.Requests[1].Uri);
    }

    [Fact]
    public void SyncPageableWorksToo()
    {
        var (client, _, _) = Stub.Create((_, _) => StubHandler.Json(HttpStatusCode.OK, $$"""{"value":[{{Stub.Vault("a")}}]}"""));
        Assert.Equal("a", Assert.Single(client.GetVaults(Stub.Sub)).Name);
    }
}

public class LroTests
{
    [Fact]
    public async Task StyleA_PollsAzureAsyncOperationThenGetsLocation()
    {
        int polls = 0;
        var status = "https://arm.stub.test/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1/operationStatus/op1?api-version=2026-07-01";
        var location = "https://arm.stub.test/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1/operationResults/op1?api-version=2026-07-01";
        var (client, handler, _) = Stub.Create((req, _) =>
        {
            var uri = req.RequestUri!.ToString();
            if (req.Method == HttpMethod.Put)
            {
                return StubHandler.Json(HttpStatusCode.Created, Stub.Vault("v1"), ("Azure-AsyncOperation", status), ("Location", location), ("Retry-After", "0"));
            }
            if (uri.Contains("operationStatus", StringComparison.Ordinal))
            {
                return StubHandler.Json(HttpStatusCode.OK, ++polls < 3 ? """{"status":"InProgress"}""" : """{"status":"Succeeded"}""", ("Retry-After", "0"));
            }
            return StubHandler.Json(HttpStatusCode.OK, Stub.Vault("v1", ""","publicNetworkAccess":"Enabled" """));
        });
        var op = await client.CreateOrUpdateVaultAsync(WaitUntil.Completed, Stub.Sub, "rg", "v1", VaultData.Create("westus"));
        Assert.True(op.HasCompleted);
        Assert.Equal("Enabled", op.Value.PublicNetworkAccess);
        Assert.Equal(3, polls);
        Assert.Equal(location, handler.Requests[^1].Uri);
    }

    [Fact]
    public async Task LocationOnly_202Then200()
    {
        int polls = 0;
        var location = "https://arm.stub.test/some/operationResults/x?api-version=2023-06-01";
        var (client, _, _) = Stub.Create((req, _) => req.Method == HttpMethod.Patch
            ? StubHandler.Empty(HttpStatusCode.Accepted, ("Location", location), ("Retry-After", "0"))
            : ++polls < 2 ? StubHandler.Empty(HttpStatusCode.Accepted, ("Retry-After", "0")) : StubHandler.Json(HttpStatusCode.OK, Stub.Vault("v1")));
        var op = await client.UpdateVaultAsync(WaitUntil.Completed, Stub.Sub, "rg", "v1", new JsonObject { ["tags"] = new JsonObject() });
        Assert.Equal("v1", op.Value.Name);
        Assert.Equal(2, polls);
    }

    [Fact]
    public async Task DeleteCompletesOn204Location()
    {
        var (client, _, _) = Stub.Create((req, _) => req.Method == HttpMethod.Delete
            ? StubHandler.Empty(HttpStatusCode.Accepted, ("Location", "https://arm.stub.test/op?x=1"), ("Retry-After", "0"))
            : StubHandler.Empty(HttpStatusCode.NoContent));
        var op = await client.DeleteVaultAsync(WaitUntil.Completed, Stub.Sub, "rg", "v1");
        Assert.True(op.HasCompleted);
        Assert.False(op.HasValue);
    }

    [Fact]
    public async Task FailedStatusBecomesRequestFailedWithArmError()
    {
        var (client, _, _) = Stub.Create((req, _) => req.Method == HttpMethod.Put
            ? StubHandler.Json(HttpStatusCode.Created, Stub.Vault("v1"), ("Azure-AsyncOperation", "https://arm.stub.test/status/1"), ("Retry-After", "0"))
            : StubHandler.Json(HttpStatusCode.OK, """{"status":"Failed","error":{"code":"UserErrorVaultCreationFailed","message":"no capacity"}}""", ("x-ms-request-id", "rid-f")));
        var ex = await Assert.ThrowsAsync<RecoveryVaultRequestFailedException>(() => client.CreateOrUpdateVaultAsync(WaitUntil.Completed, Stub.Sub, "rg", "v1", VaultData.Create("westus")));
        Assert.Equal("UserErrorVaultCreationFailed", ex.ErrorCode);
        Assert.Equal("rid-f", ex.RequestId);
        Assert.Contains("no capacity", ex.Message);
    }

    [Fact]
    public async Task StyleC_KeepsStatusDocumentWithJobId()
    {
        var (client, _, _) = Stub.Create((req, _) => req.Method == HttpMethod.Delete
            ? StubHandler.Empty(HttpStatusCode.Accepted, ("Azure-AsyncOperation", "https://arm.stub.test/x/operationsStatus/9"), ("Location", "https://arm.stub.test/x/operationResults/9"), ("Retry-After", "0"))
            : req.RequestUri!.AbsolutePath.Contains("operationsStatus", StringComparison.Ordinal)
                ? StubHandler.Json(HttpStatusCode.OK, """{"status":"Succeeded","properties":{"objectType":"OperationStatusJobExtendedInfo","jobId":"job-42"}}""")
                : StubHandler.Empty(HttpStatusCode.NoContent));
        var op = await client.DeleteVaultAsync(WaitUntil.Completed, Stub.Sub, "rg", "v1");
        Assert.Equal("job-42", op.LastStatus!["properties"]!["jobId"]!.GetValue<string>());
    }

    [Fact]
    public async Task WaitingHonoursRetryAfterMsAndCancellation()
    {
        var (client, _, _) = Stub.Create((req, _) => req.Method == HttpMethod.Put
            ? StubHandler.Json(HttpStatusCode.Created, Stub.Vault("v1"), ("Azure-AsyncOperation", "https://arm.stub.test/status/1"), ("x-ms-retry-after-ms", "50"))
            : StubHandler.Json(HttpStatusCode.OK, """{"status":"InProgress"}""", ("x-ms-retry-after-ms", "50")));
        var op = await client.CreateOrUpdateVaultAsync(WaitUntil.Started, Stub.Sub, "rg", "v1", VaultData.Create("westus"));
        Assert.False(op.HasCompleted);
        Assert.Equal(TimeSpan.FromMilliseconds(50), op.SuggestedDelay);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await op.WaitForCompletionAsync(cts.Token));
    }
}

public class ModelTests
{
    [Fact]
    public async Task UnknownPropertiesSurviveGetModifyPut()
    {
        string? putBody = null;
        var (client, _, _) = Stub.Create((req, body) =>
        {
            if (req.Method == HttpMethod.Put)
            {
                putBody = body;
                return StubHandler.Json(HttpStatusCode.OK, body!);
            }
            return StubHandler.Json(HttpStatusCode.OK, Stub.Vault("v1", ""","futureFeature":{"knob":7},"publicNetworkAccess":"Enabled" """).Replace("\"sku\"", "\"zzTopLevel\":true,\"sku\"", StringComparison.Ordinal));
        });
        var vault = (await client.GetVaultAsync(Stub.Sub, "rg", "v1")).Value;
        vault.PublicNetworkAccess = "Disabled";
        vault.SetTags(new Dictionary<string, string> { ["env"] = "prod" });
        await client.CreateOrUpdateVaultAsync(WaitUntil.Completed, Stub.Sub, "rg", "v1", vault);
        var sent = JsonNode.Parse(putBody!)!;
        Assert.Equal(7, sent["properties"]!["futureFeature"]!["knob"]!.GetValue<int>());
        Assert.True(sent["zzTopLevel"]!.GetValue<bool>());
        Assert.Equal("Disabled", sent["properties"]!["publicNetworkAccess"]!.GetValue<string>());
        Assert.Equal("prod", sent["tags"]!["env"]!.GetValue<string>());
        Assert.Null(sent["properties"]!["provisioningState"]);
    }

    [Fact]
    public void EnvironmentsKnowTheirEndpoints()
    {
        Assert.Equal("https://management.chinacloudapi.cn/.default", RecoveryVaultEnvironment.FromName("azurechinacloud").DefaultScope);
        Assert.Equal(new Uri("https://login.microsoftonline.us"), RecoveryVaultEnvironment.AzureUSGovernment.AuthorityHost);
        Assert.Throws<ArgumentException>(() => RecoveryVaultEnvironment.FromName("Mars"));
    }
}

public class ResourceIdTests
{
    [Theory]
    [InlineData("/subscriptions/S1/resourceGroups/RG/providers/Microsoft.RecoveryServices/vaults/V1")]
    [InlineData("/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/microsoft.recoveryservices/VAULTS/V1/")]
    public void ParsesVaultIdsCaseInsensitively(string text)
    {
        var id = RecoveryVaultResourceId.Parse(text);
        Assert.True(id.IsVault);
        Assert.Equal("S1", id.SubscriptionId);
        Assert.Equal("RG", id.ResourceGroupName);
        Assert.Equal("V1", id.VaultName, ignoreCase: true);
        Assert.Equal(RecoveryVaultResourceId.ForVault("s1", "rg", "v1"), id);
    }

    [Fact]
    public void ParsesBackupChildAndFindsVault()
    {
        var id = RecoveryVaultResourceId.Parse("/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg;vm1/protectedItems/VM;iaasvmcontainerv2;rg;vm1");
        Assert.False(id.IsVault);
        Assert.Equal("VM;iaasvmcontainerv2;rg;vm1", id.Name);
        Assert.Equal("v", id.GetVaultId()!.Name);
        Assert.Contains("protectedItems/VM;iaasvmcontainerv2;rg;vm1", id.ToPath(), StringComparison.Ordinal);
    }

    [Fact]
    public void ParsesLocationScopedIds()
    {
        var id = RecoveryVaultResourceId.Parse("/subscriptions/s/providers/Microsoft.RecoveryServices/locations/westus/deletedVaults/v");
        Assert.Equal("westus", id.Location);
        Assert.Null(id.ResourceGroupName);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("subscriptions/s", "must start with '/subscriptions/'")]
    [InlineData("/subscriptions/s/resourceGroups", "no name after it")]
    [InlineData("/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults", "followed by a name")]
    [InlineData("/subscriptions/s/resourceGroups/rg/vaults/v", "expected 'providers")]
    [InlineData("/tenants/t", "must start with '/subscriptions/{subscriptionId}'")]
    public void RejectsMalformedIdsClearly(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => RecoveryVaultResourceId.Parse(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
