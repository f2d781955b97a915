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
    [ValidateSet("AzureVM", "AzureFileShare", "SqlDatabase", "MarsServer")]
    public string? Kind { get; set; }

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
            var vaultId = vault.ToString();
            try
            {
                if (Name is not null && !WildcardPattern.ContainsWildcardCharacters(Name))
                {
                    var one = new BackupPolicy(await Session.GetBackupAsync(vault, "backupPolicies/" + Uri.EscapeDataString(Name), ct).ConfigureAwait(false), vaultId);
                    if (Kind is null || string.Equals(one.Kind, Kind, StringComparison.OrdinalIgnoreCase))
                    {
                        Emit(one);
                    }
                    return;
                }
                var pattern = new WildcardPattern(Name ?? "*", WildcardOptions.IgnoreCase);
                var filter = Kind is null ? null : $"backupManagementType eq '{BackupKinds.Map[Kind].Management}'";
                await foreach (var p in Session.ListBackupAsync(vault, "backupPolicies", filter, ct).ConfigureAwait(false))
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
                EmitServiceError(ex, Name is null ? vaultId : $"{vaultId}/backupPolicies/{Name}", Name is null ? ErrorIds.VaultNotFound : ErrorIds.PolicyNotFound);
            }
        });
    }
}
