// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>The ARM GETs of the seeded sources (Microsoft.Compute VMs, Microsoft.Storage accounts), so clients can check ids.</summary>
internal static class SourceHandler
{
    public static void Register(ArmRouter router)
    {
        router.Map("GET", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachines/{name}", ApiFamily.Compute, "Microsoft.Compute/virtualMachines",
            ctx => Get(ctx, BackupDocKinds.VirtualMachine, Sources.VmId(ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("name")), "Microsoft.Compute/virtualMachines"));
        // VirtualMachines_ListAll (compute 2023-03-01): every VM of the subscription, paged by nextLink.
        router.Map("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/virtualMachines", ApiFamily.Compute, "Microsoft.Compute/virtualMachines", ListVms);
        router.Map("GET", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{name}", ApiFamily.Storage, "Microsoft.Storage/storageAccounts",
            ctx => Get(ctx, BackupDocKinds.StorageAccount, Sources.StorageId(ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("name")), "Microsoft.Storage/storageAccounts"));
    }

    private static ArmResponse ListVms(ArmContext ctx)
    {
        var vms = ctx.Store.Transaction(s =>
            ResourceDoc.List(s, BackupDocKinds.VirtualMachine, "/subscriptions/" + ctx.Value("subscriptionId")).Select(d => (JsonNode)d.Body).ToList());
        return ctx.Page(vms);
    }

    private static ArmResponse Get(ArmContext ctx, string kind, string id, string type) => ctx.Store.Transaction(s =>
    {
        VaultModel.RequireResourceGroup(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"));
        var d = ResourceDoc.Load(s, id, kind) ?? throw ArmErrors.ResourceNotFound(type, ctx.Value("name"), ctx.Value("resourceGroupName"));
        return ArmResponse.Ok(d.Body);
    });
}
