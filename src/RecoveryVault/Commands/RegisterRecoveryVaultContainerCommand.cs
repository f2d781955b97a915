// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Text.Json.Nodes;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Registers a storage account (file shares) or a SQL Server VM with a vault, so its shares or databases can be protected.</summary>
[Cmdlet(VerbsLifecycle.Register, "RecoveryVaultContainer", SupportsShouldProcess = true, DefaultParameterSetName = StorageSet)]
[OutputType(typeof(BackupContainer))]
public sealed class RegisterRecoveryVaultContainerCommand : VaultScopedCmdletBase
{
    private const string StorageSet = "StorageAccount";
    private const string SqlSet = "SqlVirtualMachine";

    /// <summary>Storage account whose file shares will be protected.</summary>
    [Parameter(Mandatory = true, ParameterSetName = StorageSet)]
    [ValidateNotNullOrEmpty]
    public string StorageAccountId { get; set; } = string.Empty;

    /// <summary>VM running SQL Server whose databases will be protected.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SqlSet)]
    [ValidateNotNullOrEmpty]
    public string VirtualMachineId { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var vault = ResolveVault();
        if (vault is null)
        {
            return;
        }
        var sourceText = ParameterSetName == StorageSet ? StorageAccountId : VirtualMachineId;
        var expectedType = ParameterSetName == StorageSet ? "Microsoft.Storage/storageAccounts" : "Microsoft.Compute/virtualMachines";
        if (!RecoveryVaultResourceId.TryParse(sourceText, out var source, out var error) || !string.Equals(source.ResourceType, expectedType, StringComparison.OrdinalIgnoreCase))
        {
            WriteError(InputError(source is null ? error : $"'{sourceText}' is not a {expectedType} id.", ErrorIds.InvalidResourceId, sourceText));
            return;
        }
        var (name, properties) = ParameterSetName == StorageSet
            ? ($"StorageContainer;Storage;{source.ResourceGroupName};{source.Name}", new JsonObject
            {
                ["containerType"] = "StorageContainer", ["sourceResourceId"] = source.ToString(), ["backupManagementType"] = "AzureStorage", ["friendlyName"] = source.Name,
            })
            : ($"VMAppContainer;Compute;{source.ResourceGroupName};{source.Name}", new JsonObject
            {
                ["containerType"] = "VMAppContainer", ["sourceResourceId"] = source.ToString(), ["backupManagementType"] = "AzureWorkload",
                ["workloadType"] = "SQLDataBase", ["friendlyName"] = source.Name,
            });
        var path = BackupPath.Container("Azure", name);
        Run(async ct =>
        {
            if (!await ShouldProcessAsync($"{vault}/{path}", $"Register {source.Name} with the vault").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                await Session.BackupOperationAsync(vault, "PUT", path, new JsonObject { ["properties"] = properties }, wait: true, ct).ConfigureAwait(false);
                Emit(new BackupContainer(await Session.GetBackupAsync(vault, path, ct).ConfigureAwait(false), vault.ToString()));
            }
            catch (RecoveryVaultServiceException ex)
            {
                // The container is being created and a missing source resource is a 400: a 404 can only be the vault.
                EmitServiceError(ex, $"{vault}/{path}", ErrorIds.VaultNotFound);
            }
        });
    }
}
