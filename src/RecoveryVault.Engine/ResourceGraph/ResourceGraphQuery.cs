// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json.Nodes;

namespace RecoveryVault.Engine.ResourceGraph;

/// <summary>
/// A Resource Graph query (QueryRequest of resourcegraph.json 2024-04-01): the KQL text, its scope — subscriptions,
/// or management groups, or neither for every subscription the caller can see — and the page options. Results are
/// always asked as <c>objectArray</c>, one JSON object per row.
/// </summary>
public sealed class ResourceGraphQuery
{
    /// <summary>A query of the KQL text <paramref name="query"/>.</summary>
    public ResourceGraphQuery(string query)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        Query = query;
    }

    /// <summary>The KQL text.</summary>
    public string Query { get; }

    /// <summary>Subscription ids to query; empty with no management groups means the tenant scope.</summary>
    public IList<string> Subscriptions { get; } = new List<string>();

    /// <summary>Management group names to query (their subscriptions and below).</summary>
    public IList<string> ManagementGroups { get; } = new List<string>();

    /// <summary>Rows per page, 1-1000 (<c>options.$top</c>); null leaves the service's default (1,000).</summary>
    public int? PageSize { get; set; }

    /// <summary>Rows to skip before the first page (<c>options.$skip</c>).</summary>
    public int? Skip { get; set; }

    /// <summary>The request body for a page: the same query and scope each time, with the previous page's $skipToken.</summary>
    public JsonObject ToBody(string? skipToken)
    {
        if (PageSize is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "A Resource Graph page holds 1 to 1000 rows.");
        }

        if (Skip is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Skip), Skip, "Skip cannot be negative.");
        }

        var body = new JsonObject();
        if (Subscriptions.Count > 0)
        {
            body["subscriptions"] = new JsonArray([.. Subscriptions.Select(s => (JsonNode)JsonValue.Create(s)!)]);
        }

        if (ManagementGroups.Count > 0)
        {
            body["managementGroups"] = new JsonArray([.. ManagementGroups.Select(s => (JsonNode)JsonValue.Create(s)!)]);
        }

        body["query"] = Query;
        var options = new JsonObject { ["resultFormat"] = "objectArray" };
        if (PageSize is { } top)
        {
            options["$top"] = top;
        }

        // The token carries the offset; $skip would override it (QueryRequestOptions), so it goes on the first page only.
        if (Skip is { } skip && skipToken is null)
        {
            options["$skip"] = skip;
        }

        if (skipToken is not null)
        {
            options["$skipToken"] = skipToken;
        }

        body["options"] = options;
        return body;
    }

    /// <summary>A KQL string literal: single-quoted, with backslashes and quotes escaped, for values put into a query.</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
    }

    /// <summary>A KQL datetime literal.</summary>
    public static string DateTime(DateTimeOffset value) =>
        "datetime(" + value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) + ")";
}

/// <summary>One row of a Resource Graph answer (objectArray): the columns the query produced.</summary>
public sealed class ResourceGraphRow(JsonObject data)
{
    /// <summary>The row as the service sent it.</summary>
    public JsonObject Data { get; } = data;

    /// <summary>The <c>id</c> column, when the query kept it.</summary>
    public string? Id => Data["id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The <c>type</c> column (Resource Graph lower-cases it).</summary>
    public string? Type => Data["type"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The <c>properties</c> column.</summary>
    public JsonObject? Properties => Data["properties"] as JsonObject;
}

/// <summary>
/// Resource Graph's per-user quota as its answers tell it (<c>x-ms-user-quota-remaining</c>, an int, and
/// <c>x-ms-user-quota-resets-after</c>, hh:mm:ss; "Guidance for throttled requests in Azure Resource Graph"). When
/// none is left, the next query of this client waits until the window resets instead of being throttled.
/// </summary>
public sealed class ResourceGraphQuota
{
    private long _untilTicks;

    /// <summary>The time (UTC) before which no query is sent.</summary>
    public DateTimeOffset HoldUntil => new(Interlocked.Read(ref _untilTicks), TimeSpan.Zero);

    /// <summary>Reads an answer's headers; returns the wait it set (zero when quota remains).</summary>
    public TimeSpan Observe(string? remaining, string? resetsAfter, DateTimeOffset now)
    {
        if (!int.TryParse(remaining, NumberStyles.Integer, CultureInfo.InvariantCulture, out var left) || left > 0)
        {
            return TimeSpan.Zero;
        }

        if (!TimeSpan.TryParseExact(resetsAfter, @"hh\:mm\:ss", CultureInfo.InvariantCulture, out var wait) || wait <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var ticks = (now + wait).UtcTicks;
        long seen;
        while ((seen = Interlocked.Read(ref _untilTicks)) < ticks && Interlocked.CompareExchange(ref _untilTicks, ticks, seen) != seen)
        {
        }

        return wait;
    }

    /// <summary>Waits until the quota window the service named has reset (blocking).</summary>
    public void Wait(CancellationToken ct)
    {
        var wait = HoldUntil - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            ct.WaitHandle.WaitOne(wait);
            ct.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Waits until the quota window the service named has reset.</summary>
    public async Task WaitAsync(CancellationToken ct)
    {
        var wait = HoldUntil - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, ct).ConfigureAwait(false);
        }
    }
}
