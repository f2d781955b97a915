// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Models;

namespace RecoveryVault.Internal;

/// <summary>
/// The clean-up Az users script by hand before a vault can be deleted, as one plan: turn soft delete off, purge
/// soft-deleted items (undelete, then delete), stop protection with delete for every item, unregister containers,
/// unregister Azure Backup Servers and DPM servers (their protected servers and items go with them, as in Azure).
/// </summary>
internal static class VaultCleanup
{
    private sealed record Step(string Target, string Action, string Permission, Func<CancellationToken, Task> Run);

    private const string VaultWrite = "Microsoft.RecoveryServices/Vaults/write";
    private const string VaultDelete = "Microsoft.RecoveryServices/Vaults/delete";
    private const string ItemWrite = "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/write";
    private const string ItemDelete = "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/delete";
    private const string ContainerDelete = "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/delete";
    private const string IdentityDelete = "Microsoft.RecoveryServices/Vaults/registeredIdentities/delete";

    public static async Task<bool> RunAsync(ICmdletAccess cmdlet, RecoveryVaultSession session, RecoveryVaultResourceId vault, string? softDeleteState, bool force, CancellationToken ct)
    {
        var steps = new List<Step>();
        var vaultId = vault.ToString();
        var items = new List<BackupItem>();
        await foreach (var d in session.ListBackupAsync(vault, new ItemQuery().ToRequest(), ct).ConfigureAwait(false))
        {
            var item = new BackupItem(d, vaultId);
            // A backup server's data sources are not deleted one by one from Azure: they go with the server's unregistration.
            if (item.Kind != WorkloadCatalogue.BackupServer.Name)
            {
                items.Add(item);
            }
        }
        var containers = new List<BackupContainer>();
        // VM containers go with their items, a backup server's protected servers with it; the others must be unregistered.
        foreach (var kind in WorkloadCatalogue.All.Where(k => k != WorkloadCatalogue.AzureVM && k != WorkloadCatalogue.BackupServer))
        {
            foreach (var request in new ContainerQuery(kind).ToRequests())
            {
                await foreach (var d in session.ListBackupAsync(vault, request, ct).ConfigureAwait(false))
                {
                    containers.Add(new BackupContainer(d, vaultId));
                }
            }
        }
        var servers = new List<BackupServer>();
        await foreach (var d in session.ListBackupEnginesAsync(vault, ct).ConfigureAwait(false))
        {
            servers.Add(new BackupServer(d, vaultId));
        }
        if (string.Equals(softDeleteState, "AlwaysON", StringComparison.OrdinalIgnoreCase) && items.Count > 0)
        {
            throw new RecoveryVaultServiceException(409, "SoftDeleteAlwaysOn",
                $"Vault '{vault.Name}' has soft delete set to AlwaysON (irreversible): its {items.Count} item(s) can only be deleted and left to expire after the retention period, so -DeleteBackupData cannot empty it now.", vaultId, null);
        }
        if (items.Count > 0 && string.Equals(softDeleteState, "Enabled", StringComparison.OrdinalIgnoreCase))
        {
            steps.Add(new Step(vaultId, "Turn soft delete off so deleted backup data is purged at once", VaultWrite, async t =>
            {
                var patch = new JsonObject { ["properties"] = new JsonObject { ["securitySettings"] = new JsonObject { ["softDeleteSettings"] = new JsonObject { ["softDeleteState"] = "Disabled" } } } };
                // Only on the vault as read: a concurrent change (say, soft delete made AlwaysON) gets 412, not overwritten.
                var current = await session.GetVaultAsync(vault.SubscriptionId, vault.ResourceGroupName!, vault.Name, t).ConfigureAwait(false);
                await session.PatchVaultAsync(vault.SubscriptionId, vault.ResourceGroupName!, vault.Name, patch, t, current.ETag).ConfigureAwait(false);
            }));
        }
        foreach (var item in items.Where(i => i.IsDeleted))
        {
            steps.Add(new Step(item.Id, "Undelete the soft-deleted item so its data can be purged", ItemWrite, t =>
                session.BackupOperationAsync(vault, "PUT", BackupPath.Item(item.Id), ItemRequests.Update(item, null, "ProtectionStopped", rehydrate: true), true, t)));
        }
        foreach (var item in items)
        {
            steps.Add(new Step(item.Id, $"Stop protection of '{item.FriendlyName}' and DELETE its backup data", ItemDelete, t =>
                session.BackupOperationAsync(vault, "DELETE", BackupPath.Item(item.Id), null, true, t)));
        }
        foreach (var c in containers)
        {
            var (fabric, name, _) = BackupPath.ItemParts(c.Id);
            steps.Add(new Step(c.Id, $"Unregister '{c.FriendlyName}'", ContainerDelete, t => session.BackupOperationAsync(vault, "DELETE", BackupPath.Container(fabric, name), null, true, t)));
        }
        foreach (var server in servers)
        {
            steps.Add(new Step(server.Id, $"Unregister backup server '{server.Name}' ({server.Type}) and DELETE the backup data of its {server.ProtectedItemCount} item(s)", IdentityDelete,
                t => session.UnregisterIdentityAsync(vault, server.Name, t)));
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
        await RequirePermissionsAsync(cmdlet, session, vaultId, steps, ct).ConfigureAwait(false);
        var summary = steps.Count == 0
            ? "Delete Recovery Services vault"
            : $"Delete Recovery Services vault after {items.Count} item(s) are stopped with their backup data DELETED, {containers.Count} container(s) unregistered"
                + (servers.Count > 0 ? $" and {servers.Count} backup server(s) unregistered with the backup data of their {servers.Sum(s => s.ProtectedItemCount)} item(s)" : string.Empty);
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

    /// <summary>
    /// Before the first step, the caller's permissions at the vault (Microsoft.Authorization permissions) must cover
    /// every step and the vault delete that follows: a Backup Contributor may delete backup data but not the vault, and
    /// finding that out at the last step would leave a vault with soft delete off and no backups (issue 14).
    /// </summary>
    private static async Task RequirePermissionsAsync(ICmdletAccess cmdlet, RecoveryVaultSession session, string vaultId, List<Step> steps, CancellationToken ct)
    {
        var permissions = new List<Engine.Models.PermissionData>();
        try
        {
            await foreach (var p in session.ListPermissionsAsync(vaultId, ct).ConfigureAwait(false))
            {
                permissions.Add(p);
            }
        }
        catch (RecoveryVaultServiceException ex) when (ex.Status is 400 or 404)
        {
            // A service that cannot answer for the caller's permissions: the plan runs and the service judges each step.
            cmdlet.Verbose($"Could not read the permissions at {vaultId} ({ex.ErrorCode}); the service will judge each step.");
            return;
        }

        var needed = steps.Select(s => (Permission: s.Permission, Action: s.Action)).Append((Permission: VaultDelete, Action: "Delete Recovery Services vault"));
        foreach (var (permission, action) in needed.DistinctBy(n => n.Permission))
        {
            if (!Engine.Models.PermissionData.AnyAllows(permissions, permission))
            {
                throw new RecoveryVaultServiceException(403, "AuthorizationFailed",
                    $"The signed-in identity does not have authorization to perform action '{permission}' over scope '{vaultId}', which the step \"{action}\" needs. " +
                    "Nothing was changed: the clean-up stops before its first step rather than half-way.", vaultId, null);
            }
        }
    }
}
