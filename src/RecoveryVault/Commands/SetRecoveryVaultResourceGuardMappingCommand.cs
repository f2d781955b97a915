// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Security;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Maps a vault to a resource guard (backupResourceGuardProxies/VaultProxy): from then on its critical operations
/// need the guard's approval. The caller needs Reader on the guard; for a guard in another tenant the token for that
/// tenant is acquired from the connection (or given with -ResourceGuardToken, as Az's -Token).
/// </summary>
[Cmdlet(VerbsCommon.Set, "RecoveryVaultResourceGuardMapping", DefaultParameterSetName = ByNameSet, SupportsShouldProcess = true)]
[OutputType(typeof(ResourceGuardMapping))]
public sealed class SetRecoveryVaultResourceGuardMappingCommand : VaultTargetCmdletBase
{
    /// <summary>The guard's resource id (Get-RecoveryVaultResourceGuard's Id).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string ResourceGuardId { get; set; } = string.Empty;

    /// <summary>An access token for the guard's tenant; without it one is acquired from the connected credential.</summary>
    [Parameter]
    public SecureString? ResourceGuardToken { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var id = ResolveVaultId();
        if (id is null)
        {
            return;
        }
        if (ResourceGuardSupport.GuardIdProblem(ResourceGuardId) is { } problem)
        {
            WriteError(InputError(problem, ErrorIds.InvalidResourceId, ResourceGuardId));
            return;
        }
        var token = ResourceGuardSupport.Plain(ResourceGuardToken);
        Run(async ct =>
        {
            if (!await ShouldProcessAsync(id.ToString(), $"Protect with resource guard '{ResourceGuardId}' (multi-user authorization)").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                Emit(new ResourceGuardMapping(await Session.SetResourceGuardMappingAsync(id, ResourceGuardId, token, ct).ConfigureAwait(false), id.ToString()));
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, id.ToString(), ErrorIds.VaultNotFound);
            }
        });
    }
}
