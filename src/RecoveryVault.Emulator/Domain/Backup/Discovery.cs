// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>
/// What one vault has discovered. Azure lists a source as protectable only once that vault ran the matching discovery
/// (refreshContainers per backupManagementType, or inquire on a registered workload container), so a source seeded
/// afterwards stays invisible until the next discovery, and another vault's discovery does not count.
/// </summary>
internal sealed class Discovery
{
    public const string Kind = "backupDiscovery";

    /// <summary>Keys: VM ids, storage account ids, "{saId}/{share}", SQL VM ids, "{vmId}/{instance}/{db}".</summary>
    private readonly ResourceDoc doc;

    private Discovery(ResourceDoc doc) => this.doc = doc;

    public static Discovery Load(IStoreSession s, string vaultId)
    {
        var id = vaultId + "/backupDiscovery/state";
        return new Discovery(ResourceDoc.Load(s, id, Kind) ?? new ResourceDoc(id, Kind, vaultId, new JsonObject { ["id"] = id }, new JsonObject()));
    }

    public bool Has(string set, string key) => Set(set).Contains(key);

    public void Save(IStoreSession s) => doc.Save(s);

    /// <summary>Discovers every VM of the vault's subscription and region, as a refresh of the Azure VM kind (<see cref="WorkloadCatalogue.AzureVM"/>) does.</summary>
    public void RefreshVms(IStoreSession s, string sub, string location)
    {
        foreach (var vm in ResourceDoc.List(s, BackupDocKinds.VirtualMachine, "/subscriptions/" + sub).Where(x => Json.Str(x.Body, "location") == location))
        {
            Add("vm", vm.Id);
        }
    }

    /// <summary>Storage accounts and, for those already registered to this vault, their file shares.</summary>
    public void RefreshStorage(IStoreSession s, string vaultId, string sub, string location)
    {
        foreach (var sa in ResourceDoc.List(s, BackupDocKinds.StorageAccount, "/subscriptions/" + sub).Where(x => Json.Str(x.Body, "location") == location))
        {
            Add("storage", sa.Id);
        }

        foreach (var c in RegisteredSources(s, vaultId, WorkloadCatalogue.AzureFileShare.ContainerType))
        {
            if (ResourceDoc.Load(s, c, BackupDocKinds.StorageAccount) is { } sa)
            {
                InquireStorage(sa);
            }
        }
    }

    /// <summary>VMs running SQL and, for those already registered to this vault, their databases.</summary>
    public void RefreshWorkload(IStoreSession s, string vaultId, string sub, string location)
    {
        foreach (var vm in ResourceDoc.List(s, BackupDocKinds.VirtualMachine, "/subscriptions/" + sub).Where(x => Json.Str(x.Body, "location") == location && Sources.Sql(x) is not null))
        {
            Add("sqlvm", vm.Id);
        }

        foreach (var c in RegisteredSources(s, vaultId, WorkloadCatalogue.SqlDatabase.ContainerType))
        {
            if (ResourceDoc.Load(s, c, BackupDocKinds.VirtualMachine) is { } vm)
            {
                InquireSql(vm);
            }
        }
    }

    public void InquireStorage(ResourceDoc sa)
    {
        foreach (var share in Sources.FileShares(sa))
        {
            Add("share", sa.Id + "/" + share);
        }
    }

    public void InquireSql(ResourceDoc vm)
    {
        if (Sources.Sql(vm) is { } sql)
        {
            foreach (var db in sql.Databases)
            {
                Add("sqldb", SqlKey(vm.Id, sql.Instance, db));
            }
        }
    }

    public static string SqlKey(string vmId, string instance, string db) => $"{vmId}/{instance}/{db}";

    private static IEnumerable<string> RegisteredSources(IStoreSession s, string vaultId, string containerType) =>
        ResourceDoc.List(s, BackupDocKinds.Container, vaultId + "/backupFabrics")
            .Where(c => Json.Str(c.Props, "containerType") == containerType)
            .Select(c => Json.Str(c.Props, "sourceResourceId"))
            .OfType<string>();

    private HashSet<string> Set(string name) =>
        (doc.Meta[name] as JsonArray ?? []).Select(Json.Str).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);

    private void Add(string name, string key)
    {
        if (doc.Meta[name] is not JsonArray list)
        {
            list = [];
            doc.Meta[name] = list;
        }

        if (!list.Select(Json.Str).Any(x => BackupModel.Eq(x, key)))
        {
            list.Add(key);
        }
    }
}
