// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Backup;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>Shared start of every backup request: the vault (defaults seeded) and an engine caught up to the simulated now.</summary>
internal static class BackupRequest
{
    public static VaultRecord Begin(ArmContext ctx, IStoreSession s)
    {
        var v = BackupModel.RequireVault(ctx, s);
        BackupEngine.CatchUp(s, ctx.Runtime.Backup, ctx.Runtime.Backup.Clock.Now);
        return v;
    }

    public static DateTimeOffset SimNow(this ArmContext ctx) => ctx.Runtime.Backup.Clock.Now;

    /// <summary>Synchronous answers only where the spec lists one and the emulator runs with lroDurationMs 0.</summary>
    public static bool Sync(this ArmContext ctx) => ctx.Runtime.LroDurationMs <= 0;

    public static JsonObject JobInfo(string jobName) => new() { ["objectType"] = "OperationStatusJobExtendedInfo", ["jobId"] = jobName };
}

/// <summary>Backup policies: list ($filter), get, PUT (style C), DELETE (style B), and the two policy monitors.</summary>
internal static class BackupPolicyHandler
{
    private const string P = VaultHandler.VaultPath + "/backupPolicies";
    private const string T = BackupModel.PolicyType;

    public static void Register(ArmRouter router)
    {
        router.Map("GET", P, ApiFamily.Backup, T, List);
        router.Map("GET", P + "/{policyName}", ApiFamily.Backup, T, Get);
        router.Map("PUT", P + "/{policyName}", ApiFamily.Backup, T, Put);
        router.Map("DELETE", P + "/{policyName}", ApiFamily.Backup, T, Delete);
        router.Map("GET", P + "/{policyName}/operationResults/{operationId}", ApiFamily.Backup, T + "/operationResults", OperationResult);
        router.Map("GET", P + "/{policyName}/operations/{operationId}", ApiFamily.Backup, T + "/operations", BackupMonitorHandler.Status);
    }

    private static ArmResponse List(ArmContext ctx)
    {
        var filter = BackupModel.ParseFilter(ctx.Query("$filter"));
        return ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            var policies = BackupDoc.List(s, BackupDocKinds.Policy, v.Id + "/backupPolicies")
                .Where(p => !filter.TryGetValue("backupManagementType", out var b) || BackupModel.Eq(Json.Str(p.Props, "backupManagementType"), b))
                .Where(p => !filter.TryGetValue("workloadType", out var w) || BackupModel.Eq(Json.Str(p.Props, "workLoadType"), w) || WorkloadCatalogue.AzureVM.Is(Json.Str(p.Props, "backupManagementType")) && BackupModel.Eq(w, WorkloadCatalogue.AzureVM.WorkloadType))
                .ToList();

            // The vault's items are read once for the page, not once per policy.
            var users = PolicyStore.ItemsUsing(s, v.Id);
            return ctx.Page(policies, p => PolicyStore.Render(p, users));
        });
    }

    private static BackupDoc Require(ArmContext ctx, IStoreSession s, VaultRecord v) =>
        PolicyStore.Load(s, v.Id, ctx.Value("policyName"))
        ?? throw ArmErrors.NotFound("BMSUserErrorPolicyNotFound", $"The backup policy '{ctx.Value("policyName")}' was not found in vault '{Json.Str(v.Body, "name")}'.");

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        return ArmResponse.Ok(PolicyStore.Render(s, Require(ctx, s, v)));
    });

    private static ArmResponse Put(ArmContext ctx)
    {
        var props = PolicyRules.Validate(ctx.RequireBodyObject());
        return ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            var name = ctx.Value("policyName");
            var existing = PolicyStore.Load(s, v.Id, name);
            if (existing is not null && !BackupModel.Eq(Json.Str(existing.Props, "backupManagementType"), Json.Str(props, "backupManagementType")))
            {
                throw ArmErrors.BadRequest("BMSUserErrorPolicyTypeChangeNotAllowed", $"The backupManagementType of policy '{name}' cannot be changed.");
            }

            if (existing is not null && Json.Str(existing.Props, "policyType") == "V2" && Json.Str(props, "policyType") == "V1")
            {
                throw ArmErrors.BadRequest("BMSUserErrorPolicyTypeChangeNotAllowed", $"Policy '{name}' is an Enhanced policy and cannot be changed to a Standard one.");
            }

            if (existing is not null)
            {
                Immutability.RequireNoRetentionReduction(v, existing.Props, props, $"the change to policy '{Json.Str(existing.Body, "name")}'");
            }

            var saved = PolicyStore.Save(s, v.Id, Json.Str(existing?.Body, "name") ?? name, props);
            var policyId = Json.Str(saved.Body, "id")!;
            var users = BackupDoc.List(s, DocumentKinds.ProtectedItem, v.Id).Where(i => BackupModel.Eq(Json.Str(i.Props, "policyId"), policyId)).ToList();
            if (users.Count == 0 || ctx.Sync())
            {
                return ArmResponse.Ok(PolicyStore.Render(s, saved));
            }

            // Updating a policy in use re-configures every item on it: one job each, like Azure.
            var jobIds = new JsonArray();
            foreach (var item in users)
            {
                jobIds.Add(Json.Str(BackupEngine.NewJob(s, ctx.Runtime.Backup, v.Id, item, "ConfigureBackup", ctx.SimNow(), null).Body, "name"));
            }

            var op = BackupOps.Create(s, ctx, v.Id, policyId, "policy", new JsonObject { ["objectType"] = "OperationStatusJobsExtendedInfo", ["jobIds"] = jobIds, ["failedJobsError"] = new JsonObject() }, BackupEngine.Next(s));
            var opId = Json.Str(op, "name")!;
            return BackupOps.Accepted(ctx, $"{policyId}/operationResults/{opId}", $"{policyId}/operations/{opId}");
        });
    }

    private static ArmResponse Delete(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        var p = PolicyStore.Load(s, v.Id, ctx.Value("policyName"));
        if (p is null)
        {
            return ArmResponse.NoContent();
        }

        var policyId = Json.Str(p.Body, "id")!;
        var used = PolicyStore.ItemsUsing(s, v.Id, policyId);
        if (used > 0)
        {
            throw ArmErrors.BadRequest("UserErrorPolicyInUse",
                $"The backup policy '{Json.Str(p.Body, "name")}' cannot be deleted because {used} backup item(s) are protected with it. Stop protection or move the items to another policy first.");
        }

        // bms.json ProtectionPolicies_Delete and its example list 200 and 204 only: the policy is gone at once, so
        // the answer is 200 (204 when there was none), not a 202 the spec does not declare.
        s.Delete(p.Id);
        return ArmResponse.Ok(null);
    });

    /// <summary>
    /// ProtectionPolicyOperationResults_Get declares 200 + ProtectionPolicyResource only (no 202, no 204): a policy
    /// update is written when it is accepted, so its result is the stored policy while the per-item ConfigureBackup
    /// jobs still run; the status monitor (…/operations/{id}) is where progress shows.
    /// </summary>
    private static ArmResponse OperationResult(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        var id = ctx.Value("operationId");
        var p = PolicyStore.Load(s, v.Id, ctx.Value("policyName"))
            ?? throw ArmErrors.NotFound("BMSUserErrorPolicyNotFound", $"The backup policy '{ctx.Value("policyName")}' was not found in vault '{Json.Str(v.Body, "name")}'.");
        var op = BackupOps.Get(s, v.Id, id);
        if (op is null || !BackupModel.Eq(Json.Str(op, "resourceId"), Json.Str(p.Body, "id")))
        {
            throw ArmErrors.NotFound("BMSUserErrorOperationNotFound", $"The operation '{id}' was not found.");
        }

        return ArmResponse.Ok(PolicyStore.Render(s, p));
    });
}

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

    private static JsonObject Require(ArmContext ctx, IStoreSession s, VaultRecord v)
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
            var r = ArmResponse.Accepted();
            var query = ctx.Http.Request.QueryString.Value;
            r.Headers["Location"] = $"{ctx.BaseUrl}{ctx.Path}{query}";
            if (StatusPathOf(ctx.Path) is { } statusPath)
            {
                r.Headers["Azure-AsyncOperation"] = $"{ctx.BaseUrl}{statusPath}{query}";
            }

            r.Headers["Retry-After"] = ctx.Runtime.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return r;
        }

        var resourceId = Json.Str(op, "resourceId") ?? string.Empty;
        switch (Json.Str(op, "result"))
        {
            case "policy": // a policy update's operation read through the vault-wide backupOperationResults
                return BackupDoc.Load(s, resourceId, BackupDocKinds.Policy) is { } p ? ArmResponse.Ok(PolicyStore.Render(s, p)) : ArmResponse.NoContent();
            case "item":
                return BackupDoc.Load(s, resourceId, DocumentKinds.ProtectedItem) is { } i ? ArmResponse.Ok(ProtectedItemHandler.Render(s, i, ctx.SimNow())) : ArmResponse.NoContent();
            case "container":
                return BackupDoc.Load(s, resourceId, BackupDocKinds.Container) is { } c ? ArmResponse.Ok(ContainerHandler.Render(s, c)) : ArmResponse.NoContent();
            default:
                return ArmResponse.NoContent();
        }
    });
}
