// Copyright (c) RecoveryVault contributors. MIT License.
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using RecoveryVault.Engine.ResourceGraph;
using Xunit;

namespace RecoveryVault.Engine.Tests;

/// <summary>
/// The Resource Graph client against the official examples of resourcegraph.json 2024-04-01 (vendored under
/// src/RecoveryVault.Emulator/Contract/examples/resourcegraph): request bodies, $skipToken paging, management group
/// scope, quota headers, the error shape.
/// </summary>
public sealed class ResourceGraphClientTests
{
    private static JsonObject Example(string name) => JsonNode.Parse(File.ReadAllText(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..",
        "src", "RecoveryVault.Emulator", "Contract", "examples", "resourcegraph", "2024-04-01", name + ".json"))))!.AsObject();

    private static JsonObject Request(string name) => Example(name)["parameters"]!["query"]!.AsObject();

    private static string Response(string name) => Example(name)["responses"]!["200"]!["body"]!.ToJsonString();

    [Fact]
    public async Task Pages_FollowTheSkipToken_WithTheSameQueryAndScope()
    {
        var first = Request("ResourcesFirstPageQuery");
        var next = Request("ResourcesNextPageQuery");
        var (client, handler, _) = Stub.Create((req, body) =>
        {
            var sent = JsonNode.Parse(body!)!;
            var token = sent["options"]!["$skipToken"]?.GetValue<string>();
            if (token is null)
            {
                return StubHandler.Json(HttpStatusCode.OK, Response("ResourcesFirstPageQuery"));
            }

            // The Next page example's token is the First page example's $skipToken.
            Assert.Equal(next["options"]!["$skipToken"]!.GetValue<string>(), token);
            var last = JsonNode.Parse(Response("ResourcesNextPageQuery"))!.AsObject();
            last.Remove("$skipToken");
            return StubHandler.Json(HttpStatusCode.OK, last.ToJsonString());
        });

        var query = new ResourceGraphQuery(first["query"]!.GetValue<string>()) { PageSize = 3, Skip = 0 };
        query.Subscriptions.Add(first["subscriptions"]![0]!.GetValue<string>());
        var rows = new List<ResourceGraphRow>();
        await foreach (var row in client.QueryResourcesAsync(query))
        {
            rows.Add(row);
        }

        Assert.Equal(6, rows.Count);
        Assert.Equal("microsoft.compute/disks", rows[0].Type);
        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal("POST", r.Method));
        Assert.All(handler.Requests, r => Assert.EndsWith("/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01", r.Uri, StringComparison.Ordinal));

        var firstBody = JsonNode.Parse(handler.Requests[0].Body!)!;
        Assert.True(JsonNode.DeepEquals(first["subscriptions"], firstBody["subscriptions"]));
        Assert.Equal(first["query"]!.GetValue<string>(), firstBody["query"]!.GetValue<string>());
        Assert.Equal(3, firstBody["options"]!["$top"]!.GetValue<int>());
        Assert.Equal(0, firstBody["options"]!["$skip"]!.GetValue<int>());
        Assert.Equal("objectArray", firstBody["options"]!["resultFormat"]!.GetValue<string>());

        // The second page repeats query and scope with the token, and no $skip that would override the token's offset.
        var secondBody = JsonNode.Parse(handler.Requests[1].Body!)!;
        Assert.True(JsonNode.DeepEquals(next["subscriptions"], secondBody["subscriptions"]));
        Assert.Equal(next["query"]!.GetValue<string>(), secondBody["query"]!.GetValue<string>());
        Assert.Null(secondBody["options"]!["$skip"]);
    }

    [Fact]
    public async Task ManagementGroupScope_IsSentAsTheExampleSendsIt()
    {
        var mg = Request("ResourcesMgBasicQuery");
        var (client, handler, _) = Stub.Create((_, _) => StubHandler.Json(HttpStatusCode.OK, Response("ResourcesMgBasicQuery")));
        var query = new ResourceGraphQuery(mg["query"]!.GetValue<string>());
        foreach (var g in mg["managementGroups"]!.AsArray())
        {
            query.ManagementGroups.Add(g!.GetValue<string>());
        }

        var rows = new List<ResourceGraphRow>();
        await foreach (var row in client.QueryResourcesAsync(query))
        {
            rows.Add(row);
        }

        Assert.Equal(3, rows.Count);
        Assert.Equal("Value1", rows[0].Data["tags"]!["tag1"]!.GetValue<string>());
        var sent = JsonNode.Parse(handler.Requests[0].Body!)!;
        Assert.True(JsonNode.DeepEquals(mg["managementGroups"], sent["managementGroups"]));
        Assert.Null(sent["subscriptions"]);
    }

    [Fact]
    public async Task NoQuotaLeft_HoldsTheNextQueryUntilTheWindowResets()
    {
        // "Guidance for throttled requests": x-ms-user-quota-remaining (int), x-ms-user-quota-resets-after (hh:mm:ss).
        var times = new List<DateTimeOffset>();
        var page = 0;
        var (client, _, _) = Stub.Create((_, _) =>
        {
            times.Add(DateTimeOffset.UtcNow);
            page++;
            var body = JsonNode.Parse(Response("ResourcesFirstPageQuery"))!.AsObject();
            if (page == 2)
            {
                body.Remove("$skipToken");
            }

            return StubHandler.Json(HttpStatusCode.OK, body.ToJsonString(), ("x-ms-user-quota-remaining", "0"), ("x-ms-user-quota-resets-after", "00:00:01"));
        });

        var sw = Stopwatch.StartNew();
        var count = 0;
        await foreach (var _ in client.QueryResourcesAsync(new ResourceGraphQuery("Resources | project id")))
        {
            count++;
        }

        Assert.Equal(6, count);
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(950), $"second page after {(times[1] - times[0]).TotalMilliseconds} ms");
        Assert.True(client.ResourceGraphQuota.HoldUntil > DateTimeOffset.UtcNow.AddMilliseconds(-200));
    }

    [Fact]
    public void Sync_PagesTheSameWay()
    {
        var page = 0;
        var (client, handler, _) = Stub.Create((_, _) =>
        {
            page++;
            var body = JsonNode.Parse(Response(page == 1 ? "ResourcesFirstPageQuery" : "ResourcesNextPageQuery"))!.AsObject();
            if (page == 2)
            {
                body.Remove("$skipToken");
            }

            return StubHandler.Json(HttpStatusCode.OK, body.ToJsonString());
        });
        var rows = client.QueryResources(new ResourceGraphQuery("Resources | where name contains 'test' | project id, name, type, location") { PageSize = 3 }).ToList();
        Assert.Equal(6, rows.Count);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal("eyAibm8iOiAibHVjayIsICJidXQiOiAibmljZSIsICJ0cnkiOiAiISIgfQ==", JsonNode.Parse(handler.Requests[1].Body!)!["options"]!["$skipToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task QuotaLeft_DoesNotWait()
    {
        var (client, _, _) = Stub.Create((_, _) => StubHandler.Json(HttpStatusCode.OK, Response("ResourcesBasicQuery"), ("x-ms-user-quota-remaining", "14"), ("x-ms-user-quota-resets-after", "00:00:05")));
        await foreach (var _ in client.QueryResourcesAsync(new ResourceGraphQuery("Resources | limit 3")))
        {
        }

        Assert.True(client.ResourceGraphQuota.HoldUntil < DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task InvalidQuery_SurfacesCodeAndDetails()
    {
        // As Azure/azure-powershell#13762 shows the service's answer to an operator it does not support.
        const string error = """{"error":{"code":"BadRequest","message":"Please provide below info when asking for support: timestamp = 2020-12-16T16:57:12.4249513Z, correlationId = 6902d332-f9f0-4f8a-b90c-d29b938836fd.","details":[{"code":"InvalidQuery","message":"Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying."},{"code":"InvalidQueryLanguage","message":"InvalidQueryLanguage","line":-1,"characterPositionInLine":-1,"token":"parse"}]}}""";
        var (client, handler, _) = Stub.Create((_, _) => StubHandler.Json(HttpStatusCode.BadRequest, error));
        var ex = await Assert.ThrowsAsync<RecoveryVaultRequestFailedException>(async () =>
        {
            await foreach (var _ in client.QueryResourcesAsync(new ResourceGraphQuery("Resources | parse id with * '/' x")))
            {
            }
        });
        Assert.Equal(400, ex.Status);
        Assert.Equal("BadRequest", ex.ErrorCode);
        Assert.Contains(ex.Error!.Details, d => d.Code == "InvalidQueryLanguage");
        Assert.Single(handler.Requests);
    }

    [Fact]
    public void Literals_AreEscaped_AndOptionsChecked()
    {
        Assert.Equal(@"'it\'s C:\\data'", ResourceGraphQuery.Literal(@"it's C:\data"));
        Assert.Equal("datetime(2026-01-15T12:00:00.0000000Z)", ResourceGraphQuery.DateTime(new DateTimeOffset(2026, 1, 15, 13, 0, 0, TimeSpan.FromHours(1))));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ResourceGraphQuery("Resources") { PageSize = 1001 }.ToBody(null));
    }
}
