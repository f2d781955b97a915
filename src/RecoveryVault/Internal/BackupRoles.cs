// Copyright (c) RecoveryVault contributors. MIT License.
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
}
