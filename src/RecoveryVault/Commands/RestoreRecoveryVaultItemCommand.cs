// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Text.Json.Nodes;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Restores from a recovery point: VM disks, a new VM or the original VM; a file share (whole or some files); a SQL database (also to a point in time).</summary>
[Cmdlet(VerbsData.Restore, "RecoveryVaultItem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = RestoreDisksSet)]
[OutputType(typeof(BackupJob), typeof(RecoveryVaultBackgroundJob))]
public sealed class RestoreRecoveryVaultItemCommand : BackupJobCmdletBase
{
    private const string RestoreDisksSet = "VmRestoreDisks";
    private const string AlternateVmSet = "VmAlternateLocation";
    private const string OriginalVmSet = "VmOriginalLocation";
    private const string FileShareSet = "FileShare";
    private const string SqlSet = "SqlDatabase";

    /// <summary>The recovery point (from Get-RecoveryVaultRecoveryPoint).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [ValidateNotNull]
    public RecoveryPoint? RecoveryPoint { get; set; }

    /// <summary>Restore the VM's disks into a resource group (no VM is created).</summary>
    [Parameter(Mandatory = true, ParameterSetName = RestoreDisksSet)]
    public SwitchParameter RestoreDisks { get; set; }

    /// <summary>Name of a new VM to create.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AlternateVmSet)]
    [ValidateNotNullOrEmpty]
    public string TargetVMName { get; set; } = string.Empty;

    /// <summary>Virtual network of the new VM.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AlternateVmSet)]
    [ValidateNotNullOrEmpty]
    public string TargetVirtualNetworkId { get; set; } = string.Empty;

    /// <summary>Subnet of the new VM.</summary>
    [Parameter(ParameterSetName = AlternateVmSet)]
    [ValidateNotNullOrEmpty]
    public string TargetSubnetName { get; set; } = "default";

    /// <summary>Restore over the original VM (VM) or database (SQL).</summary>
    [Parameter(Mandatory = true, ParameterSetName = OriginalVmSet)]
    [Parameter(ParameterSetName = SqlSet)]
    public SwitchParameter OriginalLocation { get; set; }

    /// <summary>Storage account (same region as the vault) the restore stages through.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RestoreDisksSet)]
    [Parameter(Mandatory = true, ParameterSetName = AlternateVmSet)]
    [Parameter(Mandatory = true, ParameterSetName = OriginalVmSet)]
    [ValidateNotNullOrEmpty]
    public string StagingStorageAccountId { get; set; } = string.Empty;

    /// <summary>Only these data disks (selective disk restore; the OS disk is always restored).</summary>
    [Parameter(ParameterSetName = RestoreDisksSet)]
    [Parameter(ParameterSetName = AlternateVmSet)]
    [ValidateNotNullOrEmpty]
    public int[]? RestoreDiskLun { get; set; }

    /// <summary>Availability zone of the restored disks or VM.</summary>
    [Parameter(ParameterSetName = RestoreDisksSet)]
    [Parameter(ParameterSetName = AlternateVmSet)]
    [ValidateSet("1", "2", "3")]
    public string? TargetZone { get; set; }

    /// <summary>Disk encryption set the restored managed disks are encrypted with.</summary>
    [Parameter(ParameterSetName = RestoreDisksSet)]
    [Parameter(ParameterSetName = AlternateVmSet)]
    [ValidateNotNullOrEmpty]
    public string? DiskEncryptionSetId { get; set; }

    /// <summary>Restore into another subscription (cross-subscription restore; the vault must allow it).</summary>
    [Parameter(ParameterSetName = RestoreDisksSet)]
    [Parameter(ParameterSetName = AlternateVmSet)]
    [ValidateNotNullOrEmpty]
    public string? TargetSubscriptionId { get; set; }

    /// <summary>Restore unmanaged disks into their original storage accounts (when the point allows it).</summary>
    [Parameter(ParameterSetName = RestoreDisksSet)]
    [Parameter(ParameterSetName = OriginalVmSet)]
    public SwitchParameter UseOriginalStorageAccount { get; set; }

    /// <summary>Resource group for restored disks or the new VM.</summary>
    [Parameter(ParameterSetName = RestoreDisksSet)]
    [Parameter(Mandatory = true, ParameterSetName = AlternateVmSet)]
    [ValidateNotNullOrEmpty]
    public string? TargetResourceGroupName { get; set; }

    /// <summary>File share restore (whole share unless -ItemPath).</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileShareSet)]
    public SwitchParameter FileShare { get; set; }

    /// <summary>Files or folders to restore (item-level), relative to the share root.</summary>
    [Parameter(ParameterSetName = FileShareSet)]
    [ValidateNotNullOrEmpty]
    public string[]? ItemPath { get; set; }

    /// <summary>File or Directory: one for every -ItemPath, or one for all of them (never guessed from the path).</summary>
    [Parameter(ParameterSetName = FileShareSet)]
    [ValidateSet("File", "Directory")]
    public string[]? ItemType { get; set; }

    /// <summary>Folder of the target share the paths are restored into (item-level restores).</summary>
    [Parameter(ParameterSetName = FileShareSet)]
    [ValidateNotNullOrEmpty]
    public string? TargetFolder { get; set; }

    /// <summary>Another storage account to restore the share into.</summary>
    [Parameter(ParameterSetName = FileShareSet)]
    [ValidateNotNullOrEmpty]
    public string? TargetStorageAccountId { get; set; }

    /// <summary>File share in the target account.</summary>
    [Parameter(ParameterSetName = FileShareSet)]
    [ValidateNotNullOrEmpty]
    public string? TargetFileShareName { get; set; }

    /// <summary>What to do with files that exist: Overwrite or Skip (a choice the restore cannot make for you).</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileShareSet)]
    [ValidateSet("Overwrite", "Skip")]
    public string ConflictPolicy { get; set; } = string.Empty;

    /// <summary>SQL database restore.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SqlSet)]
    public SwitchParameter SqlDatabase { get; set; }

    /// <summary>Restore to this moment (log chain).</summary>
    [Parameter(ParameterSetName = SqlSet)]
    public DateTime? PointInTime { get; set; }

    /// <summary>Name of the restored database (alternate location).</summary>
    [Parameter(ParameterSetName = SqlSet)]
    [ValidateNotNullOrEmpty]
    public string? TargetDatabaseName { get; set; }

    /// <summary>Registered SQL container (VMAppContainer id) to restore into.</summary>
    [Parameter(ParameterSetName = SqlSet)]
    [ValidateNotNullOrEmpty]
    public string? TargetContainerId { get; set; }

    /// <summary>Folder for the restored database's data files (default: the source's data folder).</summary>
    [Parameter(ParameterSetName = SqlSet)]
    [ValidateNotNullOrEmpty]
    public string? DataFilePath { get; set; }

    /// <summary>Folder for the restored database's log files (default: the source's log folder).</summary>
    [Parameter(ParameterSetName = SqlSet)]
    [ValidateNotNullOrEmpty]
    public string? LogFilePath { get; set; }

    /// <summary>Run in a background job and return it at once (Receive-Job gets the output).</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (DeferToJob(AsJob))
        {
            return;
        }
        var rp = RecoveryPoint!;
        var vault = RecoveryVaultResourceId.Parse(rp.VaultId);
        var kind = rp.ItemKind;
        var expected = (ParameterSetName switch { FileShareSet => WorkloadCatalogue.AzureFileShare, SqlSet => WorkloadCatalogue.SqlDatabase, _ => WorkloadCatalogue.AzureVM }).Name;
        if (!string.Equals(kind, expected, StringComparison.OrdinalIgnoreCase))
        {
            WriteError(InputError($"This is a {kind} recovery point; the {ParameterSetName} parameters restore {expected} items.", ErrorIds.InvalidParameterCombination, rp.Id));
            return;
        }
        if (ItemType is not null && (ItemPath is null || (ItemType.Length != 1 && ItemType.Length != ItemPath.Length)))
        {
            WriteError(InputError("-ItemType needs -ItemPath, and one type for all paths or one per path.", ErrorIds.InvalidParameterCombination, rp.Id));
            return;
        }
        if (ItemPath is not null && ItemType is null)
        {
            WriteError(InputError("Say what each -ItemPath is with -ItemType File or Directory; the restore does not guess from the path.", ErrorIds.InvalidParameterCombination, rp.Id));
            return;
        }
        var itemPath = BackupPath.Item(rp.ItemId);
        Run(async ct =>
        {
            try
            {
                var item = new BackupItem(await Session.GetBackupAsync(vault, itemPath, ct).ConfigureAwait(false), vault.ToString());
                JsonObject body;
                try
                {
                    body = await BuildBodyAsync(rp, item, vault, ct).ConfigureAwait(false);
                }
                catch (BackupRequestException ex)
                {
                    EmitError(InputError(ex.Message, ErrorIds.ForRequestProblem(ex.Code), rp.Id));
                    return;
                }
                if (!await ShouldProcessAsync(rp.Id, Describe(item)).ConfigureAwait(false))
                {
                    return;
                }
                var result = await Session.BackupOperationAsync(vault, "POST", BackupPath.RecoveryPoint(rp.ItemId, rp.Name) + "/restore", body, wait: false, ct).ConfigureAwait(false);
                await EmitJobOrResourceAsync(vault, result, rp.Id, null, ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, rp.Id, ErrorIds.RecoveryPointNotFound);
            }
        });
    }

    private string Describe(BackupItem item) => ParameterSetName switch
    {
        RestoreDisksSet => $"Restore the disks of '{item.FriendlyName}'",
        AlternateVmSet => $"Create VM '{TargetVMName}' from '{item.FriendlyName}'",
        OriginalVmSet => $"OVERWRITE VM '{item.FriendlyName}' with this recovery point",
        FileShareSet => ItemPath is null ? $"Restore share '{item.FriendlyName}' ({ConflictPolicy})" : $"Restore {ItemPath.Length} path(s) of '{item.FriendlyName}' ({ConflictPolicy})",
        _ => OriginalLocation ? $"OVERWRITE database '{item.FriendlyName}'" : $"Restore database '{item.FriendlyName}' as '{TargetDatabaseName ?? item.FriendlyName}'",
    };

    private async Task<JsonObject> BuildBodyAsync(RecoveryPoint rp, BackupItem item, RecoveryVaultResourceId vault, CancellationToken ct)
    {
        switch (ParameterSetName)
        {
            case FileShareSet:
                return new FileShareRestoreRequest
                {
                    SourceResourceId = item.SourceResourceId,
                    ConflictPolicy = ConflictPolicy,
                    Files = ItemPath?.Select((p, i) => new FileSpec(p, ItemType!.Length == 1 ? ItemType[0] : ItemType[i])).ToArray(),
                    TargetFolder = TargetFolder,
                    TargetStorageAccountId = TargetStorageAccountId,
                    TargetFileShareName = TargetFileShareName,
                }.ToBody(item.FriendlyName);
            case SqlSet:
                // The list answer may leave out a point's extended info; the point's own GET carries its files.
                var files = SqlFile.Read(rp.Properties);
                if (files.Count == 0 && !OriginalLocation)
                {
                    files = SqlFile.Read((await Session.GetBackupAsync(vault, BackupPath.RecoveryPoint(rp.ItemId, rp.Name), ct).ConfigureAwait(false)).Properties);
                }
                if (files.Count == 0 && !OriginalLocation)
                {
                    // A log (point-in-time) point carries no file list; the database's files are those of its full
                    // and differential points.
                    await foreach (var other in Session.ListBackupAsync(vault, new RecoveryPointQuery(rp.ItemId).ToRequest(Session.ServiceNow), ct).ConfigureAwait(false))
                    {
                        if (SqlFile.Read(other.Properties) is { Count: > 0 } found)
                        {
                            files = found;
                            break;
                        }
                    }
                }
                return new SqlRestoreRequest
                {
                    SourceResourceId = item.SourceResourceId,
                    OriginalLocation = OriginalLocation,
                    DatabaseName = TargetDatabaseName ?? item.FriendlyName,
                    TargetContainerId = TargetContainerId ?? $"{vault}/{BackupPath.Container(BackupPath.AzureFabric, item.ContainerName ?? string.Empty)}",
                    Files = files,
                    DataFilePath = DataFilePath,
                    LogFilePath = LogFilePath,
                    PointInTime = UserTime(PointInTime),
                }.ToBody();
            default:
                var location = (await Session.GetVaultAsync(vault.SubscriptionId, vault.ResourceGroupName!, vault.Name, ct).ConfigureAwait(false)).Location
                    ?? throw new BackupRequestException("InvalidParameterCombination", $"Vault '{vault.Name}' has no location.");
                return new VmRestoreRequest
                {
                    RecoveryType = ParameterSetName switch { AlternateVmSet => "AlternateLocation", OriginalVmSet => "OriginalLocation", _ => "RestoreDisks" },
                    RecoveryPointId = rp.Name,
                    SourceResourceId = item.SourceResourceId,
                    Region = location,
                    StorageAccountId = StagingStorageAccountId,
                    RecoveryPoint = rp.Properties,
                    TargetSubscriptionId = TargetSubscriptionId,
                    TargetResourceGroupName = TargetResourceGroupName,
                    TargetVmName = ParameterSetName == AlternateVmSet ? TargetVMName : null,
                    VirtualNetworkId = ParameterSetName == AlternateVmSet ? TargetVirtualNetworkId : null,
                    SubnetName = TargetSubnetName,
                    OriginalStorageAccount = UseOriginalStorageAccount,
                    DiskLuns = RestoreDiskLun,
                    Zone = TargetZone,
                    DiskEncryptionSetId = DiskEncryptionSetId,
                }.ToBody(vault.SubscriptionId);
        }
    }
}
