// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Internal;

/// <summary>
/// One -Kind replaces Az's WorkloadType × BackupManagementType pair: each kind is exactly one valid pair.
/// </summary>
internal static class BackupKinds
{
    public const string AzureVM = "AzureVM";
    public const string AzureFileShare = "AzureFileShare";
    public const string SqlDatabase = "SqlDatabase";
    public const string MarsServer = "MarsServer";

    public static readonly IReadOnlyDictionary<string, (string Management, string Workload, string ItemType)> Map =
        new Dictionary<string, (string, string, string)>(StringComparer.OrdinalIgnoreCase)
        {
            [AzureVM] = ("AzureIaasVM", "VM", "VM"),
            [AzureFileShare] = ("AzureStorage", "AzureFileShare", "AzureFileShare"),
            [SqlDatabase] = ("AzureWorkload", "SQLDataBase", "SQLDataBase"),
            [MarsServer] = ("MAB", "FileFolder", "FileFolder"),
        };

    /// <summary>The kind of a backup resource from its management type and workload type.</summary>
    public static string? KindOf(string? management, string? workload)
    {
        foreach (var (kind, pair) in Map)
        {
            if (string.Equals(pair.Management, management, StringComparison.OrdinalIgnoreCase)
                && (workload is null || string.Equals(pair.Workload, workload, StringComparison.OrdinalIgnoreCase)
                    || (kind == SqlDatabase && workload.StartsWith("SQL", StringComparison.OrdinalIgnoreCase))))
            {
                return kind;
            }
        }
        return management switch
        {
            "AzureIaasVM" => AzureVM,
            "AzureStorage" => AzureFileShare,
            "AzureWorkload" => SqlDatabase,
            "MAB" => MarsServer,
            _ => null,
        };
    }
}
