// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Gets the Azure Backup Servers (MABS) and DPM servers registered with a vault (its backupEngines).</summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultBackupServer")]
[OutputType(typeof(BackupServer))]
public sealed class GetRecoveryVaultBackupServerCommand : VaultScopedCmdletBase
{
    /// <summary>Registered name; wildcards allowed.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var pattern = new WildcardPattern(Name ?? "*", WildcardOptions.IgnoreCase);
        RunOnVault(async (vault, ct) =>
        {
            var any = false;
            await foreach (var d in Session.ListBackupEnginesAsync(vault, ct).ConfigureAwait(false))
            {
                var server = new BackupServer(d, vault.ToString());
                if (pattern.IsMatch(server.Name) || pattern.IsMatch(server.FriendlyName))
                {
                    any = true;
                    Emit(server);
                }
            }
            if (!any && Name is not null && !WildcardPattern.ContainsWildcardCharacters(Name))
            {
                EmitError(new ErrorRecord(new ItemNotFoundException($"No backup server named '{Name}' is registered with vault {vault.Name}."),
                    ErrorIds.BackupServerNotFound, ErrorCategory.ObjectNotFound, Name));
            }
        });
    }
}
