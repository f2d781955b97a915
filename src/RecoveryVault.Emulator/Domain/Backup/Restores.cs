// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>Restore requests: validation per objectType, the job's property bag, and what completion leaves behind.</summary>
internal static class Restores
{
    private static ArmException Bad(string code, string message) => ArmErrors.BadRequest(code, message);

    /// <summary>Validates the request against the item / point and returns the job's property bag (what gets restored where).</summary>
    public static JsonObject Validate(IStoreSession s, string vaultLocation, ResourceDoc item, ResourceDoc rp, JsonObject props, JsonObject meta)
    {
        var objectType = Json.Str(props, "objectType") ?? throw Bad("BMSUserErrorInvalidInput", "properties.objectType is required for a restore request.");
        var bmt = Json.Str(item.Props, "backupManagementType");
        var recoveryType = Json.Str(props, "recoveryType") ?? "OriginalLocation";
        var bag = new JsonObject
        {
            ["Recovery point time"] = Json.Str(rp.Props, "recoveryPointTime") ?? Json.Str(rp.Props, "recoveryPointTimeInUTC") ?? string.Empty,
            ["Restore Type"] = recoveryType,
        };
        // The restore request names its kind; the item must be of that kind before the request's own checks run.
        var owner = WorkloadCatalogue.ByRestoreRequestType(objectType);
        if (owner is not null && !owner.Is(bmt))
        {
            throw Bad("BMSUserErrorInvalidInput", $"A {objectType} cannot restore a {bmt} item.");
        }

        if (owner?.ValidateRestore is null)
        {
            throw Bad("BMSUserErrorInvalidInput", $"Restore objectType '{objectType}' is not supported by this emulator.");
        }

        owner.ValidateRestore(new RestoreRequest(s, vaultLocation, item, rp, props, meta, objectType, recoveryType, bag));
        return bag;
    }

    /// <summary>IaasVMRestoreRequest (and with rehydration): original or alternate VM, or disks only.</summary>
    internal static void ValidateVmRestore(RestoreRequest r)
    {
        var (s, vaultLocation, item, rp, props, meta, objectType, recoveryType, bag) = r;
        // IaasVMRestoreRequest.region: every official restore example sends it, and Az's Restore-AzRecoveryServicesBackupItem
        // always fills it with -VaultLocation; a VM restore happens in the vault's region (cross-region restore
        // goes through the separate CRR API, which the emulator does not model).
        var region = Json.Str(props, "region") ?? throw Bad("BMSUserErrorInvalidInput", "region is required for a virtual machine restore; use the vault's location.");
        if (Locations.Normalize(region) != vaultLocation)
        {
            throw Bad("BMSUserErrorInvalidInput", $"region '{region}' is not the vault's region '{vaultLocation}'; a restore from this vault happens in '{vaultLocation}'.");
        }

        switch (recoveryType)
        {
            case "RestoreDisks":
                {
                    var sa = RequireStorageAccount(s, StagingAccountId(props), vaultLocation, "storageAccountId");
                    bag["Target Storage Account Name"] = Json.Str(sa.Body, "name");
                    if (Json.Str(props, "targetResourceGroupId") is { } rgId)
                    {
                        bag["Target resource group"] = RequireResourceGroup(s, rgId);
                    }

                    bag["Config Blob Container Name"] = "vmconfig-" + Json.Str(item.Props, "friendlyName")?.ToLowerInvariant();
                    break;
                }

            case "AlternateLocation":
                {
                    var sa = RequireStorageAccount(s, StagingAccountId(props), vaultLocation, "storageAccountId");
                    bag["Staging Storage Account Name"] = Json.Str(sa.Body, "name");
                    var target = Json.Str(props, "targetVirtualMachineId")
                        ?? throw Bad("BMSUserErrorInvalidInput", "targetVirtualMachineId is required for an AlternateLocation restore.");
                    var parsed = BackupModel.ParseResourceId(target, "Microsoft.Compute/virtualMachines")
                        ?? throw Bad("BMSUserErrorInvalidInput", $"targetVirtualMachineId '{target}' is not a virtual machine id.");
                    if (ResourceDoc.Load(s, target, BackupDocKinds.VirtualMachine) is not null)
                    {
                        throw Bad("UserErrorVmAlreadyExists", $"A virtual machine named '{parsed.Name}' already exists in resource group '{parsed.Rg}'. Choose a new name for the restored VM.");
                    }

                    bag["Target resource group"] = RequireResourceGroup(s, Json.Str(props, "targetResourceGroupId") ?? $"/subscriptions/{parsed.Sub}/resourceGroups/{parsed.Rg}");
                    bag["Target VM Name"] = parsed.Name;
                    meta["createVm"] = target;
                    meta["createVmLocation"] = Locations.Normalize(Json.Str(props, "region") ?? vaultLocation);
                    meta["sourceVm"] = Json.Str(item.Props, "sourceResourceId");
                    break;
                }

            case "OriginalLocation":
                if (ResourceDoc.Load(s, Json.Str(item.Props, "sourceResourceId") ?? string.Empty, BackupDocKinds.VirtualMachine) is null)
                {
                    throw Bad("UserErrorVmNotFound", "The original virtual machine no longer exists; use RestoreDisks or AlternateLocation.");
                }

                bag["Target VM Name"] = Json.Str(item.Props, "friendlyName");
                break;
            default:
                throw Bad("BMSUserErrorInvalidInput", $"recoveryType '{recoveryType}' is not supported for virtual machines; use OriginalLocation, AlternateLocation or RestoreDisks.");
        }
    }

    /// <summary>AzureFileShareRestoreRequest: whole share or items, original or alternate share.</summary>
    internal static void ValidateFileShareRestore(RestoreRequest r)
    {
        var (s, vaultLocation, item, rp, props, meta, objectType, recoveryType, bag) = r;
        var copy = Json.Str(props, "copyOptions") ?? throw Bad("BMSUserErrorInvalidInput", "copyOptions is required (CreateCopy, Skip, Overwrite or FailOnConflict).");
        if (!new[] { "CreateCopy", "Skip", "Overwrite", "FailOnConflict" }.Contains(copy, StringComparer.OrdinalIgnoreCase))
        {
            throw Bad("BMSUserErrorInvalidInput", $"copyOptions '{copy}' is invalid; use CreateCopy, Skip, Overwrite or FailOnConflict.");
        }

        var kind = Json.Str(props, "restoreRequestType") ?? "FullShareRestore";
        bag["Copy Options"] = copy;
        bag["Restore Request Type"] = kind;
        if (BackupModel.Eq(kind, "ItemLevelRestore"))
        {
            var specs = props["restoreFileSpecs"] as JsonArray;
            if (specs is null || specs.Count == 0)
            {
                throw Bad("BMSUserErrorInvalidInput", "An ItemLevelRestore needs restoreFileSpecs [{path, fileSpecType, targetFolderPath}].");
            }

            // bms.json RestoreFileSpecs {path, fileSpecType: File|Directory, targetFolderPath}; Az's
            // Restore-AzRecoveryServicesBackupItem -SourceFileType sends File or Directory per path.
            foreach (var spec in specs)
            {
                var path = Json.Str(spec as JsonObject, "path");
                var type = Json.Str(spec as JsonObject, "fileSpecType");
                if (string.IsNullOrEmpty(path))
                {
                    throw Bad("BMSUserErrorInvalidInput", "restoreFileSpecs[].path is required.");
                }

                if (type is not ("File" or "Directory"))
                {
                    throw Bad("BMSUserErrorInvalidInput", $"restoreFileSpecs[].fileSpecType of '{path}' must be File or Directory; got '{type}'.");
                }

                if (BackupModel.Eq(recoveryType, "AlternateLocation") && Json.Str(spec as JsonObject, "targetFolderPath") is null)
                {
                    throw Bad("BMSUserErrorInvalidInput", $"restoreFileSpecs[].targetFolderPath of '{path}' is required for an AlternateLocation restore.");
                }
            }

            bag["Restored items"] = string.Join(", ", specs.OfType<JsonObject>().Select(x => Json.Str(x, "path")));
        }
        else if (!BackupModel.Eq(kind, "FullShareRestore"))
        {
            throw Bad("BMSUserErrorInvalidInput", $"restoreRequestType '{kind}' is invalid; use FullShareRestore or ItemLevelRestore.");
        }

        if (BackupModel.Eq(recoveryType, "AlternateLocation"))
        {
            var target = props["targetDetails"] as JsonObject ?? throw Bad("BMSUserErrorInvalidInput", "targetDetails {name, targetResourceId} is required for an AlternateLocation restore.");
            var sa = RequireStorageAccount(s, Json.Str(target, "targetResourceId"), vaultLocation, "targetDetails.targetResourceId");
            bag["Target Storage Account Name"] = Json.Str(sa.Body, "name");
            bag["Target File Share Name"] = Json.Str(target, "name") ?? throw Bad("BMSUserErrorInvalidInput", "targetDetails.name (the target file share) is required.");
        }
        else
        {
            bag["Target File Share Name"] = Json.Str(item.Props, "friendlyName");
        }
    }

    /// <summary>AzureWorkloadSQL(PointInTime)RestoreRequest: a point or a time in the log chain, original or alternate database.</summary>
    internal static void ValidateSqlRestore(RestoreRequest r)
    {
        var (s, vaultLocation, item, rp, props, meta, objectType, recoveryType, bag) = r;
        if (objectType.Contains("PointInTime", StringComparison.Ordinal))
        {
            var pit = Json.ParseTime(Json.Str(props, "pointInTime")) ?? throw Bad("BMSUserErrorInvalidInput", "pointInTime is required for a point-in-time restore.");
            var range = (rp.Props["timeRanges"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
            var start = Json.ParseTime(Json.Str(range, "startTime"));
            var end = Json.ParseTime(Json.Str(range, "endTime"));
            if (start is null || end is null || pit < start || pit > end)
            {
                throw Bad("UserErrorInvalidPointInTime", $"The point in time '{Json.Timestamp(pit)}' is outside the log chain of this item ({(start is null ? "none" : Json.Timestamp(start.Value))} to {(end is null ? "none" : Json.Timestamp(end.Value))}).");
            }

            bag["Point in time"] = Json.Timestamp(pit);
        }

        var target = props["targetInfo"] as JsonObject;
        bag["Target Database Name"] = Json.Str(target, "databaseName") ?? Json.Str(item.Props, "friendlyName");
        if (BackupModel.Eq(recoveryType, "AlternateLocation"))
        {
            var containerId = Json.Str(target, "containerId") ?? throw Bad("BMSUserErrorInvalidInput", "targetInfo.containerId is required for an AlternateLocation restore.");
            var targetContainer = ResourceDoc.Load(s, containerId, BackupDocKinds.Container)
                ?? throw Bad("BMSUserErrorContainerNotRegistered", $"The target container '{containerId}' is not registered to this vault.");
            RequireSqlFileMove(rp, item, targetContainer, target, props);
        }

        bag["Overwrite Option"] = Json.Str(target, "overwriteOption") ?? "FailOnConflict";
    }

    /// <summary>
    /// The staging account of a VM restore: <c>storageAccountId</c>, or, for a restore with a managed identity, the
    /// account <c>identityBasedRestoreDetails.targetStorageAccountId</c> names (bms.json IdentityBasedRestoreDetails;
    /// TriggerRestore_*_IdentityBasedRestoreDetails.json send only the latter).
    /// </summary>
    private static string? StagingAccountId(JsonObject props) =>
        Json.Str(props, "storageAccountId") ?? Json.Str(props["identityBasedRestoreDetails"] as JsonObject, "targetStorageAccountId");

    /// <summary>
    /// A restore under another name onto the source's own instance must move every file elsewhere: SQL Server refuses
    /// to restore a file onto one in use ("File cannot be restored to … Use WITH MOVE", Msg 3156), and Azure Backup
    /// carries the moves in alternateDirectoryPaths (bms.json SQLDataDirectoryMapping; Az's
    /// Get-AzRecoveryServicesBackupWorkloadRecoveryConfig fills them for an alternate restore). No Azure-specific code
    /// for this case was found, so it is the service's generic BMSUserErrorInvalidInput.
    /// </summary>
    private static void RequireSqlFileMove(ResourceDoc rp, ResourceDoc item, ResourceDoc targetContainer, JsonObject? target, JsonObject props)
    {
        var sourceVm = Json.Str(item.Props, "sourceResourceId");
        var instance = Json.Str(item.Props, "parentName") ?? "MSSQLSERVER";
        var targetDb = Json.Str(target, "databaseName") ?? string.Empty;
        var targetInstance = targetDb.Contains('/', StringComparison.Ordinal) ? targetDb[..targetDb.IndexOf('/', StringComparison.Ordinal)] : instance;
        if (!BackupModel.Eq(Json.Str(targetContainer.Props, "sourceResourceId"), sourceVm) || !BackupModel.Eq(targetInstance, instance))
        {
            return;
        }

        var files = (rp.Props["extendedInfo"]?["dataDirectoryPaths"] as JsonArray)?.OfType<JsonObject>().ToList() is { Count: > 0 } recorded
            ? recorded
            : RecoveryPoints.SqlDataFiles(Json.Str(item.Props, "friendlyName") ?? "db").OfType<JsonObject>().ToList();
        var moves = (props["alternateDirectoryPaths"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var sourcePaths = files.Select(f => Json.Str(f, "path")).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var file in files)
        {
            var logical = Json.Str(file, "logicalName");
            var path = Json.Str(file, "path");
            var move = moves.FirstOrDefault(m => BackupModel.Eq(Json.Str(m, "sourceLogicalName"), logical) || BackupModel.Eq(Json.Str(m, "sourcePath"), path));
            var targetPath = Json.Str(move, "targetPath");
            if (string.IsNullOrEmpty(targetPath) || sourcePaths.Contains(targetPath))
            {
                throw Bad("BMSUserErrorInvalidInput",
                    $"The database is being restored to its own instance '{instance}', where '{path}' ({logical}) is in use. Give alternateDirectoryPaths a mapping for it (sourceLogicalName, targetPath) whose targetPath differs from the source files.");
            }
        }
    }

    private static ResourceDoc RequireStorageAccount(IStoreSession s, string? id, string vaultLocation, string name)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw Bad("BMSUserErrorInvalidInput", $"{name} is required.");
        }

        var sa = ResourceDoc.Load(s, id, BackupDocKinds.StorageAccount)
            ?? throw Bad("UserErrorStorageAccountNotFound", $"The storage account '{id}' was not found.");
        if (Json.Str(sa.Body, "location") != vaultLocation)
        {
            throw Bad("UserErrorStorageAccountInDifferentRegion", $"The storage account '{Json.Str(sa.Body, "name")}' is in '{Json.Str(sa.Body, "location")}'; it must be in the vault's region '{vaultLocation}'.");
        }

        return sa;
    }

    private static string RequireResourceGroup(IStoreSession s, string rgId)
    {
        var segs = rgId.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segs.Length != 4 || ResourceGroups.Get(s, segs[1], segs[3]) is null)
        {
            throw Bad("UserErrorResourceGroupNotFound", $"The target resource group '{rgId}' was not found.");
        }

        return segs[3];
    }

    /// <summary>An AlternateLocation VM restore leaves a new VM behind, like Azure.</summary>
    public static void OnCompleted(IStoreSession s, ResourceDoc job)
    {
        if (Json.Str(job.Meta, "createVm") is not { } target || BackupModel.ParseResourceId(target, "Microsoft.Compute/virtualMachines") is not { } p)
        {
            return;
        }

        var source = ResourceDoc.Load(s, Json.Str(job.Meta, "sourceVm") ?? string.Empty, BackupDocKinds.VirtualMachine);
        Sources.PutVm(s, p.Sub, p.Rg, p.Name, Json.Str(job.Meta, "createVmLocation") ?? "westus",
            Json.Str(source?.Meta, "osType") ?? "Windows", source?.Body["properties"]?["storageProfile"]?["dataDisks"]?.DeepClone() as JsonArray,
            Json.Bool(source?.Meta["premium"]) == true, Json.Bool(source?.Meta["encrypted"]) == true);
    }
}
