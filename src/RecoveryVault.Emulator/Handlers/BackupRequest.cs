// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>Shared start of every backup request: the vault (defaults seeded) and an engine caught up to the simulated now.</summary>
internal static class BackupRequest
{
    /// <summary>Vault of the request; lazily gets Azure's default policies the first time the backup surface sees it.</summary>
    public static ResourceDoc RequireVault(ArmContext ctx, IStoreSession s)
    {
        var v = VaultModel.Require(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("vaultName"), ctx.Now);
        BackupModel.EnsureVaultSeeded(s, v, ctx.Runtime.Backup.Clock.Now);
        return v;
    }

    public static ResourceDoc Begin(ArmContext ctx, IStoreSession s)
    {
        var v = RequireVault(ctx, s);
        BackupEngine.CatchUp(s, ctx.Runtime.Backup, ctx.Runtime.Backup.Clock.Now);
        return v;
    }

    public static DateTimeOffset SimNow(this ArmContext ctx) => ctx.Runtime.Backup.Clock.Now;

    /// <summary>Synchronous answers only where the spec lists one and the emulator runs with lroDurationMs 0.</summary>
    public static bool Sync(this ArmContext ctx) => ctx.Runtime.LroDurationMs <= 0;

    public static JsonObject JobInfo(string jobName) => new() { ["objectType"] = "OperationStatusJobExtendedInfo", ["jobId"] = jobName };
}
