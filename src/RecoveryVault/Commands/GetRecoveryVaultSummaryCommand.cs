// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Text.Json.Nodes;
using RecoveryVault.Engine.Backup;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// The Backup center overview of the estate, from Azure Resource Graph: protected items by kind and state, jobs of the
/// last 24 hours by status, vaults by security level, unprotected VMs. Five queries, whatever the estate's size.
/// </summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultSummary")]
[OutputType(typeof(RecoveryVaultSummary))]
public sealed class GetRecoveryVaultSummaryCommand : ResourceGraphCmdletBase
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!CheckSubscriptions())
        {
            return;
        }

        Run(async ct =>
        {
            try
            {
                async Task<List<JsonObject>> Rows(string kql)
                {
                    var rows = new List<JsonObject>();
                    await foreach (var r in QueryAsync(kql, null, ct).ConfigureAwait(false))
                    {
                        rows.Add(r);
                    }

                    return rows;
                }

                static string Str(JsonObject row, string name) => row[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty;
                static long Num(JsonObject row, string name) => row[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
                static string Lit(string s) => RecoveryVaultSession.KqlLiteral(s);

                var itemRows = await Rows($"RecoveryServicesResources | where type == {Lit(ResourceGraphRows.ItemType)} and not(properties.isScheduledForDeferredDelete == true) | summarize count() by bmt = tostring(properties.backupManagementType), workload = tostring(properties.workloadType), state = tostring(properties.protectionState)").ConfigureAwait(false);
                var items = itemRows
                    .GroupBy(r => $"{WorkloadCatalogue.Of(Str(r, "bmt"), Str(r, "workload"))?.Name ?? Str(r, "bmt")} / {Str(r, "state")}")
                    .Select(g => new SummaryCount(g.Key, g.Sum(r => Num(r, "count_"))))
                    .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();

                var jobRows = await Rows($"RecoveryServicesResources | where type == {Lit(ResourceGraphRows.JobType)} and todatetime(properties.startTime) >= ago(24h) | summarize count() by status = tostring(properties.status)").ConfigureAwait(false);
                var jobs = jobRows.Select(r => new SummaryCount(Str(r, "status"), Num(r, "count_"))).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();

                var vaultRows = await Rows($"Resources | where type == {Lit(ResourceGraphRows.VaultType)} | summarize count() by level = tostring(properties.bcdrSecurityLevel)").ConfigureAwait(false);
                var vaults = vaultRows.Select(r => new SummaryCount(Str(r, "level").Length == 0 ? "Unknown" : Str(r, "level"), Num(r, "count_"))).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();

                // Resource Graph's join is not used: the VM ids and the protected sources are read as two lists, so
                // the same two queries work against the emulator's subset.
                var vms = await Rows($"Resources | where type == {Lit(ResourceGraphRows.VmType)} | project id").ConfigureAwait(false);
                var sources = await Rows($"RecoveryServicesResources | where type == {Lit(ResourceGraphRows.ItemType)} and not(properties.isScheduledForDeferredDelete == true) and isnotempty(properties.sourceResourceId) | project id, source = tolower(tostring(properties.sourceResourceId))").ConfigureAwait(false);
                var protectedVms = new HashSet<string>(sources.Select(r => Str(r, "source")), StringComparer.OrdinalIgnoreCase);
                var unprotected = vms.LongCount(v => !protectedVms.Contains(Str(v, "id")));

                Emit(new RecoveryVaultSummary(items, jobs, vaults, vaults.Sum(v => v.Count), vms.Count, unprotected, [.. SubscriptionId ?? [], .. ManagementGroup ?? []]));
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitError(QueryError(ex));
            }
        });
    }
}
