// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>The workload kinds the emulator models; one <see cref="WorkloadDescriptor"/> each.</summary>
internal enum WorkloadKind
{
    AzureVM,
    AzureFileShare,
    SqlDatabase,
    MarsServer,
    AzureBackupServer,
    DpmServer,
}

/// <summary>Whether a kind's policies may schedule hourly backups.</summary>
internal enum HourlySupport
{
    None,
    Always,

    /// <summary>Only Enhanced (V2) policies: IaaS VMs.</summary>
    EnhancedPolicyOnly,
}

/// <summary>Upper bounds of a policy's retention rules, per rule (the lower bound of weeks, months and years is always 1).</summary>
internal sealed record RetentionLimits(int MinDaily, int MaxDaily, int MaxWeeks, int MaxMonths, int MaxYears);

/// <summary>What a new job of a kind adds to the common job properties.</summary>
internal sealed record JobFieldsContext(JsonObject Properties, ResourceDoc? Item, string FriendlyName, JsonObject PropertyBag);

/// <summary>What a recovery point renderer gets: the point's time, expiry and backup type, and the job that made it.</summary>
internal sealed record RecoveryPointContext(IStoreSession Session, BackupRuntime Runtime, ResourceDoc Item, ResourceDoc Job, DateTimeOffset Time, DateTimeOffset Expiry, string BackupType, string Name);

/// <summary>An enable-protection PUT as a kind sees it; <see cref="Container"/> is null when the container is not registered (yet).</summary>
internal sealed record ProtectionRequest(BackupRuntime Runtime, IStoreSession Session, ResourceDoc Vault, JsonObject Properties, string ContainerName, string ItemName, string ContainerId, string Location, ResourceDoc? Container, WorkloadDescriptor Kind);

/// <summary>The new item's properties, the key of its source (one vault per source), its container (made if implicit) and any kind-specific item metadata.</summary>
internal sealed record ProtectedItemSource(JsonObject Properties, string SourceKey, ResourceDoc Container, JsonObject? ItemMeta = null);

/// <summary>A restore request as its kind validates it; the kind adds what is restored where to <see cref="PropertyBag"/> (the job's).</summary>
internal sealed record RestoreRequest(IStoreSession Session, string VaultLocation, ResourceDoc Item, ResourceDoc RecoveryPoint, JsonObject Properties, JsonObject Meta, string ObjectType, string RecoveryType, JsonObject PropertyBag);

/// <summary>A protectable-items listing as a kind answers it; <see cref="Container"/> is the registered container, or null for kinds with implicit containers.</summary>
internal sealed record ProtectableQuery(IStoreSession Session, ResourceDoc Vault, string Subscription, string Location, ISet<string> Taken, Discovery Discovery, ResourceDoc? Container, WorkloadDescriptor Kind);

/// <summary>A container registration PUT as a kind checks it; the kind returns the container's stored properties.</summary>
internal sealed record ContainerRegistration(IStoreSession Session, JsonObject Properties, string SourceId, string Location, WorkloadDescriptor Kind);

/// <summary>An inquire on a registered container; <see cref="WorkloadType"/> is the request's filter, if any.</summary>
internal sealed record ContainerInquiry(IStoreSession Session, Discovery Discovery, ResourceDoc Container, string? WorkloadType, WorkloadDescriptor Kind);

/// <summary>A protectable-containers listing as a kind answers it; <see cref="Registered"/> holds the source ids already registered to any vault.</summary>
internal sealed record ProtectableContainerQuery(IStoreSession Session, ResourceDoc Vault, string Subscription, string Location, ISet<string?> Registered, Discovery Discovery, WorkloadDescriptor Kind);

/// <summary>
/// Everything that differs between workload kinds, so handlers and the engine ask the descriptor instead of branching
/// on backupManagementType strings. The wire names are the service's (bms.json); a new kind starts here.
/// </summary>
internal sealed class WorkloadDescriptor
{
    public required WorkloadKind Kind { get; init; }

    /// <summary>backupManagementType on containers, items, policies and jobs.</summary>
    public required string ManagementType { get; init; }

    /// <summary>workloadType of items (the policy's workLoadType where the kind's policies carry one).</summary>
    public required string WorkloadType { get; init; }

    /// <summary>containerType of the kind's registered containers.</summary>
    public required string ContainerType { get; init; }

    /// <summary>First segment of the kind's container names; what an enable-protection PUT is routed by.</summary>
    public required string ContainerNamePrefix { get; init; }

    /// <summary>Other container name prefixes clients send for the same kind (the short IaaS form without the type).</summary>
    public IReadOnlyList<string> ContainerNameAliases { get; init; } = [];

    /// <summary>First segment of the kind's protectable and protected item names.</summary>
    public required string ItemNamePrefix { get; init; }

    /// <summary>protectableItemType of discovered items; null when the kind is not discovered by the vault (MARS agents register themselves).</summary>
    public string? ProtectableItemType { get; init; }

    /// <summary>Discovered, not yet protected items (once, or per registered container when <see cref="ProtectableContainerType"/> is set); null when the kind has none.</summary>
    public Func<ProtectableQuery, IEnumerable<JsonObject>>? ListProtectableItems { get; init; }

    /// <summary>Checks a container registration and shapes the container; null when the client does not register the kind's containers.</summary>
    public Func<ContainerRegistration, JsonObject>? RegisterContainer { get; init; }

    /// <summary>Re-discovers the workloads of a registered container (inquire); null when the kind's containers have nothing to inquire.</summary>
    public Action<ContainerInquiry>? InquireContainer { get; init; }

    /// <summary>Discovered sources whose containers the client may register; null when the kind has none.</summary>
    public Func<ProtectableContainerQuery, IEnumerable<JsonObject>>? ListProtectableContainers { get; init; }

    /// <summary>protectableContainerType of discovered, not yet registered containers; null when containers are implicit or self-registered.</summary>
    public string? ProtectableContainerType { get; init; }

    public required string ProtectedItemType { get; init; }

    /// <summary>jobType of the kind's jobs (the job resource's discriminator).</summary>
    public required string JobType { get; init; }

    /// <summary>Adds the kind's own job properties (spec AzureIaaSVMJob, AzureStorageJob, ...).</summary>
    public Action<JobFieldsContext>? AddJobFields { get; init; }

    /// <summary>Backup and restore jobs of IaaS VMs report their phases as separate tasks; other kinds report one.</summary>
    public bool DetailedJobTasks { get; init; }

    /// <summary>objectType of the kind's discrete recovery points.</summary>
    public required string RecoveryPointObjectType { get; init; }

    public required Func<RecoveryPointContext, JsonObject> RenderRecoveryPoint { get; init; }

    /// <summary>objectType of the one point-in-time range point a log chain keeps; null without a log chain.</summary>
    public string? LogRangePointObjectType { get; init; }

    /// <summary>Points stay in the snapshot tier for the policy's instantRpRetentionRangeInDays (IaaS VMs only).</summary>
    public bool InstantRestoreTier { get; init; }

    /// <summary>Full/Differential/Log backups and a log chain (a point-in-time range point) instead of single points.</summary>
    public bool LogChain { get; init; }

    /// <summary>objectType of an on-demand backup request; null when on-demand backups are started elsewhere (the MARS agent).</summary>
    public string? BackupRequestObjectType { get; init; }

    /// <summary>Days an on-demand point is kept when the request names no expiry.</summary>
    public int DefaultAdhocRetentionDays { get; init; } = 30;

    /// <summary>Restore request objectTypes that restore items of this kind.</summary>
    public IReadOnlyList<string> RestoreRequestTypes { get; init; } = [];

    /// <summary>Checks a restore request of one of <see cref="RestoreRequestTypes"/> for an item of this kind.</summary>
    public Action<RestoreRequest>? ValidateRestore { get; init; }

    /// <summary>objectType of the item-level-recovery (file recovery) request; null when the kind has none.</summary>
    public string? IlrRequestObjectType { get; init; }

    /// <summary>
    /// The item's <c>lastBackupStatus</c> before any backup, after one that completed, after one that failed. bms.json
    /// types it per item: AzureVmWorkloadProtectedItem's is the closed LastBackupStatus enum (IRPending, Healthy,
    /// Unhealthy); the others are free strings ("Completed" in the official VM examples).
    /// </summary>
    public (string None, string Completed, string Failed) LastBackupStatus { get; init; } = (string.Empty, "Completed", "Failed");

    /// <summary>Protected items carry extendedInfo {oldestRecoveryPoint, recoveryPointCount, policyInconsistent}.</summary>
    public bool ItemExtendedInfo { get; init; }

    /// <summary>Disk exclusion (extendedProperties.diskExclusionProperties) is stored on the item.</summary>
    public bool DiskExclusion { get; init; }

    /// <summary>The engine runs the kind's scheduled backups; false when the kind's agent schedules its own.</summary>
    public bool ScheduledByEngine { get; init; } = true;

    /// <summary>A container with protected items can still be unregistered (MARS: the server's data goes with it).</summary>
    public bool UnregisterWithItems { get; init; }

    public required RetentionLimits Retention { get; init; }

    /// <summary>Policies of the kind are ARM backupPolicies; false for backup servers, whose policies live on the server.</summary>
    public bool ArmPolicies { get; init; } = true;

    public HourlySupport HourlySchedules { get; init; }

    /// <summary>Kind-specific policy checks; props["backupManagementType"] is already canonical when it runs.</summary>
    public required Action<JsonObject> ValidatePolicy { get; init; }

    /// <summary>Finds the source of an enable-protection PUT and shapes the new item; null when items of the kind are not protected through ARM.</summary>
    public Func<ProtectionRequest, ProtectedItemSource>? EnableProtection { get; init; }

    /// <summary>Runs discovery for a refreshContainers call naming this kind (or none); null when the kind cannot be refreshed.</summary>
    public Action<Discovery, IStoreSession, string, string, string>? Refresh { get; init; }

    public bool Is(string? managementType) => BackupModel.Eq(managementType, ManagementType);

    public bool OwnsContainerName(string containerName) =>
        containerName.StartsWith(ContainerNamePrefix, StringComparison.OrdinalIgnoreCase)
        || ContainerNameAliases.Any(a => containerName.StartsWith(a, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The one list of workload kinds; order is the order of kinds in the service's error messages.</summary>
internal static class WorkloadCatalogue
{
    private static readonly RetentionLimits LongRetention = new(7, 9999, 5163, 1188, 99);

    public static readonly WorkloadDescriptor AzureVM = new()
    {
        Kind = WorkloadKind.AzureVM,
        ManagementType = "AzureIaasVM",
        WorkloadType = "VM",
        ContainerType = "Microsoft.Compute/virtualMachines",
        ContainerNamePrefix = "IaasVMContainer;",
        ContainerNameAliases = ["iaasvmcontainerv2;"],
        ItemNamePrefix = "VM;",
        ProtectableItemType = "Microsoft.Compute/virtualMachines",
        ListProtectableItems = WorkloadHooks.ProtectableVms,
        ProtectedItemType = "Microsoft.Compute/virtualMachines",
        JobType = "AzureIaaSVMJob",
        DetailedJobTasks = true,
        AddJobFields = j =>
        {
            j.Properties["virtualMachineVersion"] = "Compute";
            // Spec AzureIaaSVMJob.containerName ("iaasvmcontainerv2;rg;vm" without the type prefix, as in the
            // cross-region-restore job examples): the one field that tells two VMs of the same name apart.
            if (j.Item is not null && BackupEngine.ContainerOf(j.Item.Id) is { } container)
            {
                j.Properties["containerName"] = container.StartsWith("IaasVMContainer;", StringComparison.OrdinalIgnoreCase) ? container["IaasVMContainer;".Length..] : container;
            }

            if (j.PropertyBag["VM Name"] is null && j.Item is not null)
            {
                j.PropertyBag["VM Name"] = j.FriendlyName;
            }
        },
        RecoveryPointObjectType = "IaasVMRecoveryPoint",
        RenderRecoveryPoint = c => RecoveryPoints.VmPoint(c.Session, c.Runtime, c.Item, c.Time, c.Name),
        InstantRestoreTier = true,
        BackupRequestObjectType = "IaasVMBackupRequest",
        RestoreRequestTypes = ["IaasVMRestoreRequest", "IaasVMRestoreWithRehydrationRequest"],
        ValidateRestore = Restores.ValidateVmRestore,
        IlrRequestObjectType = "IaasVMILRRegistrationRequest",
        ItemExtendedInfo = true,
        DiskExclusion = true,
        EnableProtection = WorkloadHooks.EnableVm,
        Retention = LongRetention,
        HourlySchedules = HourlySupport.EnhancedPolicyOnly,
        ValidatePolicy = PolicyRules.ValidateVm,
        Refresh = (d, s, vaultId, sub, location) => d.RefreshVms(s, sub, location),
    };

    public static readonly WorkloadDescriptor AzureFileShare = new()
    {
        Kind = WorkloadKind.AzureFileShare,
        ManagementType = "AzureStorage",
        WorkloadType = "AzureFileShare",
        ContainerType = "StorageContainer",
        ContainerNamePrefix = "StorageContainer;",
        ItemNamePrefix = "AzureFileShare;",
        ProtectableItemType = "AzureFileShare",
        ListProtectableItems = WorkloadHooks.ProtectableFileShares,
        ProtectableContainerType = "StorageContainer",
        RegisterContainer = WorkloadHooks.RegisterStorageContainer,
        ListProtectableContainers = WorkloadHooks.ProtectableStorageContainers,
        InquireContainer = WorkloadHooks.InquireStorageContainer,
        ProtectedItemType = "AzureFileShareProtectedItem",
        JobType = "AzureStorageJob",
        AddJobFields = j =>
        {
            j.Properties["storageAccountName"] = BackupModel.ParseResourceId(Json.Str(j.Item?.Props, "sourceResourceId"), "Microsoft.Storage/storageAccounts")?.Name ?? string.Empty;
            j.Properties["storageAccountVersion"] = "Storage";
        },
        RecoveryPointObjectType = "AzureFileShareRecoveryPoint",
        RenderRecoveryPoint = RecoveryPoints.FileSharePoint,
        BackupRequestObjectType = "AzureFileShareBackupRequest",
        RestoreRequestTypes = ["AzureFileShareRestoreRequest"],
        ValidateRestore = Restores.ValidateFileShareRestore,
        IlrRequestObjectType = "AzureFileShareProvisionILRRequest",
        EnableProtection = WorkloadHooks.EnableFileShare,
        // Azure Files keeps snapshots, capped at 200 daily / 200 weekly / 120 monthly / 10 yearly
        // (learn.microsoft.com/azure/backup/azure-file-share-support-matrix, "Retention limits").
        Retention = new(1, 200, 200, 120, 10),
        HourlySchedules = HourlySupport.Always,
        ValidatePolicy = PolicyRules.ValidateFileShare,
        Refresh = (d, s, vaultId, sub, location) => d.RefreshStorage(s, vaultId, sub, location),
    };

    public static readonly WorkloadDescriptor SqlDatabase = new()
    {
        Kind = WorkloadKind.SqlDatabase,
        ManagementType = "AzureWorkload",
        WorkloadType = "SQLDataBase",
        ContainerType = "VMAppContainer",
        ContainerNamePrefix = "VMAppContainer;",
        ItemNamePrefix = "SQLDataBase;",
        ProtectableItemType = "SQLDataBase",
        ListProtectableItems = WorkloadHooks.ProtectableSqlDatabases,
        ProtectableContainerType = "VMAppContainer",
        RegisterContainer = WorkloadHooks.RegisterWorkloadContainer,
        ListProtectableContainers = WorkloadHooks.ProtectableWorkloadContainers,
        InquireContainer = WorkloadHooks.InquireWorkloadContainer,
        ProtectedItemType = "AzureVmWorkloadSQLDatabase",
        LastBackupStatus = ("IRPending", "Healthy", "Unhealthy"),
        JobType = "AzureWorkloadJob",
        AddJobFields = j => j.Properties["workloadType"] = Json.Str(j.Item?.Props, "workloadType") ?? "SQLDataBase",
        RecoveryPointObjectType = "AzureWorkloadSQLRecoveryPoint",
        RenderRecoveryPoint = RecoveryPoints.SqlPoint,
        LogChain = true,
        LogRangePointObjectType = "AzureWorkloadSQLPointInTimeRecoveryPoint",
        BackupRequestObjectType = "AzureWorkloadBackupRequest",
        // Azure Backup for SQL keeps an on-demand Full at least 45 days (learn.microsoft.com/azure/backup/backup-azure-sql-database).
        DefaultAdhocRetentionDays = 45,
        EnableProtection = WorkloadHooks.EnableSqlDatabase,
        RestoreRequestTypes = ["AzureWorkloadSQLRestoreRequest", "AzureWorkloadSQLPointInTimeRestoreRequest"],
        ValidateRestore = Restores.ValidateSqlRestore,
        Retention = LongRetention,
        ValidatePolicy = PolicyRules.ValidateWorkload,
        Refresh = (d, s, vaultId, sub, location) => d.RefreshWorkload(s, vaultId, sub, location),
    };

    public static readonly WorkloadDescriptor MarsServer = new()
    {
        Kind = WorkloadKind.MarsServer,
        ManagementType = "MAB",
        WorkloadType = "FileFolder",
        ContainerType = "Windows",
        ContainerNamePrefix = string.Empty,
        ItemNamePrefix = "FileFolder;",
        ProtectedItemType = "MabFileFolderProtectedItem",
        JobType = "MabJob",
        AddJobFields = j =>
        {
            j.Properties["mabServerName"] = Json.Str(j.Item?.Props, "computerName") ?? j.FriendlyName;
            j.Properties["mabServerType"] = "Windows";
            j.Properties["workloadType"] = "FileFolder";
        },
        RecoveryPointObjectType = "GenericRecoveryPoint",
        RenderRecoveryPoint = c => RecoveryPoints.GenericPoint(Json.Str(c.Item.Props, "friendlyName") ?? string.Empty, c.Time),
        // MARS backups follow the agent's schedule on the server, not Azure's.
        ScheduledByEngine = false,
        UnregisterWithItems = true,
        Retention = LongRetention,
        ValidatePolicy = PolicyRules.ValidateMars,
    };

    public static readonly WorkloadDescriptor AzureBackupServer = BackupServerKind(WorkloadKind.AzureBackupServer, "AzureBackupServer", "AzureBackupServerContainer");

    public static readonly WorkloadDescriptor DpmServer = BackupServerKind(WorkloadKind.DpmServer, "DPM", "DPMContainer");

    public static IReadOnlyList<WorkloadDescriptor> All { get; } = [AzureVM, AzureFileShare, SqlDatabase, MarsServer, AzureBackupServer, DpmServer];

    /// <summary>Kinds whose policies are ARM backupPolicies.</summary>
    public static IEnumerable<WorkloadDescriptor> WithArmPolicies => All.Where(d => d.ArmPolicies);

    /// <summary>
    /// Azure Backup Server (MABS) and System Center DPM: the servers they protect are their containers (spec
    /// AzureBackupServerContainer / DPMContainer) and the data sources DPMProtectedItem. Backups, policies and restores are
    /// driven on the server, so ARM only reads them: nothing here is protected, scheduled or restored through ARM.
    /// </summary>
    private static WorkloadDescriptor BackupServerKind(WorkloadKind kind, string managementType, string containerType) => new()
    {
        Kind = kind,
        ManagementType = managementType,
        WorkloadType = "GenericDataSource",
        ContainerType = containerType,
        ContainerNamePrefix = string.Empty,
        ItemNamePrefix = string.Empty,
        ProtectedItemType = "DPMProtectedItem",
        JobType = "DpmJob",
        AddJobFields = j =>
        {
            j.Properties["dpmServerName"] = Json.Str(j.Item?.Props, "backupEngineName");
            j.Properties["containerName"] = Json.Str(j.Item?.Props, "containerName");
            j.Properties["containerType"] = containerType;
            j.Properties["workloadType"] = Json.Str(j.Item?.Props, "workloadType");
        },
        RecoveryPointObjectType = "GenericRecoveryPoint",
        RenderRecoveryPoint = c => RecoveryPoints.GenericPoint(Json.Str(c.Item.Props, "friendlyName") ?? string.Empty, c.Time),
        ScheduledByEngine = false,
        UnregisterWithItems = true,
        ArmPolicies = false,
        Retention = LongRetention,
        ValidatePolicy = _ => { },
    };

    public static WorkloadDescriptor? ByManagementType(string? managementType) =>
        managementType is null ? null : All.FirstOrDefault(d => d.Is(managementType));

    /// <summary>The kind of a stored container, item, policy or job (its backupManagementType).</summary>
    public static WorkloadDescriptor? Of(ResourceDoc doc) => ByManagementType(Json.Str(doc.Props, "backupManagementType"));

    public static WorkloadDescriptor? ByProtectedItemType(string? protectedItemType) =>
        All.FirstOrDefault(d => BackupModel.Eq(d.ProtectedItemType, protectedItemType));

    public static WorkloadDescriptor? ByContainerType(string? containerType) =>
        All.FirstOrDefault(d => d.ContainerType == containerType);

    /// <summary>The kind an enable-protection PUT addresses, by its container name (MARS containers are never addressed so).</summary>
    public static WorkloadDescriptor? ByContainerName(string containerName) =>
        All.FirstOrDefault(d => d.ContainerNamePrefix.Length > 0 && d.OwnsContainerName(containerName));

    public static WorkloadDescriptor? ByRestoreRequestType(string objectType) =>
        All.FirstOrDefault(d => d.RestoreRequestTypes.Contains(objectType, StringComparer.Ordinal));

    /// <summary>The kinds refreshContainers accepts in its filter.</summary>
    public static IEnumerable<WorkloadDescriptor> Refreshable => All.Where(d => d.Refresh is not null);

    /// <summary>"A, B, C or D" / "A, B, C, D": the kinds as the emulator's error messages list them.</summary>
    public static string ManagementTypes(IEnumerable<WorkloadDescriptor> kinds, string lastSeparator)
    {
        var names = kinds.Select(d => d.ManagementType).ToList();
        return names.Count < 2 ? string.Concat(names) : string.Join(", ", names.Take(names.Count - 1)) + lastSeparator + names[^1];
    }
}
