// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Gets the recovery points of protected items. Without -After/-Before/-Latest/-Id it returns every point the item
/// has, streamed page by page.
/// </summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVaultRecoveryPoint", DefaultParameterSetName = RangeSet)]
[OutputType(typeof(RecoveryPoint))]
public sealed class GetRecoveryVaultRecoveryPointCommand : RecoveryVaultCmdletBase
{
    private const string RangeSet = "Range";
    private const string LatestSet = "Latest";
    private const string IdSet = "Id";

    /// <summary>The item (from Get-RecoveryVaultItem).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [ValidateNotNull]
    public BackupItem? Item { get; set; }

    /// <summary>Only the most recent point.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LatestSet)]
    public SwitchParameter Latest { get; set; }

    /// <summary>Points taken at or after this time.</summary>
    [Parameter(ParameterSetName = RangeSet)]
    public DateTime? After { get; set; }

    /// <summary>Points taken at or before this time.</summary>
    [Parameter(ParameterSetName = RangeSet)]
    public DateTime? Before { get; set; }

    /// <summary>One point by its id (name).</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet)]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = string.Empty;

    /// <summary>How many piped items are read at once (1: one after another). Output is the same either way: grouped per item, in input order.</summary>
    [Parameter]
    [ValidateRange(1, MaxThrottleLimit)]
    public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var item = Item!;
        if (After is { } a && Before is { } b && a > b)
        {
            WriteErrorInOrder(InputError($"-After ({a:u}) is later than -Before ({b:u}).", ErrorIds.InvalidParameterCombination, item.Id));
            return;
        }
        var vault = RecoveryVaultResourceId.Parse(item.VaultId);
        var query = new RecoveryPointQuery(item.Id)
        {
            After = UserTime(After),
            Before = UserTime(Before),
        };
        if (ParameterSetName == IdSet && Id is "." or "..")
        {
            WriteErrorInOrder(InputError($"'{Id}' is not a recovery point id.", ErrorIds.InvalidResourceId, item.Id));
            return;
        }
        Fan(ThrottleLimit, async ct =>
        {
            try
            {
                if (ParameterSetName == IdSet)
                {
                    Emit(new RecoveryPoint(await Session.GetBackupAsync(vault, BackupPath.RecoveryPoint(item.Id, Id), ct).ConfigureAwait(false), vault.ToString(), item));
                    return;
                }
                RecoveryPoint? latest = null;
                await foreach (var d in Session.ListBackupAsync(vault, query.ToRequest(Session.ServiceNow), ct).ConfigureAwait(false))
                {
                    var point = new RecoveryPoint(d, vault.ToString(), item);
                    if (Latest)
                    {
                        if (latest is null || point.RecoveryPointTime > latest.RecoveryPointTime)
                        {
                            latest = point;
                        }
                    }
                    else
                    {
                        Emit(point);
                    }
                }
                if (Latest)
                {
                    if (latest is null)
                    {
                        EmitError(new ErrorRecord(new ItemNotFoundException($"'{item.FriendlyName}' has no recovery point yet."), ErrorIds.RecoveryPointNotFound, ErrorCategory.ObjectNotFound, item.Id));
                    }
                    else
                    {
                        Emit(latest);
                    }
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, item.Id, VaultScopedCmdletBase.ChildNotFoundId(ex, ParameterSetName == IdSet ? ErrorIds.RecoveryPointNotFound : ErrorIds.ItemNotFound));
            }
        });
    }
}
