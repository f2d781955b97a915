// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>
/// The kind-specific rules the workload catalogue points at: how each kind's sources are discovered and listed as
/// protectable, how its containers register and are inquired, and how an enable-protection request finds its source
/// and shapes the new item. Domain rules, so the catalogue never reaches into a handler.
/// </summary>
internal static class WorkloadHooks
{
    /// <summary>A storage account's container: its file shares become protectable.</summary>
    internal static JsonObject RegisterStorageContainer(ContainerRegistration r)
    {
        var (s, props, sourceId, location, kind) = r;
        var sa = ResourceDoc.Load(s, sourceId, BackupDocKinds.StorageAccount)
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
        var vm = ResourceDoc.Load(s, sourceId, BackupDocKinds.VirtualMachine)
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
        if (ResourceDoc.Load(s, Json.Str(c.Props, "sourceResourceId")!, BackupDocKinds.VirtualMachine) is { } vm)
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
        if (ResourceDoc.Load(s, Json.Str(c.Props, "sourceResourceId")!, BackupDocKinds.StorageAccount) is { } sa
            && (wl is null || BackupModel.Eq(wl, kind.WorkloadType)))
        {
            discovery.InquireStorage(sa);
        }
    }

    internal static JsonObject Inquiry(int count) => new()
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

    internal static void CheckRegion(string? sourceLocation, string vaultLocation, string what)
    {
        if (sourceLocation != vaultLocation)
        {
            throw ArmErrors.BadRequest("UserErrorContainerAndVaultInDifferentRegions", $"The {what} is in '{sourceLocation}' but the vault is in '{vaultLocation}'. The vault and the {what} must be in the same region.");
        }
    }

    public static string SqlItemName(string instance, string db) => $"{WorkloadCatalogue.SqlDatabase.ItemNamePrefix}{instance.ToLowerInvariant()};{db}";

    public static string VmContainerName(string rg, string vm) => $"{WorkloadCatalogue.AzureVM.ContainerNamePrefix}iaasvmcontainerv2;{rg.ToLowerInvariant()};{vm.ToLowerInvariant()}";

    public static string VmItemName(string rg, string vm) => $"{WorkloadCatalogue.AzureVM.ItemNamePrefix}iaasvmcontainerv2;{rg.ToLowerInvariant()};{vm.ToLowerInvariant()}";

    public static string StorageContainerName(string rg, string sa) => $"{WorkloadCatalogue.AzureFileShare.ContainerNamePrefix}Storage;{rg};{sa}";

    /// <summary>Discovered VMs of the vault's subscription and region; their containers are implicit, so they are listed without one.</summary>
    internal static IEnumerable<JsonObject> ProtectableVms(ProtectableQuery q)
    {
        var (s, v, sub, location, taken, discovery, _, _) = q;
        foreach (var vm in ResourceDoc.List(s, BackupDocKinds.VirtualMachine, "/subscriptions/" + sub))
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
        if (ResourceDoc.Load(s, Json.Str(c.Props, "sourceResourceId")!, BackupDocKinds.StorageAccount) is not { } sa)
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
        if (ResourceDoc.Load(s, Json.Str(c.Props, "sourceResourceId")!, BackupDocKinds.VirtualMachine) is not { } vm || Sources.Sql(vm) is not { } sql)
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

    /// <summary>Discovered storage accounts of the vault's subscription and region not registered anywhere yet.</summary>
    internal static IEnumerable<JsonObject> ProtectableStorageContainers(ProtectableContainerQuery q)
    {
        var (s, v, sub, location, registered, discovery, kind) = q;
        foreach (var sa in ResourceDoc.List(s, BackupDocKinds.StorageAccount, "/subscriptions/" + sub).Where(x => Json.Str(x.Body, "location") == location && !registered.Contains(x.Id) && discovery.Has("storage", x.Id)))
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
        foreach (var vm in ResourceDoc.List(s, BackupDocKinds.VirtualMachine, "/subscriptions/" + sub).Where(x => Json.Str(x.Body, "location") == location && Sources.Sql(x) is not null && !registered.Contains(x.Id) && discovery.Has("sqlvm", x.Id)))
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

    /// <summary>
    /// Azure configures protection only for an item its discovery has found in this vault; otherwise the PUT is 400
    /// BMSUserErrorInvalidConfigureProtectionRequest ("Please ensure that container exists", as reported for a VM PUT
    /// without a prior discovery in hashicorp/terraform-provider-azurerm#2207).
    /// </summary>
    internal static void RequireDiscovered(IStoreSession s, ResourceDoc v, string set, string key, string name, string bmt)
    {
        if (!Discovery.Load(s, v.Id).Has(set, key))
        {
            throw ArmErrors.BadRequest("BMSUserErrorInvalidConfigureProtectionRequest",
                $"Input for configure protection is not in proper format. Please ensure that container exists and other parameters are in valid format: '{name}' has not been discovered by this vault; run a refresh of backupManagementType '{bmt}' (or an inquire on its container) first.");
        }
    }

    /// <summary>A VM: its container is implicit and made here on first protection.</summary>
    internal static ProtectedItemSource EnableVm(ProtectionRequest r)
    {
        var (rt, s, v, props, containerName, itemName, containerId, location, container, kind) = r;
        var bmt = kind.ManagementType;
        var sourceId = Json.Str(props, "sourceResourceId") ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "sourceResourceId (the VM id) is required to enable protection.");
        var vm = ResourceDoc.Load(s, sourceId, BackupDocKinds.VirtualMachine)
            ?? throw ArmErrors.BadRequest("UserErrorVmNotFound", $"The virtual machine '{sourceId}' was not found.");
        var vmLocation = Json.Str(vm.Body, "location");
        if (vmLocation != location)
        {
            throw ArmErrors.BadRequest("UserErrorVmAndVaultInDifferentRegions",
                $"The virtual machine '{Json.Str(vm.Body, "name")}' is in '{vmLocation}' but the vault is in '{location}'. A VM can only be backed up to a vault in the same region.");
        }

        var vmName = Json.Str(vm.Body, "name")!;
        RequireDiscovered(s, v, "vm", vm.Id, vmName, bmt);
        if (!itemName.EndsWith(";" + vmName, StringComparison.OrdinalIgnoreCase))
        {
            throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"The protected item name '{itemName}' does not match the VM '{vmName}'.");
        }

        var sourceKey = vm.Id;
        var segs = containerName.Split(';');
        var p = new JsonObject
        {
            ["friendlyName"] = vmName,
            ["virtualMachineId"] = Json.Str(vm.Body, "id"),
            ["protectedItemType"] = kind.ProtectedItemType,
            ["backupManagementType"] = bmt,
            ["workloadType"] = kind.WorkloadType,
            ["containerName"] = string.Join(';', segs.Skip(segs.Length == 4 ? 1 : 0)),
            ["sourceResourceId"] = Json.Str(vm.Body, "id"),
            ["protectedItemDataId"] = BackupModel.NumericId(rt.Seed, BackupEngine.Next(s)),
        };
        if (container is null)
        {
            container = new ResourceDoc(containerId, BackupDocKinds.Container, v.Id, new JsonObject
            {
                ["id"] = containerId,
                ["name"] = containerName,
                ["type"] = BackupModel.ContainerType,
                ["properties"] = new JsonObject
                {
                    ["friendlyName"] = vmName,
                    ["backupManagementType"] = bmt,
                    ["registrationStatus"] = "Registered",
                    ["healthStatus"] = "Healthy",
                    ["containerType"] = kind.ContainerType,
                    ["virtualMachineId"] = Json.Str(vm.Body, "id"),
                    ["virtualMachineVersion"] = "Compute",
                    ["resourceGroup"] = vm.Id.Split('/', StringSplitOptions.RemoveEmptyEntries)[3],
                },
            }, new JsonObject { ["vaultId"] = v.Id, ["implicit"] = true });
        }

        return new ProtectedItemSource(p, sourceKey, container);
    }

    /// <summary>A file share of a registered storage account container.</summary>
    internal static ProtectedItemSource EnableFileShare(ProtectionRequest r)
    {
        var (_, s, v, _, containerName, itemName, _, _, container, kind) = r;
        var bmt = kind.ManagementType;
        if (container is null)
        {
            throw ArmErrors.BadRequest("BMSUserErrorContainerNotRegistered", $"The storage account container '{containerName}' is not registered to this vault. Register it first.");
        }

        var sa = ResourceDoc.Load(s, Json.Str(container.Props, "sourceResourceId")!, BackupDocKinds.StorageAccount)
            ?? throw ArmErrors.BadRequest("UserErrorStorageAccountNotFound", "The storage account of this container no longer exists.");
        var share = itemName.Contains(';', StringComparison.Ordinal) ? itemName[(itemName.IndexOf(';', StringComparison.Ordinal) + 1)..] : itemName;
        share = Sources.FileShares(sa).FirstOrDefault(x => BackupModel.Eq(x, share))
            ?? throw ArmErrors.BadRequest("UserErrorFileShareNotFound", $"The file share '{share}' was not found in storage account '{Json.Str(sa.Body, "name")}'.");
        RequireDiscovered(s, v, "share", sa.Id + "/" + share, share, bmt);
        var sourceKey = sa.Id + "/" + share;
        var p = new JsonObject
        {
            ["friendlyName"] = share,
            ["protectedItemType"] = kind.ProtectedItemType,
            ["backupManagementType"] = bmt,
            ["workloadType"] = kind.WorkloadType,
            ["containerName"] = containerName,
            ["sourceResourceId"] = Json.Str(sa.Body, "id"),
            ["kpisHealths"] = new JsonObject(),
        };
        // The share's snapshot URIs on its recovery points name the account.
        return new ProtectedItemSource(p, sourceKey, container, new JsonObject { ["storageAccount"] = sourceKey.Split('/')[8] });
    }

    /// <summary>A SQL database of a registered workload container.</summary>
    internal static ProtectedItemSource EnableSqlDatabase(ProtectionRequest r)
    {
        var (rt, s, v, _, containerName, itemName, _, _, container, kind) = r;
        var bmt = kind.ManagementType;
        if (container is null)
        {
            throw ArmErrors.BadRequest("BMSUserErrorContainerNotRegistered", $"The workload container '{containerName}' is not registered to this vault. Register it first.");
        }

        var vm = ResourceDoc.Load(s, Json.Str(container.Props, "sourceResourceId")!, BackupDocKinds.VirtualMachine);
        var sql = vm is null ? null : Sources.Sql(vm);
        var parts = itemName.Split(';');
        var db = parts.Length == 3 && sql is not null ? sql.Value.Databases.FirstOrDefault(d => BackupModel.Eq(d, parts[2])) : null;
        if (db is null || sql is null || vm is null)
        {
            throw ArmErrors.BadRequest("UserErrorWorkloadNotFound", $"The SQL database '{itemName}' was not found on container '{containerName}'. Use SQLDataBase;<instance>;<database>.");
        }

        RequireDiscovered(s, v, "sqldb", Discovery.SqlKey(vm.Id, sql.Value.Instance, db), db, bmt);
        var sourceKey = $"{vm.Id}/{sql.Value.Instance}/{db}";
        var p = new JsonObject
        {
            ["friendlyName"] = db,
            ["serverName"] = Json.Str(vm.Body, "name")!.ToLowerInvariant(),
            ["parentName"] = sql.Value.Instance,
            ["parentType"] = "AzureVmWorkloadSQLInstance",
            ["protectedItemType"] = kind.ProtectedItemType,
            ["backupManagementType"] = bmt,
            ["workloadType"] = kind.WorkloadType,
            ["containerName"] = containerName,
            ["sourceResourceId"] = Json.Str(vm.Body, "id"),
            ["protectedItemDataSourceId"] = BackupModel.NumericId(rt.Seed, BackupEngine.Next(s)),
            ["protectedItemHealthStatus"] = "Healthy",
        };
        return new ProtectedItemSource(p, sourceKey, container);
    }
}
