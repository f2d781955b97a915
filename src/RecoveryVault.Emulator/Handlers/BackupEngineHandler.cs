// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>The vault's registered Azure Backup Servers and DPM servers (spec BackupEngines_List / BackupEngines_Get, 2023-06-01).</summary>
internal static class BackupEngineHandler
{
    private const string P = VaultHandler.VaultPath + "/backupEngines";

    public static void Register(ArmRouter router)
    {
        router.Map("GET", P, ApiFamily.Backup, BackupServers.EngineType, List);
        router.Map("GET", P + "/{backupEngineName}", ApiFamily.Backup, BackupServers.EngineType, Get);
    }

    // Spec BMSBackupEnginesQueryObject: backupManagementType, friendlyName (expand only adds extendedInfo, which is always there).
    private static ArmResponse List(ArmContext ctx)
    {
        var filter = BackupModel.ParseStrictFilter(ctx.Query("$filter"), "backupManagementType", "friendlyName", "expand");
        var list = ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            return BackupServers.Engines(s, v.Id)
                .Where(e => !filter.TryGetValue("backupManagementType", out var bmt) || BackupModel.Eq(Json.Str(e.Props, "backupManagementType"), bmt))
                .Where(e => !filter.TryGetValue("friendlyName", out var fn) || BackupModel.Eq(Json.Str(e.Props, "friendlyName"), fn))
                .Select(e => (JsonNode)e.Body)
                .ToList();
        });
        return ctx.Page(list);
    }

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        var name = ctx.Value("backupEngineName");
        var engine = BackupServers.Engine(s, v.Id, name) ?? throw BackupServers.NotFound(name);
        return ArmResponse.Ok(engine.Body);
    });
}
