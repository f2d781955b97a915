// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Backup;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Answers "is this VM (or file share) backed up, and by which vault?" without knowing the vault: Azure Backup's
/// backupStatus of the source's subscription and region.
/// </summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultBackupStatus")]
[OutputType(typeof(BackupStatus))]
public sealed class GetRecoveryVaultBackupStatusCommand : RecoveryVaultCmdletBase
{
    /// <summary>The VM or storage account id; any piped object with an Id binds.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string ResourceId { get; set; } = string.Empty;

    /// <summary>The file share, when -ResourceId is a storage account.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? FileShareName { get; set; }

    /// <summary>The source's region; read from the resource itself when not given.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Location { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var resourceId = ResourceId;
        if (!RecoveryVaultResourceId.TryParse(resourceId, out var id, out var error) || !CheckScope(id.SubscriptionId, id.ResourceGroupName, resourceId, resourceId))
        {
            if (id is null)
            {
                WriteError(InputError(error, ErrorIds.InvalidResourceId, resourceId));
            }
            return;
        }
        var type = BackupStatusRequest.ResourceTypeOf(resourceId);
        if (type is null)
        {
            WriteError(InputError($"'{resourceId}' is not a virtual machine (Microsoft.Compute/virtualMachines) or a storage account (Microsoft.Storage/storageAccounts).", ErrorIds.InvalidResourceId, resourceId));
            return;
        }
        if ((type == "AzureFileShare") != (FileShareName is not null))
        {
            WriteError(InputError(type == "AzureFileShare"
                ? $"'{resourceId}' is a storage account: name the share with -FileShareName (its status is per file share)."
                : "-FileShareName goes with a storage account id, not a virtual machine.", ErrorIds.InvalidParameterCombination, resourceId));
            return;
        }
        var share = FileShareName;
        var location = Location;
        Run(async ct =>
        {
            try
            {
                location ??= await Session.GetResourceLocationAsync(resourceId, ct).ConfigureAwait(false);
                if (string.IsNullOrEmpty(location))
                {
                    EmitError(InputError($"'{resourceId}' has no location; pass -Location.", ErrorIds.InvalidLocation, resourceId));
                    return;
                }
                var region = location.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
                var answer = await Session.GetBackupStatusAsync(new BackupStatusRequest(id.SubscriptionId!, region, resourceId, share), ct).ConfigureAwait(false);
                Emit(new BackupStatus(resourceId, share, region, answer));
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, resourceId, ErrorIds.ResourceNotFound);
            }
        });
    }
}
