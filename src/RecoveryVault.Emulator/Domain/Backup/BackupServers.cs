// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>
/// Azure Backup Server (MABS) and DPM servers registered with a vault: the vault's <c>backupEngines</c> (spec
/// BackupEngineBaseResource, example Dpm/BackupEngines_Get.json), the production servers they protect as containers and
/// those servers' data sources as DPMProtectedItem. They are made by seeding, as a server's own registration would.
/// </summary>
internal static class BackupServers
{
    public const string EngineKind = "backupEngine";
    public const string EngineType = "Microsoft.RecoveryServices/vaults/backupEngines";

    public static string EngineId(string vaultId, string name) => $"{vaultId}/backupEngines/{name}";

    public static WorkloadDescriptor KindOf(string? type) =>
        WorkloadCatalogue.DpmServer.Is(type) ? WorkloadCatalogue.DpmServer
        : WorkloadCatalogue.AzureBackupServer.Is(type) || type is null ? WorkloadCatalogue.AzureBackupServer
        : throw new ArgumentException($"type '{type}' is not AzureBackupServer or DPM.");

    /// <summary>Seeds a registered server: {vaultId, name, type: AzureBackupServer|DPM, version?, servers: [{name, items: [{name, workloadType?}]}]}.</summary>
    public static JsonObject Seed(IStoreSession s, JsonObject body, BackupRuntime rt)
    {
        var vaultId = Json.Str(body, "vaultId") ?? throw new ArgumentException("vaultId is required.");
        var segs = vaultId.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segs.Length != 8)
        {
            throw new ArgumentException($"vaultId '{vaultId}' is not a vault id.");
        }

        var vault = VaultModel.Load(s, VaultModel.IdOf(segs[1], segs[3], segs[7]), DateTimeOffset.UtcNow) ?? throw new ArgumentException($"Vault '{vaultId}' does not exist.");
        var name = Json.Str(body, "name") ?? throw new ArgumentException("name is required.");
        var kind = KindOf(Json.Str(body, "type"));
        var now = rt.Clock.Now;
        BackupModel.EnsureVaultSeeded(s, vault, now);
        if (s.Get(EngineId(vault.Id, name)) is not null)
        {
            throw new ArgumentException($"A backup server '{name}' is already registered with the vault.");
        }

        var servers = (body["servers"] as JsonArray ?? []).OfType<JsonObject>().Select(server => new ProtectedServer(
            Json.Str(server, "name") ?? throw new ArgumentException("servers[].name is required."),
            (server["items"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(item => new DataSource(Json.Str(item, "name") ?? throw new ArgumentException("servers[].items[].name is required."), Json.Str(item, "workloadType")))
                .ToList())).ToList();
        var engine = Register(s, vault.Id, name, kind, Json.Str(body, "version"), Json.Str(body, "agentVersion"), servers, now);
        return (JsonObject)engine.Body.DeepClone();
    }

    /// <summary>A production server a backup server protects, and its data sources.</summary>
    public sealed record ProtectedServer(string Name, IReadOnlyList<DataSource> Items);

    /// <summary>A data source (a database, a volume, a VM…) with its workload type (FileFolder when not said).</summary>
    public sealed record DataSource(string Name, string? WorkloadType);

    /// <summary>The item id of a data source of a protected server.</summary>
    public static string ItemIdOf(string vaultId, string serverName, string dataSource) => BackupModel.ItemId(BackupModel.ContainerId(vaultId, serverName), dataSource);

    /// <summary>
    /// Registers a backup server with the vault: its backupEngines entry, an AzureBackupServerContainer / DPMContainer
    /// per protected server and a DPMProtectedItem per data source. Used by the seeding call and by the classic
    /// upgrade, which carries a classic vault's DPM and Azure Backup Servers over as what they are.
    /// </summary>
    public static ResourceDoc Register(IStoreSession s, string vaultId, string name, WorkloadDescriptor kind, string? version, string? agentVersion, IReadOnlyList<ProtectedServer> servers, DateTimeOffset now)
    {
        var itemCount = 0;
        foreach (var server in servers)
        {
            var serverName = server.Name;
            var containerId = BackupModel.ContainerId(vaultId, serverName);
            new ResourceDoc(containerId, BackupDocKinds.Container, vaultId, new JsonObject
            {
                ["id"] = containerId,
                ["name"] = serverName,
                ["type"] = BackupModel.ContainerType,
                ["properties"] = new JsonObject
                {
                    ["friendlyName"] = serverName,
                    ["backupManagementType"] = kind.ManagementType,
                    ["registrationStatus"] = "Registered",
                    ["healthStatus"] = "Healthy",
                    ["containerType"] = kind.ContainerType,
                    ["canReRegister"] = true,
                    ["containerId"] = BackupEngine.Next(s).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["protectedItemCount"] = server.Items.Count,
                    ["dpmAgentVersion"] = version ?? "14.0.30.0",
                    ["dpmServers"] = new JsonArray(name),
                    ["upgradeAvailable"] = false,
                    ["protectionStatus"] = "Healthy",
                    ["extendedInfo"] = new JsonObject { ["lastRefreshedAt"] = Json.Timestamp(now) },
                },
            }, new JsonObject { ["vaultId"] = vaultId, ["backupEngine"] = name }).Save(s);
            foreach (var item in server.Items)
            {
                var itemName = item.Name;
                var id = BackupModel.ItemId(containerId, itemName);
                new ResourceDoc(id, DocumentKinds.ProtectedItem, containerId, new JsonObject
                {
                    ["id"] = id,
                    ["name"] = itemName,
                    ["type"] = BackupModel.ItemType,
                    ["properties"] = new JsonObject
                    {
                        ["protectedItemType"] = kind.ProtectedItemType,
                        ["friendlyName"] = itemName,
                        ["backupEngineName"] = name,
                        ["backupManagementType"] = kind.ManagementType,
                        ["workloadType"] = item.WorkloadType ?? "FileFolder",
                        ["containerName"] = serverName,
                        ["protectionState"] = "Protected",
                        ["isScheduledForDeferredDelete"] = false,
                        ["extendedInfo"] = new JsonObject
                        {
                            ["protected"] = true,
                            ["isPresentOnCloud"] = true,
                            ["lastBackupStatus"] = "Completed",
                            ["lastRefreshedAt"] = Json.Timestamp(now),
                            ["recoveryPointCount"] = 0,
                        },
                    },
                }, new JsonObject { ["vaultId"] = vaultId, ["sourceKey"] = $"dpm:{name}:{serverName}:{itemName}".ToLowerInvariant() }).Save(s);
                itemCount++;
            }
        }

        var engine = new ResourceDoc(EngineId(vaultId, name), EngineKind, vaultId, new JsonObject
        {
            ["id"] = EngineId(vaultId, name),
            ["name"] = name,
            ["type"] = EngineType,
            ["properties"] = new JsonObject
            {
                ["friendlyName"] = name,
                ["backupManagementType"] = kind.ManagementType,
                ["backupEngineType"] = kind == WorkloadCatalogue.DpmServer ? "DpmBackupEngine" : "AzureBackupServerEngine",
                ["registrationStatus"] = "Registered",
                ["backupEngineState"] = "Active",
                ["healthStatus"] = "Healthy",
                ["canReRegister"] = true,
                ["backupEngineId"] = BackupEngine.Next(s).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["dpmVersion"] = version ?? "14.0.30.0",
                ["azureBackupAgentVersion"] = agentVersion ?? "2.0.9250.0",
                ["isAzureBackupAgentUpgradeAvailable"] = false,
                ["isDpmUpgradeAvailable"] = false,
                ["extendedInfo"] = new JsonObject
                {
                    ["protectedItemsCount"] = itemCount,
                    ["protectedServersCount"] = servers.Count,
                    ["diskCount"] = 1,
                    ["usedDiskSpace"] = 0.0,
                    ["availableDiskSpace"] = 1024.0,
                    ["refreshedAt"] = Json.Timestamp(now),
                    ["azureProtectedInstances"] = servers.Count,
                },
            },
        }, new JsonObject { ["vaultId"] = vaultId, ["lastContact"] = Json.Timestamp(now) });
        engine.Save(s);
        return engine;
    }

    public static List<ResourceDoc> Engines(IStoreSession s, string vaultId) => ResourceDoc.List(s, EngineKind, vaultId + "/backupEngines");

    public static ResourceDoc? Engine(IStoreSession s, string vaultId, string name) => ResourceDoc.Load(s, EngineId(vaultId, name), EngineKind);

    /// <summary>Unregisters a server: the engine, the servers it protects and their items (their data is on the server's side of the story).</summary>
    public static void Unregister(IStoreSession s, string vaultId, ResourceDoc engine)
    {
        var name = Json.Str(engine.Body, "name");
        foreach (var c in ResourceDoc.List(s, BackupDocKinds.Container, vaultId + "/backupFabrics").Where(c => BackupModel.Eq(Json.Str(c.Meta, "backupEngine"), name)))
        {
            s.DeleteTree(c.Id);
        }

        s.Delete(engine.Id);
    }

    /// <summary>How many protected items the server's data sources hold (their data goes when it is unregistered).</summary>
    public static int ItemCount(IStoreSession s, string vaultId, ResourceDoc engine)
    {
        var name = Json.Str(engine.Body, "name");
        return ResourceDoc.List(s, BackupDocKinds.Container, vaultId + "/backupFabrics")
            .Where(c => BackupModel.Eq(Json.Str(c.Meta, "backupEngine"), name))
            .Sum(c => ResourceDoc.List(s, DocumentKinds.ProtectedItem, c.Id).Count);
    }

    /// <summary>Registered backup servers count as vault content: a vault with one cannot be deleted.</summary>
    public static int Count(IStoreSession s, string vaultId) => s.ListByKind(EngineKind, vaultId + "/backupEngines").Count;

    public static ArmException NotFound(string name) =>
        ArmErrors.NotFound("BMSUserErrorObjectNotFound", $"The backup engine '{name}' is not registered with this vault.");
}
