// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Engine.Backup;

/// <summary>A list request of a backup collection: the path under the vault and the <c>$filter</c>.</summary>
/// <param name="Path">Collection path relative to the vault.</param>
/// <param name="Filter">The OData filter, or null.</param>
public sealed record BackupListRequest(string Path, string? Filter);

/// <summary>Protected items of a vault (BackupProtectedItems_List; filters as in the spec's example ListProtectedItemsWithBackupManagementTypeAndItemTypeFilters).</summary>
public sealed record ItemQuery
{
    /// <summary>Only this kind.</summary>
    public WorkloadDescriptor? Kind { get; init; }

    /// <summary>Only items of this policy (name).</summary>
    public string? PolicyName { get; init; }

    /// <summary>
    /// The request. A kind of several management types (backup servers) is not filtered by the service, whose filter
    /// takes one value: the caller keeps the items of the kind.
    /// </summary>
    public BackupListRequest ToRequest() => new("backupProtectedItems", new ODataFilter()
        .Eq("backupManagementType", Kind?.ManagementTypes.Count == 1 ? Kind.BackupManagementType : null)
        .Eq("itemType", Kind?.ManagementTypes.Count == 1 ? Kind.ItemTypeFilter : null)
        .Eq("policyName", PolicyName)
        .Build());
}

/// <summary>Protectable items (BackupProtectableItems_List: backupManagementType and workloadType filter).</summary>
/// <param name="Kind">The kind to discover.</param>
public sealed record ProtectableItemQuery(WorkloadDescriptor Kind)
{
    /// <summary>The request.</summary>
    public BackupListRequest ToRequest() => new("backupProtectableItems", new ODataFilter()
        .Eq("backupManagementType", Kind.BackupManagementType)
        .Eq("workloadType", Kind.WorkloadType)
        .Build());
}

/// <summary>Registered containers (BackupProtectionContainers_List: backupManagementType is required by the service).</summary>
/// <param name="Kind">The kind of containers.</param>
public sealed record ContainerQuery(WorkloadDescriptor Kind)
{
    /// <summary>The request (of the kind's first management type).</summary>
    public BackupListRequest ToRequest() => ToRequests()[0];

    /// <summary>One request per management type of the kind (the filter is required and takes one value).</summary>
    public IReadOnlyList<BackupListRequest> ToRequests() => Kind.ManagementTypes
        .Select(t => new BackupListRequest("backupProtectionContainers", new ODataFilter().Eq("backupManagementType", t).Build()))
        .ToArray();
}

/// <summary>Policies (BackupPolicies_List, example ListProtectionPolicies with backupManagementType).</summary>
public sealed record PolicyQuery
{
    /// <summary>Only this kind.</summary>
    public WorkloadDescriptor? Kind { get; init; }

    /// <summary>The request.</summary>
    public BackupListRequest ToRequest() => new("backupPolicies", new ODataFilter().Eq("backupManagementType", Kind?.BackupManagementType).Build());
}

/// <summary>Recovery points of an item in a time range (RecoveryPoints_List: startDate and endDate).</summary>
/// <param name="ItemId">The protected item id.</param>
public sealed record RecoveryPointQuery(string ItemId)
{
    /// <summary>Points at or after.</summary>
    public DateTimeOffset? After { get; init; }

    /// <summary>Points at or before.</summary>
    public DateTimeOffset? Before { get; init; }

    /// <summary>The request; both ends are sent when either is given (the service needs the pair).</summary>
    public BackupListRequest ToRequest(DateTimeOffset now)
    {
        var filter = new ODataFilter();
        if (After is not null || Before is not null)
        {
            filter.EqDate("startDate", After ?? DateTimeOffset.UnixEpoch).EqDate("endDate", Before ?? now);
        }
        return new(BackupPath.RecoveryPoints(ItemId), filter.Build());
    }
}

/// <summary>
/// Jobs of a vault (BackupJobs_List). The Az module's defaults and limits: without a range the last 24 hours, and
/// the service takes at most 30 days per query, so longer ranges are split into consecutive 30-day windows.
/// </summary>
public sealed record JobQuery
{
    /// <summary>The longest range one request may ask for (Get-AzRecoveryServicesBackupJob: "up to 30 days").</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(30);

    /// <summary>The default range when none is given.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);

    /// <summary>Jobs started at or after (default: 24 hours before <see cref="To"/>).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Jobs started at or before (default: now).</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>InProgress, Completed, Failed…</summary>
    public string? Status { get; init; }

    /// <summary>Backup, Restore, ConfigureBackup…</summary>
    public string? Operation { get; init; }

    /// <summary>Only this kind.</summary>
    public WorkloadDescriptor? Kind { get; init; }

    /// <summary>The requests, newest window first, each at most <see cref="MaxWindow"/>.</summary>
    public IReadOnlyList<BackupListRequest> ToRequests(DateTimeOffset now)
    {
        // The filter has whole seconds and the service's Date header too: the open end is the next whole second
        // after now, so a job that started within the current second is never cut off.
        var to = To ?? new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(2);
        var from = From ?? to - DefaultWindow;
        if (from > to)
        {
            throw new ArgumentException($"The job range starts ({from:u}) after it ends ({to:u}).");
        }
        var requests = new List<BackupListRequest>();
        var end = to;
        do
        {
            var start = end - from > MaxWindow ? end - MaxWindow : from;
            // Terms in the order of the official example ListJobsWithAllSupportedFilters. The filter takes one
            // management type: a kind of several (backup servers) is asked once per type.
            foreach (var management in Kind?.ManagementTypes ?? [null!])
            {
                requests.Add(new("backupJobs", new ODataFilter()
                    .EqDate("startTime", start)
                    .EqDate("endTime", end)
                    .Eq("operation", Operation)
                    .Eq("backupManagementType", management)
                    .Eq("status", Status)
                    .Build()));
            }
            end = start;
        }
        while (end > from);
        return requests;
    }
}
