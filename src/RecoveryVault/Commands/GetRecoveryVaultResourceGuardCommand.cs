// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Gets resource guards: one by name or id, or those of a resource group or subscription.</summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultResourceGuard", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ResourceGuard))]
public sealed class GetRecoveryVaultResourceGuardCommand : RecoveryVaultCmdletBase
{
    private const string ByNameSet = "ByName";
    private const string ByResourceIdSet = "ByResourceId";

    /// <summary>Guard name (needs -ResourceGroupName).</summary>
    [Parameter(Position = 0, ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Resource group; without it, the whole subscription.</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    /// <summary>Subscription (default: the connection's).</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    /// <summary>The guard's resource id (also from a mapping's ResourceGuardId).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByResourceIdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ResourceGuardId")]
    [ValidateNotNullOrEmpty]
    public string ResourceId { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (Name is not null && ResourceGroupName is null)
        {
            WriteError(InputError("-Name needs -ResourceGroupName.", ErrorIds.InvalidParameterCombination, Name));
            return;
        }
        string? id = ParameterSetName == ByResourceIdSet ? ResourceId
            : Name is not null ? ResourceGuardSupport.GuardId(SubscriptionId ?? Session.SubscriptionId!, ResourceGroupName!, Name) : null;
        if (id is not null && ResourceGuardSupport.GuardIdProblem(id) is { } problem)
        {
            WriteError(InputError(problem, ErrorIds.InvalidResourceId, id));
            return;
        }
        var sub = SubscriptionId ?? Session.SubscriptionId!;
        Run(async ct =>
        {
            try
            {
                if (id is not null)
                {
                    Emit(new ResourceGuard(await Session.GetResourceGuardAsync(id, ct).ConfigureAwait(false)));
                    return;
                }
                await foreach (var g in Session.ListResourceGuardsAsync(sub, ResourceGroupName, ct).ConfigureAwait(false))
                {
                    Emit(new ResourceGuard(g));
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, id ?? sub, ErrorIds.ResourceNotFound);
            }
        });
    }
}
