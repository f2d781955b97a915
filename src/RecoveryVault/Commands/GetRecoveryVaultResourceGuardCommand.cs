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

    /// <summary>Guard name; wildcards allowed. Without -ResourceGroupName, looked for across the subscription.</summary>
    [Parameter(Position = 0, ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>Resource group; without it, the whole subscription.</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ResourceGroupCompleter))]
    public string? ResourceGroupName { get; set; }

    /// <summary>Subscription (default: the connection's).</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    /// <summary>The guard's resource id (a piped object's Id, or a mapping's ResourceGuardId).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByResourceIdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ResourceGuardId", "Id")]
    [ValidateNotNullOrEmpty]
    public string ResourceId { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        // As Get-RecoveryVault: a plain name with a resource group is one GET; otherwise list and match, a plain name
        // that matches nothing being an error and a wildcard a filter.
        var wildcard = Name is null || WildcardPattern.ContainsWildcardCharacters(Name);
        string? id = ParameterSetName == ByResourceIdSet ? ResourceId
            : !wildcard && ResourceGroupName is not null ? ResourceGuardSupport.GuardId(SubscriptionId ?? Session.SubscriptionId!, ResourceGroupName, Name!) : null;
        if (id is not null && ResourceGuardSupport.GuardIdProblem(id) is { } problem)
        {
            WriteError(InputError(problem, ErrorIds.InvalidResourceId, id));
            return;
        }
        var sub = SubscriptionId ?? Session.SubscriptionId!;
        var name = Name;
        var group = ResourceGroupName;
        var pattern = new WildcardPattern(name ?? "*", WildcardOptions.IgnoreCase);
        Run(async ct =>
        {
            var found = false;
            try
            {
                if (id is not null)
                {
                    Emit(new ResourceGuard(await Session.GetResourceGuardAsync(id, ct).ConfigureAwait(false)));
                    return;
                }
                await foreach (var g in Session.ListResourceGuardsAsync(sub, group, ct).ConfigureAwait(false))
                {
                    var guard = new ResourceGuard(g);
                    if (pattern.IsMatch(guard.Name))
                    {
                        found = true;
                        Emit(guard);
                    }
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, id ?? sub, ErrorIds.ResourceNotFound);
                return;
            }
            if (!wildcard && !found)
            {
                var target = group is null ? $"/subscriptions/{sub}" : $"/subscriptions/{sub}/resourceGroups/{group}";
                EmitError(new ErrorRecord(new ItemNotFoundException($"No resource guard named '{name}' was found in {target}."),
                    ErrorIds.ResourceNotFound, ErrorCategory.ObjectNotFound, name));
            }
        });
    }
}
