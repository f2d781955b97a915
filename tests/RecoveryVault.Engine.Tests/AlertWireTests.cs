// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;
using Xunit;

namespace RecoveryVault.Engine.Tests;

/// <summary>
/// The Azure Monitor alerts calls (AlertsManagement.json stable 2019-03-01: Alerts_GetAll with its query filters and
/// nextLink paging, Alerts_ChangeState with newState in the query), through Azure.Core's real transport over a stub.
/// </summary>
public class AlertWireTests
{
    private const string Vault = "/subscriptions/" + Stub.Sub + "/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1";

    private static string Alert(string id, string state) =>
        "{\"id\":\"" + Vault + "/providers/Microsoft.AlertsManagement/alerts/" + id + "\",\"type\":\"Microsoft.AlertsManagement/alerts\",\"name\":\"Backup Failure\","
        + "\"properties\":{\"essentials\":{\"severity\":\"Sev1\",\"alertState\":\"" + state + "\",\"monitorCondition\":\"Fired\",\"targetResource\":\"" + Vault
        + "\",\"startDateTime\":\"2026-03-01T10:00:00Z\"},\"context\":{\"jobId\":\"j1\"}}}";

    [Fact]
    public async Task ListAsksWithTheFiltersAndFollowsNextLink()
    {
        var next = Stub.Endpoint + "subscriptions/" + Stub.Sub + "/providers/Microsoft.AlertsManagement/alerts?api-version=2019-03-01&ctoken=abc";
        var (client, handler, _) = Stub.Create((req, _) => req.RequestUri!.Query.Contains("ctoken=abc", StringComparison.Ordinal)
            ? StubHandler.Json(HttpStatusCode.OK, "{\"value\":[" + Alert("a2", "New") + "]}")
            : StubHandler.Json(HttpStatusCode.OK, "{\"value\":[" + Alert("a1", "New") + "],\"nextLink\":\"" + next + "\"}"));
        var alerts = new List<Models.AlertData>();
        await foreach (var a in client.GetAlertsAsync(Stub.Sub, new AlertQuery { TargetResource = Vault, State = "New", Severity = "Sev1", IncludeContext = true }))
        {
            alerts.Add(a);
        }

        Assert.Equal(["a1", "a2"], alerts.Select(a => a.AlertId));
        Assert.Equal("Sev1", alerts[0].Severity);
        Assert.Equal(Vault, alerts[0].TargetResource);
        Assert.Equal("j1", alerts[0].Context!["jobId"]!.GetValue<string>());
        var first = new Uri(handler.Requests[0].Uri);
        Assert.Equal("/subscriptions/" + Stub.Sub + "/providers/Microsoft.AlertsManagement/alerts", first.AbsolutePath);
        var query = System.Web.HttpUtility.ParseQueryString(first.Query);
        Assert.Equal("2019-03-01", query["api-version"]);
        Assert.Equal(Vault, query["targetResource"]);
        Assert.Equal("New", query["alertState"]);
        Assert.Equal("Sev1", query["severity"]);
        Assert.Equal("30d", query["timeRange"]);
        Assert.Equal("true", query["includeContext"]);
        Assert.Null(query["monitorCondition"]);
        Assert.Equal(next, handler.Requests[1].Uri);
    }

    [Fact]
    public async Task ChangeStatePostsNewStateOnTheAlertId()
    {
        var (client, handler, _) = Stub.Create((_, _) => StubHandler.Json(HttpStatusCode.OK, Alert("a1", "Closed")));
        var alert = (await client.ChangeAlertStateAsync(Vault + "/providers/Microsoft.AlertsManagement/alerts/a1", "Closed")).Value;
        Assert.Equal("Closed", alert.State);
        Assert.Equal("POST", handler.Requests[0].Method);
        Assert.Equal(Stub.Endpoint + Vault.TrimStart('/') + "/providers/Microsoft.AlertsManagement/alerts/a1/changestate?api-version=2019-03-01&newState=Closed", handler.Requests[0].Uri);
        await Assert.ThrowsAsync<ArgumentException>(() => client.ChangeAlertStateAsync(Vault, "Closed"));
    }
}
