// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// BackupUsageSummaries_List (2023-06-01; examples Common/BackupProtectedItem_UsageSummary_Get.json and
/// Common/BackupProtectionContainers_UsageSummary_Get.json): counts of items or of registered containers per backup
/// management type, each a BackupManagementUsage with Azure's display names.
/// </summary>
internal static class BackupUsageSummaryHandler
{
    private const string ItemSummary = "BackupProtectedItemCountSummary";
    private const string ContainerSummary = "BackupProtectionContainerCountSummary";

    // The display names of the official examples, in their order.
    private static readonly (string Type, string Display)[] Names =
    [
        ("AzureIaasVM", "Azure Virtual Machine"),
        ("MAB", "Azure Backup Agent"),
        ("AzureBackupServer", "Azure Backup Server"),
        ("DPM", "DPM"),
        ("AzureStorage", "Azure Storage (Azure Files)"),
        ("AzureWorkload", "SQL in Azure VM"),
    ];

    public static void Register(ArmRouter router) =>
        router.Map("GET", VaultHandler.VaultPath + "/backupUsageSummaries", ApiFamily.Backup, "Microsoft.RecoveryServices/vaults/backupUsageSummaries", List);

    private static ArmResponse List(ArmContext ctx)
    {
        // Spec BMSBackupSummariesQueryObject: type only. Without one the item summary is answered.
        var filter = BackupModel.ParseStrictFilter(ctx.Query("$filter"), "type");
        var type = filter.GetValueOrDefault("type") ?? ItemSummary;
        if (!BackupModel.Eq(type, ItemSummary) && !BackupModel.Eq(type, ContainerSummary))
        {
            throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"Input provided for the call is invalid: type must be '{ItemSummary}' or '{ContainerSummary}', not '{type}'.", "$filter");
        }

        var list = ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            var docs = BackupModel.Eq(type, ItemSummary)
                ? ResourceDoc.List(s, DocumentKinds.ProtectedItem, v.Id)
                : ResourceDoc.List(s, BackupDocKinds.Container, v.Id).Where(c => Json.Bool(c.Meta["implicit"]) != true).ToList();
            var counts = docs.GroupBy(d => Json.Str(d.Props, "backupManagementType") ?? string.Empty, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
            if (BackupModel.Eq(type, ContainerSummary))
            {
                // A registered backup server counts as a container of its management type.
                foreach (var engine in BackupServers.Engines(s, v.Id))
                {
                    var bmt = Json.Str(engine.Props, "backupManagementType")!;
                    counts[bmt] = counts.GetValueOrDefault(bmt) + 1;
                }
            }

            return Names.Where(n => counts.GetValueOrDefault(n.Type) > 0).Select(n => (JsonNode)new JsonObject
            {
                ["unit"] = "Count",
                ["currentValue"] = counts[n.Type],
                ["limit"] = -1,
                ["name"] = new JsonObject { ["value"] = n.Type, ["localizedValue"] = n.Display },
            }).ToList();
        });
        return ctx.Page(list);
    }
}
