// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Brings a soft-deleted vault back (undelete), into its old resource group or another one.</summary>
[Cmdlet(VerbsData.Restore, "RecoveryVault", SupportsShouldProcess = true, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(Vault))]
public sealed class RestoreRecoveryVaultCommand : RecoveryVaultCmdletBase
{
    private const string ByNameSet = "ByName";
    private const string ByInputObjectSet = "ByInputObject";

    /// <summary>Name of the deleted vault.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>Region of the deleted vault.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    public string Location { get; set; } = string.Empty;

    /// <summary>Subscription.</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    /// <summary>A deleted vault from Get-RecoveryVault -Deleted.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DeletedVault? InputObject { get; set; }

    /// <summary>Resource group to restore into (default: the one it was in; with -Name, required).</summary>
    [Parameter(ParameterSetName = ByInputObjectSet)]
    [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ResourceGroupCompleter))]
    public string? ResourceGroupName { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var sub = InputObject?.SubscriptionId ?? SubscriptionId ?? Session.SubscriptionId!;
        var location = InputObject?.Location ?? Location;
        var name = InputObject?.Name ?? Name;
        var group = ResourceGroupName ?? InputObject!.ResourceGroupName;
        var target = InputObject?.Id ?? $"/subscriptions/{sub}/providers/Microsoft.RecoveryServices/locations/{location}/deletedVaults/{name}";
        Run(async ct =>
        {
            if (!await ShouldProcessAsync(target, $"Restore deleted vault into resource group '{group}'").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                Emit(new Vault(await Session.UndeleteVaultAsync(sub, location, name, group, ct).ConfigureAwait(false)));
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, target, ErrorIds.DeletedVaultNotFound);
            }
        });
    }
}
