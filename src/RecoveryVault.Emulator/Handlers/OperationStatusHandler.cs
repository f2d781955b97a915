// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>Vault LRO monitors: operationStatus (OperationResource) and operationResults (202 → 200 vault, or 200 without a body once deleted).</summary>
internal static class OperationStatusHandler
{
    public static void Register(ArmRouter router)
    {
        router.Map("GET", VaultHandler.VaultPath + "/operationStatus/{operationId}", ApiFamily.Vaults, VaultModel.Type + "/operationStatus", GetStatus);
        router.Map("GET", VaultHandler.VaultPath + "/operationResults/{operationId}", ApiFamily.Vaults, VaultModel.Type + "/operationResults", GetResult);
    }

    private static ArmResponse GetStatus(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var opId = ctx.Value("operationId");
        var op = Operations.Get(s, opId) ?? throw NotFound(opId);
        var vaultId = VaultModel.IdOf(ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("vaultName"));
        return ArmResponse.Ok(Operations.ToOperationResource(op, $"{vaultId}/operationStatus/{opId}", ctx.Now));
    });

    private static ArmResponse GetResult(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var opId = ctx.Value("operationId");
        var op = Operations.Get(s, opId) ?? throw NotFound(opId);
        var vaultId = VaultModel.IdOf(ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("vaultName"));
        if (!Operations.IsDone(op, ctx.Now))
        {
            var running = ArmResponse.Accepted();
            VaultProtocol.AddLroHeaders(running, ctx, vaultId, opId);
            return running;
        }

        // The vaults spec (GetOperationResult) answers 200 or 202 only: a finished delete is a 200 without a body,
        // never 204, which the official SDKs (e.g. @azure/arm-recoveryservices getOperationResult) reject.
        if (Json.Str(op, "action") == "Delete")
        {
            return ArmResponse.Ok(null);
        }

        var vault = VaultModel.Load(s, Json.Str(op, "resourceId") ?? vaultId, ctx.Now);
        return ArmResponse.Ok(vault is null ? null : VaultModel.Render(vault, ctx.Now));
    });

    private static ArmException NotFound(string opId) =>
        ArmErrors.NotFound("OperationNotFound", $"The operation '{opId}' was not found.");
}
