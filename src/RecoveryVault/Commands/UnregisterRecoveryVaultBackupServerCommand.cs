// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Backup;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Unregisters an Azure Backup Server or DPM server from its vault (RegisteredIdentities_Delete): the servers it
/// protects and their items go with it, and so does their backup data in the vault.
/// </summary>
[Cmdlet(VerbsLifecycle.Unregister, "RecoveryVaultBackupServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(void))]
public sealed class UnregisterRecoveryVaultBackupServerCommand : VaultScopedCmdletBase
{
    private const string ByNameSet = "ByName";
    private const string ByResourceIdSet = "ByResourceId";
    private const string ByInputObjectSet = "ByInputObject";

    /// <summary>The registered name of the server (with a vault).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>The server's resource id (…/backupEngines/{name}).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByResourceIdSet)]
    [ValidateNotNullOrEmpty]
    public string ResourceId { get; set; } = string.Empty;

    /// <summary>The server (from Get-RecoveryVaultBackupServer).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByInputObjectSet)]
    [ValidateNotNull]
    public BackupServer? InputObject { get; set; }

    /// <summary>Do not ask for confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        RecoveryVaultResourceId? vault;
        string name;
        switch (ParameterSetName)
        {
            case ByInputObjectSet:
                vault = RecoveryVaultResourceId.Parse(InputObject!.VaultId);
                name = InputObject.Name;
                break;
            case ByResourceIdSet:
                if (!RecoveryVaultResourceId.TryParse(ResourceId, out var id, out var error) || id.GetVaultId() is null || HybridPaths.EngineName(ResourceId) is not { } engine)
                {
                    WriteError(InputError(id is null ? error : $"'{ResourceId}' is not a backup server id (…/vaults/{{vault}}/backupEngines/{{name}}).", ErrorIds.InvalidResourceId, ResourceId));
                    return;
                }
                vault = id.GetVaultId();
                name = engine;
                break;
            default:
                vault = ResolveVault();
                name = Name;
                break;
        }
        if (vault is null)
        {
            return;
        }
        var target = $"{vault}/{HybridPaths.BackupEngines}/{name}";
        var ask = IsWhatIf || !Force;
        Run(async ct =>
        {
            // -Force answers the High-impact prompt; -WhatIf still only describes.
            if (ask && !await ShouldProcessAsync(target, "Unregister backup server (its protected servers, items and their backup data in the vault are deleted)").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                // The engine must be there: the delete itself answers 204 for an unknown name too (ARM deletes are idempotent).
                var found = false;
                await foreach (var d in Session.ListBackupEnginesAsync(vault, ct).ConfigureAwait(false))
                {
                    found |= string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase);
                }
                if (!found)
                {
                    EmitError(new ErrorRecord(new ItemNotFoundException($"No backup server named '{name}' is registered with vault {vault.Name}."),
                        ErrorIds.BackupServerNotFound, ErrorCategory.ObjectNotFound, target));
                    return;
                }
                await Session.UnregisterIdentityAsync(vault, name, ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, target, ErrorIds.VaultNotFound);
            }
        });
    }
}
