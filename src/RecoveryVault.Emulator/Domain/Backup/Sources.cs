// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>
/// The things Azure Backup protects, seeded through <c>/_emulator/*</c>: VMs (optionally running SQL), storage
/// accounts with file shares, MARS servers (Handlers/SourceHandler answers the ARM GETs of VMs and storage accounts).
/// </summary>
internal static class Sources
{
    public static string VmId(string sub, string rg, string name) => $"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}";

    public static string StorageId(string sub, string rg, string name) => $"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{name}";

    private static (string Sub, string Rg) RequireGroup(IStoreSession s, JsonObject body)
    {
        var sub = Json.Str(body, "subscriptionId") ?? EmulatorConstants.SubscriptionId;
        var rg = Json.Str(body, "resourceGroup") ?? throw new ArgumentException("resourceGroup is required.");
        var group = ResourceGroups.Get(s, sub, rg) ?? throw new ArgumentException($"Resource group '{rg}' does not exist in subscription '{sub}'; POST /_emulator/resourceGroups first.");
        return (sub, Json.Str(group, "name")!);
    }

    public static JsonObject SeedVm(IStoreSession s, JsonObject body)
    {
        var (sub, rg) = RequireGroup(s, body);
        var name = SeedNames.VirtualMachine(Json.Str(body, "name"));
        var location = Json.Str(body, "location") ?? Json.Str(ResourceGroups.Get(s, sub, rg), "location") ?? "westus";
        var os = Json.Str(body, "osType") ?? "Windows";
        if (!BackupModel.Eq(os, "Windows") && !BackupModel.Eq(os, "Linux"))
        {
            throw new ArgumentException("osType must be Windows or Linux.");
        }

        if (body["disks"] is { } disksNode && (disksNode is not JsonArray || disksNode.AsArray().Any(d => d is not JsonObject)))
        {
            throw new ArgumentException("disks must be an array of objects such as {\"lun\":0,\"name\":\"data0\",\"sizeGB\":128}.");
        }

        var disks = new JsonArray();
        foreach (var d in (body["disks"] as JsonArray ?? []).OfType<JsonObject>())
        {
            disks.Add(new JsonObject { ["lun"] = Json.Int(d["lun"]) ?? disks.Count, ["name"] = Json.Str(d, "name") ?? $"{name}-data{disks.Count}", ["diskSizeGB"] = Json.Int(d["sizeGB"]) ?? 128 });
        }

        return PutVm(s, sub, rg, name, location, BackupModel.Eq(os, "Linux") ? "Linux" : "Windows", disks, Json.Bool(body["premium"]) == true, Json.Bool(body["encrypted"]) == true).Body;
    }

    public static ResourceDoc PutVm(IStoreSession s, string sub, string rg, string name, string location, string os, JsonArray? disks, bool premium, bool encrypted)
    {
        var id = VmId(sub, rg, name);
        var existing = ResourceDoc.Load(s, id, BackupDocKinds.VirtualMachine);
        var vm = new ResourceDoc(id, BackupDocKinds.VirtualMachine, ResourceGroups.IdOf(sub, rg), new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["type"] = "Microsoft.Compute/virtualMachines",
            ["location"] = Locations.Normalize(location),
            ["properties"] = new JsonObject
            {
                ["vmId"] = Subscriptions.DeterministicGuid("vm:" + id.ToLowerInvariant()),
                ["hardwareProfile"] = new JsonObject { ["vmSize"] = premium ? "Standard_D2s_v3" : "Standard_D2_v3" },
                ["storageProfile"] = new JsonObject
                {
                    ["osDisk"] = new JsonObject { ["osType"] = os, ["name"] = name + "_OsDisk", ["managedDisk"] = new JsonObject { ["storageAccountType"] = premium ? "Premium_LRS" : "Standard_LRS" } },
                    ["dataDisks"] = disks ?? new JsonArray(),
                },
                ["provisioningState"] = "Succeeded",
            },
        }, existing?.Meta ?? Json.Object());
        vm.Meta["osType"] = os;
        vm.Meta["premium"] = premium;
        vm.Meta["encrypted"] = encrypted;
        vm.Save(s);
        return vm;
    }

    public static JsonObject SeedStorageAccount(IStoreSession s, JsonObject body)
    {
        var (sub, rg) = RequireGroup(s, body);
        var name = SeedNames.StorageAccount(Json.Str(body, "name"));
        var location = Locations.Normalize(Json.Str(body, "location") ?? Json.Str(ResourceGroups.Get(s, sub, rg), "location") ?? "westus");
        var id = StorageId(sub, rg, name);
        if (body["fileShares"] is { } sharesNode && sharesNode is not JsonArray)
        {
            throw new ArgumentException("fileShares must be an array of share names.");
        }

        var shares = new JsonArray([.. (body["fileShares"] as JsonArray ?? []).Select(x => (JsonNode?)SeedNames.FileShare(Json.Str(x)))]);
        var sa = new ResourceDoc(id, BackupDocKinds.StorageAccount, ResourceGroups.IdOf(sub, rg), new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["type"] = "Microsoft.Storage/storageAccounts",
            ["location"] = location,
            ["kind"] = "StorageV2",
            ["sku"] = new JsonObject { ["name"] = "Standard_LRS", ["tier"] = "Standard" },
            ["properties"] = new JsonObject
            {
                ["provisioningState"] = "Succeeded",
                ["primaryEndpoints"] = new JsonObject { ["file"] = $"https://{name}.file.core.windows.net/", ["blob"] = $"https://{name}.blob.core.windows.net/" },
            },
        }, new JsonObject { ["fileShares"] = shares });
        sa.Save(s);
        var result = (JsonObject)sa.Body.DeepClone();
        result["fileShares"] = shares.DeepClone();
        return result;
    }

    public static List<string> FileShares(ResourceDoc sa) => (sa.Meta["fileShares"] as JsonArray ?? []).Select(Json.Str).Where(x => x is not null).Select(x => x!).ToList();

    public static JsonObject SeedSql(IStoreSession s, JsonObject body)
    {
        var (sub, rg) = RequireGroup(s, body);
        var vmName = Json.Str(body, "vmName") ?? throw new ArgumentException("vmName is required.");
        var vm = ResourceDoc.Load(s, VmId(sub, rg, vmName), BackupDocKinds.VirtualMachine)
            ?? throw new ArgumentException($"Virtual machine '{vmName}' does not exist; POST /_emulator/virtualMachines first.");
        var instance = Json.Str(body, "instance") ?? "MSSQLSERVER";
        var dbs = new JsonArray([.. (body["databases"] as JsonArray ?? []).Select(x => (JsonNode?)Json.Str(x))]);
        vm.Meta["sql"] = new JsonObject { ["instance"] = instance, ["databases"] = dbs };
        vm.Save(s);
        return new JsonObject { ["vmId"] = vm.Id, ["instance"] = instance, ["databases"] = dbs.DeepClone() };
    }

    public static (string Instance, List<string> Databases)? Sql(ResourceDoc vm) =>
        vm.Meta["sql"] is JsonObject sql
            ? (Json.Str(sql, "instance") ?? "MSSQLSERVER", (sql["databases"] as JsonArray ?? []).Select(Json.Str).Where(x => x is not null).Select(x => x!).ToList())
            : null;

    /// <summary>A MARS agent registering with a vault: a <c>Windows</c>/MAB container plus one protected file-folder item per path.</summary>
    public static JsonObject SeedMars(IStoreSession s, JsonObject body, BackupRuntime rt)
    {
        var vaultId = Json.Str(body, "vaultId") ?? throw new ArgumentException("vaultId is required.");
        var segs = vaultId.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segs.Length != 8)
        {
            throw new ArgumentException($"vaultId '{vaultId}' is not a vault id.");
        }

        var vault = VaultModel.Load(s, VaultModel.IdOf(segs[1], segs[3], segs[7]), DateTimeOffset.UtcNow) ?? throw new ArgumentException($"Vault '{vaultId}' does not exist.");
        var now = rt.Clock.Now;
        BackupModel.EnsureVaultSeeded(s, vault, now);
        var name = Json.Str(body, "name") ?? throw new ArgumentException("name is required.");
        var container = MarsContainer(s, vault.Id, name, Json.Str(body, "agentVersion") ?? "2.0.9250.0", now, healthy: true);
        container.Save(s);
        var containerId = container.Id;
        var items = new JsonArray();
        // Folders whose last backup the agent reported as failed (Backup center's "last backup failed" view).
        var failed = new HashSet<string>((body["failedItems"] as JsonArray ?? []).Select(Json.Str).OfType<string>(), StringComparer.OrdinalIgnoreCase);
        foreach (var path in (body["items"] as JsonArray ?? []).Select(Json.Str).OfType<string>())
        {
            var item = MarsItem(vault.Id, containerId, name, path, now, now, 0);
            if (failed.Contains(path))
            {
                item.Props["lastBackupStatus"] = "Failed";
            }

            var id = item.Id;
            item.Save(s);
            items.Add(id);
        }

        var result = (JsonObject)container.Body.DeepClone();
        result["protectedItems"] = items;
        return result;
    }

    /// <summary>The container of a server with the MARS agent (registered by seeding, or moved by a classic vault upgrade).</summary>
    public static ResourceDoc MarsContainer(IStoreSession s, string vaultId, string name, string? agentVersion, DateTimeOffset lastContact, bool healthy)
    {
        var containerId = BackupModel.ContainerId(vaultId, name);
        return new ResourceDoc(containerId, BackupDocKinds.Container, vaultId, new JsonObject
        {
            ["id"] = containerId,
            ["name"] = name,
            ["type"] = BackupModel.ContainerType,
            ["properties"] = new JsonObject
            {
                ["friendlyName"] = name,
                ["backupManagementType"] = WorkloadCatalogue.MarsServer.ManagementType,
                ["registrationStatus"] = "Registered",
                ["healthStatus"] = healthy ? "Healthy" : "Unhealthy",
                ["containerType"] = WorkloadCatalogue.MarsServer.ContainerType,
                ["canReRegister"] = true,
                ["containerId"] = BackupEngine.Next(s),
                ["protectedItemCount"] = 0,
                ["agentVersion"] = agentVersion,
                ["extendedInfo"] = new JsonObject { ["lastRefreshedAt"] = Json.Timestamp(lastContact), ["availabilityZone"] = null },
                ["mabContainerHealthDetails"] = new JsonArray(),
                ["containerHealthState"] = healthy ? "Healthy" : "Unhealthy",
            },
        }, new JsonObject { ["vaultId"] = vaultId });
    }

    /// <summary>A protected folder of a MARS server; <paramref name="lastBackup"/> null when it has none yet.</summary>
    public static ResourceDoc MarsItem(string vaultId, string containerId, string serverName, string path, DateTimeOffset? lastBackup, DateTimeOffset refreshedAt, int recoveryPointCount)
    {
        var itemName = WorkloadCatalogue.MarsServer.ItemNamePrefix + path;
        var id = BackupModel.ItemId(containerId, itemName);
        return new ResourceDoc(id, DocumentKinds.ProtectedItem, containerId, new JsonObject
        {
            ["id"] = id,
            ["name"] = itemName,
            ["type"] = BackupModel.ItemType,
            ["properties"] = new JsonObject
            {
                ["protectedItemType"] = WorkloadCatalogue.MarsServer.ProtectedItemType,
                ["friendlyName"] = path,
                ["computerName"] = serverName,
                ["backupManagementType"] = WorkloadCatalogue.MarsServer.ManagementType,
                ["workloadType"] = WorkloadCatalogue.MarsServer.WorkloadType,
                ["containerName"] = serverName,
                ["protectionState"] = "Protected",
                ["lastBackupStatus"] = lastBackup is null ? null : "Completed",
                ["lastBackupTime"] = lastBackup is null ? null : Json.Timestamp(lastBackup.Value),
                ["lastRecoveryPoint"] = lastBackup is null || recoveryPointCount == 0 ? null : Json.Timestamp(lastBackup.Value),
                ["isScheduledForDeferredDelete"] = false,
                ["deferredDeleteSyncTimeInUTC"] = 0,
                ["extendedInfo"] = new JsonObject { ["lastRefreshedAt"] = Json.Timestamp(refreshedAt), ["recoveryPointCount"] = recoveryPointCount },
            },
        }, new JsonObject { ["vaultId"] = vaultId, ["sourceKey"] = $"mars:{serverName}:{path}".ToLowerInvariant() });
    }
}
