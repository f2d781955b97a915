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
/// backupStatus of the source's subscription and region. For a whole subscription (-SubscriptionId / -Unprotected)
/// it asks for every virtual machine, the compliance question "which VMs have no backup at all?".
/// </summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultBackupStatus", DefaultParameterSetName = ByResourceIdSet)]
[OutputType(typeof(BackupStatus))]
public sealed class GetRecoveryVaultBackupStatusCommand : RecoveryVaultCmdletBase
{
    private const string ByResourceIdSet = "ByResourceId";
    private const string BySubscriptionSet = "BySubscription";

    /// <summary>The VM or storage account id; any piped object with an Id binds.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByResourceIdSet)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string ResourceId { get; set; } = string.Empty;

    /// <summary>The file share, when -ResourceId is a storage account.</summary>
    [Parameter(ParameterSetName = ByResourceIdSet)]
    [ValidateNotNullOrEmpty]
    public string? FileShareName { get; set; }

    /// <summary>The source's region; read from the resource itself when not given.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = ByResourceIdSet)]
    [ValidateNotNullOrEmpty]
    public string? Location { get; set; }

    /// <summary>Every virtual machine of this subscription (default: the connected one).</summary>
    [Parameter(ParameterSetName = BySubscriptionSet)]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    /// <summary>Only the virtual machines no vault protects.</summary>
    [Parameter(ParameterSetName = BySubscriptionSet)]
    public SwitchParameter Unprotected { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == BySubscriptionSet)
        {
            SweepSubscription();
            return;
        }
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

    /// <summary>
    /// Lists the subscription's VMs (VirtualMachines_ListAll) and asks backupStatus for each in its own region: the
    /// same answer Azure gives per VM, so it covers every vault of the subscription, including ones the caller cannot
    /// list.
    /// </summary>
    private void SweepSubscription()
    {
        var subscriptionId = SubscriptionId ?? Session.SubscriptionId!;
        if (!CheckScope(subscriptionId, null, subscriptionId))
        {
            return;
        }
        var onlyUnprotected = Unprotected.IsPresent;
        Run(async ct =>
        {
            var vms = new List<(string Id, string Location)>();
            try
            {
                await foreach (var vm in Session.ListVirtualMachinesAsync(subscriptionId, ct).ConfigureAwait(false))
                {
                    if (vm.Id is { } vmId && vm.Location is { } vmLocation)
                    {
                        vms.Add((vmId, vmLocation));
                    }
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, "/subscriptions/" + subscriptionId, ErrorIds.SubscriptionNotFound);
                return;
            }
            var n = 0;
            foreach (var (vmId, vmLocation) in vms)
            {
                EmitProgress(new ProgressRecord(1, "Backup status of the subscription's virtual machines", vmId) { PercentComplete = 100 * n++ / Math.Max(1, vms.Count) });
                try
                {
                    var region = vmLocation.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
                    var answer = await Session.GetBackupStatusAsync(new BackupStatusRequest(subscriptionId, region, vmId, null), ct).ConfigureAwait(false);
                    var status = new BackupStatus(vmId, null, region, answer);
                    if (!onlyUnprotected || !status.IsProtected)
                    {
                        Emit(status);
                    }
                }
                catch (RecoveryVaultServiceException ex)
                {
                    // One VM that cannot be asked about (gone meanwhile, no rights) does not stop the sweep.
                    EmitServiceError(ex, vmId, ErrorIds.ResourceNotFound);
                }
            }
            EmitProgress(new ProgressRecord(1, "Backup status of the subscription's virtual machines", "Done") { RecordType = ProgressRecordType.Completed });
        });
    }
}
