// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;

namespace RecoveryVault.Commands;

/// <summary>Deletes a resource guard. Vaults still mapped to it keep the mapping, and their critical operations are refused until it is removed.</summary>
[Cmdlet(VerbsCommon.Remove, "RecoveryVaultResourceGuard", DefaultParameterSetName = ByNameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveRecoveryVaultResourceGuardCommand : RecoveryVaultCmdletBase
{
    private const string ByNameSet = "ByName";
    private const string ByResourceIdSet = "ByResourceId";

    /// <summary>Guard name.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>Resource group.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ResourceGroupCompleter))]
    public string ResourceGroupName { get; set; } = string.Empty;

    /// <summary>Subscription (default: the connection's).</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    /// <summary>The guard's resource id (piped guards bind by their Id).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByResourceIdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string ResourceId { get; set; } = string.Empty;

    /// <summary>Do not ask.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var id = ParameterSetName == ByResourceIdSet ? ResourceId : ResourceGuardSupport.GuardId(SubscriptionId ?? Session.SubscriptionId!, ResourceGroupName, Name);
        if (ResourceGuardSupport.GuardIdProblem(id) is { } problem)
        {
            WriteError(InputError(problem, ErrorIds.InvalidResourceId, id));
            return;
        }
        Run(async ct =>
        {
            if ((IsWhatIf || !Force) && !await ShouldProcessAsync(id, "Delete resource guard").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                if (!await Session.RemoveResourceGuardAsync(id, ct).ConfigureAwait(false))
                {
                    EmitVerbose($"Resource guard '{id}' did not exist; nothing to delete.");
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, id, ErrorIds.ResourceNotFound);
            }
        });
    }
}
