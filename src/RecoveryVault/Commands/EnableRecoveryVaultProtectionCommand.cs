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
        string container, item, protectedItemType, kind;
        string? source;
        if (ParameterSetName == VmSet)
        {
            if (!RecoveryVaultResourceId.TryParse(SourceResourceId, out var vm, out var error)
                || !string.Equals(vm.ResourceType, "Microsoft.Compute/virtualMachines", StringComparison.OrdinalIgnoreCase))
            {
                WriteError(InputError(vm is null ? error : $"'{SourceResourceId}' is not a virtual machine id.", ErrorIds.InvalidResourceId, SourceResourceId));
                return;
            }
            kind = BackupKinds.AzureVM;
            container = $"IaasVMContainer;iaasvmcontainerv2;{vm.ResourceGroupName};{vm.Name}";
            item = $"VM;iaasvmcontainerv2;{vm.ResourceGroupName};{vm.Name}";
            source = vm.ToString();
        }
        else
        {
            var p = InputObject!;
            kind = p.Kind ?? string.Empty;
            (_, container, item) = BackupPaths.ItemParts(p.Id);
            source = p.SourceResourceId;
            if (!string.Equals(p.VaultId, policy.VaultId, StringComparison.OrdinalIgnoreCase))
            {
                WriteError(InputError($"The item was discovered in vault '{p.VaultName}' but the policy belongs to '{policy.VaultName}'.", ErrorIds.InvalidParameterCombination, p.Id));
                return;
            }
        }
        protectedItemType = kind switch
        {
            BackupKinds.AzureVM => "Microsoft.Compute/virtualMachines",
            BackupKinds.AzureFileShare => "AzureFileShareProtectedItem",
            BackupKinds.SqlDatabase => "AzureVmWorkloadSQLDatabase",
            _ => string.Empty,
        };
        if (protectedItemType.Length == 0 || !string.Equals(policy.Kind, kind, StringComparison.OrdinalIgnoreCase))
        {
            WriteError(InputError($"Policy '{policy.Name}' is for {policy.Kind ?? "another kind"}, not for {kind}.", ErrorIds.InvalidParameterCombination, policy.Id));
            return;
        }
        if ((ExcludeDiskLun is not null || IncludeDiskLun is not null) && kind != BackupKinds.AzureVM)
        {
            WriteError(InputError("Disk inclusion/exclusion applies to Azure VMs only.", ErrorIds.UnsupportedForKind, item));
            return;
        }
        if (ExcludeDiskLun is not null && IncludeDiskLun is not null)
        {
            WriteError(InputError("Use -IncludeDiskLun or -ExcludeDiskLun, not both.", ErrorIds.InvalidParameterCombination, item));
            return;
        }
        var properties = new JsonObject { ["protectedItemType"] = protectedItemType, ["policyId"] = policy.Id };
        if (source is not null)
        {
            properties["sourceResourceId"] = source;
        }
        if ((IncludeDiskLun ?? ExcludeDiskLun) is { } luns)
        {
            properties["extendedProperties"] = new JsonObject
            {
                ["diskExclusionProperties"] = new JsonObject { ["diskLunList"] = new JsonArray(luns.Select(l => (JsonNode)l).ToArray()), ["isInclusionList"] = IncludeDiskLun is not null },
            };
        }
        var path = $"{BackupPaths.Container("Azure", container)}/protectedItems/{RecoveryVaultResourceId.EscapeSegment(item)}";
        var target = $"{vault}/{path}";
        Run(async ct =>
        {
            try
            {
                BackupItem? existing = null;
                try
                {
                    existing = new BackupItem(await Session.GetBackupAsync(vault, path, ct).ConfigureAwait(false), vault.ToString());
                }
                catch (RecoveryVaultServiceException ex) when (ex.Status == 404)
                {
                }
                if (existing is not null && existing.ProtectionState is "Protected" or "IRPending" && string.Equals(existing.PolicyName, policy.Name, StringComparison.OrdinalIgnoreCase))
                {
                    AlreadyDone(existing, $"'{existing.FriendlyName}' is already protected by policy '{policy.Name}' in vault '{vault.Name}'; nothing to do.");
                    return;
                }
                if (!await ShouldProcessAsync(target, $"Protect with policy '{policy.Name}'").ConfigureAwait(false))
                {
                    return;
                }
                await ChangeItemAsync(vault, path, "PUT", path, new JsonObject { ["properties"] = properties }, target, ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, target, ErrorIds.ItemNotFound);
            }
        });
    }
}
