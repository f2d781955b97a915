// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Arm;

/// <summary>Authenticated caller of an ARM request; <paramref name="TenantId"/> is the tenant its token was issued for.</summary>
public sealed record ArmPrincipal(string ObjectId, string ClientId, string? DisplayName, string? TenantId = null);

/// <summary>Everything a handler needs for one ARM request.</summary>
public sealed class ArmContext
{
    internal ArmContext(HttpContext http, ArmRouteMatch match, string apiVersion, ArmPrincipal principal, JsonNode? body, EmulatorRuntime runtime)
    {
        Http = http;
        Match = match;
        ApiVersion = apiVersion;
        Principal = principal;
        Body = body;
        Runtime = runtime;
    }

    public HttpContext Http { get; }

    public ArmRouteMatch Match { get; }

    public string ApiVersion { get; }

    public ArmPrincipal Principal { get; }

    public JsonNode? Body { get; }

    internal EmulatorRuntime Runtime { get; }

    public IResourceStore Store => Runtime.Store;

    public DateTimeOffset Now => DateTimeOffset.UtcNow;

    /// <summary>scheme://host of the request, for absolute nextLink / Location URLs.</summary>
    public string BaseUrl => $"{Http.Request.Scheme}://{Http.Request.Host}";

    public string Path => Http.Request.Path.Value ?? "/";

    public string Value(string name) =>
        Match.Values.TryGetValue(name, out var v) ? v : throw new InvalidOperationException($"Route value '{name}' missing.");

    public string? Query(string name)
    {
        foreach (var (k, v) in Http.Request.Query)
        {
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
            {
                return v.ToString();
            }
        }

        return null;
    }

    public JsonObject RequireBodyObject()
    {
        if (Body is JsonObject o)
        {
            return o;
        }

        throw ArmErrors.InvalidRequestContent("The request content was invalid and could not be deserialized: a JSON object body is required.");
    }

    public JsonObject BodyObjectOrEmpty() => Body as JsonObject ?? Json.Object();

    public string Header(string name) => Http.Request.Headers[name].ToString();

    /// <summary>
    /// Paged list answer for long lists (recovery points): the first page orders the keys once and keeps them under a
    /// snapshot id that the <c>$skiptoken</c> carries, so each later page renders only its own items instead of
    /// re-reading the whole list. An item deleted meanwhile is left out; a token whose snapshot has gone is a 400,
    /// as an expired continuation token is on the service.
    /// </summary>
    public ArmResponse PageSnapshot(Func<IReadOnlyList<string>> orderedKeys, Func<IReadOnlyList<string>, IEnumerable<JsonNode>> render)
    {
        var pageSize = Math.Max(1, Runtime.PageSize);
        var token = Query("$skiptoken") ?? Query("$skipToken");
        IReadOnlyList<string> keys;
        string snapshot;
        var offset = 0;
        if (string.IsNullOrEmpty(token))
        {
            keys = orderedKeys();
            snapshot = ListSnapshots.Add(keys);
        }
        else
        {
            var parts = DecodeToken(token).Split(':');
            if (parts.Length != 2 || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out offset))
            {
                throw ArmErrors.BadRequest("InvalidSkipToken", $"The skip token '{token}' is invalid.");
            }

            snapshot = parts[0];
            keys = ListSnapshots.Get(snapshot) ?? throw ArmErrors.BadRequest("InvalidSkipToken", "The skip token has expired; list again from the first page.");
            if (offset > keys.Count)
            {
                throw ArmErrors.BadRequest("InvalidSkipToken", $"The skip token '{token}' is invalid.");
            }
        }

        var slice = keys.Skip(offset).Take(pageSize).ToList();
        var body = new JsonObject { ["value"] = new JsonArray([.. render(slice)]) };
        if (offset + pageSize < keys.Count)
        {
            body["nextLink"] = NextLink(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{snapshot}:{offset + pageSize}")));
        }
        else
        {
            ListSnapshots.Remove(snapshot);
        }

        return ArmResponse.Ok(body);
    }

    private static string DecodeToken(string token)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw ArmErrors.BadRequest("InvalidSkipToken", $"The skip token '{token}' is invalid.");
        }
    }

    private string NextLink(string skipToken)
    {
        var query = new List<string>();
        foreach (var (k, v) in Http.Request.Query)
        {
            if (!k.Equals("$skiptoken", StringComparison.OrdinalIgnoreCase))
            {
                query.Add(Uri.EscapeDataString(k) + "=" + Uri.EscapeDataString(v.ToString()));
            }
        }

        query.Add("$skiptoken=" + Uri.EscapeDataString(skipToken));
        // Escaped: MARS item names hold Windows paths, and a raw backslash becomes a slash in the client's URL parser.
        return $"{BaseUrl}{Http.Request.Path.ToUriComponent()}?{string.Join('&', query)}";
    }

    /// <summary>Paged list answer: <c>{"value":[...],"nextLink":"..."}</c> with an opaque offset <c>$skiptoken</c>.</summary>
    public ArmResponse Page(IReadOnlyList<JsonNode> items, int? pageSizeOverride = null) =>
        // A node the caller still holds elsewhere is copied; a freshly rendered one is moved into the page.
        Page(items, item => item.Parent is null ? item : item.DeepClone(), pageSizeOverride);

    /// <summary>
    /// Paged list answer that renders only the page's own entries: a list costs its page, not the whole set.
    /// <paramref name="render"/> must return a node no other document holds.
    /// </summary>
    public ArmResponse Page<T>(IReadOnlyList<T> items, Func<T, JsonNode> render, int? pageSizeOverride = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(render);
        var pageSize = Math.Max(1, pageSizeOverride ?? Runtime.PageSize);
        var offset = 0;
        var token = Query("$skiptoken") ?? Query("$skipToken");
        if (!string.IsNullOrEmpty(token))
        {
            // A token the emulator did not make (overflowing, negative, past the end) is refused, not clamped.
            if (!int.TryParse(DecodeToken(token), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out offset) || offset > items.Count)
            {
                throw ArmErrors.BadRequest("InvalidSkipToken", $"The skip token '{token}' is invalid.");
            }
        }

        var page = new JsonArray();
        var end = (int)Math.Min(items.Count, (long)offset + pageSize);
        for (var i = offset; i < end; i++)
        {
            page.Add(render(items[i]));
        }

        var body = new JsonObject { ["value"] = page };
        if (offset + pageSize < items.Count)
        {
            body["nextLink"] = NextLink(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes((offset + pageSize).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        return ArmResponse.Ok(body);
    }
}
