// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Gets the backup containers of a vault: registered storage accounts, SQL VMs, MARS servers, VM containers, servers protected by a backup server.</summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultContainer")]
[OutputType(typeof(BackupContainer))]
public sealed class GetRecoveryVaultContainerCommand : VaultScopedCmdletBase
{
    /// <summary>Kind of workload.</summary>
    [Parameter(Mandatory = true)]
    [ValidateWorkloadKind]
    [ArgumentCompleter(typeof(WorkloadKindCompleter))]
    public string Kind { get; set; } = string.Empty;

    /// <summary>Friendly name; wildcards allowed.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>How many vaults are read at once (1: one after another). Output is the same either way: grouped per vault, in input order.</summary>
    [Parameter]
    [ValidateRange(1, MaxThrottleLimit)]
    public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

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
        var pattern = new WildcardPattern(Name ?? "*", WildcardOptions.IgnoreCase);
        Fan(ThrottleLimit, async ct =>
        {
            try
            {
                foreach (var request in new ContainerQuery(WorkloadCatalogue.Get(Kind)).ToRequests())
                {
                    await foreach (var d in Session.ListBackupAsync(vault, request, ct).ConfigureAwait(false))
                    {
                        var c = new BackupContainer(d, vault.ToString());
                        if (pattern.IsMatch(c.FriendlyName))
                        {
                            Emit(c);
                        }
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
