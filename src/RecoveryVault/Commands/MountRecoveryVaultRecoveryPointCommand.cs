// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Text;
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

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var rp = RecoveryPoint!;
        if (rp.ItemKind != BackupKinds.AzureVM)
        {
            WriteError(InputError($"Instant file recovery mounts VM recovery points; this one is {rp.ItemKind}.", ErrorIds.UnsupportedForKind, rp.Id));
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
                var item = new BackupItem(await Session.GetBackupAsync(vault, BackupPaths.Item(rp.ItemId), ct).ConfigureAwait(false), vault.ToString());
                var body = new JsonObject
                {
                    ["properties"] = new JsonObject
                    {
                        ["objectType"] = "IaasVMILRRegistrationRequest", ["recoveryPointId"] = rp.Name, ["virtualMachineId"] = item.SourceResourceId,
                        ["initiatorName"] = InitiatorName ?? "iqn.2016-01.com.recoveryvault:" + Environment.MachineName.ToLowerInvariant(), ["renewExistingRegistration"] = false,
                    },
                };
                var result = await Session.BackupOperationAsync(vault, "POST", BackupPaths.RecoveryPoint(rp.ItemId, rp.Name) + "/provisionInstantItemRecovery", body, wait: true, ct).ConfigureAwait(false);
                var scripts = result.Status?["properties"]?["recoveryTarget"]?["clientScripts"] as JsonArray;
                // The service returns the script for the VM's own OS.
                var script = scripts?.OfType<JsonObject>().FirstOrDefault();
                if (script is null)
                {
                    EmitError(new ErrorRecord(new InvalidOperationException("The service mounted the point but returned no client script."), ErrorIds.ServiceError, ErrorCategory.InvalidResult, rp.Id));
                    return;
                }
                Directory.CreateDirectory(folder);
                var content = script["scriptContent"]?.ToString() ?? string.Empty;
                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(content);
                }
                catch (FormatException)
                {
                    bytes = Encoding.UTF8.GetBytes(content);
                }
                var suffix = script["scriptNameSuffix"]?.ToString();
                var baseName = string.IsNullOrEmpty(suffix) ? $"{item.FriendlyName}_{rp.Name}" : suffix.Trim('_');
                var file = System.IO.Path.Combine(folder, baseName + script["scriptExtension"]);
                await File.WriteAllBytesAsync(file, bytes, ct).ConfigureAwait(false);
                Emit(new FileRecoveryMount(rp, item.FriendlyName, file, script["osType"]?.ToString(), script["password"]?.ToString() ?? suffix?.Trim('_'), DateTimeOffset.UtcNow.AddHours(12)));
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, rp.Id, ErrorIds.RecoveryPointNotFound);
            }
        });
    }
}
