// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Management.Automation;
using System.Text.Json.Nodes;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Upgrades classic Backup vaults to Recovery Services vaults: checks, asks, starts (or picks up the running
/// upgrade), tracks it at the service's pace, and verifies that everything arrived.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "RecoveryVaultUpgrade", DefaultParameterSetName = ByInputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(UpgradeResult), typeof(RecoveryVaultBackgroundJob))]
public sealed class StartRecoveryVaultUpgradeCommand : ClassicVaultCmdletBase
{
    private const string ByInputObjectSet = "ByInputObject";

    /// <summary>A check from Test-RecoveryVaultUpgrade; its target and billing choice are used.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public UpgradeCheck? InputObject { get; set; }

    /// <summary>Resource group of the new vault (created when missing).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByNameSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ByInputObjectSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ResourceGroupCompleter))]
    public string? TargetResourceGroupName { get; set; }

    /// <summary>Name of the new vault (default: the classic vault's).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? TargetVaultName { get; set; }

    /// <summary>Subscription of the new vault (default: the classic vault's).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? TargetSubscriptionId { get; set; }

    /// <summary>Accept converting storage-based billing to instance-based billing.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter AcceptBillingChange { get; set; }

    /// <summary>Do not ask for confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Return once the service has accepted the upgrade (Get-RecoveryVaultUpgrade follows it).</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    /// <summary>Run in a background job and return it at once.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <inheritdoc />
    protected override bool ForceSkipsConfirmation => Force;

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireClassicSurface();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (DeferToJob(AsJob))
        {
            return;
        }
        var name = InputObject?.ClassicVaultName ?? Name;
        var sub = InputObject?.SubscriptionId ?? SubscriptionId;
        var rg = TargetResourceGroupName ?? InputObject?.TargetResourceGroupName ?? string.Empty;
        var targetName = TargetVaultName ?? InputObject?.TargetVaultName;
        var targetSub = TargetSubscriptionId ?? InputObject?.TargetSubscriptionId;
        var accept = AcceptBillingChange.IsPresent || InputObject?.AcceptBillingChange == true;
        Run(async ct =>
        {
            var classicId = Session.ClassicVaultId(sub, name);
            try
            {
                await UpgradeAsync(name, sub, classicId, UpgradeSupport.Request(rg, targetName, targetSub, accept), ct).ConfigureAwait(false);
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, classicId, ErrorIds.ClassicVaultNotFound);
            }
        });
    }

    private async Task UpgradeAsync(string name, string? sub, string classicId, JsonObject request, CancellationToken ct)
    {
        // An upgrade already running, or failed and resumable, is picked up: never a second one.
        JsonObject? current = null;
        try
        {
            current = (await Session.GetClassicAsync(sub, name, "upgradeStatus", ct).ConfigureAwait(false)).Raw;
        }
        catch (RecoveryVaultServiceException ex) when (ex.Status == 404 && ex.ErrorCode == "UpgradeNotFound")
        {
        }
        var currentStatus = current?["properties"]?["status"]?.GetValue<string>();
        var resuming = currentStatus == "InProgress" || (currentStatus == "Failed" && current?["properties"]?["resumable"]?.GetValue<bool>() == true);

        var check = new UpgradeCheck(await Session.ValidateUpgradeAsync(sub, name, request, ct).ConfigureAwait(false), name, sub ?? string.Empty, string.Empty,
            request["targetResourceGroupName"]!.GetValue<string>(), request["targetVaultName"]?.GetValue<string>() ?? name, request["acceptBillingChange"]!.GetValue<bool>());
        foreach (var f in check.Findings)
        {
            if (f.Severity == "Warning")
            {
                EmitWarning($"{name}: {f.Code}: {f.Message} {f.RecommendedAction}");
            }
            else
            {
                EmitVerbose($"{name}: {f}");
            }
        }
        if (!resuming && !check.CanUpgrade)
        {
            var errors = check.Errors;
            var message = $"The classic vault '{name}' cannot be upgraded yet: " + string.Join(" ", errors.Select(e => $"[{e.Code}] {e.Message}"));
            EmitError(new ErrorRecord(new InvalidOperationException(message), ErrorIds.UpgradeBlocked, ErrorCategory.InvalidOperation, classicId)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = string.Join(" ", errors.Select(e => e.RecommendedAction).Distinct()) },
            });
            return;
        }

        var vault = new ClassicVault(await Session.GetClassicAsync(sub, name, null, ct).ConfigureAwait(false));
        var rgNote = check.Findings.Any(f => f.Code == "TargetResourceGroupWillBeCreated") ? $" (creating resource group '{check.TargetResourceGroupName}')" : string.Empty;
        var action = resuming
            ? $"Resume upgrade {current?["name"]?.GetValue<string>()} ({currentStatus}) to '{current?["properties"]?["targetVaultId"]?.GetValue<string>()}'"
            : $"Upgrade to Recovery Services vault '{check.TargetVaultId}'{rgNote}: move {vault.PolicyCount} policies, {vault.RegisteredServerCount} registered servers, "
              + $"{vault.ProtectedItemCount} items and {vault.RecoveryPointCount} recovery points";
        if (IsWhatIf)
        {
            await ShouldProcessAsync(classicId, action).ConfigureAwait(false);
            return;
        }
        if (!Force && !await ShouldProcessAsync(classicId, action).ConfigureAwait(false))
        {
            return;
        }

        var tracker = await Session.StartUpgradeAsync(sub, name, request, ct).ConfigureAwait(false);
        EmitVerbose($"Upgrade operation: {tracker.StatusUrl}");
        var progress = new ProgressRecord(1, $"Upgrading classic vault '{name}'", "Starting") { PercentComplete = 0 };
        try
        {
            if (NoWait)
            {
                await tracker.PollAsync(ct).ConfigureAwait(false);
            }
            else
            {
                while (true)
                {
                    var status = await tracker.PollAsync(ct).ConfigureAwait(false);
                    if (tracker.Completed)
                    {
                        break;
                    }
                    var pct = status?["percentComplete"]?.GetValue<int>() ?? 0;
                    progress.StatusDescription = $"{status?["properties"]?["phase"]?.GetValue<string>() ?? "Running"} ({pct}%)";
                    progress.PercentComplete = Math.Clamp(pct, 0, 100);
                    EmitProgress(progress);
                    await Task.Delay(tracker.NextDelay, ct).ConfigureAwait(false);
                }
            }
        }
        catch (RecoveryVaultServiceException ex) when (ex.Status == 200)
        {
            // The operation itself ended as Failed; the status document says how (below).
            EmitVerbose($"The upgrade operation failed: {ex.ErrorCode}: {ex.Message}");
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            EmitProgress(progress);
        }

        var op = (await Session.GetClassicAsync(sub, name, "upgradeStatus", ct).ConfigureAwait(false)).Raw;
        var result = await UpgradeSupport.ResultAsync(Session, sub, name, op, ct).ConfigureAwait(false);
        if (result.Status == "Failed")
        {
            var message = $"The upgrade of '{name}' failed in phase {result.Phase} ({result.ErrorCode}: {result.ErrorMessage}) "
                + (result.ClassicVaultUntouched ? "Nothing moved: the classic vault is untouched." : "The backup data is in the new vault; only finishing remains.");
            EmitError(new ErrorRecord(new InvalidOperationException(message), ErrorIds.UpgradeFailed, ErrorCategory.InvalidResult, classicId)
            {
                ErrorDetails = new ErrorDetails(message)
                {
                    RecommendedAction = result.Resumable ? "Run Start-RecoveryVaultUpgrade again: it resumes this operation." : "Fix the cause, then start the upgrade again.",
                },
            });
        }
        else if (result.Verification is { Verified: false } v)
        {
            var message = $"The upgrade of '{name}' succeeded, but the new vault does not hold everything the classic vault had: {v}.";
            EmitError(new ErrorRecord(new InvalidOperationException(message), ErrorIds.UpgradeVerificationFailed, ErrorCategory.InvalidResult, result.TargetVaultId));
        }
        else if (result.Verification is { } ok)
        {
            EmitVerbose(string.Format(CultureInfo.InvariantCulture, "{0}: {1}", name, ok));
        }
        Emit(result);
    }
}
