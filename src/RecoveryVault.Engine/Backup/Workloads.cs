// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Engine.Backup;

/// <summary>
/// Everything the client knows about one kind of workload: the service's type names for it, how its containers and
/// items are named, which policy rules apply and how it is backed up and restored. Cmdlets and wire builders ask the
/// catalogue instead of branching on the kind, so a new kind is one descriptor (see docs/ARCHITECTURE.md).
/// </summary>
/// <param name="Name">The module's -Kind value.</param>
/// <param name="BackupManagementType">backupManagementType on the wire (spec enum BackupManagementType).</param>
/// <param name="WorkloadType">workloadType of items and policies (spec enum DataSourceType / WorkloadType).</param>
/// <param name="ItemTypeFilter">The itemType value of a backupProtectedItems <c>$filter</c>.</param>
/// <param name="ProtectedItemType">The protectedItemType discriminator of a protected item PUT.</param>
/// <param name="ContainerPrefix">The type prefix of container names ("IaasVMContainer;iaasvmcontainerv2;rg;vm").</param>
/// <param name="ItemPrefix">The type prefix of protected item names.</param>
/// <param name="BackupRequestType">objectType of an on-demand backup request; null when the service cannot start one.</param>
/// <param name="RefreshFilter">The backupManagementType a container refresh is filtered on; null when discovery is not by refresh.</param>
/// <param name="Policy">Retention limits of this kind's policies.</param>
/// <param name="Protectable">Whether it can be protected from the cloud (MARS items are protected by the agent).</param>
public sealed record WorkloadDescriptor(
    string Name,
    string BackupManagementType,
    string WorkloadType,
    string ItemTypeFilter,
    string ProtectedItemType,
    string ContainerPrefix,
    string ItemPrefix,
    string? BackupRequestType,
    string? RefreshFilter,
    PolicyLimits Policy,
    bool Protectable)
{
    /// <summary>The workload types this kind answers to (the service spells some of them several ways); empty: any.</summary>
    public IReadOnlyList<string> WorkloadAliases { get; init; } = [WorkloadType];

    /// <summary>
    /// Every backupManagementType of this kind. Most kinds have one; a backup server is an Azure Backup Server or a
    /// DPM server, the same thing to a script, two types on the wire.
    /// </summary>
    public IReadOnlyList<string> ManagementTypes { get; init; } = [BackupManagementType];

    /// <summary>Whether a document with this management and workload type is of this kind.</summary>
    public bool Matches(string? management, string? workload) =>
        ManagementTypes.Contains(management ?? string.Empty, StringComparer.OrdinalIgnoreCase)
        && (workload is null || WorkloadAliases.Count == 0 || WorkloadAliases.Contains(workload, StringComparer.OrdinalIgnoreCase));

    /// <summary>Container name of a source in a resource group ("IaasVMContainer;iaasvmcontainerv2;rg;vm").</summary>
    public string ContainerName(string resourceGroup, string sourceName) => $"{ContainerPrefix};{resourceGroup};{sourceName}";

    /// <summary>Protected item name of a source ("VM;iaasvmcontainerv2;rg;vm").</summary>
    public string ItemName(string resourceGroup, string sourceName) => $"{ItemPrefix};{resourceGroup};{sourceName}";

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Azure Backup's retention limits for one kind (Azure Backup docs: "Azure Backup support matrix").</summary>
/// <param name="MinDailyDays">Fewest daily points.</param>
/// <param name="MaxDailyDays">Most daily points.</param>
/// <param name="MaxWeeklyWeeks">Most weekly points.</param>
/// <param name="MaxMonthlyMonths">Most monthly points.</param>
/// <param name="MaxYearlyYears">Most yearly points.</param>
/// <param name="Hourly">Whether a schedule may run hourly (and whether only enhanced policies may).</param>
public sealed record PolicyLimits(int MinDailyDays, int MaxDailyDays, int MaxWeeklyWeeks, int MaxMonthlyMonths, int MaxYearlyYears, HourlySupport Hourly);

/// <summary>Whether a kind's schedules may be hourly.</summary>
public enum HourlySupport
{
    /// <summary>Daily or weekly only.</summary>
    None,

    /// <summary>Hourly with an enhanced (V2) policy only.</summary>
    EnhancedOnly,

    /// <summary>Hourly always allowed.</summary>
    Always,
}

/// <summary>The workload catalogue: one descriptor per kind.</summary>
public static class WorkloadCatalogue
{
    /// <summary>Azure VMs (backupManagementType AzureIaasVM).</summary>
    public static readonly WorkloadDescriptor AzureVM = new(
        "AzureVM", "AzureIaasVM", "VM", "VM", "Microsoft.Compute/virtualMachines",
        "IaasVMContainer;iaasvmcontainerv2", "VM;iaasvmcontainerv2", "IaasVMBackupRequest", "AzureIaasVM",
        // Support matrix for Azure VM backup: daily 7-9999 days, weekly 1-5163 weeks, monthly 1-1188, yearly 1-99.
        new PolicyLimits(7, 9999, 5163, 1188, 99, HourlySupport.EnhancedOnly), Protectable: true);

    /// <summary>Azure Files shares (AzureStorage); snapshot-tier caps from "Azure Files backup support matrix".</summary>
    public static readonly WorkloadDescriptor AzureFileShare = new(
        "AzureFileShare", "AzureStorage", "AzureFileShare", "AzureFileShare", "AzureFileShareProtectedItem",
        "StorageContainer;Storage", "AzureFileShare", "AzureFileShareBackupRequest", "AzureStorage",
        new PolicyLimits(1, 200, 200, 120, 10, HourlySupport.Always), Protectable: true);

    /// <summary>SQL Server in Azure VMs (AzureWorkload).</summary>
    public static readonly WorkloadDescriptor SqlDatabase = new(
        "SqlDatabase", "AzureWorkload", "SQLDataBase", "SQLDataBase", "AzureVmWorkloadSQLDatabase",
        "VMAppContainer;Compute", "SQLDataBase", "AzureWorkloadBackupRequest", "AzureWorkload",
        new PolicyLimits(7, 9999, 5163, 1188, 99, HourlySupport.None), Protectable: true)
    {
        WorkloadAliases = ["SQLDataBase", "SQLDatabase", "SQL"],
    };

    /// <summary>Files and folders of a server with the MARS agent (MAB); protected by the agent, not from Azure.</summary>
    public static readonly WorkloadDescriptor MarsServer = new(
        "MarsServer", "MAB", "FileFolder", "FileFolder", "MabFileFolderProtectedItem",
        "Windows", "FileFolder", null, null,
        new PolicyLimits(7, 9999, 5163, 1188, 99, HourlySupport.None), Protectable: false);

    /// <summary>
    /// Data sources of Azure Backup Servers (MABS) and DPM servers (backupManagementType AzureBackupServer or DPM,
    /// containers AzureBackupServerContainer / DPMContainer, items DPMProtectedItem). Read-only from Azure: the
    /// server protects them and runs their backups on-premises, so no policy, protection or on-demand backup here.
    /// Their data sources are SQL databases, files, Hyper-V and VMware VMs, Exchange…: any workload type.
    /// </summary>
    public static readonly WorkloadDescriptor BackupServer = new(
        "BackupServer", "AzureBackupServer", "FileFolder", "FileFolder", "DPMProtectedItem",
        "AzureBackupServerContainer", "DPMProtectedItem", null, null,
        new PolicyLimits(7, 9999, 5163, 1188, 99, HourlySupport.None), Protectable: false)
    {
        WorkloadAliases = [],
        ManagementTypes = ["AzureBackupServer", "DPM"],
    };

    /// <summary>Every kind, in the order they are offered.</summary>
    public static IReadOnlyList<WorkloadDescriptor> All { get; } = [AzureVM, AzureFileShare, SqlDatabase, MarsServer, BackupServer];

    /// <summary>The kind names (for parameter validation and completion).</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(k => k.Name).ToArray();

    /// <summary>The descriptor of a -Kind value, or null.</summary>
    public static WorkloadDescriptor? Find(string? name) =>
        name is null ? null : All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The descriptor of a -Kind value; throws for an unknown one.</summary>
    public static WorkloadDescriptor Get(string name) =>
        Find(name) ?? throw new ArgumentException($"'{name}' is not a workload kind; use one of {string.Join(", ", Names)}.", nameof(name));

    /// <summary>
    /// The kind of a service document, or null when the module does not know it: a SAP HANA database is AzureWorkload
    /// too, and must never be taken for SQL.
    /// </summary>
    public static WorkloadDescriptor? Of(string? management, string? workload) =>
        All.FirstOrDefault(k => k.Matches(management, workload));
}
