// Copyright (c) RecoveryVault contributors. MIT License.
using Azure;
using Azure.Core;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Engine;

/// <summary>What <see cref="RecoveryVaultClient.GetAlertsAsync"/> asks for (Alerts_GetAll query parameters).</summary>
public sealed record AlertQuery
{
    /// <summary>Only alerts about this resource (targetResource, a full ARM id).</summary>
    public string? TargetResource { get; init; }

    /// <summary>New, Acknowledged or Closed.</summary>
    public string? State { get; init; }

    /// <summary>Sev0 … Sev4.</summary>
    public string? Severity { get; init; }

    /// <summary>Fired or Resolved.</summary>
    public string? MonitorCondition { get; init; }

    /// <summary>1h, 1d, 7d or 30d; the service's default is 1d, so callers that mean "all" ask for 30d, the longest.</summary>
    public string TimeRange { get; init; } = "30d";

    /// <summary>Include each alert's monitor-specific context.</summary>
    public bool IncludeContext { get; init; }
}

public partial class RecoveryVaultClient
{
    /// <summary>The Microsoft.AlertsManagement api-version: the stable AlertsManagement.json.</summary>
    public const string AlertsApiVersion = "2019-03-01";

    /// <summary>
    /// Azure Monitor alerts of a subscription (Alerts_GetAll: GET /subscriptions/{s}/providers/Microsoft.AlertsManagement/alerts,
    /// filters as query parameters, paged by nextLink).
    /// </summary>
    public virtual AsyncPageable<AlertData> GetAlertsAsync(string subscriptionId, AlertQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var uri = BuildUri($"/subscriptions/{Uri.EscapeDataString(subscriptionId)}/providers/Microsoft.AlertsManagement/alerts", AlertsApiVersion,
            ("targetResource", query.TargetResource), ("alertState", query.State), ("severity", query.Severity),
            ("monitorCondition", query.MonitorCondition), ("timeRange", query.TimeRange), ("includeContext", query.IncludeContext ? "true" : null));
        return GetAsyncPageable(uri, o => new AlertData(o), cancellationToken);
    }

    /// <summary>One alert by its resource id (Alerts_GetById at the alert's scope).</summary>
    public virtual async Task<Response<AlertData>> GetAlertAsync(string alertResourceId, CancellationToken cancellationToken = default) =>
        await GetAsync(true, BuildUri(AlertPath(alertResourceId), AlertsApiVersion), o => new AlertData(o), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Changes an alert's state (Alerts_ChangeState: POST {alert id}/changestate?newState=…). The same state sent twice
    /// leaves the same alert: safe to re-send.
    /// </summary>
    public virtual async Task<Response<AlertData>> ChangeAlertStateAsync(string alertResourceId, string newState, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(true, RequestMethod.Post, BuildUri(AlertPath(alertResourceId) + "/changestate", AlertsApiVersion, ("newState", newState)), null,
            cancellationToken, safeToResend: true).ConfigureAwait(false);
        return Response.FromValue(new AlertData(Models.ArmResourceData.ParseObject(response.Content)), response);
    }

    // An alert id is an extension resource id ({scope}/providers/Microsoft.AlertsManagement/alerts/{id}); each segment is
    // escaped as it stands.
    private static string AlertPath(string alertResourceId)
    {
        var marker = "/providers/Microsoft.AlertsManagement/alerts/";
        var at = alertResourceId.LastIndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (!alertResourceId.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase) || at < 0 || alertResourceId.Length == at + marker.Length
            || alertResourceId.AsSpan(at + marker.Length).Contains('/'))
        {
            throw new ArgumentException($"'{alertResourceId}' is not an alert id (…/providers/Microsoft.AlertsManagement/alerts/{{id}}).", nameof(alertResourceId));
        }
        return string.Join('/', alertResourceId.Split('/').Select(Uri.EscapeDataString));
    }
}
