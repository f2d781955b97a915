// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Engine;

namespace RecoveryVault.Internal;

/// <summary>Paths of backup children relative to their vault, built from ids the service returned.</summary>
internal static class BackupPaths
{
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
        return (fabric.Length == 0 ? "Azure" : fabric, Seg("protectionContainers"), item);
    }

    public static string Container(string fabric, string container) =>
        $"backupFabrics/{RecoveryVaultResourceId.EscapeSegment(fabric)}/protectionContainers/{RecoveryVaultResourceId.EscapeSegment(container)}";

    public static string Item(string id)
    {
        var (fabric, container, item) = ItemParts(id);
        return $"{Container(fabric, container)}/protectedItems/{RecoveryVaultResourceId.EscapeSegment(item)}";
    }

    public static string RecoveryPoint(string itemId, string recoveryPointName) => $"{Item(itemId)}/recoveryPoints/{Uri.EscapeDataString(recoveryPointName)}";
}
