// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// RegisteredIdentities_Delete (vaults spec 2026-07-01): unregisters a server that registered itself with vault
/// credentials, a MARS agent's server or an Azure Backup Server / DPM server, by name; 204 as the spec lists.
/// </summary>
internal static class RegisteredIdentityHandler
{
    public static void Register(ArmRouter router) =>
        router.Map("DELETE", VaultHandler.VaultPath + "/registeredIdentities/{identityName}", ApiFamily.Vaults, "Microsoft.RecoveryServices/vaults/registeredIdentities", Delete);

    private static ArmResponse Delete(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        var name = ctx.Value("identityName");
        string? bmt;
        int items;
        if (BackupServers.Engine(s, v.Id, name) is { } engine)
        {
            bmt = Json.Str(engine.Props, "backupManagementType");
            items = BackupServers.ItemCount(s, v.Id, engine);
            BackupServers.Unregister(s, v.Id, engine);
        }
        else if (ResourceDoc.Load(s, BackupModel.ContainerId(v.Id, name), BackupDocKinds.Container) is { } c && WorkloadCatalogue.Of(c) == WorkloadCatalogue.MarsServer)
        {
            bmt = Json.Str(c.Props, "backupManagementType");
            items = ResourceDoc.List(s, DocumentKinds.ProtectedItem, c.Id).Count;
            s.DeleteTree(c.Id);
        }
        else
        {
            // ARM deletes are idempotent: nothing registered under the name is already the requested end state.
            return ArmResponse.NoContent();
        }

        BackupEngine.NewJob(s, ctx.Runtime.Backup, v.Id, null, "UnRegister", ctx.SimNow(), null, entityName: name, bmt: bmt);
        if (items > 0)
        {
            // Unregistering a server takes the backup data of what it protected: a critical hybrid operation.
            BackupAlerts.RaiseBackupDataDeleted(s, ctx.Runtime.Backup, v.ArmId, name, null, bmt, ctx.SimNow());
        }
        return ArmResponse.NoContent();
    });
}
