// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Engine.Backup;

/// <summary>Paths of backup resources relative to their vault (CONTRACT.md §3), built from ids the service returned.</summary>
public static class BackupPath
{
    /// <summary>The fabric of every Azure workload (spec: fabricName "Azure").</summary>
    public const string AzureFabric = "Azure";

    /// <summary>
    /// (fabric, container, item) of a protected or protectable item id. Some list answers omit
    /// <c>backupFabrics/Azure</c> from the id (see the official BackupProtectedItems_List example), so the fabric
    /// defaults to Azure.
    /// </summary>
    public static (string Fabric, string Container, string Item) ItemParts(string id)
    {
        var parts = id.Split('/');
        string Seg(string name) => Array.FindIndex(parts, p => p.Equals(name, StringComparison.OrdinalIgnoreCase)) is var i and >= 0 && i + 1 < parts.Length
            ? Uri.UnescapeDataString(parts[i + 1]) : string.Empty;
        var fabric = Seg("backupFabrics");
        var item = Seg("protectedItems");
        if (item.Length == 0)
        {
            item = Seg("protectableItems");
        }
        return (fabric.Length == 0 ? AzureFabric : fabric, Seg("protectionContainers"), item);
    }

    /// <summary>A name as one path segment: escaped, and never a dot segment that a URI would fold into its parent.</summary>
    public static string Segment(string name)
    {
        if (name.Length == 0 || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a valid name for a backup resource.", nameof(name));
        }
        return RecoveryVaultResourceId.EscapeSegment(name);
    }

    /// <summary>backupFabrics/{fabric}/protectionContainers/{container}.</summary>
    public static string Container(string fabric, string container) =>
        $"backupFabrics/{Segment(fabric)}/protectionContainers/{Segment(container)}";

    /// <summary>The item path of a protected item id.</summary>
    public static string Item(string id)
    {
        var (fabric, container, item) = ItemParts(id);
        return Item(fabric, container, item);
    }

    /// <summary>backupFabrics/{fabric}/protectionContainers/{container}/protectedItems/{item}.</summary>
    public static string Item(string fabric, string container, string item) => $"{Container(fabric, container)}/protectedItems/{Segment(item)}";

    /// <summary>The recovery point collection of an item.</summary>
    public static string RecoveryPoints(string itemId) => $"{Item(itemId)}/recoveryPoints";

    /// <summary>One recovery point of an item.</summary>
    public static string RecoveryPoint(string itemId, string recoveryPointName) => $"{RecoveryPoints(itemId)}/{Segment(recoveryPointName)}";

    /// <summary>One policy.</summary>
    public static string Policy(string name) => "backupPolicies/" + Segment(name);

    /// <summary>One job.</summary>
    public static string Job(string jobId) => "backupJobs/" + Segment(jobId);

    /// <summary>Container discovery of the Azure fabric (ProtectionContainers_Refresh).</summary>
    public const string RefreshContainers = "backupFabrics/Azure/refreshContainers";
}
