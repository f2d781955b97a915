// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Lists what a vault can protect (VMs, file shares, SQL databases), after an optional discovery.</summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultProtectableItem")]
[OutputType(typeof(ProtectableItem))]
public sealed class GetRecoveryVaultProtectableItemCommand : VaultScopedCmdletBase
{
    /// <summary>Kind of workload.</summary>
    [Parameter(Mandatory = true)]
    [ValidateWorkloadKind(ProtectableOnly = true)]
    [ArgumentCompleter(typeof(WorkloadKindCompleter))]
    public string Kind { get; set; } = string.Empty;

    /// <summary>Friendly name; wildcards allowed.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>Run discovery first so new sources show up: a container refresh for the kind, and for SQL an inquiry of every registered VM (as Azure needs for new databases).</summary>
    [Parameter]
    public SwitchParameter Refresh { get; set; }

    /// <summary>Include items already protected.</summary>
    [Parameter]
    public SwitchParameter IncludeProtected { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var kind = WorkloadCatalogue.Get(Kind);
        var pattern = new WildcardPattern(Name ?? "*", WildcardOptions.IgnoreCase);
        RunOnVault(async (vault, ct) =>
        {
            if (Refresh)
            {
                await DiscoverAsync(Session, vault, kind, EmitVerbose, ct).ConfigureAwait(false);
            }
            await foreach (var p in Session.ListBackupAsync(vault, new ProtectableItemQuery(kind).ToRequest(), ct).ConfigureAwait(false))
            {
                var item = new ProtectableItem(p, vault.ToString());
                if (pattern.IsMatch(item.FriendlyName) && (IncludeProtected || !string.Equals(item.ProtectionState, "Protected", StringComparison.OrdinalIgnoreCase)))
                {
                    Emit(item);
                }
            }
        });
    }

    /// <summary>
    /// Azure's discovery: refreshContainers filtered on the kind's backupManagementType finds new VMs and storage
    /// accounts; a new database inside an already registered VM is only found by an inquiry of that container.
    /// </summary>
    internal static async Task DiscoverAsync(RecoveryVaultSession session, Engine.RecoveryVaultResourceId vault, WorkloadDescriptor kind, Action<string> verbose, CancellationToken ct)
    {
        if (kind.RefreshFilter is not null)
        {
            verbose($"Discovering {kind} sources (refreshContainers, backupManagementType {kind.RefreshFilter})…");
            await session.RefreshContainersAsync(vault, kind, ct).ConfigureAwait(false);
        }
        if (kind == WorkloadCatalogue.SqlDatabase)
        {
            await foreach (var c in session.ListBackupAsync(vault, new ContainerQuery(kind).ToRequest(), ct).ConfigureAwait(false))
            {
                verbose($"Looking for new databases on {c.Name} (inquire)…");
                await session.InquireContainerAsync(vault, c.Name!, kind, ct).ConfigureAwait(false);
            }
        }
    }
}
