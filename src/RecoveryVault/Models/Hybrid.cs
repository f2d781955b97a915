// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Backup;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Models;

/// <summary>An Azure Backup Server (MABS) or DPM server registered with a vault (its backupEngines entry).</summary>
public sealed class BackupServer
{
    internal BackupServer(BackupResourceData data, string vaultId)
    {
        Id = data.Id ?? string.Empty;
        Name = data.Name ?? string.Empty;
        VaultId = vaultId;
        var vault = RecoveryVaultResourceId.Parse(vaultId);
        VaultName = vault.Name;
        ResourceGroupName = vault.ResourceGroupName ?? string.Empty;
        FriendlyName = data.FriendlyName ?? Name;
        Type = data.BackupManagementType;
        BackupEngineType = data.Read("backupEngineType");
        Version = data.Read("dpmVersion");
        AgentVersion = data.Read("azureBackupAgentVersion");
        Health = data.Read("healthStatus");
        RegistrationStatus = data.Read("registrationStatus");
        State = data.Read("backupEngineState");
        LastContact = DateTimeOffset.TryParse(data.Read("extendedInfo", "refreshedAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
        ProtectedItemCount = int.TryParse(data.Read("extendedInfo", "protectedItemsCount"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : 0;
        ProtectedServerCount = int.TryParse(data.Read("extendedInfo", "protectedServersCount"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 0;
        UpgradeAvailable = string.Equals(data.Read("isDpmUpgradeAvailable"), "true", StringComparison.OrdinalIgnoreCase)
            || string.Equals(data.Read("isAzureBackupAgentUpgradeAvailable"), "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Registered name of the server.</summary>
    public string Name { get; }

    /// <summary>Display name.</summary>
    public string FriendlyName { get; }

    /// <summary>AzureBackupServer or DPM (the service's backupManagementType).</summary>
    public string? Type { get; }

    /// <summary>AzureBackupServerEngine or DpmBackupEngine.</summary>
    public string? BackupEngineType { get; }

    /// <summary>MABS / DPM version.</summary>
    public string? Version { get; }

    /// <summary>Version of the Azure Backup (MARS) agent on the server.</summary>
    public string? AgentVersion { get; }

    /// <summary>Health status.</summary>
    public string? Health { get; }

    /// <summary>Registered…</summary>
    public string? RegistrationStatus { get; }

    /// <summary>Active or Deleted (backupEngineState).</summary>
    public string? State { get; }

    /// <summary>When the server last reported to the vault (extendedInfo.refreshedAt).</summary>
    public DateTimeOffset? LastContact { get; }

    /// <summary>Data sources it protects to the vault.</summary>
    public int ProtectedItemCount { get; }

    /// <summary>Production servers it protects.</summary>
    public int ProtectedServerCount { get; }

    /// <summary>Whether a MABS/DPM or agent upgrade is available.</summary>
    public bool UpgradeAvailable { get; }

    /// <summary>Vault name.</summary>
    public string VaultName { get; }

    /// <summary>Vault resource group.</summary>
    public string ResourceGroupName { get; }

    /// <summary>Vault id.</summary>
    public string VaultId { get; }

    /// <summary>Resource id (…/backupEngines/{name}).</summary>
    public string Id { get; }

    /// <inheritdoc />
    public override string ToString() => Id;
}

/// <summary>Whether a VM or file share is protected, and by which vault (backupStatus).</summary>
public sealed class BackupStatus
{
    internal BackupStatus(string resourceId, string? fileShareName, string location, BackupStatusResult answer)
    {
        ResourceId = resourceId;
        FileShareName = fileShareName;
        Location = location;
        ProtectionStatus = answer.ProtectionStatus;
        VaultId = answer.VaultId;
        if (VaultId is not null && RecoveryVaultResourceId.TryParse(VaultId, out var vault, out _))
        {
            VaultName = vault.Name;
            VaultResourceGroupName = vault.ResourceGroupName;
        }
        ContainerName = answer.ContainerName;
        ItemName = answer.ProtectedItemName;
        PolicyName = answer.PolicyName;
        ErrorCode = answer.ErrorCode;
        ErrorMessage = answer.ErrorMessage;
    }

    /// <summary>The VM or storage account asked about.</summary>
    public string ResourceId { get; }

    /// <summary>The file share asked about (storage accounts).</summary>
    public string? FileShareName { get; }

    /// <summary>The region asked in (the source's).</summary>
    public string Location { get; }

    /// <summary>Protected, NotProtected or ProtectionFailed.</summary>
    public string ProtectionStatus { get; }

    /// <summary>True when a vault backs it up (Protected or ProtectionFailed).</summary>
    public bool IsProtected => !string.Equals(ProtectionStatus, "NotProtected", StringComparison.OrdinalIgnoreCase);

    /// <summary>The vault that protects it.</summary>
    public string? VaultId { get; }

    /// <summary>That vault's name.</summary>
    public string? VaultName { get; }

    /// <summary>That vault's resource group.</summary>
    public string? VaultResourceGroupName { get; }

    /// <summary>The backup policy.</summary>
    public string? PolicyName { get; }

    /// <summary>The protected item's name.</summary>
    public string? ItemName { get; }

    /// <summary>The protection container's name.</summary>
    public string? ContainerName { get; }

    /// <summary>The service's error code for the answer (Success when it could answer).</summary>
    public string? ErrorCode { get; }

    /// <summary>The service's message, when it gave one.</summary>
    public string? ErrorMessage { get; }

    /// <inheritdoc />
    public override string ToString() => ResourceId;
}

/// <summary>What a vault holds and uses: its usages and the item and container counts per backup management type.</summary>
public sealed class VaultUsage
{
    internal VaultUsage(string vaultId, IReadOnlyDictionary<string, long> usages, IReadOnlyDictionary<string, long> items, IReadOnlyDictionary<string, long> containers)
    {
        VaultId = vaultId;
        var vault = RecoveryVaultResourceId.Parse(vaultId);
        VaultName = vault.Name;
        ResourceGroupName = vault.ResourceGroupName ?? string.Empty;
        Usages = usages;
        ItemsByType = items;
        ContainersByType = containers;
        ProtectedItemCount = items.Values.Sum();
        ContainerCount = containers.Values.Sum();
        BackupServerCount = Get(usages, "MABContainersCount");
        StorageUsedBytes = Get(usages, "LRSStorageUsage") + Get(usages, "GRSStorageUsage");
        DedupStorageUsedBytes = Get(usages, "LRSDedupStorageUsage") + Get(usages, "GRSDedupStorageUsage");
        InProgressJobCount = Get(usages, "InProgressJobsCount");
        FailedJobCount = Get(usages, "FailedJobsCount");
    }

    private static long Get(IReadOnlyDictionary<string, long> d, string key) => d.TryGetValue(key, out var v) ? v : 0;

    /// <summary>Protected items per backup management type (AzureIaasVM, MAB, AzureBackupServer, DPM, AzureStorage, AzureWorkload).</summary>
    public IReadOnlyDictionary<string, long> ItemsByType { get; }

    /// <summary>Registered containers and servers per backup management type.</summary>
    public IReadOnlyDictionary<string, long> ContainersByType { get; }

    /// <summary>Every usage the vault reports, by its name (ProtectedItemCount, LRSStorageUsage, UsedDiskSize…).</summary>
    public IReadOnlyDictionary<string, long> Usages { get; }

    /// <summary>All protected items.</summary>
    public long ProtectedItemCount { get; }

    /// <summary>All registered containers and servers.</summary>
    public long ContainerCount { get; }

    /// <summary>Backup management servers (MABContainersCount).</summary>
    public long BackupServerCount { get; }

    /// <summary>Cloud storage used, bytes (LRS + GRS).</summary>
    public long StorageUsedBytes { get; }

    /// <summary>Deduplicated storage used, bytes (LRS + GRS).</summary>
    public long DedupStorageUsedBytes { get; }

    /// <summary>Jobs in progress (the service's daily count).</summary>
    public long InProgressJobCount { get; }

    /// <summary>Failed jobs (the service's daily count).</summary>
    public long FailedJobCount { get; }

    /// <summary>Vault name.</summary>
    public string VaultName { get; }

    /// <summary>Vault resource group.</summary>
    public string ResourceGroupName { get; }

    /// <summary>Vault id.</summary>
    public string VaultId { get; }

    /// <inheritdoc />
    public override string ToString() => VaultId;
}

/// <summary>
/// A security PIN for the critical operations of hybrid backups (stop protection with delete data, change passphrase)
/// in the MARS agent, Azure Backup Server or DPM. Valid for five minutes; each new PIN replaces the previous one.
/// </summary>
public sealed class VaultSecurityPin
{
    internal VaultSecurityPin(string vaultId, Engine.Backup.SecurityPin pin)
    {
        VaultId = vaultId;
        var vault = RecoveryVaultResourceId.Parse(vaultId);
        VaultName = vault.Name;
        ResourceGroupName = vault.ResourceGroupName ?? string.Empty;
        Pin = pin.Pin;
        ExpiresOn = pin.ExpiresOn;
    }

    /// <summary>The PIN to type into the agent or server console.</summary>
    public string Pin { get; }

    /// <summary>When the service stops accepting it (UTC).</summary>
    public DateTimeOffset ExpiresOn { get; }

    /// <summary>Vault name.</summary>
    public string VaultName { get; }

    /// <summary>Vault resource group.</summary>
    public string ResourceGroupName { get; }

    /// <summary>Vault id.</summary>
    public string VaultId { get; }

    /// <summary>The vault id and expiry, never the PIN: a string conversion must not put it into logs or transcripts by accident.</summary>
    public override string ToString() => $"{VaultId} (PIN expires {ExpiresOn:u})";
}
