// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// Azure Monitor alerts (Microsoft.AlertsManagement, AlertsManagement.json stable 2019-03-01: Alerts_GetAll,
/// Alerts_GetById, Alerts_ChangeState under <c>{scope}</c>), at subscription scope and at a vault's scope. Only the
/// alerts Azure Backup raises exist here (BackupAlerts).
/// </summary>
internal static class AlertHandler
{
    private const string SubscriptionScope = "/subscriptions/{subscriptionId}/providers/Microsoft.AlertsManagement/alerts";
    private const string VaultScope = VaultHandler.VaultPath + "/providers/Microsoft.AlertsManagement/alerts";

    public static void Register(ArmRouter router)
    {
        foreach (var scope in new[] { SubscriptionScope, VaultScope })
        {
            router.Map("GET", scope, ApiFamily.AlertsManagement, BackupAlerts.ResourceType, List);
            router.Map("GET", scope + "/{alertId}", ApiFamily.AlertsManagement, BackupAlerts.ResourceType, Get);
            router.Map("POST", scope + "/{alertId}/changestate", ApiFamily.AlertsManagement, BackupAlerts.ResourceType, ChangeState);
        }
    }

    // The spec's time ranges; Alerts_GetAll: "Default value is 1 day".
    private static readonly Dictionary<string, TimeSpan> TimeRanges = new(StringComparer.Ordinal)
    {
        ["1h"] = TimeSpan.FromHours(1),
        ["1d"] = TimeSpan.FromDays(1),
        ["7d"] = TimeSpan.FromDays(7),
        ["30d"] = TimeSpan.FromDays(30),
    };

    private static readonly string[] SortFields =
        ["name", "severity", "alertState", "monitorCondition", "targetResource", "targetResourceName", "targetResourceGroup", "targetResourceType", "startDateTime", "lastModifiedDateTime"];

    private static ArmResponse List(ArmContext ctx)
    {
        var now = ctx.SimNow();
        var (from, to) = Window(ctx, now);
        var pageCount = PageCount(ctx);
        var includeContext = Bool(ctx, "includeContext");
        var sortBy = Closed(ctx, "sortBy", SortFields) ?? "lastModifiedDateTime";
        var sortOrder = Closed(ctx, "sortOrder", ["asc", "desc"]) ?? (sortBy.EndsWith("DateTime", StringComparison.Ordinal) ? "desc" : "asc");
        var severity = Closed(ctx, "severity", BackupAlerts.Severities);
        var state = Closed(ctx, "alertState", BackupAlerts.States);
        var condition = Closed(ctx, "monitorCondition", ["Fired", "Resolved"]);
        var filters = new (string Field, string? Value)[]
        {
            ("targetResource", ctx.Query("targetResource")),
            ("targetResourceGroup", ctx.Query("targetResourceGroup")),
            ("monitorService", ctx.Query("monitorService")),
            ("alertRule", ctx.Query("alertRule")),
            ("severity", severity),
            ("alertState", state),
            ("monitorCondition", condition),
        };
        var type = ctx.Query("targetResourceType");
        var list = ctx.Store.Transaction(s =>
        {
            var vaultScope = VaultScopeOf(ctx, s);
            BackupEngine.CatchUp(s, ctx.Runtime.Backup, now);
            return BackupAlerts.List(s, ctx.Value("subscriptionId"))
                .Where(a => vaultScope is null || Eq(Json.Str(BackupAlerts.Essentials(a), "targetResource"), vaultScope))
                .Where(a => filters.All(f => f.Value is null || Eq(Json.Str(BackupAlerts.Essentials(a), f.Field), f.Value)))
                .Where(a => type is null || Eq(type, "vaults") || Eq(type, "Microsoft.RecoveryServices/vaults"))
                .Where(a => Json.ParseTime(Json.Str(BackupAlerts.Essentials(a), "startDateTime")) is { } t && t >= from && t <= to)
                .ToList();
        });
        IEnumerable<ResourceDoc> sorted = list.OrderBy(a => Json.Str(BackupAlerts.Essentials(a), sortBy), StringComparer.OrdinalIgnoreCase).ThenBy(a => a.Id, StringComparer.Ordinal);
        if (sortOrder == "desc")
        {
            sorted = list.OrderByDescending(a => Json.Str(BackupAlerts.Essentials(a), sortBy), StringComparer.OrdinalIgnoreCase).ThenBy(a => a.Id, StringComparer.Ordinal);
        }

        return ctx.Page(sorted.ToList(), a => Render(a, includeContext), pageCount);
    }

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s =>
        ArmResponse.Ok(Render(Require(ctx, s), includeContext: true)));

    private static ArmResponse ChangeState(ArmContext ctx)
    {
        var newState = ctx.Query("newState");
        if (string.IsNullOrEmpty(newState))
        {
            throw ArmErrors.BadRequest("BadRequest", "The query parameter 'newState' is required: New, Acknowledged or Closed.", "newState");
        }

        var state = Closed(ctx, "newState", BackupAlerts.States)!;
        return ctx.Store.Transaction(s =>
        {
            var alert = Require(ctx, s);
            BackupAlerts.ChangeState(s, alert, state, ctx.Principal.DisplayName ?? ctx.Principal.ClientId, ctx.SimNow());
            return ArmResponse.Ok(Render(alert, includeContext: true));
        });
    }

    private static ResourceDoc Require(ArmContext ctx, IStoreSession s)
    {
        var vaultScope = VaultScopeOf(ctx, s);
        var alertId = ctx.Value("alertId");
        var alert = BackupAlerts.Find(s, ctx.Value("subscriptionId"), alertId);
        if (alert is null || (vaultScope is not null && !Eq(Json.Str(BackupAlerts.Essentials(alert), "targetResource"), vaultScope)))
        {
            throw ArmErrors.NotFound("ResourceNotFound", $"The alert '{alertId}' was not found.");
        }

        return alert;
    }

    // The vault's id when the request is at the vault's scope (the vault must exist); null at subscription scope.
    private static string? VaultScopeOf(ArmContext ctx, IStoreSession s)
    {
        if (!ctx.Match.Values.ContainsKey("vaultName"))
        {
            return null;
        }

        var vault = VaultModel.Require(s, ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("vaultName"), ctx.Now);
        return vault.ArmId;
    }

    private static JsonNode Render(ResourceDoc alert, bool includeContext)
    {
        var body = (JsonObject)alert.Body.DeepClone();
        if (!includeContext && body["properties"] is JsonObject p)
        {
            // Alerts_GetAll includeContext: "Default value is false".
            p.Remove("context");
        }

        return body;
    }

    private static (DateTimeOffset From, DateTimeOffset To) Window(ArmContext ctx, DateTimeOffset now)
    {
        var range = ctx.Query("timeRange");
        var custom = ctx.Query("customTimeRange");
        if (range is not null && custom is not null)
        {
            // Alerts_GetAll customTimeRange: "Either timeRange or customTimeRange could be used but not both."
            throw ArmErrors.BadRequest("BadRequest", "Either timeRange or customTimeRange can be given, not both.", "customTimeRange");
        }

        if (custom is not null)
        {
            var parts = custom.Split('/');
            if (parts.Length != 2 || Json.ParseTime(parts[0]) is not { } start || Json.ParseTime(parts[1]) is not { } end || end < start)
            {
                throw ArmErrors.BadRequest("BadRequest", $"customTimeRange '{custom}' is not <start-time>/<end-time> in ISO 8601.", "customTimeRange");
            }

            if (start < now.AddDays(-30))
            {
                throw ArmErrors.BadRequest("BadRequest", "customTimeRange must lie within 30 days of the query time.", "customTimeRange");
            }

            return (start, end);
        }

        var r = range ?? "1d";
        if (!TimeRanges.TryGetValue(r, out var span))
        {
            throw ArmErrors.BadRequest("BadRequest", $"timeRange '{r}' is not one of 1h, 1d, 7d, 30d.", "timeRange");
        }

        return (now - span, now);
    }

    // Alerts_GetAll pageCount: "Permissible value is between 1 to 250. When the includeContent filter is selected,
    // maximum value allowed is 25. Default value is 25."
    private static int PageCount(ArmContext ctx)
    {
        var raw = ctx.Query("pageCount");
        if (raw is null)
        {
            return 25;
        }

        var max = Bool(ctx, "includeContext") ? 25 : 250;
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > max)
        {
            throw ArmErrors.BadRequest("BadRequest", $"pageCount must be between 1 and {max}.", "pageCount");
        }

        return n;
    }

    private static bool Bool(ArmContext ctx, string name) => ctx.Query(name) switch
    {
        null => false,
        var v when v.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        var v when v.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        var v => throw ArmErrors.BadRequest("BadRequest", $"'{v}' is not a boolean for {name}.", name),
    };

    // A query parameter with the spec's closed list of values: anything else is refused (never matched as nothing).
    private static string? Closed(ArmContext ctx, string name, string[] values)
    {
        var v = ctx.Query(name);
        if (v is null)
        {
            return null;
        }

        return values.FirstOrDefault(x => x.Equals(v, StringComparison.OrdinalIgnoreCase))
            ?? throw ArmErrors.BadRequest("BadRequest", $"'{v}' is not a valid value for {name}: {string.Join(", ", values)}.", name);
    }

    private static bool Eq(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
