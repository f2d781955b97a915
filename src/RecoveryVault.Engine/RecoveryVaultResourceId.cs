// Copyright (c) RecoveryVault contributors. MIT License.
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace RecoveryVault.Engine;

/// <summary>
/// A parsed Azure Resource Manager resource id. Parsing is case-insensitive and validating; the original
/// spelling of names is kept so that ids written back to the service look like the ones it returned.
/// </summary>
public sealed class RecoveryVaultResourceId : IEquatable<RecoveryVaultResourceId>
{
    private readonly List<(string Type, string Name)> _chain;

    private RecoveryVaultResourceId(string subscriptionId, string? resourceGroupName, string? provider,
        List<(string Type, string Name)> chain, string? location)
    {
        SubscriptionId = subscriptionId;
        ResourceGroupName = resourceGroupName;
        Provider = provider;
        _chain = chain;
        Location = location;
    }

    /// <summary>Subscription id (GUID text as given).</summary>
    public string SubscriptionId { get; }

    /// <summary>Resource group name, or null for subscription-level ids.</summary>
    public string? ResourceGroupName { get; }

    /// <summary>Resource provider namespace, e.g. <c>Microsoft.RecoveryServices</c>.</summary>
    public string? Provider { get; }

    /// <summary>Location segment for location-scoped ids such as deleted vaults.</summary>
    public string? Location { get; }

    /// <summary>The full resource type, e.g. <c>Microsoft.RecoveryServices/vaults</c>.</summary>
    public string? ResourceType => Provider is null ? (ResourceGroupName is null ? "Microsoft.Resources/subscriptions" : "Microsoft.Resources/resourceGroups")
        : Provider + "/" + string.Join("/", _chain.Select(c => c.Type));

    /// <summary>The last name in the id.</summary>
    public string Name => _chain.Count > 0 ? _chain[^1].Name : ResourceGroupName ?? SubscriptionId;

    /// <summary>The name of the first resource under the provider (the vault name for every vault child).</summary>
    public string? VaultName => IsUnder("vaults") ? _chain[0].Name : null;

    /// <summary>Type/name pairs after the provider.</summary>
    public IReadOnlyList<(string Type, string Name)> Chain => _chain;

    private bool IsUnder(string firstType) =>
        _chain.Count > 0 && string.Equals(_chain[0].Type, firstType, StringComparison.OrdinalIgnoreCase)
        && string.Equals(Provider, "Microsoft.RecoveryServices", StringComparison.OrdinalIgnoreCase);

    /// <summary>Builds a vault id.</summary>
    public static RecoveryVaultResourceId ForVault(string subscriptionId, string resourceGroupName, string vaultName) =>
        Parse($"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/vaults/{vaultName}");

    /// <summary>Parses an id; throws <see cref="FormatException"/> with a message that says what is wrong.</summary>
    public static RecoveryVaultResourceId Parse(string id)
    {
        if (!TryParse(id, out var result, out var error))
        {
            throw new FormatException(error);
        }
        return result;
    }

    /// <summary>Parses an id without throwing.</summary>
    public static bool TryParse(string? id, [NotNullWhen(true)] out RecoveryVaultResourceId? result, out string error)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(id))
        {
            error = "The resource id is empty.";
            return false;
        }
        if (!id.StartsWith('/'))
        {
            error = $"The resource id '{id}' is not valid: it must start with '/subscriptions/'.";
            return false;
        }
        var parts = id.Trim().TrimEnd('/').Split('/');
        // parts[0] is the empty string before the leading slash.
        if (parts.Length < 3 || !parts[1].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) || parts[2].Length == 0)
        {
            error = $"The resource id '{id}' is not valid: it must start with '/subscriptions/{{subscriptionId}}'.";
            return false;
        }
        if (parts.Any(p => p.Length == 0 && p != parts[0]))
        {
            error = $"The resource id '{id}' is not valid: it has an empty segment.";
            return false;
        }
        string subscription = parts[2];
        string? group = null;
        string? provider = null;
        string? location = null;
        var chain = new List<(string, string)>();
        int i = 3;
        if (i < parts.Length && parts[i].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase))
        {
            if (i + 1 >= parts.Length)
            {
                error = $"The resource id '{id}' is not valid: 'resourceGroups' has no name after it.";
                return false;
            }
            group = parts[i + 1];
            i += 2;
        }
        if (i < parts.Length)
        {
            if (!parts[i].Equals("providers", StringComparison.OrdinalIgnoreCase) || i + 1 >= parts.Length)
            {
                error = $"The resource id '{id}' is not valid: expected 'providers/{{namespace}}' after the resource group or subscription.";
                return false;
            }
            provider = parts[i + 1];
            i += 2;
            if (i < parts.Length && parts[i].Equals("locations", StringComparison.OrdinalIgnoreCase) && i + 1 < parts.Length)
            {
                location = parts[i + 1];
            }
            if ((parts.Length - i) % 2 != 0)
            {
                error = $"The resource id '{id}' is not valid: every resource type must be followed by a name.";
                return false;
            }
            for (; i < parts.Length; i += 2)
            {
                chain.Add((parts[i], Uri.UnescapeDataString(parts[i + 1])));
            }
        }
        result = new RecoveryVaultResourceId(subscription, group, provider, chain, location);
        error = string.Empty;
        return true;
    }

    /// <summary>The id of the parent resource group, or null.</summary>
    public string? ResourceGroupId => ResourceGroupName is null ? null : $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroupName}";

    /// <summary>Is this a Recovery Services vault id (exactly, not a child)?</summary>
    public bool IsVault => IsUnder("vaults") && _chain.Count == 1 && ResourceGroupName is not null;

    /// <summary>The id of the vault this resource belongs to, or null when it is not under a vault.</summary>
    public RecoveryVaultResourceId? GetVaultId() =>
        IsUnder("vaults") && ResourceGroupName is not null ? ForVault(SubscriptionId, ResourceGroupName, _chain[0].Name) : null;

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder("/subscriptions/").Append(SubscriptionId);
        if (ResourceGroupName is not null)
        {
            sb.Append("/resourceGroups/").Append(ResourceGroupName);
        }
        if (Provider is not null)
        {
            sb.Append("/providers/").Append(Provider);
            foreach (var (type, name) in _chain)
            {
                sb.Append('/').Append(type).Append('/').Append(name);
            }
        }
        return sb.ToString();
    }

    /// <summary>The id as a URL path, with names escaped where ARM needs it.</summary>
    public string ToPath()
    {
        var sb = new StringBuilder("/subscriptions/").Append(Uri.EscapeDataString(SubscriptionId));
        if (ResourceGroupName is not null)
        {
            sb.Append("/resourceGroups/").Append(Uri.EscapeDataString(ResourceGroupName));
        }
        if (Provider is not null)
        {
            sb.Append("/providers/").Append(Provider);
            foreach (var (type, name) in _chain)
            {
                sb.Append('/').Append(type).Append('/').Append(EscapeName(name));
            }
        }
        return sb.ToString();
    }

    /// <summary>Escapes one path segment the way ARM expects backup names (';' stays literal).</summary>
    public static string EscapeSegment(string name) => EscapeName(name);

    // Backup names contain ';' which ARM expects literally; only truly reserved characters get escaped.
    internal static string EscapeName(string name) => Uri.EscapeDataString(name).Replace("%3B", ";", StringComparison.Ordinal);

    /// <inheritdoc />
    public bool Equals(RecoveryVaultResourceId? other) =>
        other is not null && string.Equals(ToString(), other.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RecoveryVaultResourceId);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(ToString());
}
