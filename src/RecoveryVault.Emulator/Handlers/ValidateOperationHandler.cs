// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// Restore pre-checks (2023-06-01 ValidateOperation, TriggerValidateOperation, ValidateOperationResults,
/// ValidateOperationStatuses; examples AzureIaasVm/ValidateOperation_RestoreDisk*.json, TriggerValidateOperation_RestoreDisk.json):
/// the restore request of a recovery point is run through the same checks a real restore gets, nothing is restored, and
/// each refusal becomes a validation result (code, message) instead of an error.
/// </summary>
internal static class ValidateOperationHandler
{
    private const string V = VaultHandler.VaultPath;

    public static void Register(ArmRouter router)
    {
        router.Map("POST", V + "/backupValidateOperation", ApiFamily.Backup, "Microsoft.RecoveryServices/vaults/backupValidateOperation", Validate);
        router.Map("POST", V + "/backupTriggerValidateOperation", ApiFamily.Backup, "Microsoft.RecoveryServices/vaults/backupTriggerValidateOperation", Trigger);
        router.Map("GET", V + "/backupValidateOperationResults/{operationId}", ApiFamily.Backup, "Microsoft.RecoveryServices/vaults/backupValidateOperationResults", Result);
        router.Map("GET", V + "/backupValidateOperationsStatuses/{operationId}", ApiFamily.Backup, "Microsoft.RecoveryServices/vaults/backupValidateOperationsStatuses", Status);
    }

    private static ArmResponse Validate(ArmContext ctx) => ArmResponse.Ok(new JsonObject { ["validateOperationResponse"] = Run(ctx) });

    private static ArmResponse Trigger(ArmContext ctx)
    {
        var response = Run(ctx);
        return ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.RequireVault(ctx, s);
            var status = new JsonObject { ["objectType"] = "OperationStatusValidateOperationExtendedInfo", ["validateOperationResponse"] = response };
            var op = BackupOps.Create(s, ctx, v.Id, v.Id, "validate", status, BackupEngine.Next(s));
            var opId = Json.Str(op, "name")!;
            return BackupOps.Accepted(ctx, $"{v.Id}/backupValidateOperationResults/{opId}", $"{v.Id}/backupValidateOperationsStatuses/{opId}");
        });
    }

    private static JsonObject RequireOperation(ArmContext ctx, IStoreSession s)
    {
        var v = BackupRequest.RequireVault(ctx, s);
        var op = BackupOps.Get(s, v.Id, ctx.Value("operationId"));
        return op is not null && Json.Str(op, "result") == "validate"
            ? op
            : throw ArmErrors.NotFound("BMSUserErrorOperationNotFound", $"There is no validate operation '{ctx.Value("operationId")}' in this vault.");
    }

    private static ArmResponse Result(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var op = RequireOperation(ctx, s);
        if (!BackupOps.IsDone(op))
        {
            return BackupOps.StillRunning(ctx, ctx.Path.Replace("/backupValidateOperationResults/", "/backupValidateOperationsStatuses/", StringComparison.OrdinalIgnoreCase));
        }

        return ArmResponse.Ok(new JsonObject { ["validateOperationResponse"] = op["properties"]?["validateOperationResponse"]?.DeepClone() });
    });

    private static ArmResponse Status(ArmContext ctx) => ctx.Store.Transaction(s => ArmResponse.Ok(BackupOps.Status(RequireOperation(ctx, s))));

    /// <summary>Runs the restore's checks in a transaction that is always rolled back; refusals become validation results.</summary>
    private static JsonObject Run(ArmContext ctx)
    {
        var body = ctx.RequireBodyObject();
        var props = body["properties"] as JsonObject ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "properties is required.", "properties");
        var objectType = Json.Str(props, "objectType");
        if (objectType is not ("ValidateIaasVMRestoreOperationRequest" or "ValidateRestoreOperationRequest"))
        {
            throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"properties.objectType '{objectType}' is not ValidateIaasVMRestoreOperationRequest or ValidateRestoreOperationRequest.", "properties.objectType");
        }

        var restore = props["restoreRequest"] as JsonObject ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "properties.restoreRequest is required.", "properties.restoreRequest");
        var pointId = Json.Str(body, "id") ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "id (the recovery point's ARM id) is required.", "id");
        var results = new JsonArray();
        try
        {
            ctx.Store.Transaction(s =>
            {
                var v = BackupRequest.Begin(ctx, s);
                var itemId = pointId.Contains("/recoveryPoints/", StringComparison.OrdinalIgnoreCase) ? pointId[..pointId.LastIndexOf("/recoveryPoints/", StringComparison.OrdinalIgnoreCase)] : string.Empty;
                if (!itemId.StartsWith(v.Id + "/", StringComparison.OrdinalIgnoreCase))
                {
                    throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"id '{pointId}' is not a recovery point of vault '{Json.Str(v.Body, "name")}'.", "id");
                }

                var item = ResourceDoc.Load(s, itemId, DocumentKinds.ProtectedItem)
                    ?? throw ArmErrors.NotFound("BMSUserErrorItemNotFound", $"The protected item '{itemId.Split('/')[^1]}' was not found.");
                var rp = ResourceDoc.Load(s, pointId, BackupDocKinds.RecoveryPoint)
                    ?? throw ArmErrors.NotFound("BMSUserErrorRecoveryPointNotFound", $"The recovery point '{pointId.Split('/')[^1]}' was not found.");
                try
                {
                    Restores.Validate(s, BackupModel.Location(v), item, rp, restore, Json.Object());
                }
                catch (ArmException e) when (e.Status == 400)
                {
                    results.Add(new JsonObject { ["code"] = e.Code, ["message"] = e.Message, ["recommendations"] = new JsonArray("Correct the restore request as the message says, then validate it again before restoring.") });
                }

                throw new RolledBack();
            });
        }
        catch (RolledBack)
        {
        }

        return new JsonObject { ["validationResults"] = results };
    }

    // Thrown to leave the validation transaction without committing anything the checks may have staged.
    private sealed class RolledBack : Exception;
}
