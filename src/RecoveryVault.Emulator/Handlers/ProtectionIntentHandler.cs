// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// Protection intents (2023-06-01 ProtectionIntent_CreateOrUpdate/Get/Delete, BackupProtectionIntent_List,
/// ProtectionIntent_Validate; examples AzureIaasVm/ProtectionIntent_*.json, AzureWorkload/BackupProtectionIntent_*.json).
/// Two kinds act:
/// <list type="bullet">
/// <item>AzureResourceItem: "back up this VM with that policy" (the VM blade's flow, which discovers the VM itself):
/// the VM is protected at once, exactly as an enable-protection PUT would protect it.</item>
/// <item>SQL auto-protection (AzureWorkloadSQLAutoProtectionIntent / AzureWorkloadAutoProtectionIntent on a SQLInstance):
/// every discovered, unprotected database of the instance is protected now, and each one a later inquire discovers
/// is protected then (Azure Backup "SQL Server auto-protection").</item>
/// </list>
/// Deleting an intent stops auto-protection; items already protected stay protected.
/// </summary>
internal static class ProtectionIntentHandler
{
    public const string Kind = "protectionIntent";
    private const string Type = "Microsoft.RecoveryServices/vaults/backupProtectionIntent";
    private const string F = VaultHandler.VaultPath + "/backupFabrics/{fabricName}";

    private static readonly string[] AutoProtectionTypes = ["AzureWorkloadSQLAutoProtectionIntent", "AzureWorkloadAutoProtectionIntent", "AzureWorkloadContainerAutoProtectionIntent"];

    public static void Register(ArmRouter router)
    {
        router.Map("PUT", F + "/backupProtectionIntent/{intentObjectName}", ApiFamily.Backup, Type, Put);
        router.Map("GET", F + "/backupProtectionIntent/{intentObjectName}", ApiFamily.Backup, Type, Get);
        router.Map("DELETE", F + "/backupProtectionIntent/{intentObjectName}", ApiFamily.Backup, Type, Delete);
        router.Map("GET", VaultHandler.VaultPath + "/backupProtectionIntents", ApiFamily.Backup, Type, List);
        router.Map("POST", "/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices/locations/{azureRegion}/backupPreValidateProtection",
            ApiFamily.Backup, "Microsoft.RecoveryServices/locations/backupPreValidateProtection", PreValidate);
    }

    private static string IdOf(string vaultId, string name) => $"{vaultId}/backupFabrics/{BackupModel.Fabric}/backupProtectionIntent/{name}";

    private static ArmResponse Put(ArmContext ctx)
    {
        var props = ctx.RequireBodyObject()["properties"] as JsonObject ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "properties is required.", "properties");
        return ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            var name = ctx.Value("intentObjectName");
            var type = Json.Str(props, "protectionIntentItemType");
            var policyId = Json.Str(props, "policyId") ?? throw ArmErrors.BadRequest("BMSUserErrorPolicyNotSpecified", "A policyId is required for a protection intent.", "properties.policyId");
            var now = ctx.SimNow();
            JsonObject stored;
            if (type == "AzureResourceItem")
            {
                stored = ProtectVm(ctx, s, v, props, policyId, now);
            }
            else if (AutoProtectionTypes.Contains(type))
            {
                var (containerName, instance) = ParseInstanceItemId(v, Json.Str(props, "itemId"));
                stored = new JsonObject
                {
                    ["protectionIntentItemType"] = type,
                    ["backupManagementType"] = WorkloadCatalogue.SqlDatabase.ManagementType,
                    ["itemId"] = Json.Str(props, "itemId"),
                    ["policyId"] = policyId,
                    ["protectionState"] = "Protected",
                };
                var doc = new ResourceDoc(IdOf(v.Id, name), Kind, v.Id, Body(v, name, stored), new JsonObject { ["containerName"] = containerName, ["instance"] = instance });
                doc.Save(s);
                ProtectInstance(ctx, s, v, doc, now);
                return ArmResponse.Ok(doc.Body);
            }
            else
            {
                throw ArmErrors.BadRequest("BMSUserErrorInvalidInput",
                    $"protectionIntentItemType '{type}' is not one the emulator acts on (AzureResourceItem, {string.Join(", ", AutoProtectionTypes)}).", "properties.protectionIntentItemType");
            }

            var intent = new ResourceDoc(IdOf(v.Id, name), Kind, v.Id, Body(v, name, stored), Json.Object());
            intent.Save(s);
            return ArmResponse.Ok(intent.Body);
        });
    }

    private static JsonObject Body(ResourceDoc v, string name, JsonObject properties) => new()
    {
        ["id"] = IdOf(v.Id, name),
        ["name"] = name,
        ["type"] = Type,
        ["properties"] = properties,
    };

    /// <summary>AzureResourceItem: discovers the VM (as the VM blade does) and protects it like an enable-protection PUT.</summary>
    private static JsonObject ProtectVm(ArmContext ctx, IStoreSession s, ResourceDoc v, JsonObject props, string policyId, DateTimeOffset now)
    {
        var vmId = Json.Str(props, "sourceResourceId") ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "sourceResourceId (the VM id) is required for an AzureResourceItem intent.", "properties.sourceResourceId");
        var vm = ResourceDoc.Load(s, vmId, BackupDocKinds.VirtualMachine) ?? throw ArmErrors.BadRequest("UserErrorVmNotFound", $"The virtual machine '{vmId}' was not found.");
        var segs = vm.Id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var discovery = Discovery.Load(s, v.Id);
        discovery.RefreshVms(s, segs[1], BackupModel.Location(v));
        discovery.Save(s);
        var rg = Json.Str(vm.Body, "id")!.Split('/')[4];
        var vmName = Json.Str(vm.Body, "name")!;
        var item = ProtectedItemHandler.Enable(ctx, s, v, new JsonObject { ["sourceResourceId"] = Json.Str(vm.Body, "id"), ["policyId"] = policyId }, now,
            WorkloadHooks.VmContainerName(rg, vmName), WorkloadHooks.VmItemName(rg, vmName));
        BackupEngine.NewJob(s, ctx.Runtime.Backup, v.Id, item, "ConfigureBackup", now, null);
        return new JsonObject
        {
            ["protectionIntentItemType"] = "AzureResourceItem",
            ["backupManagementType"] = WorkloadCatalogue.AzureVM.ManagementType,
            ["sourceResourceId"] = Json.Str(vm.Body, "id"),
            ["itemId"] = Json.Str(item.Body, "id"),
            ["policyId"] = Json.Str(item.Props, "policyId"),
            ["protectionState"] = "Protected",
        };
    }

    /// <summary>
    /// The SQL instance an auto-protection intent names: a protectable item id ending in
    /// <c>…/{VMAppContainer;…}/…/SQLInstance;{instance}</c> under this vault (the official example's form, with
    /// backupProtectionContainer/backupProtectableItems, and the protectionContainers/protectableItems form both).
    /// </summary>
    private static (string ContainerName, string Instance) ParseInstanceItemId(ResourceDoc v, string? itemId)
    {
        var segs = itemId?.Split('/') ?? [];
        var container = segs.FirstOrDefault(x => x.StartsWith(WorkloadCatalogue.SqlDatabase.ContainerNamePrefix, StringComparison.OrdinalIgnoreCase));
        var instance = segs.Length > 0 && segs[^1].StartsWith("SQLInstance;", StringComparison.OrdinalIgnoreCase) ? segs[^1]["SQLInstance;".Length..] : null;
        if (itemId is null || container is null || instance is null || !itemId.StartsWith(v.Id + "/", StringComparison.OrdinalIgnoreCase))
        {
            throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"itemId '{itemId}' is not a SQLInstance protectable item of a workload container of this vault.", "properties.itemId");
        }

        return (container, instance);
    }

    /// <summary>Protects every discovered, unprotected database of the intent's instance (called at PUT and after each inquire of its container).</summary>
    private static void ProtectInstance(ArmContext ctx, IStoreSession s, ResourceDoc v, ResourceDoc intent, DateTimeOffset now)
    {
        var containerName = Json.Str(intent.Meta, "containerName")!;
        var container = ResourceDoc.Load(s, BackupModel.ContainerId(v.Id, containerName), BackupDocKinds.Container)
            ?? throw ArmErrors.BadRequest("BMSUserErrorContainerNotRegistered", $"The workload container '{containerName}' is not registered to this vault. Register it first.");
        if (ResourceDoc.Load(s, Json.Str(container.Props, "sourceResourceId")!, BackupDocKinds.VirtualMachine) is not { } vm || Sources.Sql(vm) is not { } sql
            || !BackupModel.Eq(sql.Instance, Json.Str(intent.Meta, "instance")))
        {
            throw ArmErrors.BadRequest("UserErrorWorkloadNotFound", $"The SQL instance '{Json.Str(intent.Meta, "instance")}' was not found on container '{containerName}'.");
        }

        var discovery = Discovery.Load(s, v.Id);
        foreach (var db in sql.Databases.Where(db => discovery.Has("sqldb", Discovery.SqlKey(vm.Id, sql.Instance, db))))
        {
            var itemName = WorkloadHooks.SqlItemName(sql.Instance, db);
            if (ResourceDoc.Load(s, BackupModel.ItemId(container.Id, itemName), DocumentKinds.ProtectedItem) is not null)
            {
                continue;
            }

            var item = ProtectedItemHandler.Enable(ctx, s, v, new JsonObject { ["policyId"] = Json.Str(intent.Props, "policyId") }, now, Json.Str(container.Body, "name")!, itemName);
            BackupEngine.NewJob(s, ctx.Runtime.Backup, v.Id, item, "ConfigureBackup", now, null);
        }
    }

    /// <summary>After an inquire of <paramref name="container"/>: the auto-protection intents on it protect what it found.</summary>
    public static void ApplyAutoProtection(ArmContext ctx, IStoreSession s, ResourceDoc v, ResourceDoc container)
    {
        foreach (var intent in ResourceDoc.List(s, Kind, v.Id + "/backupFabrics").Where(i => BackupModel.Eq(Json.Str(i.Meta, "containerName"), Json.Str(container.Body, "name"))))
        {
            ProtectInstance(ctx, s, v, intent, ctx.SimNow());
        }
    }

    private static ResourceDoc Require(ArmContext ctx, IStoreSession s, ResourceDoc v) =>
        ResourceDoc.Load(s, IdOf(v.Id, ctx.Value("intentObjectName")), Kind)
        ?? throw ArmErrors.NotFound("BMSUserErrorProtectionIntentNotFound", $"There is no protection intent '{ctx.Value("intentObjectName")}' in this vault.");

    private static ArmResponse Get(ArmContext ctx) => ctx.Store.Transaction(s => ArmResponse.Ok(Require(ctx, s, BackupRequest.Begin(ctx, s)).Body));

    private static ArmResponse Delete(ArmContext ctx) => ctx.Store.Transaction(s =>
    {
        var v = BackupRequest.Begin(ctx, s);
        s.Delete(IdOf(v.Id, ctx.Value("intentObjectName")));
        return ArmResponse.NoContent();
    });

    // Spec ProtectionIntentQueryObject: backupManagementType, itemType, parentName, itemName.
    private static ArmResponse List(ArmContext ctx)
    {
        var filter = BackupModel.ParseStrictFilter(ctx.Query("$filter"), "backupManagementType", "itemType", "parentName", "itemName");
        var list = ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.Begin(ctx, s);
            return ResourceDoc.List(s, Kind, v.Id + "/backupFabrics")
                .Where(i => !filter.TryGetValue("backupManagementType", out var bmt) || BackupModel.Eq(Json.Str(i.Props, "backupManagementType"), bmt))
                .Where(i => !filter.TryGetValue("itemName", out var n) || BackupModel.Eq(Json.Str(i.Body, "name"), n))
                .Select(i => (JsonNode)i.Body).ToList();
        });
        return ctx.Page(list);
    }

    /// <summary>
    /// ProtectionIntent_Validate (backupPreValidateProtection; example AzureIaasVm/ProtectionIntent_Validate.json): may this
    /// VM be protected by that vault? Failed with VirtualMachineAlreadyProtected (and the protecting item) when it already is.
    /// </summary>
    private static ArmResponse PreValidate(ArmContext ctx)
    {
        var body = ctx.RequireBodyObject();
        var resourceId = Json.Str(body, "resourceId") ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "resourceId (the VM id) is required.", "resourceId");
        if (!BackupModel.Eq(Json.Str(body, "resourceType") ?? "VM", "VM"))
        {
            throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"resourceType '{Json.Str(body, "resourceType")}' is not VM.", "resourceType");
        }

        return ctx.Store.Transaction(s =>
        {
            var vm = ResourceDoc.Load(s, resourceId, BackupDocKinds.VirtualMachine);
            if (vm is null)
            {
                return ArmResponse.Ok(new JsonObject { ["status"] = "Failed", ["errorCode"] = "UserErrorVmNotFound", ["errorMessage"] = $"The virtual machine '{resourceId}' was not found.", ["recommendation"] = "Check the VM's resource id." });
            }

            var rg = Json.Str(vm.Body, "id")!.Split('/')[4];
            var vmName = Json.Str(vm.Body, "name")!;
            var result = new JsonObject
            {
                ["containerName"] = WorkloadHooks.VmContainerName(rg, vmName),
                ["protectedItemName"] = WorkloadHooks.VmItemName(rg, vmName),
            };
            var protectedBy = BackupModel.ItemProtecting(s, vm.Id.Split('/')[2], vm.Id);
            if (protectedBy is not null)
            {
                result["status"] = "Failed";
                result["errorCode"] = "VirtualMachineAlreadyProtected";
                result["errorMessage"] = $"The virtual machine '{vmName}' is already protected by vault '{Json.Str(protectedBy.Meta, "vaultId")?.Split('/')[^1]}'.";
                result["recommendation"] = "Do not enable protection again; manage the existing backup item in that vault.";
            }
            else if (!BackupModel.Eq(Json.Str(vm.Body, "location"), Locations.Normalize(ctx.Value("azureRegion"))))
            {
                result["status"] = "Failed";
                result["errorCode"] = "UserErrorVmAndVaultInDifferentRegions";
                result["errorMessage"] = $"The virtual machine '{vmName}' is in '{Json.Str(vm.Body, "location")}', not '{Locations.Normalize(ctx.Value("azureRegion"))}'.";
                result["recommendation"] = "Use a vault in the VM's region.";
            }
            else
            {
                result["status"] = "Succeeded";
            }

            return ArmResponse.Ok(result);
        });
    }
}
