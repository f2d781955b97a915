// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Gets the protected (backup) items of a vault, with filters.</summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultItem")]
[OutputType(typeof(BackupItem))]
public sealed class GetRecoveryVaultItemCommand : VaultScopedCmdletBase
{
    /// <summary>Friendly name (VM, share, database); wildcards allowed.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>Kind of workload.</summary>
    [Parameter]
    [ValidateWorkloadKind]
    [ArgumentCompleter(typeof(WorkloadKindCompleter))]
    public string? Kind { get; set; }

    /// <summary>Only items protected by this policy (name).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PolicyName { get; set; }

    /// <summary>IRPending, Protected, ProtectionStopped, ProtectionError, ProtectionPaused, BackupsSuspended (immutable vaults: stopped, data kept per policy).</summary>
    [Parameter]
    [ValidateSet("IRPending", "Protected", "ProtectionStopped", "ProtectionError", "ProtectionPaused", "BackupsSuspended")]
    public string? ProtectionState { get; set; }

    /// <summary>Passed, ActionRequired, ActionSuggested, Invalid.</summary>
    [Parameter]
    [ValidateSet("Passed", "ActionRequired", "ActionSuggested", "Invalid")]
    public string? HealthStatus { get; set; }

    /// <summary>Only soft-deleted items (kept for the vault's soft-delete retention, 14-180 days).</summary>
    [Parameter]
    public SwitchParameter Deleted { get; set; }

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
        var query = new ItemQuery { Kind = WorkloadCatalogue.Find(Kind), PolicyName = PolicyName }.ToRequest();
        Fan(ThrottleLimit, async ct =>
        {
            bool any = false;
            try
            {
                await foreach (var d in Session.ListBackupAsync(vault, query, ct).ConfigureAwait(false))
                {
                    var item = new BackupItem(d, vault.ToString());
                    if (!pattern.IsMatch(item.FriendlyName)
                        || (Kind is not null && !string.Equals(item.Kind, Kind, StringComparison.OrdinalIgnoreCase))
                        || (PolicyName is not null && !string.Equals(item.PolicyName, PolicyName, StringComparison.OrdinalIgnoreCase))
                        || (ProtectionState is not null && !string.Equals(item.ProtectionState, ProtectionState, StringComparison.OrdinalIgnoreCase))
                        || (HealthStatus is not null && !string.Equals(item.HealthStatus, HealthStatus, StringComparison.OrdinalIgnoreCase))
                        || item.IsDeleted != Deleted.IsPresent)
                    {
                        continue;
                    }
                    any = true;
                    Emit(item);
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, vault.ToString(), ErrorIds.VaultNotFound);
                return;
            }
            if (!any && Name is not null && !WildcardPattern.ContainsWildcardCharacters(Name))
            {
                EmitError(new ErrorRecord(new ItemNotFoundException($"No backup item named '{Name}' matches in vault {vault.Name}."), ErrorIds.ItemNotFound, ErrorCategory.ObjectNotFound, Name));
            }
        });
    }
}
