// Copyright (c) RecoveryVault contributors. MIT License.
using System.Collections;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Models;

/// <summary>A Recovery Services vault as the pipeline sees it. Pipes into every cmdlet that takes a vault (by Id).</summary>
public sealed class Vault
{
    internal Vault(VaultData data)
    {
        Id = data.Id ?? string.Empty;
        var id = RecoveryVaultResourceId.TryParse(Id, out var parsed, out _) ? parsed : null;
        Name = data.Name ?? id?.Name ?? string.Empty;
        ResourceGroupName = id?.ResourceGroupName ?? string.Empty;
        SubscriptionId = id?.SubscriptionId ?? string.Empty;
        Location = data.Location ?? string.Empty;
        Type = data.ResourceType ?? "Microsoft.RecoveryServices/vaults";
        ProvisioningState = data.ProvisioningState;
        Sku = data.SkuName;
        PublicNetworkAccess = data.PublicNetworkAccess;
        StorageRedundancy = data.StorageRedundancy;
        CrossRegionRestore = data.CrossRegionRestore;
        SoftDeleteState = data.SoftDeleteState;
        SoftDeleteRetentionDays = data.SoftDeleteRetentionDays;
        EnhancedSecurityState = data.EnhancedSecurityState;
        ImmutabilityState = data.ImmutabilityState;
        MultiUserAuthorization = data.StringAt("properties", "securitySettings", "multiUserAuthorization");
        JobFailureAlerts = data.JobFailureAlerts;
        ClassicAlerts = data.ClassicAlerts;
        IdentityType = data.IdentityType;
        IdentityPrincipalId = data.IdentityPrincipalId;
        UserAssignedIdentityIds = data.Raw["identity"]?["userAssignedIdentities"] is System.Text.Json.Nodes.JsonObject uais ? uais.Select(kv => kv.Key).ToArray() : [];
        EncryptionKeyId = data.StringAt("properties", "encryption", "keyVaultProperties", "keyUri");
        var kek = data.Raw["properties"]?["encryption"]?["kekIdentity"];
        EncryptionIdentity = EncryptionKeyId is null ? null
            : kek?["userAssignedIdentity"]?.GetValue<string>() is { Length: > 0 } keyIdentity && kek["useSystemAssignedIdentity"]?.GetValue<bool>() != true ? keyIdentity : "SystemAssigned";
        InfrastructureEncryption = data.StringAt("properties", "encryption", "infrastructureEncryption");
        SecureScore = data.StringAt("properties", "secureScore");
        BcdrSecurityLevel = data.StringAt("properties", "bcdrSecurityLevel");
        ETag = data.ETag;
        UpgradeStatus = data.StringAt("properties", "upgradeDetails", "status");
        UpgradedFromId = data.StringAt("properties", "upgradeDetails", "previousResourceId");
        var tags = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in data.Tags)
        {
            tags[k] = v;
        }
        Tags = tags;
    }

    /// <summary>Vault name.</summary>
    public string Name { get; }

    /// <summary>Resource group.</summary>
    public string ResourceGroupName { get; }

    /// <summary>Subscription.</summary>
    public string SubscriptionId { get; }

    /// <summary>Region.</summary>
    public string Location { get; }

    /// <summary>Resource id (binds to -ResourceId / -Id by property name).</summary>
    public string Id { get; }

    /// <summary>Resource type.</summary>
    public string Type { get; }

    /// <summary>For a vault made by upgrading a classic Backup vault: InProgress, Upgraded or Failed (else null).</summary>
    public string? UpgradeStatus { get; }

    /// <summary>For an upgraded vault: the classic Backup vault it came from.</summary>
    public string? UpgradedFromId { get; }

    /// <summary>Provisioning state.</summary>
    public string? ProvisioningState { get; }

    /// <summary>SKU.</summary>
    public string? Sku { get; }

    /// <summary>Enabled or Disabled.</summary>
    public string? PublicNetworkAccess { get; }

    /// <summary>LocallyRedundant, GeoRedundant or ZoneRedundant.</summary>
    public string? StorageRedundancy { get; }

    /// <summary>Cross-region restore.</summary>
    public string? CrossRegionRestore { get; }

    /// <summary>Soft delete state.</summary>
    public string? SoftDeleteState { get; }

    /// <summary>Soft delete retention (days).</summary>
    public int? SoftDeleteRetentionDays { get; }

    /// <summary>Enhanced security.</summary>
    public string? EnhancedSecurityState { get; }

    /// <summary>Immutability.</summary>
    public string? ImmutabilityState { get; }

    /// <summary>Enabled when the vault is mapped to a resource guard (multi-user authorization; Get-RecoveryVaultResourceGuardMapping shows which).</summary>
    public string? MultiUserAuthorization { get; }

    /// <summary>Azure Monitor alerts for all failed backup and restore jobs (Enabled/Disabled).</summary>
    public string? JobFailureAlerts { get; }

    /// <summary>Classic alerts for critical operations (Enabled/Disabled).</summary>
    public string? ClassicAlerts { get; }

    /// <summary>Managed identity type.</summary>
    public string? IdentityType { get; }

    /// <summary>System-assigned identity principal.</summary>
    public string? IdentityPrincipalId { get; }

    /// <summary>Resource ids of the vault's user-assigned identities.</summary>
    public string[] UserAssignedIdentityIds { get; }

    /// <summary>Customer-managed key (Key Vault key URI); null when the vault uses platform-managed keys.</summary>
    public string? EncryptionKeyId { get; }

    /// <summary>The identity the customer-managed key is reached with: SystemAssigned or a user-assigned identity's id.</summary>
    public string? EncryptionIdentity { get; }

    /// <summary>Infrastructure (double) encryption: Enabled or Disabled, when a customer-managed key is set.</summary>
    public string? InfrastructureEncryption { get; }

    /// <summary>The service's secure score of the vault (None, Minimum, Adequate, Maximum).</summary>
    public string? SecureScore { get; }

    /// <summary>The service's security level for business continuity and disaster recovery (Poor, Fair, Good, Excellent).</summary>
    public string? BcdrSecurityLevel { get; }

    /// <summary>Tags.</summary>
    public Hashtable Tags { get; }

    /// <summary>ETag.</summary>
    public string? ETag { get; }

    /// <inheritdoc />
    public override string ToString() => Id;
}

/// <summary>A soft-deleted vault.</summary>
public sealed class DeletedVault
{
    internal DeletedVault(DeletedVaultData data)
    {
        Id = data.Id ?? string.Empty;
        Name = data.Name ?? string.Empty;
        VaultId = data.VaultId ?? string.Empty;
        var vaultId = RecoveryVaultResourceId.TryParse(VaultId, out var v, out _) ? v : null;
        VaultName = vaultId?.Name ?? Name;
        ResourceGroupName = vaultId?.ResourceGroupName ?? string.Empty;
        SubscriptionId = vaultId?.SubscriptionId ?? string.Empty;
        Location = data.DeletedVaultLocation ?? string.Empty;
        DeletionTime = data.DeletionTime;
        PurgeAt = data.PurgeAt;
    }

    /// <summary>Deleted vault name.</summary>
    public string Name { get; }

    /// <summary>Name the vault had.</summary>
    public string VaultName { get; }

    /// <summary>Resource group it was in.</summary>
    public string ResourceGroupName { get; }

    /// <summary>Subscription.</summary>
    public string SubscriptionId { get; }

    /// <summary>Region.</summary>
    public string Location { get; }

    /// <summary>Deleted-vault resource id.</summary>
    public string Id { get; }

    /// <summary>The vault's former id.</summary>
    public string VaultId { get; }

    /// <summary>When it was deleted.</summary>
    public DateTimeOffset? DeletionTime { get; }

    /// <summary>When it is purged.</summary>
    public DateTimeOffset? PurgeAt { get; }

    /// <inheritdoc />
    public override string ToString() => Id;
}

/// <summary>A role assignment that applies to a vault.</summary>
public sealed class VaultRoleAssignment
{
    internal VaultRoleAssignment(RoleAssignmentData data, string? roleName, string vaultId)
    {
        Id = data.Id ?? string.Empty;
        Name = data.Name ?? string.Empty;
        PrincipalId = data.PrincipalId ?? string.Empty;
        PrincipalType = data.PrincipalType;
        RoleDefinitionId = data.RoleDefinitionId ?? string.Empty;
        RoleName = roleName;
        Scope = data.Scope ?? string.Empty;
        VaultId = vaultId;
        Inherited = !string.Equals(Scope.TrimEnd('/'), vaultId.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Assignment name (GUID).</summary>
    public string Name { get; }

    /// <summary>Role name, e.g. Backup Operator.</summary>
    public string? RoleName { get; }

    /// <summary>Principal object id.</summary>
    public string PrincipalId { get; }

    /// <summary>Principal type.</summary>
    public string? PrincipalType { get; }

    /// <summary>Scope of the assignment.</summary>
    public string Scope { get; }

    /// <summary>True when it is assigned above the vault (resource group or subscription).</summary>
    public bool Inherited { get; }

    /// <summary>Vault it was listed for.</summary>
    public string VaultId { get; }

    /// <summary>Role definition id.</summary>
    public string RoleDefinitionId { get; }

    /// <summary>Assignment id.</summary>
    public string Id { get; }
}

/// <summary>The current connection.</summary>
public sealed class ConnectionContext
{
    /// <summary>Runspace: this runspace's own connection; Process: the one shared with runspaces that have none (Connect-RecoveryVault -Scope).</summary>
    public string Scope { get; }

    internal ConnectionContext(Engine.Hosting.RecoveryVaultSession s, string scope = "Runspace")
    {
        Scope = scope;
        Account = s.Account;
        SubscriptionId = s.SubscriptionId;
        TenantId = s.TenantId;
        Environment = s.EnvironmentName;
        Endpoint = s.Endpoint.ToString();
        AuthenticationKind = s.Request.Kind.ToString();
        IsEmulator = s.Request.Kind == Engine.Hosting.AuthKind.Emulator;
        UserAgent = s.UserAgent;
        TokenExpiresOn = s.TokenExpiresOn;
    }

    /// <summary>Client id or credential kind.</summary>
    public string Account { get; }

    /// <summary>Default subscription.</summary>
    public string? SubscriptionId { get; }

    /// <summary>Tenant.</summary>
    public string? TenantId { get; }

    /// <summary>Environment.</summary>
    public string Environment { get; }

    /// <summary>ARM endpoint.</summary>
    public string Endpoint { get; }

    /// <summary>How it signed in.</summary>
    public string AuthenticationKind { get; }

    /// <summary>Connected to the local emulator.</summary>
    public bool IsEmulator { get; }

    /// <summary>User-Agent sent.</summary>
    public string UserAgent { get; }

    /// <summary>When a -AccessToken connection stops working (its token cannot be renewed); null otherwise.</summary>
    public DateTimeOffset? TokenExpiresOn { get; }
}

/// <summary>A running emulator started by Start-RecoveryVaultEmulator. Pipe it into Connect-RecoveryVault.</summary>
public sealed class EmulatorInstance
{
    internal EmulatorInstance(string endpoint, string thumbprint, string certificatePath, string tenantId, string subscriptionId,
        string ownerClientId, string ownerClientSecret, int processId, string? dataDirectory)
    {
        Endpoint = endpoint;
        Thumbprint = thumbprint;
        CertificatePath = certificatePath;
        TenantId = tenantId;
        SubscriptionId = subscriptionId;
        ClientId = ownerClientId;
        ClientSecret = ownerClientSecret;
        ProcessId = processId;
        DataDirectory = dataDirectory;
    }

    /// <summary>HTTPS endpoint.</summary>
    public string Endpoint { get; }

    /// <summary>Certificate thumbprint to pin.</summary>
    public string Thumbprint { get; }

    /// <summary>PEM file of the certificate (for curl and other SDKs).</summary>
    public string CertificatePath { get; }

    /// <summary>Emulator tenant.</summary>
    public string TenantId { get; }

    /// <summary>Emulator subscription.</summary>
    public string SubscriptionId { get; }

    /// <summary>Owner principal client id.</summary>
    public string ClientId { get; }

    /// <summary>Owner principal secret (an emulator secret, not a real one).</summary>
    public string ClientSecret { get; }

    /// <summary>Process id (0 when not started by this session).</summary>
    public int ProcessId { get; }

    /// <summary>Data directory (null: in memory).</summary>
    public string? DataDirectory { get; }
}

/// <summary>
/// A principal created in the emulator. Its secret is shown once (the emulator keeps only a hash), so it is kept here as
/// a SecureString and never printed by the default views; <see cref="Credential"/> signs in with it.
/// </summary>
public sealed class EmulatorPrincipal
{
    internal EmulatorPrincipal(string displayName, string clientId, System.Security.SecureString clientSecret, string objectId)
    {
        DisplayName = displayName;
        ClientId = clientId;
        ClientSecret = clientSecret;
        ObjectId = objectId;
        Credential = new System.Management.Automation.PSCredential(clientId, clientSecret);
    }

    /// <summary>Display name.</summary>
    public string DisplayName { get; }

    /// <summary>Client id (use with Connect-RecoveryVault -Emulator -ClientId).</summary>
    public string ClientId { get; }

    /// <summary>Secret, as a SecureString: the emulator shows it once, at creation.</summary>
    public System.Security.SecureString ClientSecret { get; }

    /// <summary>Client id and secret, ready for Connect-RecoveryVault -Credential.</summary>
    public System.Management.Automation.PSCredential Credential { get; }

    /// <summary>Object id (for Grant-RecoveryVaultAccess -PrincipalId).</summary>
    public string ObjectId { get; }
}
