// Copyright (c) RecoveryVault contributors. MIT License.
using System.Collections;
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Engine.Models;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Creates a Recovery Services vault.</summary>
[Cmdlet(VerbsCommon.New, "RecoveryVault", SupportsShouldProcess = true)]
[OutputType(typeof(Vault))]
public sealed class NewRecoveryVaultCommand : RecoveryVaultCmdletBase
{
    /// <summary>Vault name (2–50 letters, digits, hyphens; starts with a letter).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNamePattern(InputRules.VaultNamePattern, InputRules.VaultNameRuleMessage)]
    public string Name { get; set; } = string.Empty;

    /// <summary>Resource group (must exist).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ResourceGroupCompleter))]
    public string ResourceGroupName { get; set; } = string.Empty;

    /// <summary>Region, e.g. westeurope.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Location { get; set; } = string.Empty;

    /// <summary>Subscription (default: the connected one).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    /// <summary>Backup storage redundancy.</summary>
    [Parameter]
    [ValidateSet("LocallyRedundant", "GeoRedundant", "ZoneRedundant")]
    public string? StorageRedundancy { get; set; }

    /// <summary>Cross-region restore (needs GeoRedundant).</summary>
    [Parameter]
    [ValidateSet("Enabled", "Disabled")]
    public string? CrossRegionRestore { get; set; }

    /// <summary>Soft delete.</summary>
    [Parameter]
    [ValidateSet("Enabled", "Disabled", "AlwaysON")]
    public string? SoftDeleteState { get; set; }

    /// <summary>Soft delete retention in days.</summary>
    [Parameter]
    [ValidateRange(14, 180)]
    public int? SoftDeleteRetentionDays { get; set; }

    /// <summary>Immutability.</summary>
    [Parameter]
    [ValidateSet("Disabled", "Unlocked", "Locked")]
    public string? ImmutabilityState { get; set; }

    /// <summary>Public network access.</summary>
    [Parameter]
    [ValidateSet("Enabled", "Disabled")]
    public string PublicNetworkAccess { get; set; } = "Enabled";

    /// <summary>Managed identity.</summary>
    [Parameter]
    [ValidateSet("None", "SystemAssigned")]
    public string? IdentityType { get; set; }

    /// <summary>Tags.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? Tag { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (CrossRegionRestore == "Enabled" && StorageRedundancy is not null && StorageRedundancy != "GeoRedundant")
        {
            WriteError(InputError("Cross-region restore needs GeoRedundant storage.", ErrorIds.InvalidParameterCombination, Name));
            return;
        }
        if (!CheckScope(SubscriptionId, ResourceGroupName, Name))
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
            WriteError(InputError(tags, ErrorIds.InvalidTag, Name));
            return;
        }
        var sub = SubscriptionId ?? Session.SubscriptionId!;
        var id = RecoveryVaultResourceId.ForVault(sub, ResourceGroupName, Name).ToString();
        Run(async ct =>
        {
            if (!await ShouldProcessAsync(id, $"Create Recovery Services vault in {Location}").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                // PUT would silently replace an existing vault; New- must not.
                await Session.GetVaultAsync(sub, ResourceGroupName, Name, ct).ConfigureAwait(false);
                EmitError(new ErrorRecord(new InvalidOperationException($"A Recovery Services vault named '{Name}' already exists in resource group '{ResourceGroupName}'. Use Set-RecoveryVault to change it."),
                    ErrorIds.VaultAlreadyExists, ErrorCategory.ResourceExists, id));
                return;
            }
            catch (RecoveryVaultServiceException ex) when (ex.Status == 404 && ex.ErrorCode != "ResourceGroupNotFound")
            {
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, id);
                return;
            }
            if (await RegionRules.UnknownRegionAsync(Session, sub, Location, ct).ConfigureAwait(false) is { } unknown)
            {
                EmitError(InputError(unknown, ErrorIds.InvalidLocation, Location));
                return;
            }
            var body = VaultData.Create(Location);
            body.PublicNetworkAccess = PublicNetworkAccess;
            if (StorageRedundancy is not null)
            {
                body.StorageRedundancy = StorageRedundancy;
            }
            if (CrossRegionRestore is not null)
            {
                body.CrossRegionRestore = CrossRegionRestore;
            }
            if (SoftDeleteState is not null)
            {
                body.SoftDeleteState = SoftDeleteState;
            }
            if (SoftDeleteRetentionDays is not null)
            {
                body.SoftDeleteRetentionDays = SoftDeleteRetentionDays;
            }
            if (ImmutabilityState is not null)
            {
                body.ImmutabilityState = ImmutabilityState;
            }
            if (IdentityType is not null)
            {
                body.IdentityType = IdentityType;
            }
            if (Tag is not null)
            {
                body.SetTags(TagHelper.ToDictionary(Tag));
            }
            try
            {
                Emit(new Vault(await Session.PutVaultAsync(sub, ResourceGroupName, Name, body, ct).ConfigureAwait(false)));
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, id);
            }
        });
    }
}

internal static class TagHelper
{
    public static IReadOnlyDictionary<string, string> ToDictionary(Hashtable tags)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry e in tags)
        {
            result[e.Key.ToString()!] = e.Value?.ToString() ?? string.Empty;
        }
        return result;
    }
}
