// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Management.Automation;
using RecoveryVault.Engine.Backup;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Engine.Models;
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
        var vault = ResolveVault();
        if (vault is null)
        {
            return;
        }
        Run(async ct =>
        {
            try
            {
                var usages = await CollectAsync(Session.ListVaultUsagesAsync(vault, ct)).ConfigureAwait(false);
                var items = await CollectAsync(Session.ListUsageSummariesAsync(vault, UsageSummaryType.ProtectedItems, ct)).ConfigureAwait(false);
                var containers = await CollectAsync(Session.ListUsageSummariesAsync(vault, UsageSummaryType.Containers, ct)).ConfigureAwait(false);
                Emit(new VaultUsage(vault.ToString(), usages, items, containers));
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, vault.ToString(), ErrorIds.VaultNotFound);
            }
        });
    }

    // Both lists are BackupManagementUsage / VaultUsage entries: name.value and currentValue.
    private static async Task<IReadOnlyDictionary<string, long>> CollectAsync(IAsyncEnumerable<BackupResourceData> entries)
    {
        var result = new SortedDictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        await foreach (var e in entries.ConfigureAwait(false))
        {
            if (e.StringAt("name", "value") is { } name)
            {
                result[name] = double.TryParse(e.StringAt("currentValue"), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? (long)v : 0;
            }
        }
        return result;
    }
}
