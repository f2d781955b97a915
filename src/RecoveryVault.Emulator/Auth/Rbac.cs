// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.RegularExpressions;

namespace RecoveryVault.Emulator.Auth;

/// <summary>Derives the ARM action of a request and checks it against role assignments.</summary>
public static class Rbac
{
    /// <summary>
    /// Action from the provider/type chain of the path: GET→read, PUT/PATCH→write, DELETE→delete,
    /// POST→<c>{lastSegment}/action</c>. Paths without <c>/providers/</c> belong to Microsoft.Resources.
    /// </summary>
    public static string DeriveAction(string method, IReadOnlyList<string> segments)
    {
        var providerIndex = -1;
        for (var i = segments.Count - 2; i >= 0; i--)
        {
            if (segments[i].Equals("providers", StringComparison.OrdinalIgnoreCase))
            {
                providerIndex = i;
                break;
            }
        }

        string ns;
        IReadOnlyList<string> rest;
        if (providerIndex >= 0)
        {
            ns = segments[providerIndex + 1];
            rest = segments.Skip(providerIndex + 2).ToList();
        }
        else
        {
            ns = "Microsoft.Resources";
            rest = segments.Select(s => s.Equals("resourcegroups", StringComparison.OrdinalIgnoreCase) ? "resourceGroups" : s).ToList();
        }

        var types = rest.Where((_, i) => i % 2 == 0).ToList();
        var verb = method.ToUpperInvariant() switch
        {
            "GET" or "HEAD" => "read",
            "PUT" or "PATCH" => "write",
            "DELETE" => "delete",
            _ => "action",
        };
        var chain = types.Count == 0 ? ns : ns + "/" + string.Join('/', types);
        return chain + "/" + verb;
    }

    /// <summary>The scope ARM names in AuthorizationFailed: the request path, without a POST's action segment.</summary>
    public static string ScopeOf(string method, IReadOnlyList<string> segments)
    {
        var segs = segments.ToList();
        if (method.Equals("POST", StringComparison.OrdinalIgnoreCase) && segs.Count > 0)
        {
            segs.RemoveAt(segs.Count - 1);
        }

        return "/" + string.Join('/', segs);
    }

    public static bool Allows(RoleDefinition role, string action) =>
        role.Actions.Any(a => Matches(a, action)) && !role.NotActions.Any(a => Matches(a, action));

    public static bool Matches(string pattern, string action)
    {
        if (pattern == "*")
        {
            return true;
        }

        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(action, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    /// <summary>True when <paramref name="assignmentScope"/> is the request scope or one of its ancestors.</summary>
    public static bool ScopeApplies(string assignmentScope, string requestScope)
    {
        var a = assignmentScope.TrimEnd('/').ToLowerInvariant();
        var r = requestScope.TrimEnd('/').ToLowerInvariant();
        return a.Length == 0 || a == r || r.StartsWith(a + "/", StringComparison.Ordinal);
    }
}
