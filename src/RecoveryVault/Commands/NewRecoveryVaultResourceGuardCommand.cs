// Copyright (c) RecoveryVault contributors. MIT License.
using System.Collections;
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Creates a resource guard, the Security admin's half of multi-user authorization. Put it in another subscription or
/// tenant than the vaults it will guard, owned by someone other than the backup admins. An existing guard is never
/// replaced (the PUT would reset its exclusions and tags): Set-RecoveryVaultResourceGuard changes it.
/// </summary>
[Cmdlet(VerbsCommon.New, "RecoveryVaultResourceGuard", SupportsShouldProcess = true)]
[OutputType(typeof(ResourceGuard))]
public sealed class NewRecoveryVaultResourceGuardCommand : RecoveryVaultCmdletBase
{
    /// <summary>Guard name.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>Resource group (must exist).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ResourceGroupCompleter))]
    public string ResourceGroupName { get; set; } = string.Empty;

    /// <summary>Region: the same as the vaults it will guard.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Location { get; set; } = string.Empty;

    /// <summary>Optional critical operations to leave unprotected (Azure's names, e.g. Microsoft.RecoveryServices/vaults/backupPolicies/write). Disabling soft delete and removing the mapping cannot be excluded.</summary>
    [Parameter]
    public string[]? ExcludedOperation { get; set; }

    /// <summary>Tags.</summary>
    [Parameter]
    public Hashtable? Tag { get; set; }

    /// <summary>Subscription (default: the connection's).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var sub = SubscriptionId ?? Session.SubscriptionId!;
        var id = ResourceGuardSupport.GuardId(sub, ResourceGroupName, Name);
        if (!CheckScope(sub, ResourceGroupName, id))
        {
            return;
        }
        if (InputRules.LocationProblem(Location) is { } location)
        {
            WriteError(InputError(location, ErrorIds.InvalidLocation, Location));
            return;
        }
        if (Tag is not null && InputRules.TagsProblem(Tag) is { } tags)
        {
            WriteError(InputError(tags, ErrorIds.InvalidTag, id));
            return;
        }
        Run(async ct =>
        {
            if (!await ShouldProcessAsync(id, $"Create resource guard in {Location}").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                var existing = await Session.GetResourceGuardAsync(id, ct).ConfigureAwait(false);
                EmitError(new ErrorRecord(new InvalidOperationException($"A resource guard named '{existing.Name ?? Name}' already exists in resource group '{ResourceGroupName}'. Use Set-RecoveryVaultResourceGuard to change its excluded operations or tags."),
                    ErrorIds.ResourceGuardAlreadyExists, ErrorCategory.ResourceExists, id));
                return;
            }
            catch (RecoveryVaultServiceException ex) when (ex.Status == 404 && ex.ErrorCode != "ResourceGroupNotFound")
            {
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, id, ErrorIds.ResourceGroupNotFound);
                return;
            }
            // As New-RecoveryVault: a region the subscription does not have is refused before the PUT.
            if (await RegionRules.UnknownRegionAsync(Session, sub, Location, ct).ConfigureAwait(false) is { } unknown)
            {
                EmitError(InputError(unknown, ErrorIds.InvalidLocation, Location));
                return;
            }
            try
            {
                var tagMap = Tag is null ? null : TagHelper.ToDictionary(Tag);
                Emit(new ResourceGuard(await Session.NewResourceGuardAsync(id, Location, tagMap, ExcludedOperation, ct).ConfigureAwait(false)));
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, id, ErrorIds.ResourceGroupNotFound);
            }
        });
    }
}
