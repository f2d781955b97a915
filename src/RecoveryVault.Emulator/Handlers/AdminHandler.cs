// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>The loopback-only <c>/_emulator/*</c> control surface (no token, no RBAC, no faults).</summary>
internal static class AdminHandler
{
    private const double MaxClockRate = 100_000_000;

    private const double MaxAdvanceDays = 3650;

    /// <summary>Admin bodies are small seeds; anything near ARM's own 4 MB limit is a mistake or an attack.</summary>
    private const int MaxAdminBodyBytes = 4 * 1024 * 1024;

    public static async Task HandleAsync(HttpContext http, EmulatorRuntime runtime)
    {
        var path = (http.Request.Path.Value ?? string.Empty).TrimEnd('/').ToLowerInvariant();
        var method = http.Request.Method.ToUpperInvariant();
        try
        {
            if (method == "GET" && path.StartsWith("/_emulator/ilr/", StringComparison.Ordinal))
            {
                // The executable a Windows ILR provisioning names in clientScripts[].url: a download, not JSON.
                var doc = runtime.Store.Transaction(s => s.Get(path));
                http.Response.StatusCode = doc is null || doc.Kind != ProtectedItemHandler.IlrScriptKind ? 404 : 200;
                if (doc is not null && http.Response.StatusCode == 200)
                {
                    http.Response.ContentType = "application/octet-stream";
                    await http.Response.WriteAsync(Json.Str(Json.ParseObject(doc.Body), "content") ?? string.Empty, http.RequestAborted).ConfigureAwait(false);
                }

                return;
            }

            if (method == "GET" && path.StartsWith(JobsExportHandler.BlobPrefix, StringComparison.Ordinal))
            {
                // The blob a jobs export names: readable with its SAS signature only, as a storage blob would be.
                var content = runtime.Store.Transaction(s => JobsExportHandler.Download(s, path, http.Request.Query["sig"].ToString()));
                http.Response.StatusCode = content is null ? 403 : 200;
                if (content is not null)
                {
                    http.Response.ContentType = "application/json; charset=utf-8";
                    await http.Response.WriteAsync(content, http.RequestAborted).ConfigureAwait(false);
                }

                return;
            }

            JsonObject? body = null;
            if (method is "POST" or "PUT" or "PATCH")
            {
                var text = await Middleware.RequestBody.ReadAsync(http, MaxAdminBodyBytes, () => new BodyTooLargeException()).ConfigureAwait(false);
                body = string.IsNullOrWhiteSpace(text) ? Json.Object() : Json.Parse(text) as JsonObject ?? throw new ArgumentException("A JSON object body is expected.");
            }

            var (status, result) = Dispatch(method, path, body ?? Json.Object(), http, runtime);
            http.Response.StatusCode = status;
            if (result is not null)
            {
                http.Response.ContentType = "application/json; charset=utf-8";
                await http.Response.WriteAsync(Json.Serialize(result), http.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (BodyTooLargeException)
        {
            http.Response.StatusCode = 413;
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.WriteAsync(ArmErrors.Body("RequestContentTooLarge", $"The request content size exceeds the maximum size of {MaxAdminBodyBytes / (1024 * 1024)} MB.").ToJsonString(), http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            http.Response.StatusCode = 400;
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.WriteAsync(ArmErrors.Body("BadRequest", ex.Message).ToJsonString(), http.RequestAborted).ConfigureAwait(false);
        }
    }

    private static (int Status, JsonNode? Body) Dispatch(string method, string path, JsonObject body, HttpContext http, EmulatorRuntime runtime)
    {
        switch (method, path)
        {
            case ("GET", "/_emulator/health"):
                return (200, new JsonObject
                {
                    ["status"] = "Healthy",
                    ["endpoint"] = runtime.Endpoint,
                    ["thumbprint"] = runtime.Thumbprint,
                    ["tenantId"] = EmulatorConstants.TenantId,
                    ["subscriptionId"] = EmulatorConstants.SubscriptionId,
                });
            case ("GET", "/_emulator/contract"):
                return (200, runtime.Contract.Snapshot());
            case ("DELETE", "/_emulator/contract"):
                runtime.Contract.Clear();
                return (200, runtime.Contract.Snapshot());
            case ("POST", "/_emulator/reset"):
                runtime.Reset();
                return (200, new JsonObject { ["status"] = "Reset" });
            case ("POST", "/_emulator/principals"):
                {
                    var name = Json.Str(body, "displayName") ?? "emulator-principal";
                    var tenant = Json.Str(body, "tenantId");
                    var p = runtime.Store.Transaction(s =>
                    {
                        if (tenant is not null && !Tenants.Exists(s, tenant))
                        {
                            throw new ArgumentException($"Tenant '{tenant}' does not exist; POST /_emulator/tenants first.");
                        }

                        return Principals.Create(s, name, tenant);
                    });
                    return (201, p);
                }

            case ("POST", "/_emulator/tenants"):
                {
                    var id = Json.Str(body, "tenantId") ?? Guid.NewGuid().ToString();
                    if (!Guid.TryParse(id, out _))
                    {
                        throw new ArgumentException($"tenantId '{id}' must be a GUID.");
                    }

                    var (existed, tenant) = runtime.Store.Transaction(s => Tenants.Exists(s, id)
                        ? (true, Tenants.List(s).First(t => string.Equals(Json.Str(t, "tenantId"), id, StringComparison.OrdinalIgnoreCase)))
                        : (false, Tenants.Create(s, id, Json.Str(body, "displayName") ?? "Emulator Tenant " + id[..8])));
                    return (existed ? 200 : 201, tenant);
                }

            case ("GET", "/_emulator/tenants"):
                return (200, new JsonObject { ["value"] = new JsonArray([.. runtime.Store.Transaction(Tenants.List).Select(t => (JsonNode)t)]) });
            case ("POST", "/_emulator/guests"):
                {
                    // B2B invitation: the principal may then get tokens for that tenant (cross-tenant MUA).
                    var clientId = Json.Str(body, "clientId") ?? throw new ArgumentException("clientId is required.");
                    var tenant = Json.Str(body, "tenantId") ?? throw new ArgumentException("tenantId is required.");
                    var p = runtime.Store.Transaction(s =>
                    {
                        if (!Tenants.Exists(s, tenant))
                        {
                            throw new ArgumentException($"Tenant '{tenant}' does not exist; POST /_emulator/tenants first.");
                        }

                        return Principals.AddGuestTenant(s, clientId, tenant);
                    });
                    return (200, p);
                }

            case ("GET", "/_emulator/principals"):
                return (200, new JsonObject { ["value"] = new JsonArray([.. runtime.Store.Transaction(Principals.List).Select(p => (JsonNode)p)]) });
            case ("POST", "/_emulator/subscriptions"):
                {
                    var id = Json.Str(body, "subscriptionId") ?? Guid.NewGuid().ToString();
                    if (!Guid.TryParse(id, out _))
                    {
                        throw new ArgumentException($"subscriptionId '{id}' must be a GUID.");
                    }

                    var (existed, sub) = runtime.Store.Transaction(s =>
                    {
                        var before = Subscriptions.Get(s, id) is not null;
                        var tenant = Json.Str(body, "tenantId");
                        if (tenant is not null && !Tenants.Exists(s, tenant))
                        {
                            throw new ArgumentException($"Tenant '{tenant}' does not exist; POST /_emulator/tenants first.");
                        }

                        return (before, Subscriptions.Ensure(s, id, Json.Str(body, "displayName") ?? "Emulator Subscription " + id[..8], tenant));
                    });
                    return (existed ? 200 : 201, sub);
                }

            case ("POST", "/_emulator/resourcegroups"):
                {
                    var sub = Json.Str(body, "subscriptionId") ?? EmulatorConstants.SubscriptionId;
                    var name = SeedNames.ResourceGroup(Json.Str(body, "name"));
                    var location = Json.Str(body, "location") ?? "westus";
                    var (existed, rg) = runtime.Store.Transaction(s =>
                    {
                        if (Subscriptions.Get(s, sub) is null)
                        {
                            throw new ArgumentException($"Subscription '{sub}' does not exist; POST /_emulator/subscriptions first.");
                        }

                        var before = ResourceGroups.Get(s, sub, name) is not null;
                        return (before, ResourceGroups.Put(s, sub, name, location, body["tags"] as JsonObject));
                    });
                    return (existed ? 200 : 201, rg);
                }

            case ("POST", "/_emulator/roleassignments"):
                {
                    var principalId = Json.Str(body, "principalId") ?? throw new ArgumentException("principalId is required.");
                    var roleName = Json.Str(body, "roleName") ?? throw new ArgumentException("roleName is required.");
                    var role = BuiltInRoles.ByName(roleName) ?? throw new ArgumentException($"Unknown role '{roleName}'.");
                    var scope = Json.Str(body, "scope") ?? Subscriptions.IdOf(EmulatorConstants.SubscriptionId);
                    var assignment = runtime.Store.Transaction(s =>
                    {
                        RequireAssignableScope(s, scope);
                        var p = Principals.ByObjectId(s, principalId) ?? Principals.ByClientId(s, principalId)
                            ?? throw new ArgumentException($"Unknown principal '{principalId}'.");
                        return RoleAssignments.Put(s, scope, Guid.NewGuid().ToString(), role, Json.Str(p, "objectId")!);
                    });
                    return (201, assignment);
                }

            case ("PUT", "/_emulator/faults"):
                {
                    var kinds = body["kinds"] is JsonArray arr ? arr.Select(k => Json.Str(k) ?? string.Empty).ToList() : [];
                    var rate = body["rate"] is JsonValue rv && rv.TryGetValue<double>(out var r) ? r : 0.1;
                    if (rate is < 0 or > 1)
                    {
                        throw new ArgumentException("rate must be between 0 and 1.");
                    }

                    var methods = body["methods"] is JsonArray ms ? ms.Select(m => Json.Str(m) ?? string.Empty).ToList() : null;
                    if (methods?.FirstOrDefault(m => m.ToUpperInvariant() is not ("GET" or "PUT" or "POST" or "PATCH" or "DELETE")) is { } bad)
                    {
                        throw new ArgumentException($"Unknown method '{bad}' in methods; expected GET, PUT, POST, PATCH or DELETE.");
                    }

                    return (200, runtime.Faults.Configure(rate, Json.Int(body["seed"]), kinds, Json.Int(body["latencyMs"]), Json.Int(body["retryAfterSeconds"]), methods));
                }

            case ("GET", "/_emulator/faults"):
                return (200, Describe(runtime));
            case ("DELETE", "/_emulator/faults"):
                runtime.Faults.Clear();
                return (204, null);
            case ("POST", "/_emulator/faults/next") when string.Equals(Json.Str(body, "kind"), "jobFailure", StringComparison.OrdinalIgnoreCase):
                // Not an HTTP fault: the next backup/restore job(s) to finish end as Failed; with pathContains, only
                // jobs of an item whose id contains it.
                runtime.Backup.QueueJobFailures(Json.Int(body["count"]) ?? 1, Json.Str(body, "pathContains"));
                return (200, Describe(runtime));
            case ("POST", "/_emulator/faults/next") when string.Equals(Json.Str(body, "kind"), "upgradeFailure", StringComparison.OrdinalIgnoreCase):
                // Not an HTTP fault: the next classic vault upgrade to reach this phase fails there.
                return (200, runtime.Store.Transaction(s => Domain.Classic.ClassicUpgrade.QueueFault(s, Json.Str(body, "phase") ?? "MovingItems")));
            case ("POST", "/_emulator/faults/next"):
                runtime.Faults.Enqueue(
                    Json.Str(body, "kind") ?? throw new ArgumentException("kind is required."),
                    Json.Int(body["count"]) ?? 1,
                    Json.Int(body["retryAfterSeconds"]),
                    Json.Str(body, "method"),
                    Json.Str(body, "pathContains"),
                    Json.Int(body["latencyMs"]));
                return (200, runtime.Faults.Describe());
            case ("PUT", "/_emulator/settings"):
                if (Json.Int(body["lroDurationMs"]) is { } lro)
                {
                    runtime.LroDurationMs = lro;
                }

                if (Json.Int(body["pageSize"]) is { } ps)
                {
                    runtime.PageSize = ps;
                }

                if (Json.Int(body["retryAfterSeconds"]) is { } ra)
                {
                    runtime.RetryAfterSeconds = ra;
                }

                if (Json.Int(body["resourceGraphLagSeconds"]) is { } lag)
                {
                    runtime.ResourceGraph.LagSeconds = lag;
                }

                if (Json.Int(body["resourceGraphQuota"]) is { } quota)
                {
                    runtime.ResourceGraph.Quota = quota;
                }

                return (200, Settings(runtime));
            case ("GET", "/_emulator/settings"):
                return (200, Settings(runtime));
            case ("GET", "/_emulator/requests"):
                {
                    var last = int.TryParse(http.Request.Query["last"].ToString(), out var n) ? Math.Max(1, n) : 50;
                    return (200, runtime.Requests.Last(last));
                }

            case ("GET", "/_emulator/clock"):
                return (200, ClockBody(runtime, runtime.Store.Transaction(s => BackupEngine.CatchUp(s, runtime.Backup, runtime.Backup.Clock.Now))));
            case ("PUT", "/_emulator/clock"):
                if (body["rate"] is { } rateNode)
                {
                    // The same range as --clock-rate: beyond it a few real seconds overflow DateTimeOffset.
                    if (rateNode is not JsonValue rateValue || !rateValue.TryGetValue<double>(out var newRate) || !double.IsFinite(newRate) || newRate is < 0 or > MaxClockRate)
                    {
                        throw new ArgumentException($"rate must be a number between 0 and {MaxClockRate} simulated seconds per real second.");
                    }

                    runtime.Backup.Clock.SetRate(newRate);
                }

                return (200, ClockBody(runtime, null));
            case ("POST", "/_emulator/clock/advance"):
                {
                    double Part(string name) => body[name] switch
                    {
                        null => 0,
                        JsonValue jv when jv.TryGetValue<double>(out var d) && double.IsFinite(d) => d,
                        _ => throw new ArgumentException($"{name} must be a number."),
                    };

                    // Summed in days before any TimeSpan exists: TimeSpan.FromDays(1e308) itself overflows.
                    var days = Part("days") + (Part("hours") / 24) + (Part("minutes") / 1440) + (Part("seconds") / 86400);
                    if (!double.IsFinite(days) || days < 0 || days > MaxAdvanceDays)
                    {
                        throw new ArgumentException($"The clock advances forward by at most {MaxAdvanceDays} days at a time.");
                    }

                    var span = TimeSpan.FromDays(days);

                    var report = runtime.Store.Transaction(s =>
                    {
                        // Catch up first so work due before the jump is processed at its own time, then jump.
                        BackupEngine.CatchUp(s, runtime.Backup, runtime.Backup.Clock.Now);
                        return BackupEngine.CatchUp(s, runtime.Backup, runtime.Backup.Clock.Advance(span));
                    });
                    return (200, ClockBody(runtime, report));
                }

            case ("POST", "/_emulator/virtualmachines"):
                return (201, runtime.Store.Transaction(s => Sources.SeedVm(s, body)));
            case ("POST", "/_emulator/storageaccounts"):
                return (201, runtime.Store.Transaction(s => Sources.SeedStorageAccount(s, body)));
            case ("POST", "/_emulator/sqlservers"):
                return (201, runtime.Store.Transaction(s => Sources.SeedSql(s, body)));
            case ("POST", "/_emulator/recoverypoints"):
                {
                    var itemId = Json.Str(body, "itemId") ?? throw new ArgumentException("itemId is required.");
                    var count = Json.Int(body["count"]) ?? throw new ArgumentException("count is required.");
                    if (count is < 1 or > 1_000_000)
                    {
                        throw new ArgumentException("count must be between 1 and 1000000.");
                    }

                    var minutes = Json.Int(body["intervalMinutes"]) ?? 1440;
                    if (minutes < 1)
                    {
                        throw new ArgumentException("intervalMinutes must be at least 1.");
                    }

                    return (201, runtime.Store.Transaction(s => RecoveryPoints.SeedHistory(s, runtime.Backup, itemId, count, TimeSpan.FromMinutes(minutes), runtime.Backup.Clock.Now)));
                }

            case ("POST", "/_emulator/classicvaults"):
                return (201, runtime.Store.Transaction(s => Domain.Classic.ClassicVaults.Seed(s, runtime.Backup, body)));
            case ("POST", "/_emulator/marsservers"):
                return (201, runtime.Store.Transaction(s => Sources.SeedMars(s, WithCredentialVault(s, body, runtime), runtime.Backup)));
            case ("POST", "/_emulator/backupservers"):
                return (201, runtime.Store.Transaction(s => BackupServers.Seed(s, WithCredentialVault(s, body, runtime), runtime.Backup)));
            default:
                return (404, ArmErrors.Body("NotFound", $"No emulator admin call '{method} {path}'."));
        }
    }

    /// <summary>
    /// A registration with a vault credentials file (vaultCredential: the file's text) is checked as the agent's
    /// registration is, against the emulator's clock, and registers to the file's vault; a vaultId given as well must
    /// be that vault.
    /// </summary>
    private static JsonObject WithCredentialVault(Store.IStoreSession s, JsonObject body, EmulatorRuntime runtime)
    {
        if (Json.Str(body, "vaultCredential") is not { } text)
        {
            return body;
        }

        var vaultId = VaultCredentials.Check(s, text, runtime.Backup.Clock.Now);
        if (Json.Str(body, "vaultId") is { } given && !string.Equals(given.TrimEnd('/'), vaultId, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"vaultId '{given}' is not the vault of the vault credentials file ('{vaultId}').");
        }

        var copy = (JsonObject)body.DeepClone();
        copy.Remove("vaultCredential");
        copy["vaultId"] = vaultId;
        return copy;
    }

    /// <summary>Role assignments live at a scope ARM knows: the subscription (existing) or a path below it.</summary>
    private static void RequireAssignableScope(Store.IStoreSession s, string scope)
    {
        var segs = scope.Split('/');
        if (scope.Length == 0 || segs.Length < 3 || segs[0].Length != 0 || !segs[1].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
            || segs.Skip(1).Any(x => x.Length == 0 || x is "." or ".." || x.Contains('\\', StringComparison.Ordinal)))
        {
            throw new ArgumentException($"The scope '{scope}' is not valid: use /subscriptions/{{id}}[/resourceGroups/{{name}}[/providers/...]].");
        }

        if (Subscriptions.Get(s, segs[2]) is null)
        {
            throw new ArgumentException($"The scope '{scope}' names subscription '{segs[2]}', which does not exist.");
        }

        if (segs.Length >= 5 && segs[3].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase) && ResourceGroups.Get(s, segs[2], segs[4]) is null)
        {
            throw new ArgumentException($"The scope '{scope}' names resource group '{segs[4]}', which does not exist.");
        }
    }

    private static JsonObject Describe(EmulatorRuntime runtime)
    {
        var d = runtime.Faults.Describe();
        d["queuedJobFailures"] = runtime.Backup.QueuedJobFailures;
        return d;
    }

    private static JsonObject ClockBody(EmulatorRuntime runtime, EngineReport? report)
    {
        var body = new JsonObject { ["now"] = Json.Timestamp(runtime.Backup.Clock.Now), ["rate"] = runtime.Backup.Clock.Rate };
        if (report is not null)
        {
            body["recoveryPointsCreated"] = report.RecoveryPointsCreated;
            body["recoveryPointsExpired"] = report.RecoveryPointsExpired;
            body["jobsCompleted"] = report.JobsCompleted;
            body["jobsStarted"] = report.JobsStarted;
        }

        return body;
    }

    private static JsonObject Settings(EmulatorRuntime runtime) => new()
    {
        ["lroDurationMs"] = runtime.LroDurationMs,
        ["pageSize"] = runtime.PageSize,
        ["retryAfterSeconds"] = runtime.RetryAfterSeconds,
        ["resourceGraphLagSeconds"] = runtime.ResourceGraph.LagSeconds,
        ["resourceGraphQuota"] = runtime.ResourceGraph.Quota,
    };
}

/// <summary>An admin or token body over its limit, answered 413 by the branch that read it.</summary>
internal sealed class BodyTooLargeException() : Exception("The request content is too large.");
