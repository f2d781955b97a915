// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Engine;
using RecoveryVault.Engine.Hosting;

namespace RecoveryVault.Internal;

/// <summary>Whether a region is one of the subscription's (Subscriptions - List Locations), where the session can tell.</summary>
internal static class RegionRules
{
    /// <summary>The subscription's physical regions, or null when they cannot be listed (the caller then lets ARM judge).</summary>
    public static async Task<HashSet<string>?> TryListAsync(RecoveryVaultSession session, string subscriptionId, CancellationToken ct)
    {
        var regions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            await foreach (var l in session.ListRegionsAsync(subscriptionId, ct).ConfigureAwait(false))
            {
                regions.Add(RecoveryVaultClient.NormalizeLocation(l));
            }
        }
        catch (RecoveryVaultServiceException)
        {
            // Listing locations needs only Reader on the subscription, which a caller scoped to one resource group may
            // lack; refusing its request for that reason would be wrong.
            return null;
        }
        return regions.Count == 0 ? null : regions;
    }

    /// <summary>A message when <paramref name="location"/> is not one of the subscription's regions; null when it is or nobody can tell.</summary>
    public static async Task<string?> UnknownRegionAsync(RecoveryVaultSession session, string subscriptionId, string location, CancellationToken ct)
    {
        var regions = await TryListAsync(session, subscriptionId, ct).ConfigureAwait(false);
        return regions is null ? null : Message(regions, subscriptionId, location);
    }

    /// <summary>The message for a region not in <paramref name="regions"/>, or null.</summary>
    public static string? Message(HashSet<string> regions, string subscriptionId, string location) =>
        regions.Contains(RecoveryVaultClient.NormalizeLocation(location)) ? null
            : $"The location '{location}' is not a region of subscription {subscriptionId}. Its regions: {string.Join(", ", regions.Order(StringComparer.Ordinal))}.";
}
