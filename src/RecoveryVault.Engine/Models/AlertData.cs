// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Engine.Models;

/// <summary>
/// An Azure Monitor alert (Microsoft.AlertsManagement/alerts, AlertsManagement.json 2019-03-01: <c>Alert</c> with
/// <c>properties.essentials</c>).
/// </summary>
public sealed class AlertData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public AlertData(JsonObject raw) : base(raw) { }

    /// <summary>The alert's own id (the last segment of its resource id).</summary>
    public string? AlertId => Id is { } id ? id[(id.LastIndexOf('/') + 1)..] : null;

    /// <summary>Sev0 … Sev4.</summary>
    public string? Severity => Essential("severity");

    /// <summary>New, Acknowledged or Closed.</summary>
    public string? State => Essential("alertState");

    /// <summary>Fired or Resolved.</summary>
    public string? MonitorCondition => Essential("monitorCondition");

    /// <summary>The service that raised it (Azure Backup for backup alerts).</summary>
    public string? MonitorService => Essential("monitorService");

    /// <summary>The rule (for Azure Backup: the scenario, e.g. Backup Failure).</summary>
    public string? AlertRule => Essential("alertRule");

    /// <summary>The resource the alert is about.</summary>
    public string? TargetResource => Essential("targetResource");

    /// <summary>What happened.</summary>
    public string? Description => Essential("description");

    /// <summary>Signal type (Metric, Log, Unknown).</summary>
    public string? SignalType => Essential("signalType");

    /// <summary>Who changed it last (System for the service).</summary>
    public string? LastModifiedBy => Essential("lastModifiedUserName");

    /// <summary>When it fired.</summary>
    public DateTimeOffset? StartTime => Time("startDateTime");

    /// <summary>When it last changed.</summary>
    public DateTimeOffset? LastModifiedTime => Time("lastModifiedDateTime");

    /// <summary>The monitor-specific context (returned with includeContext), null when absent.</summary>
    public JsonObject? Context => (Raw["properties"] as JsonObject)?["context"] as JsonObject;

    private string? Essential(string name) => GetString("properties", "essentials", name);

    private DateTimeOffset? Time(string name) =>
        DateTimeOffset.TryParse(Essential(name), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
