// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Backup;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Models;

namespace RecoveryVault.Internal;

/// <summary>What Test-, Start- and Get-RecoveryVaultUpgrade share: the request, the result and the verification.</summary>
internal static class UpgradeSupport
{
    public static JsonObject Request(string targetResourceGroupName, string? targetVaultName, string? targetSubscriptionId, bool acceptBillingChange)
    {
        var request = new JsonObject { ["targetResourceGroupName"] = targetResourceGroupName, ["acceptBillingChange"] = acceptBillingChange };
        if (targetVaultName is not null)
        {
            request["targetVaultName"] = targetVaultName;
        }
        if (targetSubscriptionId is not null)
        {
            request["targetSubscriptionId"] = targetSubscriptionId;
        }
        return request;
    }

    /// <summary>The result of an operation document; a succeeded upgrade comes with its new vault and its verification.</summary>
    public static async Task<UpgradeResult> ResultAsync(RecoveryVaultSession session, string? subscriptionId, string classicVaultName, JsonObject op, CancellationToken ct)
    {
        var status = op["properties"]?["status"]?.GetValue<string>() ?? op["status"]?.GetValue<string>();
        if (status != "Succeeded")
        {
            return new UpgradeResult(op, classicVaultName, null, null);
        }
        var target = RecoveryVaultResourceId.Parse(op["properties"]?["targetVaultId"]?.GetValue<string>() ?? throw new InvalidOperationException("The upgrade names no target vault."));
        var vault = new Vault(await session.GetVaultAsync(target.SubscriptionId, target.ResourceGroupName!, target.Name!, ct).ConfigureAwait(false));
        var verification = await VerifyAsync(session, subscriptionId, classicVaultName, op, target, ct).ConfigureAwait(false);
        return new UpgradeResult(op, classicVaultName, vault, verification);
    }

    /// <summary>
    /// Reads both sides and checks that every policy, server, item and recovery point of the classic vault is in the
    /// new vault once: policies, servers and items through the service's id map, each then read from the new vault;
    /// recovery points by id (they keep theirs), item by item.
    /// </summary>
    public static async Task<UpgradeVerification> VerifyAsync(RecoveryVaultSession session, string? subscriptionId, string classicVaultName, JsonObject op,
        RecoveryVaultResourceId target, CancellationToken ct)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (op["properties"]?["idMap"] is JsonObject idMap)
        {
            foreach (var (k, v) in idMap)
            {
                if (v?.GetValue<string>() is { } value)
                {
                    map[k] = value;
                }
            }
        }

        async Task<List<T>> All<T>(IAsyncEnumerable<T> source)
        {
            var list = new List<T>();
            await foreach (var x in source.WithCancellation(ct).ConfigureAwait(false))
            {
                list.Add(x);
            }
            return list;
        }

        var classicPolicies = await All(session.ListClassicAsync(subscriptionId, classicVaultName, "policies", ct)).ConfigureAwait(false);
        var classicServers = await All(session.ListClassicAsync(subscriptionId, classicVaultName, "registeredServers", ct)).ConfigureAwait(false);
        var classicItems = await All(session.ListClassicAsync(subscriptionId, classicVaultName, "protectedItems", ct)).ConfigureAwait(false);
        var classicPoints = await All(session.ListClassicAsync(subscriptionId, classicVaultName, "recoveryPoints", ct)).ConfigureAwait(false);

        const string Mab = "backupManagementType eq 'MAB'";
        var newPolicies = await All(session.ListBackupAsync(target, "backupPolicies", null, ct)).ConfigureAwait(false);
        // A classic MARS agent becomes a MAB container; a DPM or Azure Backup Server becomes a registered backup server
        // (backupEngines), its data sources DPMProtectedItems.
        var newContainers = await All(session.ListBackupAsync(target, "backupProtectionContainers", Mab, ct)).ConfigureAwait(false);
        newContainers.AddRange(await All(session.ListBackupEnginesAsync(target, ct)).ConfigureAwait(false));
        var newItems = (await All(session.ListBackupAsync(target, "backupProtectedItems", null, ct)).ConfigureAwait(false))
            .Where(i => i.BackupManagementType is { } t && (t.Equals("MAB", StringComparison.OrdinalIgnoreCase)
                || WorkloadCatalogue.BackupServer.ManagementTypes.Contains(t, StringComparer.OrdinalIgnoreCase)))
            .ToList();

        UpgradeCount Count(string what, IEnumerable<string> classicIds, IReadOnlyCollection<string> newIds, int duplicated)
        {
            var present = new HashSet<string>(newIds, StringComparer.OrdinalIgnoreCase);
            var ids = classicIds.ToList();
            var missing = ids.Where(id => !map.TryGetValue(id, out var mapped) || !present.Contains(mapped)).ToArray();
            return new UpgradeCount(what, ids.Count, ids.Count - missing.Length, missing, duplicated);
        }

        static int Extra<T>(IEnumerable<T> items, Func<T, string> key) =>
            items.GroupBy(key, StringComparer.OrdinalIgnoreCase).Sum(g => g.Count() - 1);

        var counts = new List<UpgradeCount>
        {
            Count("Policies", classicPolicies.Select(p => p.Id!), [.. newPolicies.Select(p => p.Id!)], Extra(newPolicies, p => p.Name ?? string.Empty)),
            Count("Servers", classicServers.Select(s => s.Id!), [.. newContainers.Select(c => c.Id!)], Extra(newContainers, c => c.FriendlyName ?? c.Name ?? string.Empty)),
            Count("Items", classicItems.Select(i => i.Id!), [.. newItems.Select(i => i.Id!)], Extra(newItems, i => $"{i.Read("containerName")}|{i.FriendlyName}")),
        };

        // Points keep their ids: each classic point must be under the item its item became, once.
        var missingPoints = new List<string>();
        var duplicatedPoints = 0;
        var newPoints = 0;
        var present = new HashSet<string>(newItems.Select(i => i.Id!), StringComparer.OrdinalIgnoreCase);
        foreach (var item in classicItems)
        {
            var expected = classicPoints.Where(p => p.Id!.StartsWith(item.Id + "/recoveryPoints/", StringComparison.OrdinalIgnoreCase)).ToList();
            if (!map.TryGetValue(item.Id!, out var newItemId) || !present.Contains(newItemId))
            {
                missingPoints.AddRange(expected.Select(p => p.Id!));
                continue;
            }
            var vaultOfItem = RecoveryVaultResourceId.Parse(newItemId[..newItemId.IndexOf("/backupFabrics/", StringComparison.OrdinalIgnoreCase)]);
            var points = await All(session.ListBackupAsync(vaultOfItem, BackupPath.Item(newItemId) + "/recoveryPoints", null, ct)).ConfigureAwait(false);
            var names = new HashSet<string>(points.Select(p => p.Name!), StringComparer.OrdinalIgnoreCase);
            missingPoints.AddRange(expected.Where(p => !names.Contains(p.Name!)).Select(p => p.Id!));
            duplicatedPoints += Extra(points, p => p.Read("recoveryPointTime") ?? p.Name!);
            var classicNames = new HashSet<string>(expected.Select(p => p.Name!), StringComparer.OrdinalIgnoreCase);
            newPoints += points.Count(p => !classicNames.Contains(p.Name!));
        }
        counts.Add(new UpgradeCount("RecoveryPoints", classicPoints.Count, classicPoints.Count - missingPoints.Count, [.. missingPoints], duplicatedPoints));
        return new UpgradeVerification(counts, newPoints, map);
    }
}
