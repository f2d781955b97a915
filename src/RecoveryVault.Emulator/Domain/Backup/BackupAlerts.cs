// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>
/// Azure Monitor alerts that Azure Backup raises for a vault (the Microsoft.AlertsManagement/alerts API, stable
/// 2019-03-01, AlertsManagement.json: an alert is an extension resource of its target, here the vault, with
/// <c>properties.essentials</c> as in the Alerts_GetById / Alerts_List examples). Alerts outlive their vault, as
/// Azure's do (the spec's GetById tells callers to use the parent scope for a deleted resource), so they are kept
/// per subscription, not under the vault.
/// </summary>
internal static class BackupAlerts
{
    public const string Kind = "alert";
    public const string ResourceType = "Microsoft.AlertsManagement/alerts";
    public static readonly string[] States = ["New", "Acknowledged", "Closed"];
    public static readonly string[] Severities = ["Sev0", "Sev1", "Sev2", "Sev3", "Sev4"];
    private const string OpenMarkerKind = "alertOpenMarker";
    private const string OpenMarkerPrefix = "/_backup/alertopen/";

    /// <summary>Store key: the subscription-scope form of the alert id, so a lookup by alert id needs no target.</summary>
    public static string Key(string subscriptionId, string alertId) =>
        $"/subscriptions/{subscriptionId}/providers/{ResourceType}/{alertId}";

    public static string SubscriptionPrefix(string subscriptionId) => $"/subscriptions/{subscriptionId}/providers/{ResourceType}";

    /// <summary>
    /// Raises the job-failure alert for a failed backup or restore job when the vault's Azure Monitor alerts for job
    /// failures are on (vaults spec <c>monitoringSettings.azureMonitorAlertSettings.alertsForAllJobFailures</c>; Azure
    /// Backup docs "Azure Monitor alerts for Azure Backup": Backup Failure / Restore Failure). A failure that repeats on
    /// the same item with the same error code while an earlier alert for it is still open does not raise another
    /// (the docs' de-duplication of job failure alerts): the open alert already says it.
    /// </summary>
    public static ResourceDoc? RaiseForFailedJob(IStoreSession s, BackupRuntime rt, ResourceDoc job, ResourceDoc? item, string operation, int errorCode, string errorTitle, string errorString, DateTimeOffset at)
    {
        var vaultId = Json.Str(job.Meta, "vaultId");
        var vault = vaultId is null ? null : ResourceDoc.Load(s, vaultId, DocumentKinds.Vault);
        if (vault is null || !JobFailureAlertsOn(vault.Props))
        {
            return null;
        }

        var vaultResourceId = vault.ArmId;
        var parts = vaultResourceId.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var subscriptionId = parts[1];
        var rule = operation == "Restore" ? "Restore Failure" : "Backup Failure";
        var itemId = item is null ? null : item.ArmId;
        // One marker per (vault, item, rule, error code) names the last alert raised for it, so the check reads two
        // documents however many alerts the subscription has.
        var marker = OpenMarkerPrefix + Subscriptions.DeterministicGuid($"{vaultResourceId}|{itemId}|{rule}|{errorCode}".ToLowerInvariant());
        if (s.Get(marker) is { } last && Json.Str(Json.ParseObject(last.Body), "alert") is { } lastKey
            && ResourceDoc.Load(s, lastKey, Kind) is { } open && Json.Str(Essentials(open), "alertState") != "Closed")
        {
            return null;
        }

        var friendly = Json.Str(job.Props, "entityFriendlyName") ?? string.Empty;
        var context = new JsonObject
        {
            ["jobId"] = job.ArmId,
            ["protectedItemId"] = itemId,
            ["entityFriendlyName"] = friendly,
            ["errorCode"] = errorCode,
            ["errorTitle"] = errorTitle,
            ["errorString"] = errorString,
        };
        var meta = new JsonObject { ["vaultId"] = vaultResourceId, ["itemId"] = itemId, ["errorCode"] = errorCode };
        // Azure Backup docs list job failure alerts at Sev1 (security alerts are Sev0).
        var raised = Raise(s, rt, vaultResourceId, rule, "Sev1", $"{operation} failed for '{friendly}': {errorTitle} ({errorCode}). {errorString}", context, meta, at);
        s.Put(new StoredDocument(marker, OpenMarkerKind, null, new JsonObject { ["alert"] = raised.Id }.ToJsonString()));
        return raised;
    }

    /// <summary>
    /// Raises a security alert (Azure Backup docs "Azure Monitor alerts for Azure Backup": security alerts fire at Sev0
    /// for destructive operations such as deleting backup data or disabling soft delete, and cannot be turned off, so no
    /// vault setting is consulted). Hybrid items included: the docs' "security features for hybrid backups" alert on the
    /// same critical operations for MARS, Azure Backup Server and DPM.
    /// </summary>
    public static ResourceDoc RaiseSecurity(IStoreSession s, BackupRuntime rt, string vaultResourceId, string rule, string description, JsonObject context, DateTimeOffset at) =>
        Raise(s, rt, vaultResourceId, rule, "Sev0", description, context, new JsonObject { ["vaultId"] = vaultResourceId, ["security"] = true }, at);

    /// <summary>Stop protection with delete data, from ARM or by unregistering a server with its data: "Delete Backup Data".</summary>
    public static ResourceDoc RaiseBackupDataDeleted(IStoreSession s, BackupRuntime rt, string vaultResourceId, string entityName, string? itemId, string? backupManagementType, DateTimeOffset at) =>
        RaiseSecurity(s, rt, vaultResourceId, "Delete Backup Data",
            $"Backup data of '{entityName}' was deleted (stop protection with delete data).",
            new JsonObject { ["protectedItemId"] = itemId, ["entityFriendlyName"] = entityName, ["backupManagementType"] = backupManagementType }, at);

    /// <summary>
    /// The vault's soft delete turned off (vault PUT/PATCH or backupconfig): "Soft Delete Disabled for Vault". Called with
    /// the vault body before and after the change; nothing is raised when soft delete was already off.
    /// </summary>
    public static void RaiseForVaultChange(IStoreSession s, BackupRuntime rt, string vaultResourceId, JsonObject previous, JsonObject current, DateTimeOffset at)
    {
        static string? SoftDelete(JsonObject body) =>
            Json.Str(body["properties"]?["securitySettings"]?["softDeleteSettings"] as JsonObject, "softDeleteState");
        if (SoftDelete(current) == "Disabled" && SoftDelete(previous) is not (null or "Disabled"))
        {
            RaiseSecurity(s, rt, vaultResourceId, "Soft Delete Disabled for Vault",
                $"Soft delete was disabled for vault '{Json.Str(current, "name")}': deleted backup data is no longer kept.",
                new JsonObject { ["softDeleteState"] = "Disabled" }, at);
        }
    }

    private static ResourceDoc Raise(IStoreSession s, BackupRuntime rt, string vaultResourceId, string rule, string severity, string description, JsonObject context, JsonObject meta, DateTimeOffset at)
    {
        var parts = vaultResourceId.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var subscriptionId = parts[1];
        var alertId = BackupModel.Guid(rt.Seed, "alert", BackupEngine.Next(s));
        var when = Json.Timestamp(at);
        var body = new JsonObject
        {
            ["id"] = $"{vaultResourceId}/providers/{ResourceType}/{alertId}",
            ["type"] = ResourceType,
            ["name"] = rule,
            ["properties"] = new JsonObject
            {
                ["essentials"] = new JsonObject
                {
                    ["severity"] = severity,
                    ["signalType"] = "Log",
                    ["alertState"] = "New",
                    ["monitorCondition"] = "Fired",
                    ["monitorService"] = "Azure Backup",
                    ["targetResource"] = vaultResourceId,
                    ["targetResourceName"] = parts[^1],
                    ["targetResourceGroup"] = parts[3],
                    ["targetResourceType"] = "vaults",
                    ["sourceCreatedId"] = BackupModel.Guid(rt.Seed, "alertSource", BackupEngine.Next(s)),
                    ["alertRule"] = rule,
                    ["startDateTime"] = when,
                    ["lastModifiedDateTime"] = when,
                    ["lastModifiedUserName"] = "System",
                    ["actionStatus"] = new JsonObject { ["isSuppressed"] = false },
                    ["description"] = description,
                },
                ["egressConfig"] = new JsonObject(),
                ["context"] = context,
            },
        };
        var alert = new ResourceDoc(Key(subscriptionId, alertId), Kind, "/subscriptions/" + subscriptionId, body, meta);
        Save(s, alert);
        return alert;
    }

    /// <summary>The vaults spec defaults alertsForAllJobFailures to Enabled when the vault does not say otherwise (VaultModel).</summary>
    public static bool JobFailureAlertsOn(JsonObject vaultProps) =>
        !string.Equals(Json.Str(Json.Obj(Json.Obj(vaultProps, "monitoringSettings"), "azureMonitorAlertSettings"), "alertsForAllJobFailures"), "Disabled", StringComparison.OrdinalIgnoreCase);

    public static List<ResourceDoc> List(IStoreSession s, string subscriptionId) => ResourceDoc.List(s, Kind, SubscriptionPrefix(subscriptionId));

    public static ResourceDoc? Find(IStoreSession s, string subscriptionId, string alertId) => ResourceDoc.Load(s, Key(subscriptionId, alertId), Kind);

    public static JsonObject Essentials(ResourceDoc alert) => Json.Obj(alert.Props, "essentials");

    /// <summary>Alerts_ChangeState: the new state, who changed it and when; the monitor condition stays as it is.</summary>
    public static void ChangeState(IStoreSession s, ResourceDoc alert, string newState, string user, DateTimeOffset at)
    {
        var e = Essentials(alert);
        e["alertState"] = newState;
        e["lastModifiedDateTime"] = Json.Timestamp(at);
        e["lastModifiedUserName"] = user;
        Save(s, alert);
    }

    // Kept under the subscription-scope key, not the body's vault-scoped id (ResourceDoc.Save's choice), so deleting
    // the vault's tree leaves its alerts, as Azure does.
    private static void Save(IStoreSession s, ResourceDoc alert) =>
        s.Put(new StoredDocument(alert.Id, Kind, alert.ParentId, alert.Body.ToJsonString(), alert.Meta.ToJsonString()));
}
