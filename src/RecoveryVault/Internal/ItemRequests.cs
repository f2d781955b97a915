// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Models;

namespace RecoveryVault.Internal;

/// <summary>The protected-item PUTs that change an existing item (stop, resume, change policy, undelete).</summary>
internal static class ItemRequests
{
    /// <summary>
    /// The item's PUT with its current disk selection and item type carried over: a PUT is a full replacement, so
    /// anything left out (a VM's excluded disks) would be silently dropped by the service.
    /// </summary>
    public static JsonObject Update(BackupItem item, string? policyId, string? protectionState, bool rehydrate = false) =>
        new ProtectionRequest(WorkloadCatalogue.Find(item.Kind) ?? WorkloadCatalogue.AzureVM, item.SourceResourceId, policyId ?? string.Empty)
        {
            ProtectionState = protectionState,
            Disks = item.Disks,
            Rehydrate = rehydrate,
            ProtectedItemType = item.ProtectedItemType,
        }.ToBody();
}
