// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Text.Json.Nodes;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Starts protecting a VM, file share or SQL database with a policy. Protecting what is already protected says so and succeeds.</summary>
[Cmdlet(VerbsLifecycle.Enable, "RecoveryVaultProtection", SupportsShouldProcess = true, DefaultParameterSetName = ProtectableSet)]
[OutputType(typeof(BackupJob), typeof(BackupItem), typeof(RecoveryVaultBackgroundJob))]
public sealed class EnableRecoveryVaultProtectionCommand : BackupJobCmdletBase
{
    private const string ProtectableSet = "ByProtectableItem";
    private const string VmSet = "ByVirtualMachineId";

    /// <summary>What to protect (from Get-RecoveryVaultProtectableItem).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ProtectableSet)]
    [ValidateNotNull]
    public ProtectableItem? InputObject { get; set; }

    /// <summary>Azure VM resource id to protect.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = VmSet)]
    [Alias("VirtualMachineId")]
    [ValidateNotNullOrEmpty]
    public string SourceResourceId { get; set; } = string.Empty;

    /// <summary>Policy to protect with; its vault is the vault used.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public BackupPolicy? Policy { get; set; }

    /// <summary>VM data disk LUNs to leave out of the backup.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public int[]? ExcludeDiskLun { get; set; }

    /// <summary>Only these VM data disk LUNs (plus the OS disk) are backed up.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public int[]? IncludeDiskLun { get; set; }

    /// <summary>Back up the OS disk only.</summary>
    [Parameter]
    public SwitchParameter ExcludeAllDataDisks { get; set; }

    /// <summary>Back up every disk again (clears an inclusion or exclusion list).</summary>
    [Parameter]
    public SwitchParameter ResetDiskExclusion { get; set; }

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
        var policy = Policy!;
        var vault = RecoveryVaultResourceId.Parse(policy.VaultId);
        string? container = null, item = null;
        string? source;
        WorkloadDescriptor? kind;
        if (ParameterSetName == VmSet)
        {
            if (!RecoveryVaultResourceId.TryParse(SourceResourceId, out var vm, out var error)
                || !string.Equals(vm.ResourceType, "Microsoft.Compute/virtualMachines", StringComparison.OrdinalIgnoreCase))
            {
                WriteError(InputError(vm is null ? error : $"'{SourceResourceId}' is not a virtual machine id.", ErrorIds.InvalidResourceId, SourceResourceId));
                return;
            }
            kind = WorkloadCatalogue.AzureVM;
            source = vm.ToString();
        }
        else
        {
            var p = InputObject!;
            kind = WorkloadCatalogue.Find(p.Kind);
            (_, container, item) = BackupPath.ItemParts(p.Id);
            source = p.SourceResourceId;
            if (!string.Equals(p.VaultId, policy.VaultId, StringComparison.OrdinalIgnoreCase))
            {
                WriteError(InputError($"The item was discovered in vault '{p.VaultName}' but the policy belongs to '{policy.VaultName}'.", ErrorIds.InvalidParameterCombination, p.Id));
                return;
            }
        }
        if (kind is null || !kind.Protectable || !string.Equals(policy.Kind, kind.Name, StringComparison.OrdinalIgnoreCase))
        {
            WriteError(InputError($"Policy '{policy.Name}' is for {policy.Kind ?? "another kind"}, not for {kind?.Name ?? "this item"}.", ErrorIds.InvalidParameterCombination, policy.Id));
            return;
        }
        var diskSwitches = new[] { ExcludeDiskLun is not null, IncludeDiskLun is not null, ExcludeAllDataDisks.IsPresent, ResetDiskExclusion.IsPresent }.Count(x => x);
        if (diskSwitches > 1)
        {
            WriteError(InputError("Use one of -IncludeDiskLun, -ExcludeDiskLun, -ExcludeAllDataDisks or -ResetDiskExclusion.", ErrorIds.InvalidParameterCombination, item ?? source));
            return;
        }
        if (diskSwitches == 1 && kind != WorkloadCatalogue.AzureVM)
        {
            WriteError(InputError("Disk inclusion/exclusion applies to Azure VMs only.", ErrorIds.UnsupportedForKind, item ?? source));
            return;
        }
        DiskExclusion? disks = IncludeDiskLun is { } inc ? new DiskExclusion(inc, true)
            : ExcludeDiskLun is { } exc ? new DiskExclusion(exc, false)
            : ExcludeAllDataDisks ? DiskExclusion.OsDiskOnly
            : ResetDiskExclusion ? DiskExclusion.AllDisks
            : null;
        Run(async ct =>
        {
            var target = item is null ? source! : $"{vault}/{BackupPath.Item(BackupPath.AzureFabric, container!, item)}";
            try
            {
                if (ParameterSetName == VmSet)
                {
                    (container, item) = await FindVmAsync(vault, source!, ct).ConfigureAwait(false);
                    target = $"{vault}/{BackupPath.Item(BackupPath.AzureFabric, container!, item)}";
                }
                var path = BackupPath.Item(BackupPath.AzureFabric, container!, item!);
                BackupItem? existing = null;
                try
                {
                    existing = new BackupItem(await Session.GetBackupAsync(vault, path, ct).ConfigureAwait(false), vault.ToString());
                }
                catch (RecoveryVaultServiceException ex) when (ex.Status == 404)
                {
                }
                var samePolicy = existing is not null && existing.ProtectionState is "Protected" or "IRPending" && string.Equals(existing.PolicyName, policy.Name, StringComparison.OrdinalIgnoreCase);
                var sameDisks = disks is null || disks.SameAs(existing?.Disks) || (existing?.Disks is null && disks.Luns.Count == 0 && !disks.IsInclusionList);
                if (samePolicy && sameDisks)
                {
                    AlreadyDone(existing!, $"'{existing!.FriendlyName}' is already protected by policy '{policy.Name}' in vault '{vault.Name}'; nothing to do.");
                    return;
                }
                // A PUT replaces the item: keep the disks it has unless new ones were asked for.
                var request = new ProtectionRequest(kind, source, policy.Id) { Disks = disks ?? existing?.Disks };
                var what = samePolicy ? $"Back up {disks} (policy '{policy.Name}' unchanged)" : $"Protect with policy '{policy.Name}'" + (disks is null ? string.Empty : $", {disks}");
                if (!await ShouldProcessAsync(target, what).ConfigureAwait(false))
                {
                    return;
                }
                await ChangeItemAsync(vault, path, "PUT", path, request.ToBody(), target, ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, target, ErrorIds.ItemNotFound);
            }
        });
    }

    /// <summary>
    /// The container and item names of a VM: from what is already protected, else from the vault's protectable
    /// items, discovering first (refreshContainers) when the VM is not one yet, as Azure requires and the Az module
    /// does.
    /// </summary>
    /// <remarks>
    /// A VM still missing after discovery is asked for anyway: the service then says why (another vault protects
    /// it, it is in another region, it does not exist), which is more than the client can know.
    /// </remarks>
    private async Task<(string Container, string Item)> FindVmAsync(RecoveryVaultResourceId vault, string vmId, CancellationToken ct)
    {
        var vm = RecoveryVaultResourceId.Parse(vmId);
        var kind = WorkloadCatalogue.AzureVM;
        var (container, item) = (kind.ContainerName(vm.ResourceGroupName!, vm.Name), kind.ItemName(vm.ResourceGroupName!, vm.Name));
        await foreach (var d in Session.ListBackupAsync(vault, new ItemQuery { Kind = kind }.ToRequest(), ct).ConfigureAwait(false))
        {
            if (string.Equals(d.Read("sourceResourceId") ?? d.Read("virtualMachineId"), vmId, StringComparison.OrdinalIgnoreCase))
            {
                var (_, c, i) = BackupPath.ItemParts(d.Id!);
                return (c, i);
            }
        }
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await foreach (var d in Session.ListBackupAsync(vault, new ProtectableItemQuery(kind).ToRequest(), ct).ConfigureAwait(false))
            {
                if (string.Equals(d.Read("virtualMachineId"), vmId, StringComparison.OrdinalIgnoreCase))
                {
                    return (container, item);
                }
            }
            if (attempt == 0)
            {
                await GetRecoveryVaultProtectableItemCommand.DiscoverAsync(Session, vault, kind, EmitVerbose, ct).ConfigureAwait(false);
            }
        }
        EmitVerbose($"VM {vmId} is not a protectable item of vault {vault.Name} even after discovery; asking the service to protect it anyway.");
        return (container, item);
    }
}
