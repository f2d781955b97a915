// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text;
using System.Text.Json.Nodes;

namespace RecoveryVault.Engine.Backup;

/// <summary>
/// A VM restore (Restores_Trigger with IaasVMRestoreRequest; official examples
/// TriggerRestore_RestoreDisks_IaasVMRestoreRequest and TriggerRestore_ALR_IaasVMRestoreRequest). Azure needs the
/// region (the vault's location) on every request, and the point's own encryption details for encrypted VMs.
/// </summary>
public sealed record VmRestoreRequest
{
    /// <summary>RestoreDisks, AlternateLocation or OriginalLocation.</summary>
    public required string RecoveryType { get; init; }

    /// <summary>The recovery point's name.</summary>
    public required string RecoveryPointId { get; init; }

    /// <summary>The protected VM.</summary>
    public required string? SourceResourceId { get; init; }

    /// <summary>The vault's region (spec: region, "Region in which the virtual machine is restored").</summary>
    public required string Region { get; init; }

    /// <summary>The staging storage account.</summary>
    public required string StorageAccountId { get; init; }

    /// <summary>The recovery point document's properties (for encryption details and original storage option).</summary>
    public JsonObject? RecoveryPoint { get; init; }

    /// <summary>Subscription of the target; the vault's when null (another one is a cross-subscription restore).</summary>
    public string? TargetSubscriptionId { get; init; }

    /// <summary>Resource group of restored disks / the new VM.</summary>
    public string? TargetResourceGroupName { get; init; }

    /// <summary>Name of the new VM (AlternateLocation).</summary>
    public string? TargetVmName { get; init; }

    /// <summary>The new VM's virtual network.</summary>
    public string? VirtualNetworkId { get; init; }

    /// <summary>The new VM's subnet name.</summary>
    public string? SubnetName { get; init; }

    /// <summary>Restore the disks into their original storage accounts (unmanaged VMs; the point must allow it).</summary>
    public bool OriginalStorageAccount { get; init; }

    /// <summary>Only these data disks.</summary>
    public IReadOnlyList<int>? DiskLuns { get; init; }

    /// <summary>Availability zone of the restored disks / VM.</summary>
    public string? Zone { get; init; }

    /// <summary>Disk encryption set of the restored disks.</summary>
    public string? DiskEncryptionSetId { get; init; }

    /// <summary>The request body.</summary>
    public JsonObject ToBody(string vaultSubscriptionId)
    {
        var sub = TargetSubscriptionId ?? vaultSubscriptionId;
        if (OriginalStorageAccount && RecoveryPoint?["originalStorageAccountOption"]?.GetValue<bool>() != true)
        {
            // Az refuses it the same way: the point was not taken with its disks' original accounts available.
            throw new BackupRequestException("InvalidParameterCombination", "This recovery point cannot restore disks to their original storage accounts; leave out -UseOriginalStorageAccount.");
        }
        var p = new JsonObject
        {
            ["objectType"] = "IaasVMRestoreRequest",
            ["recoveryPointId"] = RecoveryPointId,
            ["recoveryType"] = RecoveryType,
            ["sourceResourceId"] = SourceResourceId,
            ["storageAccountId"] = StorageAccountId,
            ["region"] = Region,
            ["createNewCloudService"] = false,
            ["originalStorageAccountOption"] = OriginalStorageAccount,
            ["encryptionDetails"] = EncryptionDetails(RecoveryPoint),
        };
        if (TargetResourceGroupName is not null)
        {
            p["targetResourceGroupId"] = $"/subscriptions/{sub}/resourceGroups/{TargetResourceGroupName}";
        }
        if (RecoveryType == "AlternateLocation")
        {
            p["targetVirtualMachineId"] = $"/subscriptions/{sub}/resourceGroups/{TargetResourceGroupName}/providers/Microsoft.Compute/virtualMachines/{TargetVmName}";
            p["virtualNetworkId"] = VirtualNetworkId;
            p["subnetId"] = $"{VirtualNetworkId}/subnets/{SubnetName ?? "default"}";
        }
        if (DiskLuns is { Count: > 0 })
        {
            p["restoreDiskLunList"] = new JsonArray(DiskLuns.Select(l => (JsonNode)l).ToArray());
        }
        if (Zone is not null)
        {
            p["zones"] = new JsonArray(Zone);
        }
        if (DiskEncryptionSetId is not null)
        {
            p["diskEncryptionSetId"] = DiskEncryptionSetId;
        }
        return new JsonObject { ["properties"] = p };
    }

    /// <summary>
    /// The encryption details of a point (IaasVMRecoveryPoint.keyAndSecret: the BEK/KEK URLs and vaults Azure
    /// needs to restore an ADE-encrypted VM); an unencrypted point says encryptionEnabled false.
    /// </summary>
    public static JsonObject EncryptionDetails(JsonObject? point)
    {
        var encrypted = point?["isSourceVMEncrypted"]?.GetValue<bool>() == true;
        var details = new JsonObject { ["encryptionEnabled"] = encrypted };
        if (encrypted && point?["keyAndSecret"] is JsonObject ks)
        {
            if (ks["kekDetails"] is JsonObject kek)
            {
                details["kekUrl"] = kek["keyUrl"]?.DeepClone();
                details["kekVaultId"] = kek["keyVaultId"]?.DeepClone();
            }
            if (ks["bekDetails"] is JsonObject bek)
            {
                details["secretKeyUrl"] = bek["secretUrl"]?.DeepClone();
                details["secretKeyVaultId"] = bek["secretVaultId"]?.DeepClone();
            }
        }
        return details;
    }
}

/// <summary>One path of an item-level Azure Files restore (spec RestoreFileSpecs).</summary>
/// <param name="Path">Path relative to the share root.</param>
/// <param name="ItemType">File or Directory (spec fileSpecType); never guessed from the path.</param>
public sealed record FileSpec(string Path, string ItemType);

/// <summary>An Azure Files restore (AzureFileShareRestoreRequest).</summary>
public sealed record FileShareRestoreRequest
{
    /// <summary>The share's storage account.</summary>
    public required string? SourceResourceId { get; init; }

    /// <summary>Overwrite or Skip (spec copyOptions); the caller must choose.</summary>
    public required string ConflictPolicy { get; init; }

    /// <summary>Paths to restore; null for the whole share.</summary>
    public IReadOnlyList<FileSpec>? Files { get; init; }

    /// <summary>Folder of the target share the paths are restored into (spec targetFolderPath).</summary>
    public string? TargetFolder { get; init; }

    /// <summary>Another storage account (alternate location).</summary>
    public string? TargetStorageAccountId { get; init; }

    /// <summary>The share in the other account.</summary>
    public string? TargetFileShareName { get; init; }

    /// <summary>The request body.</summary>
    public JsonObject ToBody(string sourceShareName)
    {
        if (ConflictPolicy is not ("Overwrite" or "Skip"))
        {
            throw new BackupRequestException("InvalidParameterCombination", $"-ConflictPolicy must be Overwrite or Skip (got '{ConflictPolicy}').");
        }
        foreach (var f in Files ?? [])
        {
            if (f.ItemType is not ("File" or "Directory"))
            {
                throw new BackupRequestException("InvalidParameterCombination", $"Each path needs -ItemType File or Directory ('{f.Path}' has '{f.ItemType}').");
            }
        }
        var p = new JsonObject
        {
            ["objectType"] = "AzureFileShareRestoreRequest",
            ["recoveryType"] = TargetStorageAccountId is null ? "OriginalLocation" : "AlternateLocation",
            ["sourceResourceId"] = SourceResourceId,
            ["copyOptions"] = ConflictPolicy,
            ["restoreRequestType"] = Files is null ? "FullShareRestore" : "ItemLevelRestore",
        };
        if (Files is not null)
        {
            p["restoreFileSpecs"] = new JsonArray(Files.Select(f =>
            {
                var spec = new JsonObject { ["path"] = f.Path, ["fileSpecType"] = f.ItemType };
                if (TargetFolder is not null)
                {
                    spec["targetFolderPath"] = TargetFolder;
                }
                return (JsonNode)spec;
            }).ToArray());
        }
        else if (TargetFolder is not null)
        {
            throw new BackupRequestException("InvalidParameterCombination", "-TargetFolder applies to item-level restores (-ItemPath).");
        }
        if (TargetStorageAccountId is not null)
        {
            p["targetDetails"] = new JsonObject { ["name"] = TargetFileShareName ?? sourceShareName, ["targetResourceId"] = TargetStorageAccountId };
        }
        return new JsonObject { ["properties"] = p };
    }
}

/// <summary>One database file of a SQL recovery point (spec SQLDataDirectory: type, path, logicalName).</summary>
/// <param name="Type">Data or Log.</param>
/// <param name="Path">Full path of the file on the source.</param>
/// <param name="LogicalName">SQL logical file name.</param>
public sealed record SqlFile(string Type, string Path, string LogicalName)
{
    /// <summary>The files a SQL recovery point's extendedInfo.dataDirectoryPaths lists.</summary>
    public static IReadOnlyList<SqlFile> Read(JsonObject? pointProperties) =>
        (pointProperties?["extendedInfo"]?["dataDirectoryPaths"] as JsonArray)?.OfType<JsonObject>()
            .Select(d => new SqlFile(d["type"]?.ToString() ?? "Data", d["path"]?.ToString() ?? string.Empty, d["logicalName"]?.ToString() ?? string.Empty))
            .Where(f => f.Path.Length > 0).ToArray() ?? [];
}

/// <summary>
/// A SQL database restore (AzureWorkloadSQLRestoreRequest / …PointInTimeRestoreRequest). Restoring under another
/// name or onto another instance moves every file: alternateDirectoryPaths maps each of the point's files into the
/// target's data or log folder under a name derived from the new database, so no file collides with the source's
/// (the Az module builds the same mapping in Get-AzRecoveryServicesBackupWorkloadRecoveryConfig).
/// </summary>
public sealed record SqlRestoreRequest
{
    /// <summary>The source database.</summary>
    public required string? SourceResourceId { get; init; }

    /// <summary>Overwrite the original database.</summary>
    public bool OriginalLocation { get; init; }

    /// <summary>Name of the restored database.</summary>
    public required string DatabaseName { get; init; }

    /// <summary>Container id of the target instance.</summary>
    public required string TargetContainerId { get; init; }

    /// <summary>The point's files.</summary>
    public IReadOnlyList<SqlFile> Files { get; init; } = [];

    /// <summary>Target folder of data files (default: the folder of the source's data file).</summary>
    public string? DataFilePath { get; init; }

    /// <summary>Target folder of log files (default: the folder of the source's log file).</summary>
    public string? LogFilePath { get; init; }

    /// <summary>Restore to this moment of the log chain.</summary>
    public DateTimeOffset? PointInTime { get; init; }

    /// <summary>The file mapping (alternate location only).</summary>
    public IReadOnlyList<JsonObject> DirectoryMappings()
    {
        var mappings = new List<JsonObject>();
        var counters = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var f in Files)
        {
            var isLog = string.Equals(f.Type, "Log", StringComparison.OrdinalIgnoreCase);
            var folder = (isLog ? LogFilePath : DataFilePath) ?? DirectoryOf(f.Path);
            var ext = FileExtension(f.Path) ?? (isLog ? ".ldf" : ".mdf");
            var n = counters[ext] = counters.GetValueOrDefault(ext) + 1;
            var name = n == 1 ? $"{DatabaseName}{ext}" : $"{DatabaseName}_{n}{ext}";
            mappings.Add(new JsonObject
            {
                ["mappingType"] = isLog ? "Log" : "Data",
                ["sourceLogicalName"] = f.LogicalName,
                ["sourcePath"] = f.Path,
                ["targetPath"] = Join(folder, name),
            });
        }
        return mappings;
    }

    /// <summary>The request body.</summary>
    public JsonObject ToBody()
    {
        if (!OriginalLocation && Files.Count == 0)
        {
            throw new BackupRequestException("InvalidParameterCombination",
                "The recovery point lists no database files, so a restore under another name would overwrite the source's files; restore with -OriginalLocation, or from a point that has them.");
        }
        var p = new JsonObject
        {
            ["objectType"] = PointInTime is null ? "AzureWorkloadSQLRestoreRequest" : "AzureWorkloadSQLPointInTimeRestoreRequest",
            ["recoveryType"] = OriginalLocation ? "OriginalLocation" : "AlternateLocation",
            ["sourceResourceId"] = SourceResourceId,
            ["shouldUseAlternateTargetLocation"] = !OriginalLocation,
            ["isNonRecoverable"] = false,
            ["targetInfo"] = new JsonObject
            {
                ["overwriteOption"] = OriginalLocation ? "Overwrite" : "FailOnConflict",
                ["databaseName"] = DatabaseName,
                ["containerId"] = TargetContainerId,
            },
        };
        if (!OriginalLocation)
        {
            p["alternateDirectoryPaths"] = new JsonArray(DirectoryMappings().Select(m => (JsonNode)m).ToArray());
        }
        if (PointInTime is { } pit)
        {
            p["pointInTime"] = Wire.Timestamp(pit);
        }
        return new JsonObject { ["properties"] = p };
    }

    // SQL Server paths are Windows or Linux paths whatever this machine is, so they are split by hand.
    private static string DirectoryOf(string path)
    {
        var i = path.LastIndexOfAny(['\\', '/']);
        return i < 0 ? string.Empty : path[..i];
    }

    private static string? FileExtension(string path)
    {
        var name = path[(path.LastIndexOfAny(['\\', '/']) + 1)..];
        var dot = name.LastIndexOf('.');
        return dot <= 0 ? null : name[dot..];
    }

    private static string Join(string folder, string name)
    {
        if (folder.Length == 0)
        {
            return name;
        }
        var sep = folder.Contains('/') && !folder.Contains('\\') ? '/' : '\\';
        return folder.TrimEnd('\\', '/') + sep + name;
    }
}

/// <summary>Instant file recovery registration (IaasVMILRRegistrationRequest; official example Provision_Ilr).</summary>
/// <param name="RecoveryPointId">The point.</param>
/// <param name="VirtualMachineId">The protected VM.</param>
/// <param name="InitiatorName">iSCSI initiator of the machine that will mount.</param>
/// <param name="RenewExisting">Extend a mount that exists.</param>
public sealed record IlrRequest(string RecoveryPointId, string? VirtualMachineId, string InitiatorName, bool RenewExisting)
{
    /// <summary>The request body.</summary>
    public JsonObject ToBody() => new()
    {
        ["properties"] = new JsonObject
        {
            ["objectType"] = "IaasVMILRRegistrationRequest",
            ["recoveryPointId"] = RecoveryPointId,
            ["virtualMachineId"] = VirtualMachineId,
            ["initiatorName"] = InitiatorName,
            ["renewExistingRegistration"] = RenewExisting,
        },
    };
}

/// <summary>The file recovery script to run and its password, as taken from the service's clientScripts.</summary>
/// <param name="OsType">Windows or Linux.</param>
/// <param name="FileName">File name to save it under (password removed).</param>
/// <param name="Content">The script's bytes (for Linux, the password replaced by a placeholder the script asks for).</param>
/// <param name="DownloadUrl">Where the content must be downloaded from (Windows), or null when it is inline.</param>
/// <param name="Password">The password the script asks for.</param>
public sealed record IlrScript(string OsType, string FileName, byte[] Content, Uri? DownloadUrl, string Password)
{
    /// <summary>What the Linux script is given instead of the password (the script prompts for it).</summary>
    public const string PasswordPlaceholder = "UserInput012345";

    private const string LinuxPasswordKey = "TargetPassword=\"";
    private const int PasswordLength = 15;
    private const int PasswordOffsetAfterUnderscore = 33;

    /// <summary>
    /// Picks the script to run from an InstantItemRecoveryTarget's clientScripts. Azure's rules (observable in the Az
    /// module's Get-AzRecoveryServicesBackupRPMountScript): a script with a non-null url is downloaded from there and
    /// its scriptContent ignored (Windows answers two scripts; the one with a url is the executable); its password is
    /// the 15 characters starting 33 characters after the last '_' of scriptNameSuffix, removed from the file name.
    /// A Linux script is inline (base64) and carries the password as TargetPassword="…".
    /// </summary>
    public static IlrScript Select(JsonArray clientScripts, string fallbackName)
    {
        var scripts = clientScripts.OfType<JsonObject>().ToList();
        if (scripts.Count == 0)
        {
            throw new FormatException("The service returned no client script.");
        }
        var withUrl = scripts.FirstOrDefault(s => !string.IsNullOrEmpty(s["url"]?.ToString()));
        if (withUrl is not null)
        {
            var suffix = withUrl["scriptNameSuffix"]?.ToString() ?? throw new FormatException("The downloadable script has no scriptNameSuffix.");
            var (name, password) = TakePassword(suffix);
            return new IlrScript(withUrl["osType"]?.ToString() ?? "Windows", name + withUrl["scriptExtension"], [],
                new Uri(withUrl["url"]!.ToString(), UriKind.Absolute), password);
        }
        var inline = scripts[0];
        var content = Encoding.UTF8.GetString(Convert.FromBase64String(inline["scriptContent"]?.ToString() ?? string.Empty));
        var at = content.IndexOf(LinuxPasswordKey, StringComparison.Ordinal);
        if (at < 0 || at + LinuxPasswordKey.Length + PasswordLength > content.Length)
        {
            throw new FormatException("The script carries no TargetPassword.");
        }
        var start = at + LinuxPasswordKey.Length;
        var linuxPassword = content.Substring(start, PasswordLength);
        content = content[..start] + PasswordPlaceholder + content[(start + PasswordLength)..];
        var linuxSuffix = inline["scriptNameSuffix"]?.ToString();
        // Az takes the password out of a Linux suffix too; the script's copy is the one that counts.
        var fileName = linuxSuffix is null ? fallbackName : TryTakePassword(linuxSuffix)?.Name ?? linuxSuffix;
        return new IlrScript(inline["osType"]?.ToString() ?? "Linux", fileName + inline["scriptExtension"], Encoding.UTF8.GetBytes(content), null, linuxPassword);
    }

    private static (string Name, string Password)? TryTakePassword(string suffix)
    {
        var offset = suffix.LastIndexOf('_') + PasswordOffsetAfterUnderscore;
        return suffix.LastIndexOf('_') < 0 || offset + PasswordLength > suffix.Length ? null : (suffix.Remove(offset, PasswordLength), suffix.Substring(offset, PasswordLength));
    }

    private static (string Name, string Password) TakePassword(string suffix)
    {
        var offset = suffix.LastIndexOf('_') + PasswordOffsetAfterUnderscore;
        if (suffix.LastIndexOf('_') < 0 || offset + PasswordLength > suffix.Length)
        {
            throw new FormatException($"scriptNameSuffix '{suffix.Length}' characters long carries no password where Azure puts it.");
        }
        return (suffix.Remove(offset, PasswordLength), suffix.Substring(offset, PasswordLength));
    }
}
