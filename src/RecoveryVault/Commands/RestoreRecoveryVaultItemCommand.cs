// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
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

    /// <summary>Another storage account to restore the share into.</summary>
    [Parameter(ParameterSetName = FileShareSet)]
    [ValidateNotNullOrEmpty]
    public string? TargetStorageAccountId { get; set; }

    /// <summary>File share in the target account.</summary>
    [Parameter(ParameterSetName = FileShareSet)]
    [ValidateNotNullOrEmpty]
    public string? TargetFileShareName { get; set; }

    /// <summary>What to do with files that exist: Overwrite or Skip.</summary>
    [Parameter(ParameterSetName = FileShareSet)]
    [ValidateSet("Overwrite", "Skip")]
    public string ConflictPolicy { get; set; } = "Overwrite";

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
        var expected = ParameterSetName switch { FileShareSet => BackupKinds.AzureFileShare, SqlSet => BackupKinds.SqlDatabase, _ => BackupKinds.AzureVM };
        if (!string.Equals(kind, expected, StringComparison.OrdinalIgnoreCase))
        {
            WriteError(InputError($"This is a {kind} recovery point; the {ParameterSetName} parameters restore {expected} items.", ErrorIds.InvalidParameterCombination, rp.Id));
            return;
        }
        var itemPath = BackupPaths.Item(rp.ItemId);
        Run(async ct =>
        {
            try
            {
                var item = new BackupItem(await Session.GetBackupAsync(vault, itemPath, ct).ConfigureAwait(false), vault.ToString());
                var body = BuildBody(rp, item, vault);
                if (body is null)
                {
                    return;
                }
                if (!await ShouldProcessAsync(rp.Id, Describe(item)).ConfigureAwait(false))
                {
                    return;
                }
                var result = await Session.BackupOperationAsync(vault, "POST", BackupPaths.RecoveryPoint(rp.ItemId, rp.Name) + "/restore",
                    new JsonObject { ["properties"] = body }, wait: false, ct).ConfigureAwait(false);
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

    private JsonObject? BuildBody(RecoveryPoint rp, BackupItem item, RecoveryVaultResourceId vault)
    {
        var sub = vault.SubscriptionId;
        switch (ParameterSetName)
        {
            case FileShareSet:
                var fs = new JsonObject
                {
                    ["objectType"] = "AzureFileShareRestoreRequest",
                    ["recoveryType"] = TargetStorageAccountId is null ? "OriginalLocation" : "AlternateLocation",
                    ["sourceResourceId"] = item.SourceResourceId,
                    ["copyOptions"] = ConflictPolicy,
                    ["restoreRequestType"] = ItemPath is null ? "FullShareRestore" : "ItemLevelRestore",
                };
                if (ItemPath is not null)
                {
                    fs["restoreFileSpecs"] = new JsonArray(ItemPath.Select(p => (JsonNode)new JsonObject
                    {
                        ["path"] = p, ["fileSpecType"] = p.EndsWith('/') ? "Directory" : "File",
                    }).ToArray());
                }
                if (TargetStorageAccountId is not null)
                {
                    fs["targetDetails"] = new JsonObject { ["name"] = TargetFileShareName ?? item.FriendlyName, ["targetResourceId"] = TargetStorageAccountId };
                }
                return fs;
            case SqlSet:
                var sql = new JsonObject
                {
                    ["objectType"] = PointInTime is null ? "AzureWorkloadSQLRestoreRequest" : "AzureWorkloadSQLPointInTimeRestoreRequest",
                    ["recoveryType"] = OriginalLocation ? "OriginalLocation" : "AlternateLocation",
                    ["sourceResourceId"] = item.SourceResourceId,
                    ["shouldUseAlternateTargetLocation"] = !OriginalLocation,
                    ["targetInfo"] = new JsonObject
                    {
                        ["overwriteOption"] = OriginalLocation ? "Overwrite" : "FailOnConflict",
                        ["databaseName"] = TargetDatabaseName ?? item.FriendlyName,
                        ["containerId"] = TargetContainerId ?? $"{vault}/backupFabrics/Azure/protectionContainers/{item.ContainerName}",
                    },
                };
                if (PointInTime is { } pit)
                {
                    sql["pointInTime"] = pit.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                }
                return sql;
            default:
                var vm = new JsonObject
                {
                    ["objectType"] = "IaasVMRestoreRequest",
                    ["recoveryPointId"] = rp.Name,
                    ["recoveryType"] = ParameterSetName switch { AlternateVmSet => "AlternateLocation", OriginalVmSet => "OriginalLocation", _ => "RestoreDisks" },
                    ["sourceResourceId"] = item.SourceResourceId,
                    ["storageAccountId"] = StagingStorageAccountId,
                    ["createNewCloudService"] = false,
                    ["originalStorageAccountOption"] = false,
                    ["encryptionDetails"] = new JsonObject { ["encryptionEnabled"] = false },
                };
                if (TargetResourceGroupName is not null)
                {
                    vm["targetResourceGroupId"] = $"/subscriptions/{sub}/resourceGroups/{TargetResourceGroupName}";
                }
                if (ParameterSetName == AlternateVmSet)
                {
                    vm["targetVirtualMachineId"] = $"/subscriptions/{sub}/resourceGroups/{TargetResourceGroupName}/providers/Microsoft.Compute/virtualMachines/{TargetVMName}";
                    vm["virtualNetworkId"] = TargetVirtualNetworkId;
                    vm["subnetId"] = $"{TargetVirtualNetworkId}/subnets/{TargetSubnetName}";
                }
                return vm;
        }
    }
}
