// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>Protection containers (register/unregister/inquire/refresh), protectable containers and items, workload items.</summary>
internal static class ContainerHandler
{
    private const string V = VaultHandler.VaultPath;
    private const string F = V + "/backupFabrics/{fabricName}";
    private const string C = F + "/protectionContainers/{containerName}";

    public static void Register(ArmRouter router)
    {
        router.Map("GET", V + "/backupProtectionContainers", ApiFamily.Backup, BackupModel.ContainerType, List);
        router.Map("GET", C, ApiFamily.Backup, BackupModel.ContainerType, Get);
        router.Map("PUT", C, ApiFamily.Backup, BackupModel.ContainerType, Put);
        router.Map("DELETE", C, ApiFamily.Backup, BackupModel.ContainerType, Delete);
        router.Map("POST", C + "/inquire", ApiFamily.Backup, BackupModel.ContainerType, Inquire);
        router.Map("GET", C + "/operationResults/{operationId}", ApiFamily.Backup, BackupModel.ContainerType + "/operationResults", BackupMonitorHandler.Result);
        router.Map("GET", C + "/operationsStatus/{operationId}", ApiFamily.Backup, BackupModel.ContainerType + "/operationsStatus", BackupMonitorHandler.Status);
        router.Map("GET", C + "/items", ApiFamily.Backup, BackupModel.WorkloadItemType, WorkloadItems);
        router.Map("POST", F + "/refreshContainers", ApiFamily.Backup, "Microsoft.RecoveryServices/vaults/backupFabrics/refreshContainers", Refresh);
        router.Map("GET", F + "/protectableContainers", ApiFamily.Backup, "Microsoft.RecoveryServices/vaults/backupFabrics/protectableContainers", ProtectableContainers);
        router.Map("GET", V + "/backupProtectableItems", ApiFamily.Backup, BackupModel.ProtectableItemType, ProtectableItems);
    }

    public static JsonObject Render(IStoreSession s, ResourceDoc c)
    {
        var body = (JsonObject)c.Body.DeepClone();
        Json.Obj(body, "properties")["protectedItemCount"] = s.ListByKind(DocumentKinds.ProtectedItem, c.Id).Count;
        return body;
    }

    private static void CheckFabric(ArmContext ctx)
    {
        if (!BackupModel.Eq(ctx.Value("fabricName"), BackupModel.Fabric))
        {
            throw ArmErrors.NotFound("BMSUserErrorFabricNotFound", $"The fabric '{ctx.Value("fabricName")}' was not found; Azure Backup uses 'Azure'.");
        }
    }

    private static ArmResponse List(ArmContext ctx)
    {
        var filter = BackupModel.ParseFilter(ctx.Query("$filter"));
        var list = ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            return ResourceDoc.List(s, BackupDocKinds.Container, v.Id + "/backupFabrics")
                .Where(c => !filter.TryGetValue("backupManagementType", out var b) || BackupModel.Eq(Json.Str(c.Props, "backupManagementType"), b))
                .Where(c => !filter.TryGetValue("friendlyName", out var n) || BackupModel.Eq(Json.Str(c.Props, "friendlyName"), n))
                .Where(c => !filter.TryGetValue("status", out var st) || BackupModel.Eq(Json.Str(c.Props, "registrationStatus"), st))
                .Select(c => (JsonNode)Render(s, c)).ToList();
        });
        return ctx.Page(list);
    }

    private static ResourceDoc Require(ArmContext ctx, IStoreSession s, ResourceDoc v)
    {
        CheckFabric(ctx);
        return ResourceDoc.Load(s, BackupModel.ContainerId(v.Id, ctx.Value("containerName")), BackupDocKinds.Container)
            ?? throw ArmErrors.NotFound("BMSUserErrorContainerNotFound", $"The protection container '{ctx.Value("containerName")}' was not found.");
    }

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        return ArmResponse.Ok(Render(s, Require(ctx, s, v)));
    });

    /// <summary>Register a storage account (StorageContainer) or a SQL VM (VMAppContainer); style B.</summary>
    private static ArmResponse Put(ArmContext ctx)
    {
        var props = ctx.RequireBodyObject()["properties"] as JsonObject ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "properties is required.");
        return ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            CheckFabric(ctx);
            var name = ctx.Value("containerName");
            // Without a containerType the name's prefix decides; anything else is taken for a workload (SQL) container.
            var containerType = Json.Str(props, "containerType")
                ?? (WorkloadCatalogue.ByContainerName(name) is { RegisterContainer: not null } named ? named : WorkloadCatalogue.SqlDatabase).ContainerType;
            var sourceId = Json.Str(props, "sourceResourceId") ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "properties.sourceResourceId is required to register a container.");
            var location = BackupModel.Location(v);
            // Only kinds whose containers are discovered (protectable containers) are registered by the client.
            var kind = WorkloadCatalogue.ByContainerType(containerType) is { RegisterContainer: not null } registrable ? registrable : null;
            if (kind is null)
            {
                throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"containerType '{containerType}' cannot be registered here; use {string.Join(" or ", WorkloadCatalogue.All.Where(d => d.RegisterContainer is not null).Select(d => d.ContainerType))}.");
            }

            var stored = kind.RegisterContainer!(new ContainerRegistration(s, props, sourceId, location, kind));

            var other = ResourceDoc.List(s, BackupDocKinds.Container).FirstOrDefault(c => BackupModel.Eq(Json.Str(c.Props, "sourceResourceId"), sourceId) && !BackupModel.Eq(Json.Str(c.Meta, "vaultId"), v.Id));
            if (other is not null)
            {
                throw ArmErrors.BadRequest("BMSUserErrorContainerAlreadyRegistered", $"'{sourceId}' is already registered to vault '{Json.Str(other.Meta, "vaultId")}'. Unregister it there first.");
            }

            var id = BackupModel.ContainerId(v.Id, name);
            var existing = ResourceDoc.Load(s, id, BackupDocKinds.Container);
            var container = new ResourceDoc(id, BackupDocKinds.Container, v.Id, new JsonObject
            {
                ["id"] = Json.Str(existing?.Body, "id") ?? id,
                ["name"] = Json.Str(existing?.Body, "name") ?? name,
                ["type"] = BackupModel.ContainerType,
                ["properties"] = stored,
            }, new JsonObject { ["vaultId"] = v.Id });
            container.Save(s);

            // Registration runs an inquiry on the source (the container carries its inquiryInfo), so what exists now is discovered.
            var discovery = Discovery.Load(s, v.Id);
            if (ResourceDoc.Load(s, sourceId, BackupDocKinds.StorageAccount) is { } registeredSa)
            {
                discovery.InquireStorage(registeredSa);
            }
            else if (ResourceDoc.Load(s, sourceId, BackupDocKinds.VirtualMachine) is { } registeredVm)
            {
                discovery.InquireSql(registeredVm);
            }

            discovery.Save(s);
            var job = BackupEngine.NewJob(s, ctx.Runtime.Backup, v.Id, null, "Register", ctx.SimNow(), null, entityName: Json.Str(stored, "friendlyName"), bmt: Json.Str(stored, "backupManagementType"));
            if (ctx.Sync())
            {
                return ArmResponse.Ok(Render(s, container));
            }

            var op = BackupOps.Create(s, ctx, v.Id, container.Id, "container", BackupRequest.JobInfo(Json.Str(job.Body, "name")!), BackupEngine.Next(s));
            var opId = Json.Str(op, "name")!;
            return BackupOps.Accepted(ctx, $"{Json.Str(container.Body, "id")}/operationResults/{opId}", $"{Json.Str(container.Body, "id")}/operationsStatus/{opId}");
        });
    }

    private static ArmResponse Delete(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        CheckFabric(ctx);
        var c = ResourceDoc.Load(s, BackupModel.ContainerId(v.Id, ctx.Value("containerName")), BackupDocKinds.Container);
        if (c is null)
        {
            return ArmResponse.NoContent();
        }

        var items = ResourceDoc.List(s, DocumentKinds.ProtectedItem, c.Id);
        if (WorkloadCatalogue.Of(c)?.UnregisterWithItems != true && items.Count > 0)
        {
            throw ArmErrors.BadRequest("BMSUserErrorContainerHasDatasources",
                $"The container '{Json.Str(c.Body, "name")}' cannot be unregistered because it has {items.Count} protected item(s) (including soft-deleted ones). Stop protection and delete their data first.");
        }

        s.DeleteTree(c.Id);
        BackupEngine.NewJob(s, ctx.Runtime.Backup, v.Id, null, "UnRegister", ctx.SimNow(), null, entityName: Json.Str(c.Props, "friendlyName"), bmt: Json.Str(c.Props, "backupManagementType"));
        if (items.Count > 0)
        {
            // Only kinds unregistered with their items get here with any (a MARS server): their backup data goes with them.
            BackupAlerts.RaiseBackupDataDeleted(s, ctx.Runtime.Backup, v.ArmId, Json.Str(c.Props, "friendlyName") ?? c.Id, null,
                Json.Str(c.Props, "backupManagementType"), ctx.SimNow());
        }
        if (ctx.Sync())
        {
            return ArmResponse.NoContent();
        }

        var op = BackupOps.Create(s, ctx, v.Id, c.Id, "none", null, BackupEngine.Next(s));
        var opId = Json.Str(op, "name")!;
        return BackupOps.Accepted(ctx, $"{Json.Str(c.Body, "id")}/operationResults/{opId}", $"{Json.Str(c.Body, "id")}/operationsStatus/{opId}");
    });

    /// <summary>Re-discovers the workloads of a registered container (new SQL databases, new file shares); spec BMSContainersInquiryQueryObject filters on workloadType only.</summary>
    private static ArmResponse Inquire(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var filter = BackupModel.ParseStrictFilter(ctx.Query("$filter"), "workloadType");
        var v = BackupRequest.Begin(ctx, s);
        var c = Require(ctx, s, v);
        var discovery = Discovery.Load(s, v.Id);
        var wl = filter.GetValueOrDefault("workloadType");
        if (WorkloadCatalogue.ByContainerType(Json.Str(c.Props, "containerType")) is { InquireContainer: not null } kind)
        {
            kind.InquireContainer(new ContainerInquiry(s, discovery, c, wl, kind));
        }

        discovery.Save(s);
        ProtectionIntentHandler.ApplyAutoProtection(ctx, s, v, c);

        var op = BackupOps.Create(s, ctx, v.Id, c.Id, "none", null, BackupEngine.Next(s));
        var opId = Json.Str(op, "name")!;
        return BackupOps.Accepted(ctx, $"{Json.Str(c.Body, "id")}/operationResults/{opId}", $"{Json.Str(c.Body, "id")}/operationsStatus/{opId}");
    });

    /// <summary>
    /// Discovery of the kind the filter names (spec BMSRefreshContainersQueryObject: backupManagementType only); no filter
    /// refreshes every kind, as the official example Common/RefreshContainers.json sends none. The result is recorded at
    /// once, so a client that lists right after the operation finishes sees it.
    /// </summary>
    private static ArmResponse Refresh(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var filter = BackupModel.ParseStrictFilter(ctx.Query("$filter"), "backupManagementType");
        var v = BackupRequest.Begin(ctx, s);
        CheckFabric(ctx);
        var bmt = filter.GetValueOrDefault("backupManagementType");
        if (bmt is not null && !WorkloadCatalogue.Refreshable.Any(k => k.Is(bmt)))
        {
            throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"Input provided for the call is invalid: containers of backupManagementType '{bmt}' cannot be refreshed; use {WorkloadCatalogue.ManagementTypes(WorkloadCatalogue.Refreshable, " or ")}.");
        }

        var sub = v.Id.Split('/', StringSplitOptions.RemoveEmptyEntries)[1];
        var location = BackupModel.Location(v);
        var discovery = Discovery.Load(s, v.Id);
        foreach (var kind in WorkloadCatalogue.Refreshable.Where(k => bmt is null || k.Is(bmt)))
        {
            kind.Refresh!(discovery, s, v.Id, sub, location);
        }

        discovery.Save(s);
        var op = BackupOps.Create(s, ctx, v.Id, v.Id, "none", null, BackupEngine.Next(s));
        return BackupOps.Accepted(ctx, $"{v.Id}/backupFabrics/{BackupModel.Fabric}/operationResults/{Json.Str(op, "name")}", null);
    });

    private static ArmResponse WorkloadItems(ArmContext ctx)
    {
        var list = ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            var c = Require(ctx, s, v);
            var result = new List<JsonNode>();
            if (WorkloadCatalogue.ByContainerType(Json.Str(c.Props, "containerType")) != WorkloadCatalogue.SqlDatabase || ResourceDoc.Load(s, Json.Str(c.Props, "sourceResourceId")!, BackupDocKinds.VirtualMachine) is not { } vm || Sources.Sql(vm) is not { } sql)
            {
                return result;
            }

            var cid = Json.Str(c.Body, "id")!;
            var server = Json.Str(vm.Body, "name")!.ToLowerInvariant();
            result.Add(new JsonObject
            {
                ["id"] = $"{cid}/items/SQLInstance;{sql.Instance}",
                ["name"] = $"SQLInstance;{sql.Instance}",
                ["type"] = BackupModel.WorkloadItemType,
                ["properties"] = new JsonObject
                {
                    ["dataDirectoryPaths"] = new JsonArray(new JsonObject { ["type"] = "Data", ["path"] = "F:\\DATA\\" }, new JsonObject { ["type"] = "Log", ["path"] = "F:\\LOG\\" }),
                    ["parentName"] = sql.Instance,
                    ["serverName"] = server,
                    ["isAutoProtectable"] = true,
                    ["subinquireditemcount"] = 0,
                    ["subWorkloadItemCount"] = sql.Databases.Count,
                    ["backupManagementType"] = WorkloadCatalogue.SqlDatabase.ManagementType,
                    ["workloadType"] = "SQL",
                    ["workloadItemType"] = "SQLInstance",
                    ["friendlyName"] = sql.Instance,
                    ["protectionState"] = "NotProtected",
                },
            });
            foreach (var db in sql.Databases)
            {
                var protectedHere = ResourceDoc.Load(s, BackupModel.ItemId(c.Id, WorkloadHooks.SqlItemName(sql.Instance, db)), DocumentKinds.ProtectedItem) is not null;
                result.Add(new JsonObject
                {
                    ["id"] = $"{cid}/items/{WorkloadCatalogue.SqlDatabase.ItemNamePrefix}{sql.Instance};{db}",
                    ["name"] = $"{WorkloadCatalogue.SqlDatabase.ItemNamePrefix}{sql.Instance};{db}",
                    ["type"] = BackupModel.WorkloadItemType,
                    ["properties"] = new JsonObject
                    {
                        ["parentName"] = sql.Instance,
                        ["serverName"] = server,
                        ["isAutoProtectable"] = false,
                        ["subinquireditemcount"] = 0,
                        ["subWorkloadItemCount"] = 0,
                        ["backupManagementType"] = WorkloadCatalogue.SqlDatabase.ManagementType,
                        ["workloadType"] = WorkloadCatalogue.SqlDatabase.WorkloadType,
                        ["workloadItemType"] = WorkloadCatalogue.SqlDatabase.ProtectableItemType,
                        ["friendlyName"] = db,
                        ["protectionState"] = protectedHere ? "Protected" : "NotProtected",
                    },
                });
            }

            return result;
        });
        return ctx.Page(list);
    }

    /// <summary>Items already protected anywhere, by source key.</summary>
    private static HashSet<string> ProtectedKeys(IStoreSession s) =>
        ResourceDoc.List(s, DocumentKinds.ProtectedItem).Select(i => Json.Str(i.Meta, "sourceKey")).Where(k => k is not null).Select(k => k!).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static ArmResponse ProtectableItems(ArmContext ctx)
    {
        // Spec BMSPOQueryObject's fields.
        var filter = BackupModel.ParseStrictFilter(ctx.Query("$filter"), "backupManagementType", "workloadType", "containerName", "status", "friendlyName");
        var list = ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            var sub = v.Id.Split('/', StringSplitOptions.RemoveEmptyEntries)[1];
            var location = BackupModel.Location(v);
            var taken = ProtectedKeys(s);
            var discovery = Discovery.Load(s, v.Id);
            filter.TryGetValue("backupManagementType", out var bmt);
            filter.TryGetValue("workloadType", out var wl);
            var result = new List<JsonNode>();
            bool Wanted(WorkloadDescriptor k) => (bmt is null || k.Is(bmt)) && (wl is null || BackupModel.Eq(wl, k.WorkloadType));
            // Kinds with implicit containers list their sources directly; the others list them per registered container, in container order.
            foreach (var k in WorkloadCatalogue.All.Where(k => k.ListProtectableItems is not null && k.ProtectableContainerType is null && Wanted(k)))
            {
                result.AddRange(k.ListProtectableItems!(new ProtectableQuery(s, v, sub, location, taken, discovery, null, k)));
            }

            foreach (var c in ResourceDoc.List(s, BackupDocKinds.Container, v.Id + "/backupFabrics"))
            {
                if (WorkloadCatalogue.ByContainerType(Json.Str(c.Props, "containerType")) is { ListProtectableItems: not null, ProtectableContainerType: not null } ckind && Wanted(ckind))
                {
                    result.AddRange(ckind.ListProtectableItems(new ProtectableQuery(s, v, sub, location, taken, discovery, c, ckind)));
                }
            }

            return result;
        });
        return ctx.Page(list);
    }

    private static ArmResponse ProtectableContainers(ArmContext ctx)
    {
        var filter = BackupModel.ParseFilter(ctx.Query("$filter"));
        var list = ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            CheckFabric(ctx);
            var sub = v.Id.Split('/', StringSplitOptions.RemoveEmptyEntries)[1];
            var location = BackupModel.Location(v);
            var discovery = Discovery.Load(s, v.Id);
            var registered = ResourceDoc.List(s, BackupDocKinds.Container).Select(c => Json.Str(c.Props, "sourceResourceId")).Where(x => x is not null).ToHashSet(StringComparer.OrdinalIgnoreCase);
            filter.TryGetValue("backupManagementType", out var bmt);
            var result = new List<JsonNode>();
            foreach (var kind in WorkloadCatalogue.All.Where(k => k.ListProtectableContainers is not null && (bmt is null || k.Is(bmt))))
            {
                result.AddRange(kind.ListProtectableContainers!(new ProtectableContainerQuery(s, v, sub, location, registered, discovery, kind)));
            }

            return result;
        });
        return ctx.Page(list);
    }

}
