// Copyright (c) RecoveryVault contributors. MIT License.
using System.Collections;
using System.Management.Automation;
using System.Text.Json.Nodes;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Changes a vault: tags, storage redundancy, cross-region restore, soft delete, immutability, public network access, alert settings, managed identities and customer-managed keys.</summary>
[Cmdlet(VerbsCommon.Set, "RecoveryVault", SupportsShouldProcess = true, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(Vault))]
public sealed class SetRecoveryVaultCommand : VaultTargetCmdletBase
{
    /// <summary>Replaces the vault's tags.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? Tag { get; set; }

    /// <summary>Backup storage redundancy (only while nothing is protected).</summary>
    [Parameter]
    [ValidateSet("LocallyRedundant", "GeoRedundant", "ZoneRedundant")]
    public string? StorageRedundancy { get; set; }

    /// <summary>Cross-region restore.</summary>
    [Parameter]
    [ValidateSet("Enabled", "Disabled")]
    public string? CrossRegionRestore { get; set; }

    /// <summary>Soft delete.</summary>
    [Parameter]
    [ValidateSet("Enabled", "Disabled", "AlwaysON")]
    public string? SoftDeleteState { get; set; }

    /// <summary>Soft delete retention (days).</summary>
    [Parameter]
    [ValidateRange(14, 180)]
    public int? SoftDeleteRetentionDays { get; set; }

    /// <summary>Enhanced security: the security settings for hybrid backups (AlwaysON cannot be turned off).</summary>
    [Parameter]
    [ValidateSet("Enabled", "Disabled", "AlwaysON")]
    public string? EnhancedSecurityState { get; set; }

    /// <summary>Immutability (Locked cannot be undone).</summary>
    [Parameter]
    [ValidateSet("Disabled", "Unlocked", "Locked")]
    public string? ImmutabilityState { get; set; }

    /// <summary>Public network access.</summary>
    [Parameter]
    [ValidateSet("Enabled", "Disabled")]
    public string? PublicNetworkAccess { get; set; }

    /// <summary>Azure Monitor alerts for every failed backup or restore job (monitoringSettings.azureMonitorAlertSettings.alertsForAllJobFailures).</summary>
    [Parameter]
    [ValidateSet("Enabled", "Disabled")]
    public string? JobFailureAlerts { get; set; }

    /// <summary>The vault's classic alerts for critical operations (monitoringSettings.classicAlertSettings.alertsForCriticalOperations), being retired in favour of Azure Monitor alerts.</summary>
    [Parameter]
    [ValidateSet("Enabled", "Disabled")]
    public string? ClassicAlerts { get; set; }

    /// <summary>Customer-managed key: the Key Vault key URI (https://{key vault}.vault.azure.net/keys/{key}[/{version}]).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EncryptionKeyId { get; set; }

    /// <summary>Double encryption with a second, platform-managed key (chosen with the first customer-managed key; fixed after).</summary>
    [Parameter]
    public SwitchParameter InfrastructureEncryption { get; set; }

    /// <summary>Reach the customer-managed key with this user-assigned identity of the vault (its resource id).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? UserAssignedIdentityId { get; set; }

    /// <summary>Reach the customer-managed key with the vault's system-assigned identity.</summary>
    [Parameter]
    public SwitchParameter UseSystemAssignedIdentity { get; set; }

    /// <summary>The vault's managed identities: None, SystemAssigned, UserAssigned, or both.</summary>
    [Parameter]
    [ValidateSet("None", "SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned")]
    public string? IdentityType { get; set; }

    /// <summary>User-assigned identities to give the vault (resource ids), with -IdentityType UserAssigned or 'SystemAssigned, UserAssigned'.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? IdentityId { get; set; }

    /// <summary>Do not ask before an irreversible setting (-ImmutabilityState Locked, -SoftDeleteState or -EnhancedSecurityState AlwaysON, -CrossRegionRestore Enabled, -EncryptionKeyId).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// Settings Azure cannot take back (Azure Backup docs: a Locked immutable vault cannot be unlocked; soft delete
    /// AlwaysON cannot be disabled; cross-region restore cannot be disabled once enabled).
    /// </summary>
    private IEnumerable<string> Irreversible()
    {
        if (ImmutabilityState == "Locked")
        {
            yield return "immutability Locked (no one can unlock it or delete backup data before it expires)";
        }
        if (SoftDeleteState == "AlwaysON")
        {
            yield return "soft delete AlwaysON (it can never be turned off)";
        }
        if (EnhancedSecurityState == "AlwaysON")
        {
            yield return "enhanced security AlwaysON (it can never be turned off)";
        }
        if (CrossRegionRestore == "Enabled")
        {
            yield return "cross-region restore Enabled (it can never be disabled)";
        }
        if (EncryptionKeyId is not null)
        {
            // Azure Backup "encryption using customer-managed keys": no way back to platform-managed keys, and
            // infrastructure encryption is chosen with the first key.
            yield return "customer-managed key encryption (the vault can never return to platform-managed keys)";
        }
    }

    /// <summary>
    /// Whether PowerShell would ask for a ConfirmImpact.High change: irreversible settings prompt by default, like a
    /// High-impact cmdlet, unless -Force or -Confirm:$false says not to. (-WhatIf never gets this far: ShouldProcess
    /// answers no first.)
    /// </summary>
    private bool MustAskIrreversible()
    {
        if (Force)
        {
            return false;
        }
        if (MyInvocation.BoundParameters.TryGetValue("Confirm", out var c))
        {
            return ((SwitchParameter)c).IsPresent;
        }
        return SessionState.PSVariable.GetValue("ConfirmPreference") is not ConfirmImpact preference || preference != ConfirmImpact.None;
    }

    /// <summary>For a vault protected by a resource guard: an access token for the guard's tenant (Az's -Token). Without it the token is acquired from the connection.</summary>
    [Parameter]
    public System.Security.SecureString? ResourceGuardToken { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var id = ResolveVaultId();
        if (id is null)
        {
            return;
        }
        if (Tag is not null && InputRules.TagsProblem(Tag) is { } tags)
        {
            WriteError(InputError(tags, ErrorIds.InvalidTag, id.ToString()));
            return;
        }
        if (CombinationProblem() is { } problem)
        {
            WriteError(InputError(problem, ErrorIds.InvalidParameterCombination, id.ToString()));
            return;
        }
        if ((IdentityId ?? []).Append(UserAssignedIdentityId).OfType<string>().Select(InputRules.UserAssignedIdentityProblem).FirstOrDefault(p => p is not null) is { } identity)
        {
            WriteError(InputError(identity, ErrorIds.InvalidResourceId, id.ToString()));
            return;
        }
        var patch = BuildPatch();
        if (patch is null)
        {
            WriteError(InputError("Nothing to change: pass at least one of -Tag, -StorageRedundancy, -CrossRegionRestore, -SoftDeleteState, -SoftDeleteRetentionDays, -EnhancedSecurityState, -ImmutabilityState, -PublicNetworkAccess, -JobFailureAlerts, -ClassicAlerts, -EncryptionKeyId, -InfrastructureEncryption, -UserAssignedIdentityId, -UseSystemAssignedIdentity, -IdentityType.",
                ErrorIds.InvalidParameterCombination, id.ToString()));
            return;
        }
        var changes = string.Join(", ", MyInvocation.BoundParameters.Keys.Where(k => k is not ("Name" or "ResourceGroupName" or "SubscriptionId" or "ResourceId" or "InputObject") && !CommonParameters.Contains(k) && !OptionalCommonParameters.Contains(k)));
        var irreversible = Irreversible().ToList();
        var askIrreversible = irreversible.Count > 0 && MustAskIrreversible();
        Run(async ct =>
        {
            var action = irreversible.Count == 0 ? $"Update vault ({changes})" : $"Update vault ({changes}); CANNOT BE UNDONE: {string.Join(", ", irreversible)}";
            if (!await ShouldProcessAsync(id.ToString(), action).ConfigureAwait(false))
            {
                return;
            }
            try
            {
                if (askIrreversible && !await ShouldContinueAsync(
                        $"Setting {string.Join(" and ", irreversible)} on vault '{id.Name}' cannot be undone. Continue?", "Irreversible vault setting", force: false).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (PSInvalidOperationException)
            {
                // A host that cannot ask (a runbook, -NonInteractive) must not get an irreversible change by default.
                EmitError(new ErrorRecord(new InvalidOperationException(
                        $"Setting {string.Join(" and ", irreversible)} on vault '{id.Name}' cannot be undone, and this host cannot ask for confirmation. Pass -Force (or -Confirm:$false) to make the change."),
                    ErrorIds.ConfirmationRequired, ErrorCategory.PermissionDenied, id.ToString()));
                return;
            }
            try
            {
                // The patch carries only the fields asked for, sent only on the vault as read (If-Match): a concurrent
                // change answers 412, and the patch is applied again on the vault as it now is, a few times at most.
                // Turning soft delete off (or shortening it) and taking immutability down are critical operations
                // under a resource guard (MUA); the guard's requests and token travel with the PATCH.
                await Session.RunCriticalAsync(id, ResourceGuardSupport.Plain(ResourceGuardToken), null, null, async () =>
                {
                    for (var attempt = 1; ; attempt++)
                    {
                        var current = await Session.GetVaultAsync(id.SubscriptionId, id.ResourceGroupName!, id.Name, ct).ConfigureAwait(false);
                        try
                        {
                            Emit(new Vault(await Session.PatchVaultAsync(id.SubscriptionId, id.ResourceGroupName!, id.Name, patch, ct, current.ETag).ConfigureAwait(false)));
                            break;
                        }
                        catch (RecoveryVaultServiceException conflict) when (conflict.Status == 412 && attempt < 5)
                        {
                            EmitVerbose($"Vault '{id.Name}' changed while it was being updated (412); applying the change again on its current state.");
                        }
                    }
                }, ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, id.ToString(), ErrorIds.VaultNotFound);
            }
        });
    }


    /// <summary>What the parameters contradict, said before any request (the spec: the key's identity is one or the other).</summary>
    private string? CombinationProblem()
    {
        if (UseSystemAssignedIdentity && UserAssignedIdentityId is not null)
        {
            return "The customer-managed key is reached with one identity: pass -UseSystemAssignedIdentity or -UserAssignedIdentityId, not both.";
        }
        if (IdentityId is not null && IdentityType is not ("UserAssigned" or "SystemAssigned, UserAssigned"))
        {
            return "-IdentityId gives the vault user-assigned identities: pass it with -IdentityType UserAssigned or 'SystemAssigned, UserAssigned'.";
        }
        if (IdentityType is "UserAssigned" or "SystemAssigned, UserAssigned" && IdentityId is null)
        {
            return $"-IdentityType {IdentityType} needs the user-assigned identities: pass their resource ids with -IdentityId.";
        }
        return null;
    }

    private JsonObject? BuildPatch()
    {
        var properties = new JsonObject();
        var patch = new JsonObject();
        if (Tag is not null)
        {
            var tags = new JsonObject();
            foreach (var (k, v) in TagHelper.ToDictionary(Tag))
            {
                tags[k] = v;
            }
            patch["tags"] = tags;
        }
        if (StorageRedundancy is not null || CrossRegionRestore is not null)
        {
            var redundancy = new JsonObject();
            if (StorageRedundancy is not null)
            {
                redundancy["standardTierStorageRedundancy"] = StorageRedundancy;
            }
            if (CrossRegionRestore is not null)
            {
                redundancy["crossRegionRestore"] = CrossRegionRestore;
            }
            properties["redundancySettings"] = redundancy;
        }
        if (SoftDeleteState is not null || SoftDeleteRetentionDays is not null || EnhancedSecurityState is not null || ImmutabilityState is not null)
        {
            var security = new JsonObject();
            if (SoftDeleteState is not null || SoftDeleteRetentionDays is not null || EnhancedSecurityState is not null)
            {
                var soft = new JsonObject();
                if (SoftDeleteState is not null)
                {
                    soft["softDeleteState"] = SoftDeleteState;
                }
                if (SoftDeleteRetentionDays is not null)
                {
                    soft["softDeleteRetentionPeriodInDays"] = SoftDeleteRetentionDays.Value;
                }
                if (EnhancedSecurityState is not null)
                {
                    soft["enhancedSecurityState"] = EnhancedSecurityState;
                }
                security["softDeleteSettings"] = soft;
            }
            if (ImmutabilityState is not null)
            {
                security["immutabilitySettings"] = new JsonObject { ["state"] = ImmutabilityState };
            }
            properties["securitySettings"] = security;
        }
        if (PublicNetworkAccess is not null)
        {
            properties["publicNetworkAccess"] = PublicNetworkAccess;
        }
        if (JobFailureAlerts is not null || ClassicAlerts is not null)
        {
            var monitoring = new JsonObject();
            if (JobFailureAlerts is not null)
            {
                monitoring["azureMonitorAlertSettings"] = new JsonObject { ["alertsForAllJobFailures"] = JobFailureAlerts };
            }
            if (ClassicAlerts is not null)
            {
                monitoring["classicAlertSettings"] = new JsonObject { ["alertsForCriticalOperations"] = ClassicAlerts };
            }
            properties["monitoringSettings"] = monitoring;
        }
        if (EncryptionKeyId is not null || InfrastructureEncryption || UserAssignedIdentityId is not null || UseSystemAssignedIdentity)
        {
            // Vaults spec VaultPropertiesEncryption; what is not asked for stays as the vault has it (merge patch).
            var encryption = new JsonObject();
            if (EncryptionKeyId is not null)
            {
                encryption["keyVaultProperties"] = new JsonObject { ["keyUri"] = EncryptionKeyId };
            }
            if (UserAssignedIdentityId is not null)
            {
                encryption["kekIdentity"] = new JsonObject { ["useSystemAssignedIdentity"] = false, ["userAssignedIdentity"] = UserAssignedIdentityId };
            }
            else if (UseSystemAssignedIdentity)
            {
                encryption["kekIdentity"] = new JsonObject { ["useSystemAssignedIdentity"] = true };
            }
            if (InfrastructureEncryption)
            {
                encryption["infrastructureEncryption"] = "Enabled";
            }
            properties["encryption"] = encryption;
        }
        if (IdentityType is not null)
        {
            var identity = new JsonObject { ["type"] = IdentityType };
            if (IdentityId is not null)
            {
                var assigned = new JsonObject();
                foreach (var uai in IdentityId)
                {
                    assigned[uai] = new JsonObject();
                }
                identity["userAssignedIdentities"] = assigned;
            }
            patch["identity"] = identity;
        }
        if (properties.Count > 0)
        {
            patch["properties"] = properties;
        }
        return patch.Count == 0 ? null : patch;
    }
}
