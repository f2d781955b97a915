// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Engine.Backup;

/// <summary>Which count BackupUsageSummaries answers (spec: the <c>type</c> of BMSBackupSummariesQueryObject).</summary>
public enum UsageSummaryType
{
    /// <summary>Protected items per backup management type.</summary>
    ProtectedItems,

    /// <summary>Registered containers (servers) per backup management type.</summary>
    Containers,
}

/// <summary>Paths and names of the hybrid (MARS, Azure Backup Server, DPM) surface.</summary>
public static class HybridPaths
{
    /// <summary>The backup engines collection under a vault.</summary>
    public const string BackupEngines = "backupEngines";

    /// <summary>The registered identity of a server, under a vault.</summary>
    public static string RegisteredIdentity(string name) => "registeredIdentities/" + Uri.EscapeDataString(name);

    /// <summary>The wire value of a usage summary type.</summary>
    public static string SummaryType(UsageSummaryType type) => type switch
    {
        UsageSummaryType.ProtectedItems => "BackupProtectedItemCountSummary",
        UsageSummaryType.Containers => "BackupProtectionContainerCountSummary",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The name of a backup engine from its id (…/backupEngines/{name}).</summary>
    public static string? EngineName(string id)
    {
        var parts = id.TrimEnd('/').Split('/');
        return parts.Length >= 2 && parts[^2].Equals(BackupEngines, StringComparison.OrdinalIgnoreCase) ? parts[^1] : null;
    }
}

/// <summary>
/// The question "is this protected?" for one source (BackupStatus_Get body BackupStatusRequest: resourceType VM or
/// AzureFileShare, resourceId, and for a share poLogicalName, the share's name).
/// </summary>
/// <param name="SubscriptionId">The subscription of the source (the request is per subscription and region).</param>
/// <param name="Region">The source's region.</param>
/// <param name="ResourceId">The VM or storage account id.</param>
/// <param name="FileShareName">The share's name, for a storage account.</param>
public sealed record BackupStatusRequest(string SubscriptionId, string Region, string ResourceId, string? FileShareName)
{
    /// <summary>Microsoft.Compute/virtualMachines ARM GETs (the api-version the Az module uses for VMs).</summary>
    public const string ComputeApiVersion = "2023-03-01";

    /// <summary>Microsoft.Storage/storageAccounts ARM GETs.</summary>
    public const string StorageApiVersion = "2023-01-01";

    /// <summary>What kind of source an id names: VM, AzureFileShare, or null when neither.</summary>
    public static string? ResourceTypeOf(string resourceId) =>
        resourceId.Contains("/providers/Microsoft.Compute/virtualMachines/", StringComparison.OrdinalIgnoreCase) ? "VM"
        : resourceId.Contains("/providers/Microsoft.Storage/storageAccounts/", StringComparison.OrdinalIgnoreCase) ? "AzureFileShare"
        : null;

    /// <summary>The api-version to read the source's own resource with.</summary>
    public static string ApiVersionOf(string resourceId) => ResourceTypeOf(resourceId) == "VM" ? ComputeApiVersion : StorageApiVersion;

    /// <summary>The request path.</summary>
    public string Path => $"/subscriptions/{Uri.EscapeDataString(SubscriptionId)}/providers/Microsoft.RecoveryServices/locations/{Uri.EscapeDataString(Region)}/backupStatus";

    /// <summary>The request body.</summary>
    public JsonObject ToBody()
    {
        var type = ResourceTypeOf(ResourceId) ?? throw new ArgumentException($"'{ResourceId}' is not a VM or a storage account.", nameof(ResourceId));
        var body = new JsonObject { ["resourceType"] = type, ["resourceId"] = ResourceId };
        if (type == "AzureFileShare")
        {
            body["poLogicalName"] = FileShareName ?? throw new ArgumentException("A storage account's status is asked per file share: the share name is required.", nameof(FileShareName));
        }
        return body;
    }
}
