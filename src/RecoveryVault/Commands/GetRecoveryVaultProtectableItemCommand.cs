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
    [ValidateSet("AzureVM", "AzureFileShare", "SqlDatabase")]
    public string Kind { get; set; } = string.Empty;

    /// <summary>Friendly name; wildcards allowed.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>Run discovery first (refresh containers) so new VMs and shares show up.</summary>
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
        var vault = ResolveVault();
        if (vault is null)
        {
            return;
        }
        var (management, workload, _) = BackupKinds.Map[Kind];
        var pattern = new WildcardPattern(Name ?? "*", WildcardOptions.IgnoreCase);
        Run(async ct =>
        {
            try
            {
                if (Refresh)
                {
                    EmitVerbose("Discovering protectable resources (refreshContainers)…");
                    await Session.BackupOperationAsync(vault, "POST", "backupFabrics/Azure/refreshContainers", null, wait: true, ct).ConfigureAwait(false);
                }
                var filter = $"backupManagementType eq '{management}' and workloadType eq '{workload}'";
                await foreach (var p in Session.ListBackupAsync(vault, "backupProtectableItems", filter, ct).ConfigureAwait(false))
                {
                    var item = new ProtectableItem(p, vault.ToString());
                    if (pattern.IsMatch(item.FriendlyName) && (IncludeProtected || !string.Equals(item.ProtectionState, "Protected", StringComparison.OrdinalIgnoreCase)))
                    {
                        Emit(item);
                    }
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, vault.ToString(), ErrorIds.VaultNotFound);
            }
        });
    }
}
