// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Text.Json.Nodes;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Instant file recovery: mounts a VM recovery point (iSCSI), saves the script that attaches it to -Path, and returns
/// the script's password and when the mount expires.
/// </summary>
[Cmdlet(VerbsData.Mount, "RecoveryVaultRecoveryPoint", SupportsShouldProcess = true)]
[OutputType(typeof(FileRecoveryMount))]
public sealed class MountRecoveryVaultRecoveryPointCommand : RecoveryVaultCmdletBase
{
    /// <summary>A VM recovery point.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [ValidateNotNull]
    public RecoveryPoint? RecoveryPoint { get; set; }

    /// <summary>Folder to save the mount script in (default: current folder).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = ".";

    /// <summary>iSCSI initiator name of the machine that will run the script (default: one made from this computer's name).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? InitiatorName { get; set; }

    /// <summary>Extend a mount of this point that is still open instead of failing or making a second one.</summary>
    [Parameter]
    public SwitchParameter RenewExisting { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var rp = RecoveryPoint!;
        if (rp.ItemKind != WorkloadCatalogue.AzureVM.Name)
        {
            WriteError(InputError($"Instant file recovery mounts VM recovery points; this one is {rp.ItemKind}.", ErrorIds.UnsupportedForKind, rp.Id));
            return;
        }
        if (rp.IsEncrypted)
        {
            // Azure Backup docs, "Recover files from Azure VM backup": file recovery is not supported for encrypted VMs' points.
            WriteError(InputError($"Recovery point {rp.Name} of '{rp.ItemName}' is of an encrypted VM; Azure cannot mount it for file recovery. Restore its disks instead (Restore-RecoveryVaultItem -RestoreDisks).",
                ErrorIds.UnsupportedForKind, rp.Id));
            return;
        }
        // Checked before mounting: a point mounted with nowhere to save its script stays open for 12 hours.
        string folder;
        try
        {
            folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path, out var provider, out _);
            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider) || File.Exists(folder))
            {
                WriteError(InputError($"-Path '{Path}' must be a folder of the file system (it is created if missing).", ErrorIds.InvalidParameterCombination, rp.Id));
                return;
            }
        }
        catch (SessionStateException ex)
        {
            WriteError(InputError($"-Path '{Path}' cannot be used: {ex.Message}", ErrorIds.InvalidParameterCombination, rp.Id));
            return;
        }
        var vault = RecoveryVaultResourceId.Parse(rp.VaultId);
        Run(async ct =>
        {
            if (!await ShouldProcessAsync(rp.Id, "Mount recovery point for file recovery").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                var item = new BackupItem(await Session.GetBackupAsync(vault, BackupPath.Item(rp.ItemId), ct).ConfigureAwait(false), vault.ToString());
                var request = new IlrRequest(rp.Name, item.SourceResourceId,
                    InitiatorName ?? "iqn.2016-01.com.recoveryvault:" + Environment.MachineName.ToLowerInvariant(), RenewExisting);
                var result = await Session.BackupOperationAsync(vault, "POST", BackupPath.RecoveryPoint(rp.ItemId, rp.Name) + "/provisionInstantItemRecovery", request.ToBody(), wait: true, ct).ConfigureAwait(false);
                if (result.Status?["properties"]?["recoveryTarget"]?["clientScripts"] is not JsonArray scripts)
                {
                    EmitError(new ErrorRecord(new InvalidOperationException("The service mounted the point but returned no client script."), ErrorIds.ServiceError, ErrorCategory.InvalidResult, rp.Id));
                    return;
                }
                IlrScript script;
                byte[] bytes;
                try
                {
                    script = IlrScript.Select(scripts, $"{item.FriendlyName}_{rp.Name}");
                    bytes = script.DownloadUrl is { } url ? await Session.DownloadAsync(url, ct).ConfigureAwait(false) : script.Content;
                }
                catch (FormatException ex)
                {
                    EmitError(new ErrorRecord(new InvalidOperationException($"The service's file recovery script cannot be used: {ex.Message}", ex), ErrorIds.ServiceError, ErrorCategory.InvalidResult, rp.Id));
                    return;
                }
                Directory.CreateDirectory(folder);
                var file = System.IO.Path.Combine(folder, System.IO.Path.GetFileName(script.FileName));
                await File.WriteAllBytesAsync(file, bytes, ct).ConfigureAwait(false);
                Emit(new FileRecoveryMount(rp, item.FriendlyName, file, script.OsType, script.Password, DateTimeOffset.UtcNow.AddHours(12)));
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, rp.Id, ErrorIds.RecoveryPointNotFound);
            }
        });
    }
}
