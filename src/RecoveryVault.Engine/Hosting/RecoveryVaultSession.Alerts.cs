// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Engine.Hosting;

public sealed partial class RecoveryVaultSession
{
    /// <summary>Streams a subscription's Azure Monitor alerts that match the query.</summary>
    public IAsyncEnumerable<AlertData> ListAlertsAsync(string subscriptionId, AlertQuery query, CancellationToken ct) =>
        Stream(_client.GetAlertsAsync(subscriptionId, query, ct), query.TargetResource ?? "/subscriptions/" + subscriptionId, ct);

    /// <summary>Reads one alert by its resource id.</summary>
    public Task<AlertData> GetAlertAsync(string alertResourceId, CancellationToken ct) =>
        Call(async () => (await _client.GetAlertAsync(alertResourceId, ct).ConfigureAwait(false)).Value, alertResourceId);

    /// <summary>Sets an alert's state (New, Acknowledged, Closed) and returns the alert as the service now holds it.</summary>
    public Task<AlertData> ChangeAlertStateAsync(string alertResourceId, string newState, CancellationToken ct) =>
        Call(async () => (await _client.ChangeAlertStateAsync(alertResourceId, newState, ct).ConfigureAwait(false)).Value, alertResourceId);
}
