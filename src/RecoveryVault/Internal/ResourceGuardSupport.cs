// Copyright (c) RecoveryVault contributors. MIT License.
using System.Security;

namespace RecoveryVault.Internal;

/// <summary>What the resource guard cmdlets share.</summary>
internal static class ResourceGuardSupport
{
    /// <summary>The token of -ResourceGuardToken as the wire needs it (it lives as plain text only for the call).</summary>
    public static string? Plain(SecureString? token) =>
        token is null ? null : new System.Net.NetworkCredential(string.Empty, token).Password;

    public static string GuardId(string subscriptionId, string resourceGroupName, string name) =>
        $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.DataProtection/resourceGuards/{name}";

    /// <summary>Null when <paramref name="id"/> is a resource guard id, else what is wrong with it.</summary>
    public static string? GuardIdProblem(string id)
    {
        var s = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var ok = s.Length == 8 && s[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) && Guid.TryParse(s[1], out _)
            && s[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase) && s[4].Equals("providers", StringComparison.OrdinalIgnoreCase)
            && s[5].Equals("Microsoft.DataProtection", StringComparison.OrdinalIgnoreCase) && s[6].Equals("resourceGuards", StringComparison.OrdinalIgnoreCase);
        return ok ? null : $"'{id}' is not a resource guard id: expected /subscriptions/{{guid}}/resourceGroups/{{group}}/providers/Microsoft.DataProtection/resourceGuards/{{name}}.";
    }
}
