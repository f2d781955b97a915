// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Gets the Azure Monitor alerts Azure Backup raised for a vault (Microsoft.AlertsManagement/alerts filtered to the
/// vault as target resource): failed backup and restore jobs while the vault's job failure alerts are on.
/// </summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultAlert")]
[OutputType(typeof(VaultAlert))]
public sealed class GetRecoveryVaultAlertCommand : VaultScopedCmdletBase
{
    /// <summary>Only alerts in this state.</summary>
    [Parameter]
    [ValidateSet("New", "Acknowledged", "Closed")]
    public string? State { get; set; }

    /// <summary>Only alerts of this severity (Sev0 critical … Sev4 verbose).</summary>
    [Parameter]
    [ValidateSet("Sev0", "Sev1", "Sev2", "Sev3", "Sev4")]
    public string? Severity { get; set; }

    /// <summary>How far back: 1h, 1d, 7d or 30d (the longest Azure keeps listing; default).</summary>
    [Parameter]
    [ValidateSet("1h", "1d", "7d", "30d")]
    public string TimeRange { get; set; } = "30d";

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
        var query = new AlertQuery { TargetResource = vault.ToString(), State = State, Severity = Severity, TimeRange = TimeRange, IncludeContext = true };
        Run(async ct =>
        {
            try
            {
                await foreach (var alert in Session.ListAlertsAsync(vault.SubscriptionId, query, ct).ConfigureAwait(false))
                {
                    Emit(new VaultAlert(alert));
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, vault.ToString(), ErrorIds.VaultNotFound);
            }
        });
    }
}
