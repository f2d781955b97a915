// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>Protected items (enable/modify/stop/resume/undelete/delete), backup now, recovery points, restore, ILR.</summary>
internal static class ProtectedItemHandler
{
    private const string V = VaultHandler.VaultPath;
    private const string C = V + "/backupFabrics/{fabricName}/protectionContainers/{containerName}";
    private const string I = C + "/protectedItems/{protectedItemName}";
    private const string RP = I + "/recoveryPoints/{recoveryPointId}";

    public static void Register(ArmRouter router)
    {
        router.Map("GET", V + "/backupProtectedItems", ApiFamily.Backup, BackupModel.ItemType, List);
        router.Map("GET", I, ApiFamily.Backup, BackupModel.ItemType, Get);
        router.Map("PUT", I, ApiFamily.Backup, BackupModel.ItemType, Put);
        router.Map("DELETE", I, ApiFamily.Backup, BackupModel.ItemType, Delete);
        router.Map("GET", I + "/operationResults/{operationId}", ApiFamily.Backup, BackupModel.ItemType + "/operationResults", BackupMonitorHandler.Result);
        router.Map("GET", I + "/operationsStatus/{operationId}", ApiFamily.Backup, BackupModel.ItemType + "/operationsStatus", BackupMonitorHandler.Status);
        router.Map("POST", I + "/backup", ApiFamily.Backup, BackupModel.ItemType, BackupNow);
        router.Map("GET", I + "/recoveryPoints", ApiFamily.Backup, BackupModel.RecoveryPointType, ListPoints);
        router.Map("GET", RP, ApiFamily.Backup, BackupModel.RecoveryPointType, GetPoint);
        router.Map("POST", RP + "/restore", ApiFamily.Backup, BackupModel.RecoveryPointType, Restore);
        router.Map("POST", RP + "/provisionInstantItemRecovery", ApiFamily.Backup, BackupModel.RecoveryPointType, ProvisionIlr);
        router.Map("POST", RP + "/revokeInstantItemRecovery", ApiFamily.Backup, BackupModel.RecoveryPointType, RevokeIlr);
    }

    /// <param name="inPlace">The document was read for this answer only: render into its body instead of a copy.</param>
    public static JsonObject Render(IStoreSession s, ResourceDoc item, DateTimeOffset now, bool inPlace = false)
    {
        var body = inPlace ? item.Body : (JsonObject)item.Body.DeepClone();
        var p = Json.Obj(body, "properties");
        var deferred = Json.ParseTime(Json.Str(item.Meta, "purgeAt"));
        p["isScheduledForDeferredDelete"] = deferred is not null;
        if (deferred is not null)
        {
            p["deferredDeleteTimeInUTC"] = Json.Timestamp(deferred.Value.AddDays(-BackupModel.SoftDeleteDaysOf(item)));
            var remaining = deferred.Value - now;
            p["deferredDeleteTimeRemaining"] = $"{Math.Max(0, remaining.Days)}.{Math.Max(0, remaining.Hours):00}:{Math.Max(0, remaining.Minutes):00}:{Math.Max(0, remaining.Seconds):00}";
            p["isDeferredDeleteScheduleUpcoming"] = remaining < TimeSpan.FromDays(1);
            // ProtectedItem.softDeleteRetentionPeriodInDays: how long this item's deleted data is kept (14-180 days, the
            // vault's setting when it was deleted; 14 for hybrid data kept by the hybrid security settings).
            p["softDeleteRetentionPeriodInDays"] = BackupModel.SoftDeleteDaysOf(item);
        }

        if (WorkloadCatalogue.ByManagementType(Json.Str(p, "backupManagementType"))?.ItemExtendedInfo == true)
        {
            var points = RecoveryPoints.Timeline(s, item.Id);
            DateTimeOffset? oldest = null;
            foreach (var (_, time, _) in points)
            {
                if (time is { } t && (oldest is null || t < oldest))
                {
                    oldest = t;
                }
            }

            p["extendedInfo"] = new JsonObject
            {
                ["oldestRecoveryPoint"] = oldest is { } o ? Json.Timestamp(o) : null,
                ["recoveryPointCount"] = points.Count,
                ["policyInconsistent"] = false,
            };
        }

        return body;
    }

    private static ArmResponse List(ArmContext ctx)
    {
        var filter = BackupModel.ParseFilter(ctx.Query("$filter"));
        return ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            var now = ctx.SimNow();
            var items = ResourceDoc.List(s, DocumentKinds.ProtectedItem, v.Id + "/backupFabrics").Where(i => Matches(i, filter)).ToList();
            return ctx.Page(items, i => Render(s, i, now, inPlace: true));
        });
    }

    private static bool Matches(ResourceDoc i, Dictionary<string, string> filter)
    {
        foreach (var (k, want) in filter)
        {
            string? have = k.ToLowerInvariant() switch
            {
                "backupmanagementtype" => Json.Str(i.Props, "backupManagementType"),
                "itemtype" or "workloadtype" => Json.Str(i.Props, "workloadType"),
                "policyname" => Json.Str(i.Props, "policyName"),
                "protectionstatus" => Json.Str(i.Props, "protectionStatus"),
                "protectionstate" => Json.Str(i.Props, "protectionState"),
                "friendlyname" => Json.Str(i.Props, "friendlyName"),
                "containername" => Json.Str(i.Props, "containerName"),
                "itemname" or "name" => Json.Str(i.Body, "name"),
                "backupengine" or "backupenginename" => want,
                "isscheduledfordeferreddelete" or "deletestate" => i.Meta["purgeAt"] is null ? "false" : "true",
                _ => throw ArmErrors.BadRequest("BMSUserErrorInvalidFilter", $"'{k}' is not a supported filter for protected items."),
            };
            if (!BackupModel.Eq(have, want) && !(k.Equals("protectionStatus", StringComparison.OrdinalIgnoreCase) && BackupModel.Eq(Json.Str(i.Props, "protectionState"), want)))
            {
                return false;
            }
        }

        return true;
    }

    private static ResourceDoc? Find(ArmContext ctx, IStoreSession s, ResourceDoc v)
    {
        if (!BackupModel.Eq(ctx.Value("fabricName"), BackupModel.Fabric))
        {
            throw ArmErrors.NotFound("BMSUserErrorFabricNotFound", $"The fabric '{ctx.Value("fabricName")}' was not found; Azure Backup uses 'Azure'.");
        }

        return ResourceDoc.Load(s, BackupModel.ItemId(BackupModel.ContainerId(v.Id, ctx.Value("containerName")), ctx.Value("protectedItemName")), DocumentKinds.ProtectedItem);
    }

    private static ResourceDoc Require(ArmContext ctx, IStoreSession s, ResourceDoc v) =>
        Find(ctx, s, v) ?? throw ArmErrors.NotFound("BMSUserErrorItemNotFound", $"The protected item '{ctx.Value("protectedItemName")}' was not found in container '{ctx.Value("containerName")}'.");

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        return ArmResponse.Ok(Render(s, Require(ctx, s, v), ctx.SimNow()));
    });

    /// <summary>Style C answer for item operations (or 200 + item when lroDurationMs is 0).</summary>
    private static ArmResponse ItemAccepted(ArmContext ctx, IStoreSession s, ResourceDoc v, ResourceDoc item, ResourceDoc? job, string result = "item")
    {
        if (ctx.Sync() && result == "item")
        {
            return ArmResponse.Ok(Render(s, item, ctx.SimNow()));
        }

        var op = BackupOps.Create(s, ctx, v.Id, item.Id, result, job is null ? null : BackupRequest.JobInfo(Json.Str(job.Body, "name")!), BackupEngine.Next(s));
        var opId = Json.Str(op, "name")!;
        var itemId = Json.Str(item.Body, "id");
        return BackupOps.Accepted(ctx, $"{itemId}/operationResults/{opId}", $"{itemId}/operationsStatus/{opId}");
    }

    private static ArmResponse Put(ArmContext ctx)
    {
        var props = ctx.RequireBodyObject()["properties"] as JsonObject ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "properties is required.");
        return ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            var now = ctx.SimNow();
            var item = Find(ctx, s, v);
            var rt = ctx.Runtime.Backup;
            var rehydrate = Json.Bool(props["isRehydrate"]) == true;
            if (item is null)
            {
                if (rehydrate)
                {
                    throw ArmErrors.NotFound("BMSUserErrorItemNotFound", $"There is no soft-deleted item '{ctx.Value("protectedItemName")}' to undelete.");
                }

                item = Enable(ctx, s, v, props, now, ctx.Value("containerName"), ctx.Value("protectedItemName"));
                var job = BackupEngine.NewJob(s, rt, v.Id, item, "ConfigureBackup", now, null);
                return ItemAccepted(ctx, s, v, item, job);
            }

            if (item.Meta["purgeAt"] is not null)
            {
                if (!rehydrate)
                {
                    throw ArmErrors.BadRequest("UserErrorItemSoftDeleted",
                        $"The item '{Json.Str(item.Props, "friendlyName")}' is in soft-deleted state. Undelete it first (PUT with isRehydrate: true), then resume protection.");
                }

                item.Meta.Remove("purgeAt");
                item.Props["protectionState"] = "ProtectionStopped";
                item.Props["isRehydrate"] = true;
                item.Save(s);
                return ItemAccepted(ctx, s, v, item, BackupEngine.NewJob(s, rt, v.Id, item, "Undelete", now, null));
            }

            // Item names carry resource group and VM name but not the subscription: a VM of another subscription with
            // the same names addresses this item by name, and must not take it over (issue 14).
            if (Json.Str(props, "sourceResourceId") is { Length: > 0 } claimed && Json.Str(item.Props, "sourceResourceId") is { } owned && !BackupModel.Eq(claimed, owned))
            {
                throw ArmErrors.BadRequest("BMSUserErrorInvalidInput",
                    $"The protected item '{Json.Str(item.Body, "name")}' backs up '{owned}', not '{claimed}'. Item names do not carry the subscription, so a source of another subscription with the same resource group and name cannot be protected in this vault.");
            }

            item.Props.Remove("isRehydrate");
            var state = Json.Str(props, "protectionState");
            if (BackupModel.Eq(state, "ProtectionStopped"))
            {
                item.Props["protectionState"] = "ProtectionStopped";
                item.Props["policyId"] = string.Empty;
                item.Props["policyName"] = string.Empty;
                item.Save(s);
                return ItemAccepted(ctx, s, v, item, BackupEngine.NewJob(s, rt, v.Id, item, "DisableBackup", now, null));
            }

            if (BackupModel.Eq(state, "BackupsSuspended"))
            {
                // "Stop backup and retain as per policy": Azure offers it only on immutable vaults and refuses it
                // elsewhere with the immutability code (Azure/azure-rest-api-specs#32688).
                if (!Immutability.IsImmutable(v))
                {
                    throw ArmErrors.BadRequest(Immutability.DeniedCode,
                        $"Suspending backups of '{Json.Str(item.Props, "friendlyName")}' (retain data as per policy) needs an immutable vault; enable immutability first, or stop protection and retain data.");
                }

                item.Props["protectionState"] = "BackupsSuspended";
                item.Save(s);
                return ItemAccepted(ctx, s, v, item, BackupEngine.NewJob(s, rt, v.Id, item, "DisableBackup", now, null));
            }

            if (Json.Str(props, "policyId") is { Length: > 0 } policyId)
            {
                var policy = RequirePolicy(s, v, policyId, Json.Str(item.Props, "backupManagementType")!);
                if (PolicyStore.ByPolicyId(s, v.Id, Json.Str(item.Props, "policyId")) is { } current && !BackupModel.Eq(Json.Str(current.Body, "id"), Json.Str(policy.Body, "id")))
                {
                    Immutability.RequireNoRetentionReduction(v, current.Props, policy.Props, $"moving '{Json.Str(item.Props, "friendlyName")}' to policy '{Json.Str(policy.Body, "name")}'");
                    if (ResourceGuards.ReducesRetention(current.Props, policy.Props))
                    {
                        ResourceGuardCheck.Authorize(ctx, s, v.Id, ResourceGuards.UpdateItem, props["resourceGuardOperationRequests"]);
                    }
                }

                var wasStopped = Json.Str(item.Props, "protectionState") is "ProtectionStopped" or "BackupsSuspended";
                item.Props["policyId"] = Json.Str(policy.Body, "id");
                item.Props["policyName"] = Json.Str(policy.Body, "name");
                if (wasStopped)
                {
                    item.Props["protectionState"] = RecoveryPoints.ForItem(s, item.Id).Count > 0 ? "Protected" : "IRPending";
                    item.Meta["protectedSince"] = Json.Timestamp(now);
                }
            }

            ApplyDiskExclusion(s, item, props);
            item.Save(s);
            return ItemAccepted(ctx, s, v, item, BackupEngine.NewJob(s, rt, v.Id, item, "ConfigureBackup", now, null));
        });
    }

    private static ResourceDoc RequirePolicy(IStoreSession s, ResourceDoc v, string policyId, string bmt)
    {
        var policy = PolicyStore.ByPolicyId(s, v.Id, policyId)
            ?? throw ArmErrors.BadRequest("BMSUserErrorPolicyNotFound", $"The backup policy '{policyId}' was not found in this vault.");
        if (!BackupModel.Eq(Json.Str(policy.Props, "backupManagementType"), bmt))
        {
            throw ArmErrors.BadRequest("BMSUserErrorPolicyTypeMismatch",
                $"The policy '{Json.Str(policy.Body, "name")}' is a {Json.Str(policy.Props, "backupManagementType")} policy and cannot protect a {bmt} item.");
        }

        return policy;
    }

    private static void ApplyDiskExclusion(IStoreSession s, ResourceDoc item, JsonObject props)
    {
        if (props["extendedProperties"]?["diskExclusionProperties"] is not JsonObject dx || WorkloadCatalogue.Of(item)?.DiskExclusion != true)
        {
            return;
        }

        var vm = ResourceDoc.Load(s, Json.Str(item.Props, "sourceResourceId") ?? string.Empty, BackupDocKinds.VirtualMachine);
        var luns = (vm?.Body["properties"]?["storageProfile"]?["dataDisks"] as JsonArray ?? []).Select(d => Json.Int(d?["lun"]) ?? -1).ToHashSet();
        var list = (dx["diskLunList"] as JsonArray ?? []).Select(x => Json.Int(x) ?? -1).ToList();
        var bad = list.Where(l => !luns.Contains(l)).ToList();
        if (bad.Count > 0)
        {
            throw ArmErrors.BadRequest("UserErrorInvalidDiskLun", $"The VM has no data disk with LUN {string.Join(", ", bad)}.");
        }

        var inclusion = Json.Bool(dx["isInclusionList"]) ?? true;
        Json.Obj(item.Props, "extendedProperties")["diskExclusionProperties"] = new JsonObject
        {
            ["diskLunList"] = new JsonArray([.. list.Select(l => (JsonNode?)l)]),
            ["isInclusionList"] = inclusion,
        };
        item.Meta["includedDisks"] = inclusion ? list.Count : luns.Count - list.Count;
    }

    /// <summary>Enables protection of <paramref name="itemName"/> in <paramref name="containerName"/> (a PUT of a new item, or a protection intent acting on one).</summary>
    internal static ResourceDoc Enable(ArmContext ctx, IStoreSession s, ResourceDoc v, JsonObject props, DateTimeOffset now, string containerName, string itemName)
    {
        var policyId = Json.Str(props, "policyId");
        if (string.IsNullOrEmpty(policyId))
        {
            throw ArmErrors.BadRequest("BMSUserErrorPolicyNotSpecified", "A policyId is required to enable protection.");
        }

        var location = BackupModel.Location(v);
        var containerId = BackupModel.ContainerId(v.Id, containerName);
        var existing = ResourceDoc.Load(s, containerId, BackupDocKinds.Container);
        var kind = WorkloadCatalogue.ByContainerName(containerName);
        if (kind?.EnableProtection is null)
        {
            throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"The container '{containerName}' is not one this emulator can protect items in ({string.Join(", ", WorkloadCatalogue.All.Where(d => d.ContainerNamePrefix.Length > 0).Select(d => d.ContainerNamePrefix + "…"))}).");
        }

        var bmt = kind.ManagementType;
        var (p, sourceKey, container, itemMeta) = kind.EnableProtection(new ProtectionRequest(ctx.Runtime.Backup, s, v, props, containerName, itemName, containerId, location, existing, kind));
        var policy = RequirePolicy(s, v, policyId, bmt);
        var elsewhere = ResourceDoc.List(s, DocumentKinds.ProtectedItem).FirstOrDefault(i => BackupModel.Eq(Json.Str(i.Meta, "sourceKey"), sourceKey));
        if (elsewhere is not null)
        {
            var otherVault = Json.Str(elsewhere.Meta, "vaultId")!;
            throw ArmErrors.BadRequest("UserErrorProtectableItemAlreadyProtected",
                $"The item '{Json.Str(p, "friendlyName")}' is already protected by vault '{otherVault.Split('/')[^1]}' ({otherVault}). An item can be protected by one vault only; stop protection there first.");
        }

        container.Save(s);
        p["protectionState"] = "IRPending";
        p["protectionStatus"] = "Healthy";
        p["healthStatus"] = "Passed";
        p["lastBackupStatus"] = kind.LastBackupStatus.None;
        p["policyId"] = Json.Str(policy.Body, "id");
        p["policyName"] = Json.Str(policy.Body, "name");
        p["lastRecoveryPoint"] = null;
        p["isScheduledForDeferredDelete"] = false;
        var wireId = BackupModel.ItemId(Json.Str(container.Body, "id")!, itemName);
        var item = new ResourceDoc(wireId, DocumentKinds.ProtectedItem, Json.Str(container.Body, "id"), new JsonObject
        {
            ["id"] = wireId,
            ["name"] = itemName,
            ["type"] = BackupModel.ItemType,
            ["properties"] = p,
        }, new JsonObject { ["vaultId"] = v.Id, ["sourceKey"] = sourceKey, ["protectedSince"] = Json.Timestamp(now), ["softDeleteDays"] = BackupModel.SoftDeleteDays(v) });
        foreach (var (key, value) in itemMeta ?? new JsonObject())
        {
            item.Meta[key] = value?.DeepClone();
        }

        ApplyDiskExclusion(s, item, props);
        item.Save(s);
        return item;
    }

    /// <summary>Stop protection and delete data: soft-deleted for the vault's retention when soft delete is on (hybrid items: 14 days while the hybrid security settings are on), else gone.</summary>
    private static ArmResponse Delete(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        var item = Find(ctx, s, v);
        if (item is null)
        {
            return ArmResponse.NoContent();
        }

        if (item.Meta["purgeAt"] is not null)
        {
            throw ArmErrors.BadRequest("UserErrorItemAlreadySoftDeleted",
                $"The item '{Json.Str(item.Props, "friendlyName")}' is already soft-deleted; it will be purged at {Json.Str(item.Meta, "purgeAt")}.");
        }

        if (Immutability.IsImmutable(v))
        {
            throw Immutability.Denied(v, $"stopping protection of '{Json.Str(item.Props, "friendlyName")}' with deletion of its backup data");
        }

        ResourceGuardCheck.RequireUnlocked(ctx, s, v.Id, ResourceGuards.DeleteItem, item.ArmId);

        var now = ctx.SimNow();
        var job = BackupEngine.NewJob(s, ctx.Runtime.Backup, v.Id, item, "DeleteBackupData", now, null);
        BackupAlerts.RaiseBackupDataDeleted(s, ctx.Runtime.Backup, v.ArmId, Json.Str(item.Props, "friendlyName") ?? item.Id,
            item.ArmId, Json.Str(item.Props, "backupManagementType"), now);
        if (HybridSecurity.RetainDeletedFor(v, item) is { } days)
        {
            item.Meta["softDeleteDays"] = days;
            item.Meta["purgeAt"] = Json.Timestamp(now.AddDays(days));
            item.Props["protectionState"] = "ProtectionStopped";
            item.Props["policyId"] = string.Empty;
            item.Props["policyName"] = string.Empty;
            item.Save(s);
        }
        else
        {
            BackupEngine.PurgeItem(s, item);
        }

        if (ctx.Sync())
        {
            return ArmResponse.Ok(null);
        }

        var op = BackupOps.Create(s, ctx, v.Id, item.Id, "none", BackupRequest.JobInfo(Json.Str(job.Body, "name")!), BackupEngine.Next(s));
        var opId = Json.Str(op, "name")!;
        return BackupOps.Accepted(ctx, $"{v.Id}/backupOperationResults/{opId}", $"{v.Id}/backupOperations/{opId}");
    });

    private static ArmResponse BackupNow(ArmContext ctx)
    {
        var props = ctx.BodyObjectOrEmpty()["properties"] as JsonObject ?? Json.Object();
        return ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            var item = Require(ctx, s, v);
            var now = ctx.SimNow();
            var bmt = Json.Str(item.Props, "backupManagementType");
            var state = Json.Str(item.Props, "protectionState");
            if (item.Meta["purgeAt"] is not null || state is "ProtectionStopped" or "BackupsSuspended")
            {
                throw ArmErrors.BadRequest("UserErrorBackupNotAllowedProtectionStopped", $"Protection of '{Json.Str(item.Props, "friendlyName")}' is stopped; resume protection before taking a backup.");
            }

            var kind = WorkloadCatalogue.ByManagementType(bmt) ?? WorkloadCatalogue.AzureVM;
            var expected = kind.BackupRequestObjectType
                ?? throw ArmErrors.BadRequest("BMSUserErrorOperationNotSupported", "On-demand backups of MARS items are started from the agent.");
            var objectType = Json.Str(props, "objectType") ?? expected;
            if (objectType != expected)
            {
                throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"A {bmt} item needs a backup request of objectType '{expected}', not '{objectType}'.");
            }

            var running = s.ListByKind(BackupDocKinds.Job, v.Id).Select(ResourceDoc.From)
                .Any(j => Json.Str(j.Meta, "itemId") is { } id && BackupModel.Eq(id, item.Id) && Json.Str(j.Props, "operation") == "Backup" && Json.Str(j.Props, "status") == "InProgress");
            if (running)
            {
                throw ArmErrors.BadRequest("UserErrorBackupOperationInProgress", $"A backup of '{Json.Str(item.Props, "friendlyName")}' is already in progress. Wait for it to finish and retry.");
            }

            var backupType = "Full";
            DateTimeOffset? expiry = null;
            if (Json.Str(props, "recoveryPointExpiryTimeInUTC") is { } e)
            {
                expiry = Json.ParseTime(e) ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"recoveryPointExpiryTimeInUTC '{e}' is not a valid date-time.");
                if (expiry <= now.AddDays(1) || expiry > now.AddDays(99 * 365))
                {
                    throw ArmErrors.BadRequest("UserErrorInvalidRecoveryPointExpiryTime", "recoveryPointExpiryTimeInUTC must be at least one day and at most 99 years in the future.");
                }
            }

            if (kind.LogChain)
            {
                backupType = Json.Str(props, "backupType") ?? "Full";
                backupType = new[] { "Full", "Differential", "Log", "CopyOnlyFull" }.FirstOrDefault(x => BackupModel.Eq(x, backupType))
                    ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"backupType '{backupType}' is invalid; use Full, Differential, Log or CopyOnlyFull.");
                if (backupType is "Differential" or "Log" && item.Meta["logChainStart"] is null)
                {
                    throw ArmErrors.BadRequest("UserErrorSQLNoFullBackup", $"A {backupType} backup needs an existing Full backup of '{Json.Str(item.Props, "friendlyName")}'. Take a Full backup first.");
                }

                // Azure Backup for SQL (learn.microsoft.com/azure/backup/backup-azure-sql-database, "Run an on-demand backup"):
                // an on-demand Full is kept at least 45 days (up to 99 years), Differential and Log points follow the
                // policy's retention, a copy-only Full is kept until the date given.
                switch (backupType)
                {
                    case "Full" when expiry is { } full && full < now.AddDays(45):
                        throw ArmErrors.BadRequest("UserErrorInvalidRecoveryPointExpiryTime",
                            $"An on-demand Full backup must be retained for at least 45 days; recoveryPointExpiryTimeInUTC {Json.Timestamp(full)} is earlier than {Json.Timestamp(now.AddDays(45))}.");
                    case "Differential" or "Log" when expiry is not null:
                        throw ArmErrors.BadRequest("BMSUserErrorInvalidInput",
                            $"A {backupType} backup is retained as the policy says; recoveryPointExpiryTimeInUTC applies only to Full and CopyOnlyFull backups.");
                    case "Differential" or "Log":
                        expiry = PolicyStore.ByPolicyId(s, v.Id, Json.Str(item.Props, "policyId")) is { } policy
                            ? PolicyRules.Expiry(policy.Props, now, backupType)
                            : throw ArmErrors.BadRequest("UserErrorBackupNotAllowedProtectionStopped", $"'{Json.Str(item.Props, "friendlyName")}' has no policy; a {backupType} backup follows the policy's retention.");
                        break;
                }

                if (backupType == "CopyOnlyFull")
                {
                    backupType = "Full";
                }
            }

            expiry ??= now.AddDays(kind.DefaultAdhocRetentionDays);
            var job = BackupEngine.StartBackupJob(s, ctx.Runtime.Backup, item, now, backupType, expiry, adhoc: true);
            var op = BackupOps.Create(s, ctx, v.Id, item.Id, "none", BackupRequest.JobInfo(Json.Str(job.Body, "name")!), BackupEngine.Next(s));
            var opId = Json.Str(op, "name")!;
            var itemId = Json.Str(item.Body, "id");
            return BackupOps.Accepted(ctx, $"{itemId}/operationResults/{opId}", $"{itemId}/operationsStatus/{opId}");
        });
    }

    private static ArmResponse ListPoints(ArmContext ctx)
    {
        var filter = BackupModel.ParseFilter(ctx.Query("$filter"));
        DateTimeOffset? start = filter.TryGetValue("startDate", out var sd) ? BackupModel.ParseFilterTime(sd, "startDate") : null;
        DateTimeOffset? end = filter.TryGetValue("endDate", out var ed) ? BackupModel.ParseFilterTime(ed, "endDate") : null;
        // Items can have tens of thousands of points: order them once, then render a page at a time.
        return ctx.PageSnapshot(
            () => ctx.Store.Transaction(s =>
            {
                var v = BackupRequest.Begin(ctx, s);
                var item = Require(ctx, s, v);
                var now = ctx.SimNow();
                return (IReadOnlyList<string>)RecoveryPoints.Timeline(s, item.Id)
                    .Select(rp => (rp.Id, t: rp.Time ?? now, rp.Log))
                    .Where(x => (start is null || x.t >= start) && (end is null || x.t <= end || x.Log))
                    .OrderByDescending(x => x.t)
                    .Select(x => x.Id).ToList();
            }),
            ids => ctx.Store.Transaction(s =>
            {
                var v = BackupRequest.Begin(ctx, s);
                Require(ctx, s, v);
                var now = ctx.SimNow();
                return ids.Select(id => ResourceDoc.Load(s, id, BackupDocKinds.RecoveryPoint)).Where(rp => rp is not null)
                    .Select(rp => (JsonNode)RecoveryPoints.Render(rp!, now, inPlace: true)).ToList();
            }));
    }

    private static ResourceDoc RequirePoint(ArmContext ctx, IStoreSession s, ResourceDoc item) =>
        ResourceDoc.Load(s, RecoveryPoints.IdOf(item.Id, ctx.Value("recoveryPointId")), BackupDocKinds.RecoveryPoint)
        ?? throw ArmErrors.NotFound("BMSUserErrorRecoveryPointNotFound", $"The recovery point '{ctx.Value("recoveryPointId")}' was not found (it may have expired).");

    private static ArmResponse GetPoint(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        return ArmResponse.Ok(RecoveryPoints.Render(RequirePoint(ctx, s, Require(ctx, s, v)), ctx.SimNow()));
    });

    private static ArmResponse Restore(ArmContext ctx)
    {
        var props = ctx.RequireBodyObject()["properties"] as JsonObject ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "properties is required.");
        return ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            var item = Require(ctx, s, v);
            var rp = RequirePoint(ctx, s, item);
            var meta = Json.Object();
            var bag = Restores.Validate(s, BackupModel.Location(v), item, rp, props, meta);
            var job = BackupEngine.NewJob(s, ctx.Runtime.Backup, v.Id, item, "Restore", ctx.SimNow(), BackupEngine.RestoreDuration, bag);
            foreach (var (k, val) in meta)
            {
                job.Meta[k] = val?.DeepClone();
            }

            job.Meta["recoveryPointId"] = Json.Str(rp.Body, "name");
            job.Save(s);
            var op = BackupOps.Create(s, ctx, v.Id, item.Id, "none", BackupRequest.JobInfo(Json.Str(job.Body, "name")!), BackupEngine.Next(s));
            var opId = Json.Str(op, "name")!;
            var itemId = Json.Str(item.Body, "id");
            return BackupOps.Accepted(ctx, $"{itemId}/operationResults/{opId}", $"{itemId}/operationsStatus/{opId}");
        });
    }

    private static ArmResponse ProvisionIlr(ArmContext ctx)
    {
        var props = ctx.BodyObjectOrEmpty()["properties"] as JsonObject ?? Json.Object();
        return ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            var item = Require(ctx, s, v);
            var rp = RequirePoint(ctx, s, item);
            var bmt = Json.Str(item.Props, "backupManagementType");
            var expected = WorkloadCatalogue.ByManagementType(bmt)?.IlrRequestObjectType;
            var objectType = Json.Str(props, "objectType") ?? expected ?? WorkloadCatalogue.AzureVM.IlrRequestObjectType!;
            if (expected is null || objectType != expected)
            {
                throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"Instant item recovery is not available with objectType '{objectType}' for a {bmt} item.");
            }

            if (Json.Bool(rp.Props["isSourceVMEncrypted"]) == true)
            {
                // "ADE encrypted VMs cannot be recovered at the file/folder level" (learn.microsoft.com/azure/backup/backup-azure-encrypted-vm-troubleshoot).
                throw ArmErrors.BadRequest("UserErrorILRNotSupportedForEncryptedVM",
                    $"File recovery is not supported for recovery point '{Json.Str(rp.Body, "name")}': the virtual machine's disks were encrypted (Azure Disk Encryption). Restore the disks or the whole VM instead.");
            }

            var now = ctx.SimNow();
            var renew = Json.Bool(props["renewExistingRegistration"]) == true;
            var active = Json.ParseTime(Json.Str(rp.Meta, "ilrUntil")) is { } until && until > now;

            // A renewal extends the mount that is there (same target, same password); anything else mounts afresh.
            var password = renew && active && Json.Str(rp.Meta, "ilrPassword") is { } kept ? kept : IlrPassword(ctx.Runtime.Backup, s);
            rp.Meta["ilrUntil"] = Json.Timestamp(now.AddHours(12));
            rp.Meta["ilrPassword"] = password;
            rp.Save(s);
            var vm = ResourceDoc.Load(s, Json.Str(item.Props, "sourceResourceId") ?? string.Empty, BackupDocKinds.VirtualMachine);
            var os = Json.Str(vm?.Meta, "osType") ?? "Windows";
            var info = new JsonObject
            {
                ["objectType"] = "OperationStatusProvisionILRExtendedInfo",
                ["recoveryTarget"] = new JsonObject { ["clientScripts"] = IlrScripts(ctx, s, item, rp, os, password) },
            };
            var op = BackupOps.Create(s, ctx, v.Id, item.Id, "none", info, BackupEngine.Next(s));
            var opId = Json.Str(op, "name")!;
            var itemId = Json.Str(item.Body, "id");
            return BackupOps.Accepted(ctx, $"{itemId}/operationResults/{opId}", $"{itemId}/operationsStatus/{opId}");
        });
    }

    private const string IlrPasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /// <summary>The 15-character iSCSI target password of a mount (deterministic per --seed, like every emulator id).</summary>
    private static string IlrPassword(BackupRuntime rt, IStoreSession s)
    {
        var n = BackupEngine.Next(s);
        var rng = new Random(HashCode.Combine(rt.Seed, n));
        return new string(Enumerable.Range(0, 15).Select(_ => IlrPasswordAlphabet[rng.Next(IlrPasswordAlphabet.Length)]).ToArray());
    }

    /// <summary>
    /// ClientScriptForConnect entries as Azure returns them (bms.json InstantItemRecoveryTarget): for Windows the
    /// PowerShell script plus the executable, which has a <c>url</c> to download it from, and a <c>scriptNameSuffix</c>
    /// carrying the password — 15 characters starting 33 characters after its last <c>_</c>, which is where
    /// Az.RecoveryServices' Get-AzRecoveryServicesBackupRPMountScript reads it; for Linux one python script whose
    /// content holds <c>TargetPassword="…"</c>.
    /// </summary>
    private static JsonArray IlrScripts(ArmContext ctx, IStoreSession s, ResourceDoc item, ResourceDoc rp, string os, string password)
    {
        var vmName = Json.Str(item.Props, "friendlyName") ?? "vm";
        var rpName = Json.Str(rp.Body, "name")!;
        var stamp = (RecoveryPoints.TimeOf(rp) ?? ctx.SimNow()).UtcDateTime.ToString("yyyy-MM-dd-HH-mm-ss", System.Globalization.CultureInfo.InvariantCulture);
        var target = $"iqn.2016-01.microsoft.azure.backup:{rpName}";
        var mountInfo = $"TargetPortalAddress=\"{ctx.Http.Request.Host.Host}\"\nTargetPortalPortNumber=\"3260\"\nTargetNodeAddress=\"{target}\"\nTargetPassword=\"{password}\"\n";
        var token = BackupModel.Guid(ctx.Runtime.Backup.Seed, "ilr", BackupEngine.Next(s)).Replace("-", string.Empty, StringComparison.Ordinal);
        // Azure hides the password in the suffix of every script, Linux too (Az removes it from both).
        var suffix = $"{vmName}_{stamp}_{token}{password}";
        if (os == "Linux")
        {
            var py = $"#!/usr/bin/env python3\n# File recovery script for {vmName}, recovery point {rpName} (RecoveryVault emulator)\n{mountInfo}";
            return new JsonArray(new JsonObject
            {
                ["scriptContent"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(py)),
                ["scriptExtension"] = ".py",
                ["osType"] = "Linux",
                ["url"] = null,
                ["scriptNameSuffix"] = suffix,
            });
        }

        var ps1 = $"# File recovery script for {vmName}, recovery point {rpName} (RecoveryVault emulator)\n$TargetNodeAddress = '{target}'\n";
        var exe = $"RecoveryVault emulator file recovery executable for {vmName}, recovery point {rpName}\n{mountInfo}";
        s.Put(new StoredDocument($"/_emulator/ilr/{token}", IlrScriptKind, Json.Str(rp.Body, "id"), new JsonObject { ["content"] = exe }.ToJsonString()));
        return new JsonArray(
            new JsonObject
            {
                ["scriptContent"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(ps1)),
                ["scriptExtension"] = ".ps1",
                ["osType"] = "Windows",
                ["url"] = null,
                ["scriptNameSuffix"] = $"{vmName}_{stamp}",
            },
            new JsonObject
            {
                ["scriptContent"] = null,
                ["scriptExtension"] = ".exe",
                ["osType"] = "Windows",
                ["url"] = $"{ctx.BaseUrl}/_emulator/ilr/{token}",
                ["scriptNameSuffix"] = suffix,
            });
    }

    /// <summary>Store kind of a downloadable ILR executable (served by <c>GET /_emulator/ilr/{token}</c>).</summary>
    internal const string IlrScriptKind = "ilrScript";

    private static ArmResponse RevokeIlr(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        var item = Require(ctx, s, v);
        var rp = RequirePoint(ctx, s, item);
        rp.Meta.Remove("ilrUntil");
        rp.Meta.Remove("ilrPassword");
        rp.Save(s);
        var op = BackupOps.Create(s, ctx, v.Id, item.Id, "none", null, BackupEngine.Next(s));
        var opId = Json.Str(op, "name")!;
        var itemId = Json.Str(item.Body, "id");
        return BackupOps.Accepted(ctx, $"{itemId}/operationResults/{opId}", $"{itemId}/operationsStatus/{opId}");
    });
}
