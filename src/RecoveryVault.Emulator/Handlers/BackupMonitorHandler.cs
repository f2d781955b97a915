// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// Every backup monitor URL (container, item, fabric, job, vault-wide; policies have their own result, see
/// BackupPolicyHandler) resolves to one operation record; operationResults answers 202 (+Location) while it runs,
/// then 200 + the resource or 204.
/// </summary>
internal static class BackupMonitorHandler
{
    public static void Register(ArmRouter router)
    {
        const string V = VaultHandler.VaultPath;
        router.Map("GET", V + "/backupOperationResults/{operationId}", ApiFamily.Backup, "Microsoft.RecoveryServices/vaults/backupOperationResults", Result);
        router.Map("GET", V + "/backupOperations/{operationId}", ApiFamily.Backup, "Microsoft.RecoveryServices/vaults/backupOperations", Status);
        router.Map("GET", V + "/backupFabrics/{fabricName}/operationResults/{operationId}", ApiFamily.Backup, "Microsoft.RecoveryServices/vaults/backupFabrics/operationResults", Result);
        router.Map("GET", V + "/backupJobs/{jobName}/operationResults/{operationId}", ApiFamily.Backup, "Microsoft.RecoveryServices/vaults/backupJobs/operationResults", Result);
    }

    private static JsonObject Require(ArmContext ctx, IStoreSession s, ResourceDoc v)
    {
        var id = ctx.Value("operationId");
        return BackupOps.Get(s, v.Id, id) ?? throw ArmErrors.NotFound("BMSUserErrorOperationNotFound", $"The operation '{id}' was not found.");
    }

    public static ArmResponse Status(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        return ArmResponse.Ok(BackupOps.Status(Require(ctx, s, v)));
    });

    /// <summary>
    /// The status monitor that goes with an operationResults URL, named again in its 202 as the examples show
    /// (ProtectedItemOperationResults.json, ProtectedItem_Delete_OperationResult.json); fabric refresh and job
    /// monitors have none.
    /// </summary>
    private static string? StatusPathOf(string path)
    {
        const string VaultResults = "/backupOperationResults/";
        const string Results = "/operationResults/";
        var v = path.LastIndexOf(VaultResults, StringComparison.OrdinalIgnoreCase);
        if (v >= 0)
        {
            return path[..v] + "/backupOperations/" + path[(v + VaultResults.Length)..];
        }

        var i = path.LastIndexOf(Results, StringComparison.OrdinalIgnoreCase);
        if (i < 0)
        {
            return null;
        }

        var owner = path[..i];
        var segs = owner.Split('/');
        var status = segs.Length < 2 ? null : segs[^2].ToUpperInvariant() switch
        {
            "PROTECTEDITEMS" or "PROTECTIONCONTAINERS" => "/operationsStatus/",
            _ => null,
        };
        return status is null ? null : owner + status + path[(i + Results.Length)..];
    }

    public static ArmResponse Result(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        var op = Require(ctx, s, v);
        if (!BackupOps.IsDone(op))
        {
            return BackupOps.StillRunning(ctx, StatusPathOf(ctx.Path));
        }

        var resourceId = Json.Str(op, "resourceId") ?? string.Empty;
        switch (Json.Str(op, "result"))
        {
            case "policy": // a policy update's operation read through the vault-wide backupOperationResults
                return ResourceDoc.Load(s, resourceId, BackupDocKinds.Policy) is { } p ? ArmResponse.Ok(PolicyStore.Render(s, p)) : ArmResponse.NoContent();
            case "item":
                return ResourceDoc.Load(s, resourceId, DocumentKinds.ProtectedItem) is { } i ? ArmResponse.Ok(ProtectedItemHandler.Render(s, i, ctx.SimNow())) : ArmResponse.NoContent();
            case "container":
                return ResourceDoc.Load(s, resourceId, BackupDocKinds.Container) is { } c ? ArmResponse.Ok(ContainerHandler.Render(s, c)) : ArmResponse.NoContent();
            default:
                return ArmResponse.NoContent();
        }
    });
}
