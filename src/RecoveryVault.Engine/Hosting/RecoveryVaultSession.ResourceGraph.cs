// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Engine.ResourceGraph;

namespace RecoveryVault.Engine.Hosting;

public sealed partial class RecoveryVaultSession
{
    /// <summary>
    /// Streams the rows of a Resource Graph query (objectArray), page by page over $skipToken. No subscriptions and no
    /// management groups: every subscription the credential can see (Resource Graph's tenant scope).
    /// </summary>
    public IAsyncEnumerable<JsonObject> QueryResourceGraphAsync(string query, IReadOnlyCollection<string>? subscriptions, IReadOnlyCollection<string>? managementGroups, int? pageSize, CancellationToken ct)
    {
        var q = new ResourceGraphQuery(query) { PageSize = pageSize };
        foreach (var s in subscriptions ?? [])
        {
            q.Subscriptions.Add(s);
        }

        foreach (var g in managementGroups ?? [])
        {
            q.ManagementGroups.Add(g);
        }

        return Rows(Stream(_client.QueryResourcesAsync(q, ct), null, ct), ct);
    }

    private static async IAsyncEnumerable<JsonObject> Rows(IAsyncEnumerable<ResourceGraphRow> rows, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var r in rows.WithCancellation(ct).ConfigureAwait(false))
        {
            yield return r.Data;
        }
    }

    /// <summary>A KQL string literal of <paramref name="value"/>.</summary>
    public static string KqlLiteral(string value) => ResourceGraphQuery.Literal(value);
}
