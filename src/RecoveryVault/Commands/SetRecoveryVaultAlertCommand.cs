// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Acknowledges or closes an Azure Monitor alert (Alerts_ChangeState), e.g. once the failed backup it reports has
/// been dealt with. Takes alerts piped from Get-RecoveryVaultAlert.
/// </summary>
[Cmdlet(VerbsCommon.Set, "RecoveryVaultAlert", SupportsShouldProcess = true, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(VaultAlert))]
public sealed class SetRecoveryVaultAlertCommand : RecoveryVaultCmdletBase
{
    private const string ByIdSet = "ById";
    private const string ByInputObjectSet = "ByInputObject";

    /// <summary>The alert's resource id.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Id { get; set; }

    /// <summary>An alert from Get-RecoveryVaultAlert.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public VaultAlert? InputObject { get; set; }

    /// <summary>The new state: Acknowledged, Closed, or New to reopen.</summary>
    [Parameter(Mandatory = true)]
    [ValidateSet("New", "Acknowledged", "Closed")]
    public string? State { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var id = InputObject?.Id ?? Id!;
        const string marker = "/providers/Microsoft.AlertsManagement/alerts/";
        var at = id.LastIndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (!id.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase) || at < 0 || at + marker.Length == id.Length || id.IndexOf('/', at + marker.Length) >= 0)
        {
            WriteError(InputError($"'{id}' is not an alert id (…/providers/Microsoft.AlertsManagement/alerts/{{id}}).", ErrorIds.InvalidResourceId, id));
            return;
        }
        var state = State!;
        Run(async ct =>
        {
            if (!await ShouldProcessAsync(id, $"Set alert state to {state}").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                Emit(new VaultAlert(await Session.ChangeAlertStateAsync(id, state, ct).ConfigureAwait(false)));
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, id, ErrorIds.AlertNotFound);
            }
        });
    }
}
