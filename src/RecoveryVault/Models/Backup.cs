// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Engine;
using RecoveryVault.Engine.Models;
using RecoveryVault.Internal;

namespace RecoveryVault.Models;

/// <summary>Common shape of every backup object: it knows its vault, so it pipes on without -VaultId plumbing.</summary>
public abstract class BackupObject
{
    internal BackupObject(BackupResourceData data, string vaultId)
    {
        Id = data.Id ?? string.Empty;
        Name = data.Name ?? string.Empty;
        VaultId = vaultId;
        var vault = RecoveryVaultResourceId.Parse(vaultId);
        VaultName = vault.Name;
        ResourceGroupName = vault.ResourceGroupName ?? string.Empty;
        Kind = WorkloadCatalogue.Of(data.BackupManagementType, data.WorkloadType)?.Name;
        BackupManagementType = data.BackupManagementType;
        WorkloadType = data.WorkloadType;
    }

    /// <summary>Service name of the object.</summary>
    public string Name { get; }

    /// <summary>AzureVM, AzureFileShare, SqlDatabase or MarsServer.</summary>
    public string? Kind { get; }

    /// <summary>Vault name.</summary>
    public string VaultName { get; }

    /// <summary>Vault resource group.</summary>
    public string ResourceGroupName { get; }

    /// <summary>Vault id.</summary>
    public string VaultId { get; }

    /// <summary>Resource id.</summary>
    public string Id { get; }

    /// <summary>Service backupManagementType.</summary>
    public string? BackupManagementType { get; }

    /// <summary>Service workloadType.</summary>
    public string? WorkloadType { get; }

    /// <inheritdoc />
    public override string ToString() => Id;
}

/// <summary>A backup policy.</summary>
public sealed class BackupPolicy : BackupObject
{
    internal BackupPolicy(BackupResourceData data, string vaultId) : base(data, vaultId)
    {
        PolicyType = data.Read("policyType");
        ProtectedItemsCount = int.TryParse(data.Read("protectedItemsCount"), out var n) ? n : 0;
        ScheduleFrequency = data.Read("schedulePolicy", "scheduleRunFrequency");
        ScheduleRunTimes = ReadArray(data, "schedulePolicy", "scheduleRunTimes");
        TimeZone = data.Read("timeZone");
        DailyRetentionDays = int.TryParse(data.Read("retentionPolicy", "dailySchedule", "retentionDuration", "count"), out var d) ? d : null;
        WeeklyRetentionWeeks = int.TryParse(data.Read("retentionPolicy", "weeklySchedule", "retentionDuration", "count"), out var w) ? w : null;
        MonthlyRetentionMonths = int.TryParse(data.Read("retentionPolicy", "monthlySchedule", "retentionDuration", "count"), out var m) ? m : null;
        YearlyRetentionYears = int.TryParse(data.Read("retentionPolicy", "yearlySchedule", "retentionDuration", "count"), out var y) ? y : null;
        InstantRpRetentionDays = int.TryParse(data.Read("instantRpRetentionRangeInDays"), out var i) ? i : null;
        Document = data.Raw.ToJsonString();
    }

    private static string[] ReadArray(BackupResourceData data, params string[] path)
    {
        System.Text.Json.Nodes.JsonNode? node = data.Properties;
        foreach (var p in path)
        {
            node = node?[p];
        }
        return node is System.Text.Json.Nodes.JsonArray a ? a.Select(x => x?.ToString() ?? string.Empty).ToArray() : [];
    }

    /// <summary>V1 or V2 (enhanced) for VM policies.</summary>
    public string? PolicyType { get; }

    /// <summary>Items using it.</summary>
    public int ProtectedItemsCount { get; }

    /// <summary>Daily, Weekly or Hourly.</summary>
    public string? ScheduleFrequency { get; }

    /// <summary>Run times.</summary>
    public string[] ScheduleRunTimes { get; }

    /// <summary>Time zone of the schedule.</summary>
    public string? TimeZone { get; }

    /// <summary>Daily points kept (days).</summary>
    public int? DailyRetentionDays { get; }

    /// <summary>Weekly points kept (weeks).</summary>
    public int? WeeklyRetentionWeeks { get; }

    /// <summary>Monthly points kept (months).</summary>
    public int? MonthlyRetentionMonths { get; }

    /// <summary>Yearly points kept (years).</summary>
    public int? YearlyRetentionYears { get; }

    /// <summary>Instant restore snapshot retention (days).</summary>
    public int? InstantRpRetentionDays { get; }

    /// <summary>The policy document as the service returned it (JSON).</summary>
    public string Document { get; }
}

/// <summary>Something that can be protected (a VM, a file share, a SQL database).</summary>
public sealed class ProtectableItem : BackupObject
{
    internal ProtectableItem(BackupResourceData data, string vaultId) : base(data, vaultId)
    {
        FriendlyName = data.FriendlyName ?? Name;
        ProtectionState = data.Read("protectionState");
        SourceResourceId = data.Read("virtualMachineId") ?? data.Read("parentContainerFabricId") ?? data.Read("sourceResourceId");
        ContainerName = ContainerFromId(Id);
        ParentName = data.Read("parentName") ?? data.Read("serverName");
        ProtectableItemType = data.ObjectType;
    }

    internal static string? ContainerFromId(string id)
    {
        var parts = id.Split('/');
        var i = Array.FindIndex(parts, p => p.Equals("protectionContainers", StringComparison.OrdinalIgnoreCase));
        return i >= 0 && i + 1 < parts.Length ? parts[i + 1] : null;
    }

    /// <summary>Display name.</summary>
    public string FriendlyName { get; }

    /// <summary>NotProtected, Protected…</summary>
    public string? ProtectionState { get; }

    /// <summary>Azure resource behind it (VM id, storage account id).</summary>
    public string? SourceResourceId { get; }

    /// <summary>Container name.</summary>
    public string? ContainerName { get; }

    /// <summary>Parent (SQL instance, storage account).</summary>
    public string? ParentName { get; }

    /// <summary>Service item type.</summary>
    public string? ProtectableItemType { get; }
}

/// <summary>A backup container (registered storage account, SQL VM, MARS server, VM container).</summary>
public sealed class BackupContainer : BackupObject
{
    internal BackupContainer(BackupResourceData data, string vaultId) : base(data, vaultId)
    {
        FriendlyName = data.FriendlyName ?? Name;
        RegistrationStatus = data.Read("registrationStatus");
        HealthStatus = data.Read("healthStatus");
        ContainerType = data.Read("containerType");
        SourceResourceId = data.Read("sourceResourceId") ?? data.Read("virtualMachineId");
        AgentVersion = data.Read("extendedInfo", "agentVersion") ?? data.Read("agentVersion") ?? data.Read("dpmAgentVersion");
    }

    /// <summary>Display name.</summary>
    public string FriendlyName { get; }

    /// <summary>Registered…</summary>
    public string? RegistrationStatus { get; }

    /// <summary>Health.</summary>
    public string? HealthStatus { get; }

    /// <summary>Service container type.</summary>
    public string? ContainerType { get; }

    /// <summary>Azure resource behind it.</summary>
    public string? SourceResourceId { get; }

    /// <summary>MARS agent version (for a server protected by a backup server, its protection agent version).</summary>
    public string? AgentVersion { get; }
}

/// <summary>A protected item (backup item).</summary>
public sealed class BackupItem : BackupObject
{
    internal BackupItem(BackupResourceData data, string vaultId) : base(data, vaultId)
    {
        FriendlyName = data.FriendlyName ?? Name;
        ProtectionState = data.Read("protectionState");
        ProtectionStatus = data.Read("protectionStatus");
        HealthStatus = data.Read("healthStatus");
        LastBackupStatus = data.Read("lastBackupStatus");
        LastBackupTime = DateTimeOffset.TryParse(data.Read("lastBackupTime"), out var t) ? t : null;
        LatestRecoveryPoint = DateTimeOffset.TryParse(data.Read("lastRecoveryPoint"), out var r) ? r : null;
        PolicyId = data.Read("policyId");
        PolicyName = string.IsNullOrEmpty(PolicyId) ? null : PolicyId.Split('/')[^1];
        SourceResourceId = data.Read("sourceResourceId") ?? data.Read("virtualMachineId");
        ContainerName = ProtectableItem.ContainerFromId(Id) ?? data.Read("containerName");
        IsDeleted = string.Equals(data.Read("isScheduledForDeferredDelete"), "true", StringComparison.OrdinalIgnoreCase);
        DeletedAt = DateTimeOffset.TryParse(data.Read("deferredDeleteTimeInUTC"), out var d) && IsDeleted ? d : null;
        SoftDeleteRetentionDays = int.TryParse(data.Read("softDeleteRetentionPeriodInDays"), out var keep) ? keep : null;
        PurgeAt = IsDeleted ? PurgeTime(data.Read("deferredDeleteTimeRemaining"), DeletedAt, SoftDeleteRetentionDays) : null;
        ProtectedItemType = data.ObjectType;
        Disks = DiskExclusion.Read(data.Properties);
        DiskSelection = Disks?.ToString();
    }

    /// <summary>
    /// When soft-deleted data is purged: the deletion time plus the item's soft-delete retention (14-180 days), as Az
    /// computes DateOfPurge (DeferredDeleteTimeInUtc + SoftDeleteRetentionPeriodInDays), both on the service's clock;
    /// else the time the service says is left (deferredDeleteTimeRemaining) from now. Unknown (null) when the service
    /// says neither; never a guessed 14 days.
    /// </summary>
    internal static DateTimeOffset? PurgeTime(string? remaining, DateTimeOffset? deletedAt, int? retentionDays)
    {
        if (deletedAt is { } deleted && retentionDays is { } days)
        {
            return deleted.AddDays(days);
        }
        if (remaining is not null)
        {
            if (TimeSpan.TryParse(remaining, System.Globalization.CultureInfo.InvariantCulture, out var left))
            {
                return DateTimeOffset.UtcNow + left;
            }
            try
            {
                return DateTimeOffset.UtcNow + System.Xml.XmlConvert.ToTimeSpan(remaining);
            }
            catch (FormatException)
            {
            }
        }
        return null;
    }

    /// <summary>Display name (VM name, share name, database).</summary>
    public string FriendlyName { get; }

    /// <summary>Days soft-deleted data is kept (the vault's soft-delete retention), when the service says.</summary>
    public int? SoftDeleteRetentionDays { get; }

    /// <summary>Which VM disks are backed up ("all disks", "OS disk only", "all disks but LUN 1"…); null when not set.</summary>
    public string? DiskSelection { get; }

    internal DiskExclusion? Disks { get; }

    /// <summary>IRPending, Protected, ProtectionStopped, ProtectionError…</summary>
    public string? ProtectionState { get; }

    /// <summary>Healthy / Unhealthy.</summary>
    public string? ProtectionStatus { get; }

    /// <summary>Health.</summary>
    public string? HealthStatus { get; }

    /// <summary>Last backup status.</summary>
    public string? LastBackupStatus { get; }

    /// <summary>Last backup time.</summary>
    public DateTimeOffset? LastBackupTime { get; }

    /// <summary>Latest recovery point time.</summary>
    public DateTimeOffset? LatestRecoveryPoint { get; }

    /// <summary>Policy id.</summary>
    public string? PolicyId { get; }

    /// <summary>Policy name.</summary>
    public string? PolicyName { get; }

    /// <summary>Azure resource protected.</summary>
    public string? SourceResourceId { get; }

    /// <summary>Container name.</summary>
    public string? ContainerName { get; }

    /// <summary>Soft-deleted (stop protection with delete while soft delete is on).</summary>
    public bool IsDeleted { get; }

    /// <summary>When a soft-deleted item was deleted.</summary>
    public DateTimeOffset? DeletedAt { get; }

    /// <summary>When a soft-deleted item's data is purged for good.</summary>
    public DateTimeOffset? PurgeAt { get; }

    /// <summary>Service item type.</summary>
    public string? ProtectedItemType { get; }
}

/// <summary>A recovery point of an item.</summary>
public sealed class RecoveryPoint : BackupObject
{
    /// <summary>The VM was encrypted (ADE) when the point was taken: file recovery cannot mount it.</summary>
    public bool IsEncrypted { get; }

    // The point's document, for the restore request (encryption details, files of a SQL point).
    internal System.Text.Json.Nodes.JsonObject Properties { get; }

    internal RecoveryPoint(BackupResourceData data, string vaultId, BackupItem? item) : base(data, vaultId)
    {
        // SQL points carry their time as recoveryPointTimeInUTC; the log chain has none (it is a range).
        RecoveryPointTime = DateTimeOffset.TryParse(data.Read("recoveryPointTime") ?? data.Read("recoveryPointTimeInUTC"), out var t) ? t : null;
        RecoveryPointType = data.Read("recoveryPointType") ?? data.Read("type");
        ObjectType = data.Read("objectType");
        IsEncrypted = string.Equals(data.Read("isSourceVMEncrypted"), "true", StringComparison.OrdinalIgnoreCase);
        Properties = data.Properties;
        ItemId = Id.Contains("/recoveryPoints/", StringComparison.OrdinalIgnoreCase) ? Id[..Id.LastIndexOf("/recoveryPoints/", StringComparison.OrdinalIgnoreCase)] : string.Empty;
        ItemName = item?.FriendlyName ?? ItemId.Split('/')[^1];
        ItemKind = item?.Kind ?? Kind;
        Tiers = data.Properties["recoveryPointTierDetails"] is System.Text.Json.Nodes.JsonArray tiers
            ? string.Join(",", tiers.Select(x => $"{x?["type"]}:{x?["status"]}"))
            : null;
    }

    /// <summary>When the point was taken.</summary>
    public DateTimeOffset? RecoveryPointTime { get; }

    /// <summary>AppConsistent, CrashConsistent, Full, Log…</summary>
    public string? RecoveryPointType { get; }

    /// <summary>Service object type.</summary>
    public string? ObjectType { get; }

    /// <summary>Protected item id.</summary>
    public string ItemId { get; }

    /// <summary>Item display name.</summary>
    public string ItemName { get; }

    /// <summary>Kind of the item.</summary>
    public string? ItemKind { get; }

    /// <summary>Tier details (InstantRP/HardenedRP…).</summary>
    public string? Tiers { get; }
}

/// <summary>A backup job.</summary>
public sealed class BackupJob : BackupObject
{
    internal BackupJob(BackupResourceData data, string vaultId) : base(data, vaultId)
    {
        JobId = Name;
        Data = data;
        Operation = data.Read("operation");
        Status = data.Read("status");
        EntityFriendlyName = data.Read("entityFriendlyName");
        StartTime = DateTimeOffset.TryParse(data.Read("startTime"), out var s) ? s : null;
        EndTime = DateTimeOffset.TryParse(data.Read("endTime"), out var e) ? e : null;
        Duration = System.Xml.XmlConvert.ToTimeSpan(data.Read("duration") ?? "PT0S");
        JobType = data.Read("jobType");
        ErrorMessage = data.Properties["errorDetails"] is System.Text.Json.Nodes.JsonArray errs && errs.Count > 0
            ? string.Join("; ", errs.Select(x => (x?["errorString"] ?? x?["errorMessage"])?.ToString()))
            : null;
        ErrorDetails = (data.Properties["errorDetails"] as System.Text.Json.Nodes.JsonArray ?? []).OfType<System.Text.Json.Nodes.JsonObject>().Select(e => new JobError(e)).ToArray();
        ErrorCode = ErrorDetails.Select(e => e.ErrorCode).FirstOrDefault(c => c is not null);
        ErrorTitle = ErrorDetails.Select(e => e.ErrorTitle).FirstOrDefault(c => c is not null);
        Recommendations = ErrorDetails.SelectMany(e => e.Recommendations).Distinct(StringComparer.Ordinal).ToArray();
        ProgressPercentage = double.TryParse(data.Read("extendedInfo", "progressPercentage"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var p) ? p : null;
        // Job lists leave extendedInfo out (Azure's and the emulator's); only a GET of the job carries the tasks.
        HasDetails = data.Properties["extendedInfo"] is System.Text.Json.Nodes.JsonObject;
        SubTasks = (data.Properties["extendedInfo"]?["tasksList"] as System.Text.Json.Nodes.JsonArray ?? []).OfType<System.Text.Json.Nodes.JsonObject>().Select(t => new JobSubTask(t)).ToArray();
        ContainerName = data.Read("containerName") ?? data.Read("mabServerName") ?? data.Read("storageAccountName");
    }

    internal BackupResourceData Data { get; }

    /// <summary>Error code of a failed job (the first error's int32 errorCode of the job's error infos; null when the job type has none).</summary>
    public int? ErrorCode { get; }

    /// <summary>Error title of the first error (AzureIaaSVMErrorInfo, AzureWorkloadErrorInfo errorTitle).</summary>
    public string? ErrorTitle { get; }

    /// <summary>What the service recommends, from every error of the job.</summary>
    public IReadOnlyList<string> Recommendations { get; }

    /// <summary>Every error of the job.</summary>
    public IReadOnlyList<JobError> ErrorDetails { get; }

    /// <summary>The job's sub-tasks with status and duration (read by Get-RecoveryVaultJob -Detailed or -JobId; lists do not carry them).</summary>
    public IReadOnlyList<JobSubTask> SubTasks { get; }

    /// <summary>True when the job was read by a GET of the job (sub-tasks present), false for a list entry.</summary>
    public bool HasDetails { get; }

    /// <summary>The container, server or storage account the job names (containerName, mabServerName, storageAccountName).</summary>
    public string? ContainerName { get; }

    /// <summary>
    /// Id of the protected item the job is about, when it is known: listed for an item (-Item), or with -Detailed when
    /// exactly one item of the vault matches the job's name and container. Jobs themselves carry no item id.
    /// </summary>
    public string? ItemId { get; internal set; }

    /// <summary>Job id.</summary>
    public string JobId { get; }

    /// <summary>Backup, Restore, ConfigureBackup…</summary>
    public string? Operation { get; }

    /// <summary>InProgress, Completed, Failed, Cancelled…</summary>
    public string? Status { get; }

    /// <summary>Item name.</summary>
    public string? EntityFriendlyName { get; }

    /// <summary>Start.</summary>
    public DateTimeOffset? StartTime { get; }

    /// <summary>End.</summary>
    public DateTimeOffset? EndTime { get; }

    /// <summary>Duration.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Service job type.</summary>
    public string? JobType { get; }

    /// <summary>Error text of a failed job.</summary>
    public string? ErrorMessage { get; }

    /// <summary>Progress (0–100) when the service reports it.</summary>
    public double? ProgressPercentage { get; }

    /// <summary>True for Completed, CompletedWithWarnings, Failed, Cancelled.</summary>
    public bool IsFinished => Status is "Completed" or "CompletedWithWarnings" or "Failed" or "Cancelled";
}

/// <summary>One error of a job (spec AzureIaaSVMErrorInfo, AzureStorageErrorInfo, AzureWorkloadErrorInfo, MabErrorInfo, DpmErrorInfo).</summary>
public sealed class JobError
{
    internal JobError(System.Text.Json.Nodes.JsonObject e)
    {
        ErrorCode = e["errorCode"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<int>(out var code) ? code
            : int.TryParse(e["errorCode"]?.ToString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        ErrorTitle = e["errorTitle"]?.ToString();
        ErrorMessage = (e["errorString"] ?? e["errorMessage"])?.ToString();
        Recommendations = (e["recommendations"] as System.Text.Json.Nodes.JsonArray ?? []).Select(r => r?.ToString()).OfType<string>().ToArray();
    }

    /// <summary>int32 error code (null for MAB and DPM jobs, whose errors have none).</summary>
    public int? ErrorCode { get; }

    /// <summary>Title.</summary>
    public string? ErrorTitle { get; }

    /// <summary>Text.</summary>
    public string? ErrorMessage { get; }

    /// <summary>Recommended actions.</summary>
    public IReadOnlyList<string> Recommendations { get; }

    /// <inheritdoc />
    public override string ToString() => $"{ErrorCode} {ErrorTitle}: {ErrorMessage}".Trim();
}

/// <summary>A sub-task of a job (spec AzureIaaSVMJobTaskDetails and the other kinds' task details).</summary>
public sealed class JobSubTask
{
    internal JobSubTask(System.Text.Json.Nodes.JsonObject t)
    {
        Name = t["taskId"]?.ToString() ?? string.Empty;
        Status = t["status"]?.ToString();
        Duration = t["duration"]?.ToString() is { Length: > 0 } d ? System.Xml.XmlConvert.ToTimeSpan(d) : null;
        StartTime = DateTimeOffset.TryParse(t["startTime"]?.ToString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var s) ? s : null;
        EndTime = DateTimeOffset.TryParse(t["endTime"]?.ToString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var e) ? e : null;
    }

    /// <summary>Task name (taskId), e.g. Take Snapshot.</summary>
    public string Name { get; }

    /// <summary>NotStarted, InProgress, Completed, Failed, Cancelled.</summary>
    public string? Status { get; }

    /// <summary>Duration.</summary>
    public TimeSpan? Duration { get; }

    /// <summary>Start.</summary>
    public DateTimeOffset? StartTime { get; }

    /// <summary>End.</summary>
    public DateTimeOffset? EndTime { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Status} ({Duration})";
}

/// <summary>A mounted recovery point (instant file recovery).</summary>
public sealed class FileRecoveryMount
{
    internal FileRecoveryMount(RecoveryPoint point, string itemName, string scriptPath, string? osType, string? password, DateTimeOffset expiresAt)
    {
        RecoveryPointId = point.Id;
        RecoveryPointTime = point.RecoveryPointTime;
        ItemName = itemName;
        ScriptPath = scriptPath;
        OsType = osType;
        Password = password;
        ExpiresAt = expiresAt;
        VaultId = point.VaultId;
    }

    /// <summary>Recovery point id (pipe into Dismount-RecoveryVaultRecoveryPoint).</summary>
    public string RecoveryPointId { get; }

    /// <summary>Point time.</summary>
    public DateTimeOffset? RecoveryPointTime { get; }

    /// <summary>VM name.</summary>
    public string ItemName { get; }

    /// <summary>Where the mount script was saved.</summary>
    public string ScriptPath { get; }

    /// <summary>Windows or Linux.</summary>
    public string? OsType { get; }

    /// <summary>Password the script asks for.</summary>
    public string? Password { get; }

    /// <summary>When the mount ends by itself.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>Vault id.</summary>
    public string VaultId { get; }
}
