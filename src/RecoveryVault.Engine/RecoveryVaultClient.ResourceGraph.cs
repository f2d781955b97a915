// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using RecoveryVault.Engine.Models;
using RecoveryVault.Engine.Operations;
using RecoveryVault.Engine.ResourceGraph;

namespace RecoveryVault.Engine;

public partial class RecoveryVaultClient
{
    /// <summary>Resource Graph's quota as the last answers told it; shared by every query of this client.</summary>
    public ResourceGraphQuota ResourceGraphQuota { get; } = new();

    /// <summary>
    /// Runs a Resource Graph query (<c>POST /providers/Microsoft.ResourceGraph/resources</c>) and pages through its
    /// rows by <c>$skipToken</c>, sending the same query and scope with each token as the spec asks. A page is asked
    /// for only when the previous one has been read; when the service says no quota is left, the next page waits for
    /// the window to reset.
    /// </summary>
    public virtual AsyncPageable<ResourceGraphRow> QueryResourcesAsync(ResourceGraphQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        _ = query.ToBody(null); // refuse bad options before anything is sent
        return new ArmAsyncPageable<ResourceGraphRow>((token, ct) => QueryPageAsync(true, query, token, ct).AsTask(), cancellationToken);
    }

    /// <summary>Runs a Resource Graph query and pages through its rows by <c>$skipToken</c> (see <see cref="QueryResourcesAsync"/>).</summary>
    public virtual Pageable<ResourceGraphRow> QueryResources(ResourceGraphQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        _ = query.ToBody(null);
        return new ArmPageable<ResourceGraphRow>(token => QueryPageAsync(false, query, token, cancellationToken).AsTask().GetAwaiter().GetResult(), cancellationToken);
    }

    private async ValueTask<Page<ResourceGraphRow>> QueryPageAsync(bool async, ResourceGraphQuery query, string? skipToken, CancellationToken ct)
    {
        if (async)
        {
            await ResourceGraphQuota.WaitAsync(ct).ConfigureAwait(false);
        }
        else
        {
            ResourceGraphQuota.Wait(ct);
        }

        var uri = BuildUri("/providers/Microsoft.ResourceGraph/resources", _options.ResourceGraphApiVersion);
        // A query only reads: the transport may re-send it.
        var response = await SendAsync(async, RequestMethod.Post, uri, query.ToBody(skipToken), ct, safeToResend: true).ConfigureAwait(false);
        ResourceGraphQuota.Observe(
            response.Headers.TryGetValue("x-ms-user-quota-remaining", out var remaining) ? remaining : null,
            response.Headers.TryGetValue("x-ms-user-quota-resets-after", out var resets) ? resets : null,
            DateTimeOffset.UtcNow);
        var body = ArmResourceData.ParseObject(response.Content);
        var rows = new List<ResourceGraphRow>();
        if (body["data"] is JsonArray data)
        {
            var entries = data.ToList();
            data.Clear();
            rows.AddRange(entries.OfType<JsonObject>().Select(o => new ResourceGraphRow(o)));
        }
        else if (body["data"] is not null)
        {
            throw new InvalidOperationException("Resource Graph answered in the table format; the client asks for objectArray.");
        }

        var next = body["$skipToken"] is JsonValue v && v.TryGetValue<string>(out var t) && t.Length > 0 ? t : null;
        return Page<ResourceGraphRow>.FromValues(rows, next, response);
    }
}
