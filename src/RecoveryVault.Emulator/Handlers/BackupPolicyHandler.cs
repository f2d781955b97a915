// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

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
            var policies = ResourceDoc.List(s, BackupDocKinds.Policy, v.Id + "/backupPolicies")
                .Where(p => !filter.TryGetValue("backupManagementType", out var b) || BackupModel.Eq(Json.Str(p.Props, "backupManagementType"), b))
                .Where(p => !filter.TryGetValue("workloadType", out var w) || BackupModel.Eq(Json.Str(p.Props, "workLoadType"), w) || WorkloadCatalogue.AzureVM.Is(Json.Str(p.Props, "backupManagementType")) && BackupModel.Eq(w, WorkloadCatalogue.AzureVM.WorkloadType))
                .ToList();

            // The vault's items are read once for the page, not once per policy.
            var users = PolicyStore.ItemsUsing(s, v.Id);
            return ctx.Page(policies, p => PolicyStore.Render(p, users));
        });
    }

    private static ResourceDoc Require(ArmContext ctx, IStoreSession s, ResourceDoc v) =>
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

            HybridSecurity.RequireMinimumRetention(v, props);
            if (existing is not null)
            {
                Immutability.RequireNoRetentionReduction(v, existing.Props, props, $"the change to policy '{Json.Str(existing.Body, "name")}'");
                if (ResourceGuards.ReducesRetention(existing.Props, props))
                {
                    ResourceGuardCheck.Authorize(ctx, s, v.Id, ResourceGuards.UpdatePolicy, props["resourceGuardOperationRequests"]);
                }
            }

            props.Remove("resourceGuardOperationRequests");

            var saved = PolicyStore.Save(s, v.Id, Json.Str(existing?.Body, "name") ?? name, props);
            var policyId = Json.Str(saved.Body, "id")!;
            var users = ResourceDoc.List(s, DocumentKinds.ProtectedItem, v.Id).Where(i => BackupModel.Eq(Json.Str(i.Props, "policyId"), policyId)).ToList();
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
