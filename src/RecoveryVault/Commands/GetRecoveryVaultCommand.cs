// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Gets Recovery Services vaults by name (wildcards), resource group, subscription(s) or id; or soft-deleted vaults.</summary>
[Cmdlet(VerbsCommon.Get, "RecoveryVault", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(Vault), ParameterSetName = [ByNameSet, ByResourceIdSet])]
[OutputType(typeof(DeletedVault), ParameterSetName = [DeletedSet])]
public sealed class GetRecoveryVaultCommand : RecoveryVaultCmdletBase
{
    private const string ByNameSet = "ByName";
    private const string ByResourceIdSet = "ByResourceId";
    private const string DeletedSet = "Deleted";

    /// <summary>Vault name; wildcards allowed.</summary>
    [Parameter(Position = 0, ParameterSetName = ByNameSet)]
    [Parameter(Position = 0, ParameterSetName = DeletedSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string? Name { get; set; }

    /// <summary>Resource group.</summary>
    [Parameter(ParameterSetName = ByNameSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ResourceGroupCompleter))]
    public string? ResourceGroupName { get; set; }

    /// <summary>One or more subscriptions (default: the connected one).</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = DeletedSet)]
    [ValidateNotNullOrEmpty]
    public string[]? SubscriptionId { get; set; }

    /// <summary>Vault resource id.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByResourceIdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string[] ResourceId { get; set; } = [];

    /// <summary>List soft-deleted vaults instead.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DeletedSet)]
    public SwitchParameter Deleted { get; set; }

    /// <summary>Regions to list deleted vaults in (default: the regions of the subscription's resource groups).</summary>
    [Parameter(ParameterSetName = DeletedSet)]
    [ValidateNotNullOrEmpty]
    public string[]? Location { get; set; }

    /// <summary>How many subscriptions (or vault ids) are read at once (1: one after another). Output is the same either way: grouped per subscription, in the order given.</summary>
    [Parameter]
    [ValidateRange(1, MaxThrottleLimit)]
    public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

    private string[] _subscriptions = [];
    private List<string>? _locations;

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var ids = new List<RecoveryVaultResourceId>();
        if (ParameterSetName == ByResourceIdSet)
        {
            foreach (var text in ResourceId)
            {
                if (RecoveryVaultResourceId.TryParse(text, out var id, out var error) && id.IsVault)
                {
                    if (CheckScope(id.SubscriptionId, id.ResourceGroupName, text, text, id.Name))
                    {
                        ids.Add(id);
                    }
                }
                else
                {
                    WriteErrorInOrder(InputError(id is null ? error : $"'{text}' is not a Recovery Services vault id.", ErrorIds.InvalidResourceId, text));
                }
            }
        }
        else
        {
            // Each subscription that breaks the rule is refused on its own; the others are still listed.
            _subscriptions = SubscriptionId?.Where(s => CheckScope(s, null, s)).ToArray() ?? [Session.SubscriptionId!];
            if (_subscriptions.Length == 0
                || (ResourceGroupName is not null && !CheckScope(null, ResourceGroupName, ResourceGroupName))
                || (ParameterSetName == ByNameSet && Name is not null && !WildcardPattern.ContainsWildcardCharacters(Name) && !CheckVaultName(Name, Name)))
            {
                return;
            }
            if (Location is not null)
            {
                _locations = [];
                foreach (var l in Location)
                {
                    if (InputRules.LocationProblem(l) is { } problem)
                    {
                        WriteErrorInOrder(InputError(problem, ErrorIds.InvalidLocation, l));
                    }
                    else
                    {
                        _locations.Add(l);
                    }
                }
                if (_locations.Count == 0)
                {
                    return;
                }
            }
        }
        // One unit per subscription (or vault id): they are read concurrently, written in the order given. Bound
        // parameters are captured: the next piped record rebinds them while these are still being read.
        var group = ResourceGroupName;
        var name = Name;
        var locations = _locations;
        switch (ParameterSetName)
        {
            case ByResourceIdSet:
                foreach (var id in ids)
                {
                    Fan(ThrottleLimit, ct => GetOne(id.SubscriptionId, id.ResourceGroupName!, id.Name, ct));
                }
                break;
            case DeletedSet:
                foreach (var sub in _subscriptions)
                {
                    Fan(ThrottleLimit, ct => ListDeleted(sub, name, locations, ct));
                }
                break;
            default:
                foreach (var sub in _subscriptions)
                {
                    Fan(ThrottleLimit, ct => ListByName(sub, group, name, ct));
                }
                break;
        }
    }

    private async Task GetOne(string sub, string rg, string name, CancellationToken ct)
    {
        var id = RecoveryVaultResourceId.ForVault(sub, rg, name).ToString();
        try
        {
            Emit(new Vault(await Session.GetVaultAsync(sub, rg, name, ct).ConfigureAwait(false)));
        }
        catch (RecoveryVaultServiceException ex)
        {
            EmitServiceError(ex, id, ErrorIds.VaultNotFound);
        }
    }

    private async Task ListByName(string sub, string? group, string? name, CancellationToken ct)
    {
        bool wildcard = name is null || WildcardPattern.ContainsWildcardCharacters(name);
        var pattern = new WildcardPattern(name ?? "*", WildcardOptions.IgnoreCase);
        if (!wildcard && group is not null)
        {
            await GetOne(sub, group, name!, ct).ConfigureAwait(false);
            return;
        }
        bool found = false;
        var target = group is null ? $"/subscriptions/{sub}" : $"/subscriptions/{sub}/resourceGroups/{group}";
        try
        {
            await foreach (var v in Session.ListVaultsAsync(sub, group, ct).ConfigureAwait(false))
            {
                if (pattern.IsMatch(v.Name ?? string.Empty))
                {
                    found = true;
                    Emit(new Vault(v));
                }
            }
        }
        catch (RecoveryVaultServiceException ex)
        {
            EmitServiceError(ex, target);
            return;
        }
        if (!wildcard && !found)
        {
            // A plain name that matched nothing is an error, as with Get-Item; a wildcard is a filter.
            EmitError(new ErrorRecord(new ItemNotFoundException($"No Recovery Services vault named '{name}' was found in {target}."),
                ErrorIds.VaultNotFound, ErrorCategory.ObjectNotFound, name));
        }
    }

    private async Task ListDeleted(string sub, string? name, List<string>? wanted, CancellationToken ct)
    {
        var pattern = new WildcardPattern(name ?? "*", WildcardOptions.IgnoreCase);
        var locations = wanted?.Select(RecoveryVaultClient.NormalizeLocation).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (locations is not null && await RegionRules.TryListAsync(Session, sub, ct).ConfigureAwait(false) is { } regions)
        {
            foreach (var l in wanted!)
            {
                if (RegionRules.Message(regions, sub, l) is { } message)
                {
                    EmitError(InputError(message, ErrorIds.InvalidLocation, l));
                    locations.Remove(RecoveryVaultClient.NormalizeLocation(l));
                }
            }
        }
        if (locations is null)
        {
            // ARM lists deleted vaults per region only, and a vault's region need not be any resource group's:
            // every region of the subscription's locations list is asked.
            locations = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            await foreach (var l in Session.ListRegionsAsync(sub, ct).ConfigureAwait(false))
            {
                locations.Add(l);
            }
            EmitVerbose($"Looking for deleted vaults in: {string.Join(", ", locations)}");
        }
        foreach (var location in locations)
        {
            try
            {
                await foreach (var d in Session.ListDeletedVaultsAsync(sub, location, ct).ConfigureAwait(false))
                {
                    var item = new DeletedVault(d);
                    if (pattern.IsMatch(item.VaultName) || pattern.IsMatch(item.Name))
                    {
                        Emit(item);
                    }
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitServiceError(ex, $"/subscriptions/{sub}/providers/Microsoft.RecoveryServices/locations/{location}/deletedVaults");
            }
        }
    }
}
