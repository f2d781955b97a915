// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Gets the backup policies of a vault.</summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultPolicy")]
[OutputType(typeof(BackupPolicy))]
public sealed class GetRecoveryVaultPolicyCommand : VaultScopedCmdletBase
{
    /// <summary>Policy name; wildcards allowed.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>Only policies for this kind of workload.</summary>
    [Parameter]
    [ValidateWorkloadKind]
    [ArgumentCompleter(typeof(WorkloadKindCompleter))]
    public string? Kind { get; set; }

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
        Fan(ThrottleLimit, async ct =>
        {
            var vaultId = vault.ToString();
            try
            {
                if (Name is not null && !WildcardPattern.ContainsWildcardCharacters(Name))
                {
                    var one = new BackupPolicy(await Session.GetBackupAsync(vault, BackupPath.Policy(Name), ct).ConfigureAwait(false), vaultId);
                    if (Kind is null || string.Equals(one.Kind, Kind, StringComparison.OrdinalIgnoreCase))
                    {
                        Emit(one);
                    }
                    return;
                }
                var pattern = new WildcardPattern(Name ?? "*", WildcardOptions.IgnoreCase);
                await foreach (var p in Session.ListBackupAsync(vault, new PolicyQuery { Kind = WorkloadCatalogue.Find(Kind) }.ToRequest(), ct).ConfigureAwait(false))
                {
                    var policy = new BackupPolicy(p, vaultId);
                    if (pattern.IsMatch(policy.Name) && (Kind is null || string.Equals(policy.Kind, Kind, StringComparison.OrdinalIgnoreCase)))
                    {
                        Emit(policy);
                    }
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, Name is null ? vaultId : $"{vaultId}/backupPolicies/{Name}", Name is null ? ErrorIds.VaultNotFound : ChildNotFoundId(ex, ErrorIds.PolicyNotFound));
            }
        });
    }
}
