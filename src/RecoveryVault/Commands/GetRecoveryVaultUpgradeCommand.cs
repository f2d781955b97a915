// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Shows the upgrade of a classic Backup vault (running or done) and, once done, its verification.</summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultUpgrade")]
[OutputType(typeof(UpgradeResult))]
public sealed class GetRecoveryVaultUpgradeCommand : RecoveryVaultCmdletBase
{
    /// <summary>The classic vault's name (binds from ClassicVault, UpgradeCheck and UpgradeResult objects).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("ClassicVaultName")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Its subscription (default: the connection's).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    /// <summary>Skip the verification of a finished upgrade (faster: it reads every recovery point).</summary>
    [Parameter]
    public SwitchParameter SkipVerification { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireClassicSurface();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var name = Name;
        var sub = SubscriptionId;
        Run(async ct =>
        {
            var classicId = Session.ClassicVaultId(sub, name);
            try
            {
                var op = (await Session.GetClassicAsync(sub, name, "upgradeStatus", ct).ConfigureAwait(false)).Raw;
                Emit(SkipVerification ? new UpgradeResult(op, name, null, null) : await UpgradeSupport.ResultAsync(Session, sub, name, op, ct).ConfigureAwait(false));
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, classicId, ex.ErrorCode == "UpgradeNotFound" ? ErrorIds.UpgradeNotFound : ErrorIds.ClassicVaultNotFound);
            }
        });
    }
}
