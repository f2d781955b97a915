// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Checks whether classic Backup vaults can be upgraded to Recovery Services vaults; changes nothing.</summary>
[Cmdlet(VerbsDiagnostic.Test, "RecoveryVaultUpgrade", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(UpgradeCheck))]
public sealed class TestRecoveryVaultUpgradeCommand : ClassicVaultCmdletBase
{
    private const string ByInputObjectSet = "ByInputObject";

    /// <summary>A classic vault from Get-RecoveryVaultClassicVault.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ClassicVault? InputObject { get; set; }

    /// <summary>Resource group of the new Recovery Services vault (created by the upgrade when missing).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ResourceGroupCompleter))]
    public string TargetResourceGroupName { get; set; } = string.Empty;

    /// <summary>Name of the new vault (default: the classic vault's).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TargetVaultName { get; set; }

    /// <summary>Subscription of the new vault (default: the classic vault's).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TargetSubscriptionId { get; set; }

    /// <summary>Accept converting storage-based billing to instance-based billing.</summary>
    [Parameter]
    public SwitchParameter AcceptBillingChange { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireClassicSurface();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var name = InputObject?.Name ?? Name;
        var sub = InputObject?.SubscriptionId ?? SubscriptionId;
        Run(async ct =>
        {
            try
            {
                var request = UpgradeSupport.Request(TargetResourceGroupName, TargetVaultName, TargetSubscriptionId, AcceptBillingChange);
                var d = await Session.ValidateUpgradeAsync(sub, name, request, ct).ConfigureAwait(false);
                var check = new UpgradeCheck(d, name, sub ?? Session.SubscriptionId ?? string.Empty, TargetSubscriptionId ?? sub ?? Session.SubscriptionId ?? string.Empty,
                    TargetResourceGroupName, TargetVaultName ?? name, AcceptBillingChange);
                foreach (var f in check.Findings)
                {
                    EmitVerbose($"{name}: {f}");
                }
                Emit(check);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, Session.ClassicVaultId(sub, name), ErrorIds.ClassicVaultNotFound);
            }
        });
    }
}
