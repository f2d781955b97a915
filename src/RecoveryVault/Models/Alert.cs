// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json.Nodes;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Models;

/// <summary>An Azure Monitor alert Azure Backup raised for a vault (e.g. a failed backup or restore job).</summary>
public sealed class VaultAlert
{
    internal VaultAlert(AlertData data)
    {
        Id = data.Id ?? string.Empty;
        AlertId = data.AlertId ?? string.Empty;
        Name = data.Name ?? string.Empty;
        AlertRule = data.AlertRule;
        Severity = data.Severity;
        State = data.State;
        MonitorCondition = data.MonitorCondition;
        MonitorService = data.MonitorService;
        SignalType = data.SignalType;
        Description = data.Description;
        TargetResource = data.TargetResource;
        var vault = data.TargetResource is { } t && RecoveryVaultResourceId.TryParse(t, out var parsed, out _) ? parsed.GetVaultId() : null;
        VaultId = vault?.ToString();
        VaultName = vault?.Name;
        StartTime = data.StartTime;
        LastModifiedTime = data.LastModifiedTime;
        LastModifiedBy = data.LastModifiedBy;
        var context = data.Context;
        JobId = Text(context, "jobId");
        ItemId = Text(context, "protectedItemId");
        ErrorCode = Text(context, "errorCode");
        ErrorTitle = Text(context, "errorTitle");
    }

    private static string? Text(JsonObject? o, string name) => o?[name] is JsonValue v
        ? (v.TryGetValue<string>(out var s) ? s : Convert.ToString(v.ToString(), CultureInfo.InvariantCulture))
        : null;

    /// <summary>The alert's resource id (an extension of its target resource).</summary>
    public string Id { get; }

    /// <summary>The alert's own id (GUID).</summary>
    public string AlertId { get; }

    /// <summary>The alert's name (for Azure Backup: the scenario, e.g. Backup Failure).</summary>
    public string Name { get; }

    /// <summary>The alert rule.</summary>
    public string? AlertRule { get; }

    /// <summary>Sev0 (critical) … Sev4 (verbose).</summary>
    public string? Severity { get; }

    /// <summary>New, Acknowledged or Closed.</summary>
    public string? State { get; }

    /// <summary>Fired or Resolved.</summary>
    public string? MonitorCondition { get; }

    /// <summary>The service that raised it.</summary>
    public string? MonitorService { get; }

    /// <summary>Signal type.</summary>
    public string? SignalType { get; }

    /// <summary>What happened.</summary>
    public string? Description { get; }

    /// <summary>The resource the alert is about.</summary>
    public string? TargetResource { get; }

    /// <summary>The vault, when the target is a vault (pipes into vault-scoped cmdlets).</summary>
    public string? VaultId { get; }

    /// <summary>Vault name.</summary>
    public string? VaultName { get; }

    /// <summary>When it fired.</summary>
    public DateTimeOffset? StartTime { get; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset? LastModifiedTime { get; }

    /// <summary>Who changed it last (System for the service).</summary>
    public string? LastModifiedBy { get; }

    /// <summary>The failed job (job failure alerts).</summary>
    public string? JobId { get; }

    /// <summary>The backup item concerned.</summary>
    public string? ItemId { get; }

    /// <summary>The job's error code.</summary>
    public string? ErrorCode { get; }

    /// <summary>The job's error title (e.g. UserErrorBackupFailed).</summary>
    public string? ErrorTitle { get; }
}
