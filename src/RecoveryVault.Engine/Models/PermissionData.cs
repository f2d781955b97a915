// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Engine.Models;

/// <summary>
/// One entry of the caller's effective permissions at a scope (Microsoft.Authorization Permissions - List, 2022-04-01):
/// the actions and notActions of one role assigned to the caller there or above.
/// </summary>
public sealed class PermissionData
{
    /// <summary>Wraps one entry of the list.</summary>
    public PermissionData(JsonObject raw)
    {
        Actions = Strings(raw["actions"]);
        NotActions = Strings(raw["notActions"]);
    }

    /// <summary>Actions granted, with Azure's '*' wildcards.</summary>
    public IReadOnlyList<string> Actions { get; }

    /// <summary>Actions taken away again from <see cref="Actions"/>.</summary>
    public IReadOnlyList<string> NotActions { get; }

    /// <summary>Whether this entry grants <paramref name="action"/>: an action matches and no notAction does (ARM's evaluation, case-insensitive).</summary>
    public bool Allows(string action) => Actions.Any(a => Matches(a, action)) && !NotActions.Any(n => Matches(n, action));

    /// <summary>Whether any entry of <paramref name="permissions"/> grants <paramref name="action"/>.</summary>
    public static bool AnyAllows(IEnumerable<PermissionData> permissions, string action) => permissions.Any(p => p.Allows(action));

    // '*' stands for any run of characters, as in Azure role definitions ("Microsoft.RecoveryServices/*", "*/read").
    private static bool Matches(string pattern, string action)
    {
        var parts = pattern.Split('*');
        if (parts.Length == 1)
        {
            return string.Equals(pattern, action, StringComparison.OrdinalIgnoreCase);
        }

        var at = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (i == 0)
            {
                if (!action.StartsWith(part, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                at = part.Length;
            }
            else if (i == parts.Length - 1)
            {
                return action.Length - at >= part.Length && action.EndsWith(part, StringComparison.OrdinalIgnoreCase);
            }
            else
            {
                var found = action.IndexOf(part, at, StringComparison.OrdinalIgnoreCase);
                if (found < 0)
                {
                    return false;
                }

                at = found + part.Length;
            }
        }

        return true;
    }

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray a ? a.Select(x => x?.GetValue<string>()).OfType<string>().ToList() : [];
}
