// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.RegularExpressions;

namespace RecoveryVault.Emulator.Arm;

/// <summary>Which api-version set a route accepts.</summary>
public enum ApiFamily
{
    /// <summary>Routes that take any well-formed api-version (none today; kept for admin-like ARM paths).</summary>
    Any,
    Vaults,
    Backup,
    Resources,
    Authorization,
    Compute,
    Storage,

    /// <summary>Azure Resource Graph (resourcegraph.json 2024-04-01).</summary>
    ResourceGraph,

    /// <summary>The emulator's model of the retired classic (Service Manager) Backup vault API.</summary>
    Classic,

    /// <summary>
    /// Provider-wide calls both Microsoft.RecoveryServices specs declare (operations list): the vaults spec and the
    /// backup spec (bms.json, ListOperations.json at 2023-06-01) each list it under their own api-version.
    /// </summary>
    Provider,

    /// <summary>Microsoft.DataProtection resource guards (dataprotection.json 2026-06-01).</summary>
    DataProtection,

    /// <summary>Azure Monitor alerts (Microsoft.AlertsManagement/alerts): the stable AlertsManagement.json and the preview Az.AlertsManagement calls.</summary>
    AlertsManagement,
}

public static partial class ApiVersions
{
    public static readonly string[] Vaults = ["2026-07-01", "2025-02-01", "2025-08-01", "2026-01-01", "2026-02-01", "2026-05-01"];
    public static readonly string[] Backup = ["2023-06-01"];
    public static readonly string[] Resources = ["2021-04-01", "2022-09-01", "2022-12-01"];
    public static readonly string[] Authorization = ["2022-04-01"];
    public static readonly string[] Compute = ["2023-03-01"];
    public static readonly string[] Storage = ["2023-01-01"];
    public static readonly string[] Classic = ["2015-03-15"];
    public static readonly string[] DataProtection = ["2026-06-01"];
    public static readonly string[] ResourceGraph = ["2024-04-01"];
    public static readonly string[] AlertsManagement = ["2019-03-01", "2019-05-05-preview"];

    public static IReadOnlyList<string> For(ApiFamily family) => family switch
    {
        ApiFamily.Vaults => Vaults,
        ApiFamily.Backup => Backup,
        ApiFamily.Resources => Resources,
        ApiFamily.Authorization => Authorization,
        ApiFamily.Compute => Compute,
        ApiFamily.Storage => Storage,
        ApiFamily.Classic => Classic,
        ApiFamily.ResourceGraph => ResourceGraph,
        ApiFamily.AlertsManagement => AlertsManagement,
        ApiFamily.Provider => [.. Vaults, .. Backup],
        ApiFamily.DataProtection => DataProtection,
        _ => [],
    };

    public static bool IsWellFormed(string version) => DateShape().IsMatch(version);

    public static bool IsSupported(ApiFamily family, string version) =>
        family == ApiFamily.Any || For(family).Contains(version, StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(-[A-Za-z0-9]+)?$")]
    private static partial Regex DateShape();
}
