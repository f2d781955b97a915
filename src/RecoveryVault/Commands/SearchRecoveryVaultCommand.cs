// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Text;
using System.Text.Json.Nodes;
using RecoveryVault.Engine.Backup;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Searches the whole estate — every vault of every subscription the credential can see, or of the subscriptions or
/// management groups named — with one Azure Resource Graph query instead of a walk through each vault. Items, jobs,
/// policies and vaults come back as the same objects the per-vault cmdlets return; -Query runs raw KQL.
/// </summary>
[Cmdlet(VerbsCommon.Search, "RecoveryVault", DefaultParameterSetName = ItemSet)]
[OutputType(typeof(BackupItem), ParameterSetName = [ItemSet])]
[OutputType(typeof(BackupJob), ParameterSetName = [JobSet])]
[OutputType(typeof(BackupPolicy), ParameterSetName = [PolicySet])]
[OutputType(typeof(Vault), ParameterSetName = [VaultSet])]
[OutputType(typeof(PSObject), ParameterSetName = [QuerySet])]
public sealed class SearchRecoveryVaultCommand : ResourceGraphCmdletBase
{
    private const string ItemSet = "Item";
    private const string JobSet = "Job";
    private const string PolicySet = "Policy";
    private const string VaultSet = "Vault";
    private const string QuerySet = "Query";

    /// <summary>Search protected items (the default).</summary>
    [Parameter(ParameterSetName = ItemSet)]
    public SwitchParameter Item { get; set; }

    /// <summary>Search backup jobs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = JobSet)]
    public SwitchParameter Job { get; set; }

    /// <summary>Search backup policies.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PolicySet)]
    public SwitchParameter Policy { get; set; }

    /// <summary>Search Recovery Services vaults.</summary>
    [Parameter(Mandatory = true, ParameterSetName = VaultSet)]
    public SwitchParameter Vault { get; set; }

    /// <summary>A raw KQL query; rows come back as PSObjects.</summary>
    /// <remarks>Not positional: the default set's -Name holds position 0, so a positional string never reached it.</remarks>
    [Parameter(Mandatory = true, ParameterSetName = QuerySet)]
    [ValidateNotNullOrEmpty]
    public string Query { get; set; } = string.Empty;

    /// <summary>Item friendly name, policy name or vault name; wildcards allowed.</summary>
    [Parameter(Position = 0, ParameterSetName = ItemSet)]
    [Parameter(Position = 0, ParameterSetName = PolicySet)]
    [Parameter(Position = 0, ParameterSetName = VaultSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>Kind of workload.</summary>
    [Parameter(ParameterSetName = ItemSet)]
    [Parameter(ParameterSetName = JobSet)]
    [Parameter(ParameterSetName = PolicySet)]
    [ValidateWorkloadKind]
    [ArgumentCompleter(typeof(WorkloadKindCompleter))]
    public string? Kind { get; set; }

    /// <summary>Only items protected by this policy (name).</summary>
    [Parameter(ParameterSetName = ItemSet)]
    [ValidateNotNullOrEmpty]
    public string? PolicyName { get; set; }

    /// <summary>IRPending, Protected, ProtectionStopped, ProtectionError, ProtectionPaused, BackupsSuspended.</summary>
    [Parameter(ParameterSetName = ItemSet)]
    [ValidateSet("IRPending", "Protected", "ProtectionStopped", "ProtectionError", "ProtectionPaused", "BackupsSuspended")]
    public string? ProtectionState { get; set; }

    /// <summary>Passed, ActionRequired, ActionSuggested, Invalid.</summary>
    [Parameter(ParameterSetName = ItemSet)]
    [ValidateSet("Passed", "ActionRequired", "ActionSuggested", "Invalid")]
    public string? HealthStatus { get; set; }

    /// <summary>The status of the item's last backup as the service reports it (e.g. Completed, Failed).</summary>
    [Parameter(ParameterSetName = ItemSet)]
    [ValidateNotNullOrEmpty]
    public string? LastBackupStatus { get; set; }

    /// <summary>Only soft-deleted items.</summary>
    [Parameter(ParameterSetName = ItemSet)]
    public SwitchParameter Deleted { get; set; }

    /// <summary>InProgress, Completed, Failed, CompletedWithWarnings, Cancelled, Cancelling.</summary>
    [Parameter(ParameterSetName = JobSet)]
    [ValidateSet("InProgress", "Completed", "Failed", "CompletedWithWarnings", "Cancelled", "Cancelling")]
    public string? Status { get; set; }

    /// <summary>Backup, Restore, ConfigureBackup, DisableBackup, DeleteBackupData, Register, UnRegister…</summary>
    [Parameter(ParameterSetName = JobSet)]
    [ValidateSet("Backup", "Restore", "ConfigureBackup", "DisableBackup", "DeleteBackupData", "Register", "UnRegister", "Undelete", "CrossRegionRestore")]
    public string? Operation { get; set; }

    /// <summary>Jobs started at or after (default: 24 hours before -To).</summary>
    [Parameter(ParameterSetName = JobSet)]
    public DateTime? From { get; set; }

    /// <summary>Jobs started at or before (default: the service's now).</summary>
    [Parameter(ParameterSetName = JobSet)]
    public DateTime? To { get; set; }

    /// <summary>Vaults of this resource group.</summary>
    [Parameter(ParameterSetName = VaultSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ResourceGroupCompleter))]
    public string? ResourceGroupName { get; set; }

    /// <summary>Vaults in this region.</summary>
    [Parameter(ParameterSetName = VaultSet)]
    [ValidateNotNullOrEmpty]
    public string? Location { get; set; }

    /// <summary>Rows per Resource Graph page, 1-1000 (default: the service's 1,000).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int? PageSize { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!CheckSubscriptions())
        {
            return;
        }

        if (From is { } from && To is { } to && UserTime(from) > UserTime(to))
        {
            WriteError(InputError($"-From ({from:u}) is later than -To ({to:u}).", ErrorIds.InvalidParameterCombination, null));
            return;
        }

        if (ParameterSetName != QuerySet && Name is not null && Name.Contains('|', StringComparison.Ordinal))
        {
            WriteWarning($"'{Name}' is taken as -Name (a name pattern); to run it as a Resource Graph query, pass it with -Query.");
        }

        var kql = ParameterSetName switch
        {
            JobSet => JobQuery(),
            PolicySet => PolicyQuery(),
            VaultSet => VaultQuery(),
            QuerySet => Query,
            _ => ItemQuery(),
        };
        WriteVerbose("Resource Graph query: " + kql);
        var pattern = new WildcardPattern(Name ?? "*", WildcardOptions.IgnoreCase);
        Run(async ct =>
        {
            try
            {
                await foreach (var row in QueryAsync(kql, PageSize, ct).ConfigureAwait(false))
                {
                    if (ToObject(row, pattern) is { } value)
                    {
                        Emit(value);
                    }
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitError(QueryError(ex));
            }
        });
    }

    // The per-vault cmdlets' own checks, applied again to every row: the query narrows on the service, these make
    // the answer the one Get-RecoveryVaultItem / -Job / -Policy / Get-RecoveryVault would give.
    private object? ToObject(JsonObject row, WildcardPattern pattern)
    {
        switch (ParameterSetName)
        {
            case QuerySet:
                return ResourceGraphRows.ToPowerShell(row);
            case VaultSet:
                {
                    var v = new Vault(ResourceGraphRows.Vault(row));
                    return pattern.IsMatch(v.Name) ? v : null;
                }
        }

        var vaultId = ResourceGraphRows.VaultIdOf(row["id"]?.GetValue<string>());
        if (vaultId is null)
        {
            return null;
        }

        var data = ResourceGraphRows.Backup(row);
        switch (ParameterSetName)
        {
            case JobSet:
                {
                    var job = new BackupJob(data, vaultId);
                    return Kind is null || string.Equals(job.Kind, Kind, StringComparison.OrdinalIgnoreCase) ? job : null;
                }

            case PolicySet:
                {
                    var policy = new BackupPolicy(data, vaultId);
                    return pattern.IsMatch(policy.Name) && (Kind is null || string.Equals(policy.Kind, Kind, StringComparison.OrdinalIgnoreCase)) ? policy : null;
                }

            default:
                {
                    var item = new BackupItem(data, vaultId);
                    var keep = pattern.IsMatch(item.FriendlyName)
                        && (Kind is null || string.Equals(item.Kind, Kind, StringComparison.OrdinalIgnoreCase))
                        && (PolicyName is null || string.Equals(item.PolicyName, PolicyName, StringComparison.OrdinalIgnoreCase))
                        && (ProtectionState is null || string.Equals(item.ProtectionState, ProtectionState, StringComparison.OrdinalIgnoreCase))
                        && (HealthStatus is null || string.Equals(item.HealthStatus, HealthStatus, StringComparison.OrdinalIgnoreCase))
                        && (LastBackupStatus is null || string.Equals(item.LastBackupStatus, LastBackupStatus, StringComparison.OrdinalIgnoreCase))
                        && item.IsDeleted == Deleted.IsPresent;
                    return keep ? item : null;
                }
        }
    }

    private static string Lit(string value) => RecoveryVaultSession.KqlLiteral(value);

    private static void Where(StringBuilder q, string condition) => q.Append("\n| where ").Append(condition);

    private void WhereKind(StringBuilder q)
    {
        if (WorkloadCatalogue.Find(Kind) is { } kind)
        {
            Where(q, "tostring(properties.backupManagementType) in~ (" + string.Join(", ", kind.ManagementTypes.Select(Lit)) + ")");
        }
    }

    private void WhereExactName(StringBuilder q, string column)
    {
        if (Name is not null && !WildcardPattern.ContainsWildcardCharacters(Name))
        {
            Where(q, $"{column} =~ {Lit(Name)}");
        }
    }

    private string ItemQuery()
    {
        var q = new StringBuilder("RecoveryServicesResources");
        Where(q, "type == " + Lit(ResourceGraphRows.ItemType));
        WhereKind(q);
        WhereExactName(q, "tostring(properties.friendlyName)");
        if (PolicyName is not null)
        {
            Where(q, "tostring(properties.policyId) endswith " + Lit("/backupPolicies/" + PolicyName));
        }

        if (ProtectionState is not null)
        {
            Where(q, "properties.protectionState =~ " + Lit(ProtectionState));
        }

        if (HealthStatus is not null)
        {
            Where(q, "properties.healthStatus =~ " + Lit(HealthStatus));
        }

        if (LastBackupStatus is not null)
        {
            Where(q, "properties.lastBackupStatus =~ " + Lit(LastBackupStatus));
        }

        Where(q, Deleted ? "properties.isScheduledForDeferredDelete == true" : "not(properties.isScheduledForDeferredDelete == true)");
        return q.Append("\n| order by id asc").ToString();
    }

    private string JobQuery()
    {
        var q = new StringBuilder("RecoveryServicesResources");
        Where(q, "type == " + Lit(ResourceGraphRows.JobType));
        WhereKind(q);
        if (Status is not null)
        {
            Where(q, "properties.status =~ " + Lit(Status));
        }

        if (Operation is not null)
        {
            Where(q, "properties.operation =~ " + Lit(Operation));
        }

        // As Get-RecoveryVaultJob: the window ends at -To (else the service's now) and starts 24 hours before unless
        // -From says otherwise. ago() and now() are the service's clock, so no client clock skew enters.
        var to = UserTime(To) is { } t ? Engine.ResourceGraph.ResourceGraphQuery.DateTime(t) : "now()";
        var from = UserTime(From) is { } f ? Engine.ResourceGraph.ResourceGraphQuery.DateTime(f) : $"{to} - 24h";
        Where(q, $"todatetime(properties.startTime) >= {from} and todatetime(properties.startTime) <= {to}");
        return q.Append("\n| order by todatetime(properties.startTime) desc, id asc").ToString();
    }

    private string PolicyQuery()
    {
        var q = new StringBuilder("RecoveryServicesResources");
        Where(q, "type == " + Lit(ResourceGraphRows.PolicyType));
        WhereKind(q);
        WhereExactName(q, "name");
        return q.Append("\n| order by id asc").ToString();
    }

    private string VaultQuery()
    {
        var q = new StringBuilder("Resources");
        Where(q, "type == " + Lit(ResourceGraphRows.VaultType));
        WhereExactName(q, "name");
        if (ResourceGroupName is not null)
        {
            Where(q, "resourceGroup =~ " + Lit(ResourceGroupName));
        }

        if (Location is not null)
        {
            Where(q, "location =~ " + Lit(Location.Replace(" ", string.Empty, StringComparison.Ordinal)));
        }

        return q.Append("\n| order by id asc").ToString();
    }
}
