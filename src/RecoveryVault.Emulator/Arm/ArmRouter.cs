// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Emulator.Arm;

/// <summary>One ARM route: method + path template (case-insensitive literals, <c>{name}</c> captures, optional leading <c>{*scope}</c>).</summary>
public sealed class ArmRoute
{
    internal ArmRoute(string method, string template, ApiFamily family, Func<ArmContext, ArmResponse> handler, bool skipRbac, string resourceType)
    {
        Method = method;
        Template = template;
        Family = family;
        Handler = handler;
        SkipRbac = skipRbac;
        ResourceType = resourceType;
        var segs = template.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (segs.Count > 0 && segs[0].StartsWith("{*", StringComparison.Ordinal))
        {
            ScopeCapture = segs[0][2..^1];
            segs.RemoveAt(0);
        }

        Segments = [.. segs];
    }

    public string Method { get; }

    public string Template { get; }

    public ApiFamily Family { get; }

    public Func<ArmContext, ArmResponse> Handler { get; }

    /// <summary>Tenant-level or self-filtering calls (operations list, subscription list) that ARM serves without an RBAC check.</summary>
    public bool SkipRbac { get; }

    /// <summary>Used in api-version errors, e.g. <c>Microsoft.RecoveryServices/vaults</c>.</summary>
    public string ResourceType { get; }

    internal string? ScopeCapture { get; }

    internal string[] Segments { get; }

    internal Dictionary<string, string>? TryMatch(string[] path)
    {
        if (ScopeCapture is null)
        {
            return MatchFrom(path, 0);
        }

        // The scope is everything before the fixed tail; try the only split that fits.
        var start = path.Length - Segments.Length;
        if (start < 0)
        {
            return null;
        }

        var values = MatchFrom(path, start);
        if (values is not null)
        {
            values[ScopeCapture] = "/" + string.Join('/', path[..start]);
        }

        return values;
    }

    private Dictionary<string, string>? MatchFrom(string[] path, int start)
    {
        if (path.Length - start != Segments.Length)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Segments.Length; i++)
        {
            var t = Segments[i];
            var p = path[start + i];
            if (t.StartsWith('{'))
            {
                if (p.Length == 0)
                {
                    return null;
                }

                values[t[1..^1]] = p;
            }
            else if (!string.Equals(t, p, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return values;
    }
}

public sealed record ArmRouteMatch(ArmRoute Route, IReadOnlyDictionary<string, string> Values);

/// <summary>Route table of the ARM surface. Handlers register here; literals compare case-insensitively.</summary>
public sealed class ArmRouter
{
    private readonly List<ArmRoute> _routes = [];

    public IReadOnlyList<ArmRoute> Routes => _routes;

    public void Map(string method, string template, ApiFamily family, string resourceType, Func<ArmContext, ArmResponse> handler, bool skipRbac = false) =>
        _routes.Add(new ArmRoute(method.ToUpperInvariant(), template, family, handler, skipRbac, resourceType));

    public static string[] SplitPath(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Finds the route; <paramref name="pathKnown"/> tells a 405 (path exists for another method) from a 404.</summary>
    public ArmRouteMatch? Match(string method, string path, out bool pathKnown, out ArmRoute? anyRouteForPath)
    {
        var segs = SplitPath(path);
        pathKnown = false;
        anyRouteForPath = null;
        var m = method.ToUpperInvariant() == "HEAD" ? "GET" : method.ToUpperInvariant();
        foreach (var r in _routes)
        {
            var values = r.TryMatch(segs);
            if (values is null)
            {
                continue;
            }

            pathKnown = true;
            anyRouteForPath ??= r;
            if (r.Method == m)
            {
                return new ArmRouteMatch(r, values);
            }
        }

        return null;
    }
}
