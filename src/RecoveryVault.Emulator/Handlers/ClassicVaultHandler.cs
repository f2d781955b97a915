// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Domain.Classic;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// Classic Backup vaults (the emulator's model of the retired Service Manager API): list/get, their servers, items,
/// policies, recovery points and jobs, the upgrade check, the upgrade (202 + Azure-AsyncOperation + Retry-After) and
/// its status.
/// </summary>
internal static class ClassicVaultHandler
{
    private const string List_ = "/subscriptions/{subscriptionId}/providers/Microsoft.Backup/classicVaults";
    private const string V = List_ + "/{vaultName}";
    private const string T = ClassicVaults.VaultType;

    public static void Register(ArmRouter router)
    {
        router.Map("GET", List_, ApiFamily.Classic, T, List);
        router.Map("GET", V, ApiFamily.Classic, T, Get);
        router.Map("GET", V + "/registeredServers", ApiFamily.Classic, T + "/registeredServers", ctx => Children(ctx, (s, id) => ClassicVaults.Servers(s, id).Select(d => (JsonNode)d.Body.DeepClone())));
        router.Map("GET", V + "/protectedItems", ApiFamily.Classic, T + "/protectedItems", ctx => Children(ctx, (s, id) => ClassicVaults.Items(s, id).Select(d => (JsonNode)ClassicVaults.RenderItem(s, d))));
        router.Map("GET", V + "/policies", ApiFamily.Classic, T + "/policies", ctx => Children(ctx, (s, id) => ClassicVaults.Policies(s, id).Select(d => (JsonNode)d.Body.DeepClone())));
        router.Map("GET", V + "/recoveryPoints", ApiFamily.Classic, T + "/recoveryPoints", ctx => Children(ctx, (s, id) => ClassicVaults.Points(s, id)
            .OrderBy(d => d.Id, StringComparer.Ordinal).Select(d => (JsonNode)d.Body.DeepClone())));
        router.Map("GET", V + "/jobs", ApiFamily.Classic, T + "/jobs", ctx => Children(ctx, (s, id) => ClassicVaults.Jobs(s, id)
            .OrderByDescending(d => Json.Str(d.Props, "startTime"), StringComparer.Ordinal).Select(d => (JsonNode)d.Body.DeepClone())));
        router.Map("POST", V + "/validateUpgrade", ApiFamily.Classic, T, Validate);
        router.Map("POST", V + "/upgrade", ApiFamily.Classic, T, Upgrade);
        router.Map("GET", V + "/upgradeOperations/{operationId}", ApiFamily.Classic, T + "/upgradeOperations", Operation);
        router.Map("GET", V + "/upgradeStatus", ApiFamily.Classic, T + "/upgradeStatus", Status);
    }

    private static ResourceDoc Begin(ArmContext ctx, IStoreSession s)
    {
        // The classic side runs on the backup engine's clock: jobs finish and upgrades move as it advances.
        BackupEngine.CatchUp(s, ctx.Runtime.Backup, ctx.Runtime.Backup.Clock.Now);
        return ClassicVaults.Require(s, ctx.Value("subscriptionId"), ctx.Value("vaultName"));
    }

    private static ArmResponse List(ArmContext ctx)
    {
        var list = ctx.Store.Transaction(s =>
        {
            BackupEngine.CatchUp(s, ctx.Runtime.Backup, ctx.Runtime.Backup.Clock.Now);
            return ClassicVaults.List(s, ctx.Value("subscriptionId")).Select(v => (JsonNode)ClassicVaults.Render(s, v)).ToList();
        });
        return ctx.Page(list);
    }

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s => ArmResponse.Ok(ClassicVaults.Render(s, Begin(ctx, s))));

    private static ArmResponse Children(ArmContext ctx, Func<IStoreSession, string, IEnumerable<JsonNode>> list)
    {
        var items = ctx.Store.Transaction(s => list(s, Begin(ctx, s).Id).ToList());
        return ctx.Page(items);
    }

    private static ArmResponse Validate(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var vault = Begin(ctx, s);
        var target = ClassicUpgrade.ReadTarget(ctx.BodyObjectOrEmpty(), ctx.Value("subscriptionId"), ctx.Value("vaultName"));
        var findings = ClassicUpgrade.Check(s, vault, target, ctx.Principal.ObjectId, ctx.SimNow());
        return ArmResponse.Ok(new JsonObject
        {
            ["classicVaultId"] = vault.ArmId,
            ["targetVaultId"] = ClassicUpgrade.TargetVaultId(target),
            ["canUpgrade"] = ClassicUpgrade.CanUpgrade(findings),
            ["findings"] = findings,
        });
    });

    private static ArmResponse Upgrade(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var vault = Begin(ctx, s);
        var target = ClassicUpgrade.ReadTarget(ctx.RequireBodyObject(), ctx.Value("subscriptionId"), ctx.Value("vaultName"));
        if (ClassicVaults.State(vault) == "Upgraded")
        {
            throw ArmErrors.Conflict("VaultAlreadyUpgraded", $"The classic vault was already upgraded to {Json.Str(vault.Props, "upgradedVaultId")}.");
        }

        var op = ClassicUpgrade.Start(s, ctx.Runtime.Backup, vault, target, ctx.Principal.ObjectId, ctx.SimNow());
        var r = ArmResponse.Accepted();
        var url = $"{ctx.BaseUrl}{BackupOps.EscapePath(op.ArmId)}?api-version={Uri.EscapeDataString(ctx.ApiVersion)}";
        r.Headers["Azure-AsyncOperation"] = url;
        r.Headers["Location"] = url;
        r.Headers["Retry-After"] = ctx.Runtime.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return r;
    });

    private static ArmResponse Operation(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var vault = Begin(ctx, s);
        var op = ResourceDoc.Load(s, $"{vault.Id}/upgradeOperations/{ctx.Value("operationId")}", ClassicUpgrade.OperationKind)
            ?? throw ArmErrors.NotFound("UpgradeOperationNotFound", $"No upgrade operation '{ctx.Value("operationId")}' for this vault.");
        return Answer(ctx, op);
    });

    private static ArmResponse Status(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var vault = Begin(ctx, s);
        var op = ClassicUpgrade.Latest(s, vault.Id)
            ?? throw ArmErrors.NotFound("UpgradeNotFound", $"The classic vault '{ctx.Value("vaultName")}' has no upgrade.");
        return Answer(ctx, op);
    });

    private static ArmResponse Answer(ArmContext ctx, ResourceDoc op)
    {
        var body = (JsonObject)op.Body.DeepClone();
        // The ARM async-operation shape on top (status, times, error), the upgrade's own detail under properties.
        body["status"] = Json.Str(op.Props, "status");
        body["startTime"] = Json.Str(op.Props, "startTime");
        body["endTime"] = Json.Str(op.Props, "endTime");
        body["percentComplete"] = Json.Int(op.Props["percentComplete"]);
        if (op.Props["error"] is JsonObject error)
        {
            body["error"] = error.DeepClone();
        }

        if (ClassicUpgrade.IdMap(op) is { } map)
        {
            body["properties"]!["idMap"] = map.DeepClone();
        }

        var r = ArmResponse.Ok(body);
        if (Json.Str(op.Props, "status") == "InProgress")
        {
            r.Headers["Retry-After"] = ctx.Runtime.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return r;
    }
}
