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
        var kind = policy.Kind ?? BackupKinds.AzureVM;
        var document = (JsonObject)JsonNode.Parse(policy.Document)!;
        var enhanced = policy.PolicyType == "V2";
        var current = PolicyBuilder.ReadSchedule(kind == BackupKinds.SqlDatabase
            ? (document["properties"]?["subProtectionPolicy"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(p => p["policyType"]?.ToString() == "Full") ?? new JsonObject()
            : (JsonObject)document["properties"]!, policy.TimeZone);
        var retention = Retention ?? new BackupRetention(policy.DailyRetentionDays, policy.WeeklyRetentionWeeks, [DayOfWeek.Sunday], policy.MonthlyRetentionMonths, policy.YearlyRetentionYears, ["January"], "First");
        if (PolicyBuilder.Validate(kind, Schedule ?? current, retention, enhanced) is { } problem)
        {
            WriteError(InputError(problem, ErrorIds.InvalidSchedule, policy.Id));
            return;
        }
        PolicyBuilder.Apply(document, kind, Schedule, Retention, enhanced);
        var body = new JsonObject { ["properties"] = document["properties"]!.DeepClone() };
        var vault = Engine.RecoveryVaultResourceId.Parse(policy.VaultId);
        Run(async ct =>
        {
            if (!await ShouldProcessAsync(policy.Id, "Update backup policy").ConfigureAwait(false))
            {
                return;
            }
            try
            {
                var path = "backupPolicies/" + Uri.EscapeDataString(policy.Name);
                await Session.BackupOperationAsync(vault, "PUT", path, body, wait: true, ct).ConfigureAwait(false);
                Emit(new BackupPolicy(await Session.GetBackupAsync(vault, path, ct).ConfigureAwait(false), policy.VaultId));
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, policy.Id, ErrorIds.PolicyNotFound);
            }
        });
    }
}
