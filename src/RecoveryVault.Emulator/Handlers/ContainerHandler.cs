// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Backup;
using RecoveryVault.Emulator.Store;

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

    public static JsonObject Render(IStoreSession s, BackupDoc c)
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
            return BackupDoc.List(s, BackupDocKinds.Container, v.Id + "/backupFabrics")
                .Where(c => !filter.TryGetValue("backupManagementType", out var b) || BackupModel.Eq(Json.Str(c.Props, "backupManagementType"), b))
                .Where(c => !filter.TryGetValue("friendlyName", out var n) || BackupModel.Eq(Json.Str(c.Props, "friendlyName"), n))
                .Where(c => !filter.TryGetValue("status", out var st) || BackupModel.Eq(Json.Str(c.Props, "registrationStatus"), st))
                .Select(c => (JsonNode)Render(s, c)).ToList();
        });
        return ctx.Page(list);
    }

    private static BackupDoc Require(ArmContext ctx, IStoreSession s, VaultRecord v)
    {
        CheckFabric(ctx);
        return BackupDoc.Load(s, BackupModel.ContainerId(v.Id, ctx.Value("containerName")), BackupDocKinds.Container)
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

            var other = BackupDoc.List(s, BackupDocKinds.Container).FirstOrDefault(c => BackupModel.Eq(Json.Str(c.Props, "sourceResourceId"), sourceId) && !BackupModel.Eq(Json.Str(c.Meta, "vaultId"), v.Id));
            if (other is not null)
            {
                throw ArmErrors.BadRequest("BMSUserErrorContainerAlreadyRegistered", $"'{sourceId}' is already registered to vault '{Json.Str(other.Meta, "vaultId")}'. Unregister it there first.");
            }

            var id = BackupModel.ContainerId(v.Id, name);
            var existing = BackupDoc.Load(s, id, BackupDocKinds.Container);
            var container = new BackupDoc(id, BackupDocKinds.Container, v.Id, new JsonObject
            {
                ["id"] = Json.Str(existing?.Body, "id") ?? id,
                ["name"] = Json.Str(existing?.Body, "name") ?? name,
                ["type"] = BackupModel.ContainerType,
                ["properties"] = stored,
            }, new JsonObject { ["vaultId"] = v.Id });
            container.Save(s);

            // Registration runs an inquiry on the source (the container carries its inquiryInfo), so what exists now is discovered.
            var discovery = Discovery.Load(s, v.Id);
            if (BackupDoc.Load(s, sourceId, BackupDocKinds.StorageAccount) is { } registeredSa)
            {
                discovery.InquireStorage(registeredSa);
            }
            else if (BackupDoc.Load(s, sourceId, BackupDocKinds.VirtualMachine) is { } registeredVm)
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

    /// <summary>A storage account's container: its file shares become protectable.</summary>
    internal static JsonObject RegisterStorageContainer(ContainerRegistration r)
    {
        var (s, props, sourceId, location, kind) = r;
        var sa = BackupDoc.Load(s, sourceId, BackupDocKinds.StorageAccount)
            ?? throw ArmErrors.BadRequest("UserErrorStorageAccountNotFound", $"The storage account '{sourceId}' was not found.");
        CheckRegion(Json.Str(sa.Body, "location"), location, "storage account");
        return new JsonObject
        {
            ["sourceResourceId"] = Json.Str(sa.Body, "id"),
            ["acquireStorageAccountLock"] = Json.Str(props, "acquireStorageAccountLock") ?? "Acquire",
            ["friendlyName"] = Json.Str(sa.Body, "name"),
            ["backupManagementType"] = kind.ManagementType,
            ["registrationStatus"] = "Registered",
            ["healthStatus"] = "Healthy",
            ["containerType"] = kind.ContainerType,
            ["protectableObjectType"] = kind.ContainerType,
        };
    }

    /// <summary>A VM with SQL Server: its databases become protectable (the container carries the inquiry's result).</summary>
    internal static JsonObject RegisterWorkloadContainer(ContainerRegistration r)
    {
        var (s, props, sourceId, location, kind) = r;
        var vm = BackupDoc.Load(s, sourceId, BackupDocKinds.VirtualMachine)
            ?? throw ArmErrors.BadRequest("UserErrorVmNotFound", $"The virtual machine '{sourceId}' was not found.");
        CheckRegion(Json.Str(vm.Body, "location"), location, "virtual machine");
        var sql = Sources.Sql(vm) ?? throw ArmErrors.BadRequest("UserErrorWorkloadNotFound", $"No SQL Server instance was discovered on '{Json.Str(vm.Body, "name")}'.");
        return new JsonObject
        {
            ["sourceResourceId"] = Json.Str(vm.Body, "id"),
            ["friendlyName"] = Json.Str(vm.Body, "name"),
            ["backupManagementType"] = kind.ManagementType,
            ["registrationStatus"] = "Registered",
            ["healthStatus"] = "Healthy",
            ["containerType"] = kind.ContainerType,
            ["workloadType"] = Json.Str(props, "workloadType"),
            ["operationType"] = "Register",
            ["extendedInfo"] = new JsonObject
            {
                ["hostServerName"] = Json.Str(vm.Body, "name")!.ToLowerInvariant(),
                ["nodesList"] = new JsonArray(),
                ["inquiryInfo"] = Inquiry(sql.Databases.Count),
            },
        };
    }

    /// <summary>Re-inquires the SQL instance of a workload container and records the count on the container.</summary>
    internal static void InquireWorkloadContainer(ContainerInquiry q)
    {
        var (s, discovery, c, wl, kind) = q;
        if (BackupDoc.Load(s, Json.Str(c.Props, "sourceResourceId")!, BackupDocKinds.VirtualMachine) is { } vm)
        {
            if (wl is null || BackupModel.Eq(wl, kind.WorkloadType) || BackupModel.Eq(wl, "SQL"))
            {
                discovery.InquireSql(vm);
            }

            Json.Obj(c.Props, "extendedInfo")["inquiryInfo"] = Inquiry(Sources.Sql(vm)?.Databases.Count ?? 0);
            c.Save(s);
        }
    }

    /// <summary>Re-lists the shares of a storage account container.</summary>
    internal static void InquireStorageContainer(ContainerInquiry q)
    {
        var (s, discovery, c, wl, kind) = q;
        if (BackupDoc.Load(s, Json.Str(c.Props, "sourceResourceId")!, BackupDocKinds.StorageAccount) is { } sa
            && (wl is null || BackupModel.Eq(wl, kind.WorkloadType)))
        {
            discovery.InquireStorage(sa);
        }
    }

    private static JsonObject Inquiry(int count) => new()
    {
        ["status"] = "Success",
        ["errorDetail"] = new JsonObject { ["code"] = "Success", ["message"] = "Not Available", ["recommendations"] = new JsonArray("Not Available") },
        ["inquiryDetails"] = new JsonArray(new JsonObject
        {
            ["type"] = "sql",
            ["itemCount"] = count,
            ["inquiryValidation"] = new JsonObject { ["status"] = "Success", ["errorDetail"] = new JsonObject { ["code"] = "Success", ["message"] = "Not Available", ["recommendations"] = new JsonArray("Not Available") } },
        }),
    };

    private static void CheckRegion(string? sourceLocation, string vaultLocation, string what)
    {
        if (sourceLocation != vaultLocation)
        {
            throw ArmErrors.BadRequest("UserErrorContainerAndVaultInDifferentRegions", $"The {what} is in '{sourceLocation}' but the vault is in '{vaultLocation}'. The vault and the {what} must be in the same region.");
        }
    }

    private static ArmResponse Delete(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        CheckFabric(ctx);
        var c = BackupDoc.Load(s, BackupModel.ContainerId(v.Id, ctx.Value("containerName")), BackupDocKinds.Container);
        if (c is null)
        {
            return ArmResponse.NoContent();
        }

        var items = BackupDoc.List(s, DocumentKinds.ProtectedItem, c.Id);
        if (WorkloadCatalogue.Of(c)?.UnregisterWithItems != true && items.Count > 0)
        {
            throw ArmErrors.BadRequest("BMSUserErrorContainerHasDatasources",
                $"The container '{Json.Str(c.Body, "name")}' cannot be unregistered because it has {items.Count} protected item(s) (including soft-deleted ones). Stop protection and delete their data first.");
        }

        s.DeleteTree(c.Id);
        BackupEngine.NewJob(s, ctx.Runtime.Backup, v.Id, null, "UnRegister", ctx.SimNow(), null, entityName: Json.Str(c.Props, "friendlyName"), bmt: Json.Str(c.Props, "backupManagementType"));
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
            if (WorkloadCatalogue.ByContainerType(Json.Str(c.Props, "containerType")) != WorkloadCatalogue.SqlDatabase || BackupDoc.Load(s, Json.Str(c.Props, "sourceResourceId")!, BackupDocKinds.VirtualMachine) is not { } vm || Sources.Sql(vm) is not { } sql)
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
                var protectedHere = BackupDoc.Load(s, BackupModel.ItemId(c.Id, SqlItemName(sql.Instance, db)), DocumentKinds.ProtectedItem) is not null;
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

    public static string SqlItemName(string instance, string db) => $"{WorkloadCatalogue.SqlDatabase.ItemNamePrefix}{instance.ToLowerInvariant()};{db}";

    public static string VmContainerName(string rg, string vm) => $"{WorkloadCatalogue.AzureVM.ContainerNamePrefix}iaasvmcontainerv2;{rg.ToLowerInvariant()};{vm.ToLowerInvariant()}";

    public static string VmItemName(string rg, string vm) => $"{WorkloadCatalogue.AzureVM.ItemNamePrefix}iaasvmcontainerv2;{rg.ToLowerInvariant()};{vm.ToLowerInvariant()}";

    public static string StorageContainerName(string rg, string sa) => $"{WorkloadCatalogue.AzureFileShare.ContainerNamePrefix}Storage;{rg};{sa}";

    /// <summary>Items already protected anywhere, by source key.</summary>
    private static HashSet<string> ProtectedKeys(IStoreSession s) =>
        BackupDoc.List(s, DocumentKinds.ProtectedItem).Select(i => Json.Str(i.Meta, "sourceKey")).Where(k => k is not null).Select(k => k!).ToHashSet(StringComparer.OrdinalIgnoreCase);

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

            foreach (var c in BackupDoc.List(s, BackupDocKinds.Container, v.Id + "/backupFabrics"))
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

    /// <summary>Discovered VMs of the vault's subscription and region; their containers are implicit, so they are listed without one.</summary>
    internal static IEnumerable<JsonObject> ProtectableVms(ProtectableQuery q)
    {
        var (s, v, sub, location, taken, discovery, _, _) = q;
        foreach (var vm in BackupDoc.List(s, BackupDocKinds.VirtualMachine, "/subscriptions/" + sub))
        {
            if (Json.Str(vm.Body, "location") != location || taken.Contains(vm.Id) || !discovery.Has("vm", vm.Id))
            {
                continue;
            }

            var rg = vm.Id.Split('/', StringSplitOptions.RemoveEmptyEntries)[3];
            var name = Json.Str(vm.Body, "name")!;
            var itemName = VmItemName(rg, name);
            yield return new JsonObject
            {
                ["id"] = $"{v.Id}/backupFabrics/Azure/protectionContainers/{VmContainerName(rg, name)}/protectableItems/{itemName}",
                ["name"] = itemName,
                ["type"] = BackupModel.ProtectableItemType,
                ["properties"] = new JsonObject
                {
                    ["friendlyName"] = name,
                    ["virtualMachineId"] = Json.Str(vm.Body, "id"),
                    ["protectionState"] = "NotProtected",
                    ["protectableItemType"] = WorkloadCatalogue.AzureVM.ProtectableItemType,
                    ["backupManagementType"] = WorkloadCatalogue.AzureVM.ManagementType,
                    ["workloadType"] = WorkloadCatalogue.AzureVM.WorkloadType,
                    ["containerName"] = VmContainerName(rg, name),
                },
            };
        }
    }

    /// <summary>Discovered shares of a registered storage account container.</summary>
    internal static IEnumerable<JsonObject> ProtectableFileShares(ProtectableQuery q)
    {
        var (s, _, _, _, taken, discovery, c, ckind) = q;
        var cid = Json.Str(c!.Body, "id")!;
        if (BackupDoc.Load(s, Json.Str(c.Props, "sourceResourceId")!, BackupDocKinds.StorageAccount) is not { } sa)
        {
            yield break;
        }

        foreach (var share in Sources.FileShares(sa))
        {
            if (taken.Contains(sa.Id + "/" + share) || !discovery.Has("share", sa.Id + "/" + share))
            {
                continue;
            }

            yield return new JsonObject
            {
                ["id"] = $"{cid}/protectableItems/{ckind.ItemNamePrefix}{share}",
                ["name"] = ckind.ItemNamePrefix + share,
                ["type"] = BackupModel.ProtectableItemType,
                ["properties"] = new JsonObject
                {
                    ["parentContainerFabricId"] = Json.Str(sa.Body, "id"),
                    ["parentContainerFriendlyName"] = Json.Str(sa.Body, "name"),
                    ["azureFileShareType"] = "XSMB",
                    ["backupManagementType"] = ckind.ManagementType,
                    ["workloadType"] = ckind.WorkloadType,
                    ["protectableItemType"] = ckind.ProtectableItemType,
                    ["friendlyName"] = share,
                    ["protectionState"] = "NotProtected",
                },
            };
        }
    }

    /// <summary>Discovered databases of a registered SQL workload container.</summary>
    internal static IEnumerable<JsonObject> ProtectableSqlDatabases(ProtectableQuery q)
    {
        var (s, _, _, _, taken, discovery, c, ckind) = q;
        var cid = Json.Str(c!.Body, "id")!;
        if (BackupDoc.Load(s, Json.Str(c.Props, "sourceResourceId")!, BackupDocKinds.VirtualMachine) is not { } vm || Sources.Sql(vm) is not { } sql)
        {
            yield break;
        }

        foreach (var db in sql.Databases)
        {
            if (taken.Contains($"{vm.Id}/{sql.Instance}/{db}") || !discovery.Has("sqldb", Discovery.SqlKey(vm.Id, sql.Instance, db)))
            {
                continue;
            }

            var itemName = SqlItemName(sql.Instance, db);
            yield return new JsonObject
            {
                ["id"] = $"{cid}/protectableItems/{itemName}",
                ["name"] = itemName,
                ["type"] = BackupModel.ProtectableItemType,
                ["properties"] = new JsonObject
                {
                    ["friendlyName"] = db,
                    ["serverName"] = Json.Str(vm.Body, "name")!.ToLowerInvariant(),
                    ["parentName"] = sql.Instance,
                    ["parentUniqueName"] = sql.Instance.ToLowerInvariant(),
                    ["isAutoProtectable"] = false,
                    ["protectableItemType"] = ckind.ProtectableItemType,
                    ["backupManagementType"] = ckind.ManagementType,
                    ["workloadType"] = ckind.WorkloadType,
                    ["protectionState"] = "NotProtected",
                },
            };
        }
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
            var registered = BackupDoc.List(s, BackupDocKinds.Container).Select(c => Json.Str(c.Props, "sourceResourceId")).Where(x => x is not null).ToHashSet(StringComparer.OrdinalIgnoreCase);
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

    /// <summary>Discovered storage accounts of the vault's subscription and region not registered anywhere yet.</summary>
    internal static IEnumerable<JsonObject> ProtectableStorageContainers(ProtectableContainerQuery q)
    {
        var (s, v, sub, location, registered, discovery, kind) = q;
        foreach (var sa in BackupDoc.List(s, BackupDocKinds.StorageAccount, "/subscriptions/" + sub).Where(x => Json.Str(x.Body, "location") == location && !registered.Contains(x.Id) && discovery.Has("storage", x.Id)))
        {
            var rg = sa.Id.Split('/', StringSplitOptions.RemoveEmptyEntries)[3];
            var name = StorageContainerName(rg, Json.Str(sa.Body, "name")!);
            yield return new JsonObject
            {
                ["id"] = $"{v.Id}/backupFabrics/Azure/protectableContainers/{name}",
                ["name"] = name,
                ["type"] = "Microsoft.RecoveryServices/vaults/backupFabrics/protectableContainers",
                ["properties"] = new JsonObject
                {
                    ["friendlyName"] = Json.Str(sa.Body, "name"),
                    ["backupManagementType"] = kind.ManagementType,
                    ["protectableContainerType"] = kind.ProtectableContainerType,
                    ["healthStatus"] = "Healthy",
                    ["containerId"] = Json.Str(sa.Body, "id"),
                },
            };
        }
    }

    /// <summary>Discovered VMs running SQL Server in the vault's subscription and region not registered anywhere yet.</summary>
    internal static IEnumerable<JsonObject> ProtectableWorkloadContainers(ProtectableContainerQuery q)
    {
        var (s, v, sub, location, registered, discovery, kind) = q;
        foreach (var vm in BackupDoc.List(s, BackupDocKinds.VirtualMachine, "/subscriptions/" + sub).Where(x => Json.Str(x.Body, "location") == location && Sources.Sql(x) is not null && !registered.Contains(x.Id) && discovery.Has("sqlvm", x.Id)))
        {
            var rg = vm.Id.Split('/', StringSplitOptions.RemoveEmptyEntries)[3];
            var name = $"{kind.ContainerNamePrefix}Compute;{rg};{Json.Str(vm.Body, "name")}";
            yield return new JsonObject
            {
                ["id"] = $"{v.Id}/backupFabrics/Azure/protectableContainers/{name}",
                ["name"] = name,
                ["type"] = "Microsoft.RecoveryServices/vaults/backupFabrics/protectableContainers",
                ["properties"] = new JsonObject
                {
                    ["friendlyName"] = Json.Str(vm.Body, "name"),
                    ["backupManagementType"] = kind.ManagementType,
                    ["protectableContainerType"] = kind.ProtectableContainerType,
                    ["healthStatus"] = "Healthy",
                    ["containerId"] = Json.Str(vm.Body, "id"),
                },
            };
        }
    }
}
