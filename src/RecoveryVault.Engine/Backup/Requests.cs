// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json.Nodes;

namespace RecoveryVault.Engine.Backup;

/// <summary>A request the module's input cannot make: the message says what to change. Raised before anything is sent.</summary>
public sealed class BackupRequestException(string code, string message) : ArgumentException(message)
{
    /// <summary>A stable reason: InvalidRetention, InvalidSchedule, InvalidParameterCombination, UnsupportedForKind.</summary>
    public string Code { get; } = code;
}

/// <summary>Which VM data disks a protected item backs up (spec ExtendedProperties.diskExclusionProperties).</summary>
/// <param name="Luns">The LUNs listed.</param>
/// <param name="IsInclusionList">True: only these data disks (and the OS disk); false: all but these.</param>
public sealed record DiskExclusion(IReadOnlyList<int> Luns, bool IsInclusionList)
{
    /// <summary>Back up the OS disk only (Az -ExcludeAllDataDisks: an empty inclusion list).</summary>
    public static DiskExclusion OsDiskOnly { get; } = new([], true);

    /// <summary>Back up every disk (an empty exclusion list; Az -ResetExclusionSettings).</summary>
    public static DiskExclusion AllDisks { get; } = new([], false);

    /// <summary>Reads the setting of a protected item document, or null when it has none.</summary>
    public static DiskExclusion? Read(JsonObject? itemProperties)
    {
        if (itemProperties?["extendedProperties"]?["diskExclusionProperties"] is not JsonObject d)
        {
            return null;
        }
        var luns = (d["diskLunList"] as JsonArray)?.Select(n => n?.GetValue<int>() ?? 0).ToArray() ?? [];
        return new DiskExclusion(luns, d["isInclusionList"]?.GetValue<bool>() ?? false);
    }

    /// <summary>The wire form.</summary>
    public JsonObject ToJson() => new()
    {
        ["diskExclusionProperties"] = new JsonObject
        {
            ["diskLunList"] = new JsonArray(Luns.Select(l => (JsonNode)l).ToArray()),
            ["isInclusionList"] = IsInclusionList,
        },
    };

    /// <summary>Same disks selected.</summary>
    public bool SameAs(DiskExclusion? other) =>
        other is not null && other.IsInclusionList == IsInclusionList && other.Luns.Order().SequenceEqual(Luns.Order());

    /// <inheritdoc />
    public override string ToString() => IsInclusionList
        ? (Luns.Count == 0 ? "OS disk only" : $"OS disk and LUN {string.Join(",", Luns)}")
        : (Luns.Count == 0 ? "all disks" : $"all disks but LUN {string.Join(",", Luns)}");
}

/// <summary>
/// A protected item PUT (ProtectedItems_CreateOrUpdate, official example ConfigureProtection / StopProtection):
/// enable, change policy, stop, resume, undelete. Every PUT carries the item's disk selection, so changing the policy
/// never drops a VM's disk exclusions.
/// </summary>
/// <param name="Kind">The workload.</param>
/// <param name="SourceResourceId">The protected resource.</param>
/// <param name="PolicyId">Policy id; empty when protection is stopped.</param>
public sealed record ProtectionRequest(WorkloadDescriptor Kind, string? SourceResourceId, string PolicyId)
{
    /// <summary>protectionState to set (ProtectionStopped, BackupsSuspended), or null.</summary>
    public string? ProtectionState { get; init; }

    /// <summary>The VM's disk selection.</summary>
    public DiskExclusion? Disks { get; init; }

    /// <summary>Undelete (isRehydrate).</summary>
    public bool Rehydrate { get; init; }

    /// <summary>The item type to send when the existing item says which (it may differ from the kind's default, e.g. classic VMs).</summary>
    public string? ProtectedItemType { get; init; }

    /// <summary>The request body.</summary>
    public JsonObject ToBody()
    {
        if (Disks is not null && Kind != WorkloadCatalogue.AzureVM)
        {
            throw new BackupRequestException("UnsupportedForKind", "Disk inclusion and exclusion apply to Azure VMs only.");
        }
        var p = new JsonObject { ["protectedItemType"] = ProtectedItemType ?? Kind.ProtectedItemType };
        if (SourceResourceId is not null)
        {
            p["sourceResourceId"] = SourceResourceId;
        }
        p["policyId"] = PolicyId;
        if (ProtectionState is not null)
        {
            p["protectionState"] = ProtectionState;
        }
        if (Disks is not null)
        {
            p["extendedProperties"] = Disks.ToJson();
        }
        if (Rehydrate)
        {
            p["isRehydrate"] = true;
        }
        return new JsonObject { ["properties"] = p };
    }
}

/// <summary>
/// An on-demand backup (Backups_Trigger, official example TriggerBackup_Post). SQL rules from the Azure Backup docs
/// ("Back up SQL Server databases in Azure VMs", on-demand backup): a Full backup is kept at least 45 days,
/// Differential and Log backups follow the policy's retention, a copy-only full may be kept for any time.
/// </summary>
/// <param name="Kind">The workload.</param>
public sealed record OnDemandBackupRequest(WorkloadDescriptor Kind)
{
    /// <summary>The shortest retention of an on-demand SQL full backup.</summary>
    public const int SqlFullMinimumDays = 45;

    /// <summary>Keep the point until (UTC); null = the kind's default.</summary>
    public DateTimeOffset? RetainUntil { get; init; }

    /// <summary>SQL: Full, Differential, Log, CopyOnlyFull.</summary>
    public string? BackupType { get; init; }

    /// <summary>The retention the request uses, or null when the policy's applies.</summary>
    public DateTimeOffset? EffectiveRetainUntil(DateTimeOffset now)
    {
        var type = BackupType ?? "Full";
        if (Kind == WorkloadCatalogue.SqlDatabase && type is "Differential" or "Log")
        {
            return null;
        }
        if (RetainUntil is { } r)
        {
            return r;
        }
        // An hour's margin over the minimum: the service measures 45 days from when it receives the request, a moment
        // after this clock was read.
        return Kind == WorkloadCatalogue.SqlDatabase && type == "Full" ? now.AddDays(SqlFullMinimumDays).AddHours(1) : now.AddDays(30);
    }

    /// <summary>The request body; checks the rules first.</summary>
    public JsonObject ToBody(DateTimeOffset now)
    {
        if (Kind.BackupRequestType is null)
        {
            throw new BackupRequestException("UnsupportedForKind", $"{Kind} items are backed up by their agent, not on demand from Azure.");
        }
        if (BackupType is not null && Kind != WorkloadCatalogue.SqlDatabase)
        {
            throw new BackupRequestException("UnsupportedForKind", "-BackupType applies to SQL databases only.");
        }
        var type = BackupType ?? "Full";
        if (RetainUntil is not null && Kind == WorkloadCatalogue.SqlDatabase && type is "Differential" or "Log")
        {
            throw new BackupRequestException("InvalidParameterCombination", $"A {type} backup is kept as the policy says; -RetainUntil applies to Full and CopyOnlyFull backups.");
        }
        var until = EffectiveRetainUntil(now);
        if (until is { } u && u <= now.AddDays(1))
        {
            throw new BackupRequestException("InvalidRetention", $"-RetainUntil must be at least one day ahead (got {u:u}).");
        }
        if (until is { } f && Kind == WorkloadCatalogue.SqlDatabase && type == "Full" && f < now.AddDays(SqlFullMinimumDays).AddMinutes(-5))
        {
            throw new BackupRequestException("InvalidRetention", $"An on-demand SQL Full backup is kept at least {SqlFullMinimumDays} days (got until {f:u}); use -BackupType CopyOnlyFull for a shorter one.");
        }
        var p = new JsonObject { ["objectType"] = Kind.BackupRequestType };
        if (Kind == WorkloadCatalogue.SqlDatabase)
        {
            p["backupType"] = type;
            p["enableCompression"] = false;
        }
        if (until is { } t)
        {
            p["recoveryPointExpiryTimeInUTC"] = Wire.Timestamp(t);
        }
        return new JsonObject { ["properties"] = p };
    }
}

/// <summary>Formats shared by the request builders.</summary>
public static class Wire
{
    /// <summary>A UTC timestamp as the backup API writes them.</summary>
    public static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
