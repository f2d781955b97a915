// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Text.Json.Nodes;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Changes a policy's schedule and/or retention; every item using it follows.</summary>
[Cmdlet(VerbsCommon.Set, "RecoveryVaultPolicy", SupportsShouldProcess = true)]
[OutputType(typeof(BackupPolicy))]
public sealed class SetRecoveryVaultPolicyCommand : RecoveryVaultCmdletBase
{
    /// <summary>The policy (from Get-RecoveryVaultPolicy).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [ValidateNotNull]
    public BackupPolicy? InputObject { get; set; }

    /// <summary>New schedule.</summary>
    [Parameter]
    [ValidateNotNull]
    public BackupSchedule? Schedule { get; set; }

    /// <summary>New retention.</summary>
    [Parameter]
    [ValidateNotNull]
    public BackupRetention? Retention { get; set; }

    /// <summary>For a vault protected by a resource guard: an access token for the guard's tenant (Az's -Token). Without it the token is acquired from the connection.</summary>
    [Parameter]
    public System.Security.SecureString? ResourceGuardToken { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var policy = InputObject!;
        if (Schedule is null && Retention is null)
        {
            WriteError(InputError("Nothing to change: pass -Schedule and/or -Retention.", ErrorIds.InvalidParameterCombination, policy.Id));
            return;
        }
        var vault = Engine.RecoveryVaultResourceId.Parse(policy.VaultId);
        var path = BackupPath.Policy(policy.Name);
        Run(async ct =>
        {
            try
            {
                if (!await ShouldProcessAsync(policy.Id, "Update backup policy").ConfigureAwait(false))
                {
                    return;
                }

                // Changed on the service's current document, not the piped one: a field someone else changed since
                // (or an earlier Set in this script) must survive this change. The read and the write hold the
                // policy's lock so a concurrent Set in this process reads after this one writes.
                var updated = await ResourceLocks.WithLockAsync(policy.Id, async () =>
                {
                    var current = await Session.GetBackupAsync(vault, path, ct).ConfigureAwait(false);
                    JsonObject body;
                    try
                    {
                        var definition = PolicyDefinition.Read(current.Raw);
                        definition = definition with
                        {
                            Schedule = Schedule?.ToEngine() ?? definition.Schedule,
                            Retention = Retention?.ToEngine() ?? definition.Retention,
                        };
                        if (Schedule?.Frequency == "Weekly" && !definition.Enhanced && definition.Kind == WorkloadCatalogue.AzureVM)
                        {
                            // A standard weekly policy has exactly one valid value (5): moving to weekly sets it.
                            definition = definition with { InstantRestoreDays = PolicyDefinition.WeeklyV1InstantRestoreDays };
                        }

                        body = definition.ApplyTo(current.Raw);
                    }
                    catch (BackupRequestException ex)
                    {
                        EmitError(InputError(ex.Message, ErrorIds.ForRequestProblem(ex.Code), policy.Id));
                        return null;
                    }

                    // Reducing retention is a critical operation on a vault under a resource guard (MUA).
                    await Session.RunCriticalAsync(vault, ResourceGuardSupport.Plain(ResourceGuardToken), null, null,
                        () => Session.BackupOperationAsync(vault, "PUT", path, body, wait: true, ct), ct).ConfigureAwait(false);
                    return await Session.GetBackupAsync(vault, path, ct).ConfigureAwait(false);
                }, ct).ConfigureAwait(false);
                if (updated is not null)
                {
                    Emit(new BackupPolicy(updated, policy.VaultId));
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, policy.Id, ErrorIds.PolicyNotFound);
            }
        });
    }
}
