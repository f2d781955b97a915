// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Models;

namespace RecoveryVault.Internal;

/// <summary>
/// The clean-up Az users script by hand before a vault can be deleted, as one plan: turn soft delete off, purge
/// soft-deleted items (undelete, then delete), stop protection with delete for every item, unregister containers.
/// </summary>
internal static class VaultCleanup
{
    private sealed record Step(string Target, string Action, Func<CancellationToken, Task> Run);

    public static async Task<bool> RunAsync(ICmdletAccess cmdlet, RecoveryVaultSession session, RecoveryVaultResourceId vault, string? softDeleteState, bool force, CancellationToken ct)
    {
        var steps = new List<Step>();
        var vaultId = vault.ToString();
        var items = new List<BackupItem>();
        await foreach (var d in session.ListBackupAsync(vault, new ItemQuery().ToRequest(), ct).ConfigureAwait(false))
        {
            items.Add(new BackupItem(d, vaultId));
        }
        var containers = new List<BackupContainer>();
        // VM containers go with their items; the others must be unregistered.
        foreach (var kind in WorkloadCatalogue.All.Where(k => k != WorkloadCatalogue.AzureVM))
        {
            await foreach (var d in session.ListBackupAsync(vault, new ContainerQuery(kind).ToRequest(), ct).ConfigureAwait(false))
            {
                containers.Add(new BackupContainer(d, vaultId));
            }
        }
        if (string.Equals(softDeleteState, "AlwaysON", StringComparison.OrdinalIgnoreCase) && items.Count > 0)
        {
            throw new RecoveryVaultServiceException(409, "SoftDeleteAlwaysOn",
                $"Vault '{vault.Name}' has soft delete set to AlwaysON (irreversible): its {items.Count} item(s) can only be deleted and left to expire after the retention period, so -DeleteBackupData cannot empty it now.", vaultId, null);
        }
        if (items.Count > 0 && string.Equals(softDeleteState, "Enabled", StringComparison.OrdinalIgnoreCase))
        {
            steps.Add(new Step(vaultId, "Turn soft delete off so deleted backup data is purged at once", async t =>
            {
                var patch = new JsonObject { ["properties"] = new JsonObject { ["securitySettings"] = new JsonObject { ["softDeleteSettings"] = new JsonObject { ["softDeleteState"] = "Disabled" } } } };
                // Only on the vault as read: a concurrent change (say, soft delete made AlwaysON) gets 412, not overwritten.
                var current = await session.GetVaultAsync(vault.SubscriptionId, vault.ResourceGroupName!, vault.Name, t).ConfigureAwait(false);
                await session.PatchVaultAsync(vault.SubscriptionId, vault.ResourceGroupName!, vault.Name, patch, t, current.ETag).ConfigureAwait(false);
            }));
        }
        foreach (var item in items.Where(i => i.IsDeleted))
        {
            steps.Add(new Step(item.Id, "Undelete the soft-deleted item so its data can be purged", t =>
                session.BackupOperationAsync(vault, "PUT", BackupPath.Item(item.Id), ItemRequests.Update(item, null, "ProtectionStopped", rehydrate: true), true, t)));
        }
        foreach (var item in items)
        {
            steps.Add(new Step(item.Id, $"Stop protection of '{item.FriendlyName}' and DELETE its backup data", t =>
                session.BackupOperationAsync(vault, "DELETE", BackupPath.Item(item.Id), null, true, t)));
        }
        foreach (var c in containers)
        {
            var (fabric, name, _) = BackupPath.ItemParts(c.Id);
            steps.Add(new Step(c.Id, $"Unregister '{c.FriendlyName}'", t => session.BackupOperationAsync(vault, "DELETE", BackupPath.Container(fabric, name), null, true, t)));
        }
        if (cmdlet.IsWhatIf)
        {
            foreach (var step in steps)
            {
                await cmdlet.ShouldProcessStepAsync(step.Target, step.Action).ConfigureAwait(false);
            }
            await cmdlet.ShouldProcessStepAsync(vaultId, "Delete Recovery Services vault").ConfigureAwait(false);
            return false;
        }
        var summary = steps.Count == 0
            ? "Delete Recovery Services vault"
            : $"Delete Recovery Services vault after {items.Count} item(s) are stopped with their backup data DELETED and {containers.Count} container(s) unregistered";
        if (!force && !await cmdlet.ShouldProcessStepAsync(vaultId, summary).ConfigureAwait(false))
        {
            return false;
        }
        foreach (var step in steps)
        {
            cmdlet.Verbose($"{step.Action}: {step.Target}");
            await step.Run(ct).ConfigureAwait(false);
        }
        return true;
    }
}
