// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Lists the classic (Service Manager) Backup vaults of a subscription, with their server, item, policy and recovery point counts.</summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultClassicVault")]
[OutputType(typeof(ClassicVault))]
public sealed class GetRecoveryVaultClassicVaultCommand : RecoveryVaultCmdletBase
{
    /// <summary>Vault name; wildcards allowed. An exact name also finds a vault that was already upgraded.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [Alias("ClassicVaultName")]
    public string? Name { get; set; }

    /// <summary>Subscription (default: the connection's).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireClassicSurface();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var name = Name;
        var sub = SubscriptionId;
        Run(async ct =>
        {
            try
            {
                if (name is not null && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    Emit(new ClassicVault(await Session.GetClassicAsync(sub, name, null, ct).ConfigureAwait(false)));
                    return;
                }
                var pattern = name is null ? null : new WildcardPattern(name, WildcardOptions.IgnoreCase);
                await foreach (var d in Session.ListClassicAsync(sub, null, null, ct).ConfigureAwait(false))
                {
                    if (pattern is null || pattern.IsMatch(d.Name ?? string.Empty))
                    {
                        Emit(new ClassicVault(d));
                    }
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, name is null ? null : Session.ClassicVaultId(sub, name), ErrorIds.ClassicVaultNotFound);
            }
        });
    }
}
