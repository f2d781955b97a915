// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Backup;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Gets what a vault holds and uses: its usages (counts, storage) and the protected items and registered containers
/// per backup management type (backupUsageSummaries).
/// </summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultUsage")]
[OutputType(typeof(VaultUsage))]
public sealed class GetRecoveryVaultUsageCommand : VaultScopedCmdletBase
{
    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        RunOnVault(async (vault, ct) =>
        {
            var usages = await CollectAsync(Session.ListVaultUsagesAsync(vault, ct)).ConfigureAwait(false);
            var items = await CollectAsync(Session.ListUsageSummariesAsync(vault, UsageSummaryType.ProtectedItems, ct)).ConfigureAwait(false);
            var containers = await CollectAsync(Session.ListUsageSummariesAsync(vault, UsageSummaryType.Containers, ct)).ConfigureAwait(false);
            Emit(new VaultUsage(vault.ToString(), usages, items, containers));
        });
    }

    private static async Task<IReadOnlyDictionary<string, long>> CollectAsync(IAsyncEnumerable<UsageCount> entries)
    {
        var result = new SortedDictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        await foreach (var e in entries.ConfigureAwait(false))
        {
            if (e.Name.Length > 0)
            {
                result[e.Name] = e.CurrentValue;
            }
        }
        return result;
    }
}
