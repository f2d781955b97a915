// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Internal;

/// <summary>The built-in Azure Backup roles, by their fixed role definition GUIDs.</summary>
internal static class BackupRoles
{
    public static readonly IReadOnlyDictionary<string, (string DisplayName, string Guid)> ByParameter =
        new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase)
        {
            ["BackupReader"] = ("Backup Reader", "a795c7a0-d4a2-40c1-ae25-d81f01202912"),
            ["BackupOperator"] = ("Backup Operator", "00c29273-979b-4161-815c-10b084fb9324"),
            ["BackupContributor"] = ("Backup Contributor", "5e467623-bb1f-42f4-a55d-6e525e11384b"),
        };

    public static string DefinitionId(string subscriptionId, string role) =>
        $"/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{ByParameter[role].Guid}";

    public static bool SameDefinition(string? a, string guid) =>
        a is not null && a.TrimEnd('/').EndsWith("/" + guid, StringComparison.OrdinalIgnoreCase);

    /// <summary>The principal's assignments of one Backup role made at exactly this vault scope (not inherited).</summary>
    public static async Task<List<RoleAssignmentData>> AtVaultAsync(RecoveryVaultSession session, string scope, string principalId, string guid, CancellationToken ct)
    {
        var found = new List<RoleAssignmentData>();
        await foreach (var a in session.ListRoleAssignmentsAsync(scope, ct).ConfigureAwait(false))
        {
            if (string.Equals(a.PrincipalId, principalId, StringComparison.OrdinalIgnoreCase) && SameDefinition(a.RoleDefinitionId, guid)
                && string.Equals(a.Scope?.TrimEnd('/'), scope, StringComparison.OrdinalIgnoreCase))
            {
                found.Add(a);
            }
        }
        return found;
    }
}
