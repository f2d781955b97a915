// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Models;

namespace RecoveryVault.Internal;

/// <summary>Bodies for the protected-item PUTs that change protection (stop, resume, change policy, undelete).</summary>
internal static class ItemUpdate
{
    public static JsonObject Body(BackupItem item, string? policyId, string? protectionState, bool rehydrate = false)
    {
        var p = new JsonObject
        {
            ["protectedItemType"] = item.ProtectedItemType ?? "Microsoft.Compute/virtualMachines",
            ["policyId"] = policyId ?? string.Empty,
        };
        if (item.SourceResourceId is not null)
        {
            p["sourceResourceId"] = item.SourceResourceId;
        }
        if (protectionState is not null)
        {
            p["protectionState"] = protectionState;
        }
        if (rehydrate)
        {
            p["isRehydrate"] = true;
        }
        return new JsonObject { ["properties"] = p };
    }
}
