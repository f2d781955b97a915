// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Engine;

/// <summary>
/// Multi-user authorization: Microsoft.DataProtection resource guards (dataprotection.json 2026-06-01) and a vault's
/// <c>backupResourceGuardProxies</c> (bms.json 2023-06-01).
/// </summary>
public partial class RecoveryVaultClient
{
    private Uri GuardUri(string guardId) => BuildUri(guardId, _options.DataProtectionApiVersion);

    private Uri ProxyUri(RecoveryVaultResourceId vaultId, string? name = null, string suffix = "") =>
        BuildUri(vaultId + "/backupResourceGuardProxies" + (name is null ? string.Empty : "/" + Uri.EscapeDataString(name)) + suffix, _options.BackupApiVersion);

    /// <summary>ResourceGuards_Put: creates or replaces a guard (location, tags, exclusion list).</summary>
    public virtual async Task<Response<ResourceGuardData>> CreateOrUpdateResourceGuardAsync(string guardId, string location, IReadOnlyDictionary<string, string>? tags,
        IEnumerable<string>? excludedOperations, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["location"] = location };
        if (tags is not null)
        {
            body["tags"] = new JsonObject(tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value)));
        }
        if (excludedOperations is not null)
        {
            body["properties"] = new JsonObject { ["vaultCriticalOperationExclusionList"] = new JsonArray([.. excludedOperations.Select(o => (JsonNode?)o)]) };
        }
        // A PUT of the whole guard by a name the client chose: a second send changes nothing.
        var response = await SendAsync(true, RequestMethod.Put, GuardUri(guardId), body, cancellationToken, safeToResend: true).ConfigureAwait(false);
        return Response.FromValue(new ResourceGuardData(ArmResourceData.ParseObject(response.Content)), response);
    }

    /// <summary>ResourceGuards_Get.</summary>
    public virtual async Task<Response<ResourceGuardData>> GetResourceGuardAsync(string guardId, CancellationToken cancellationToken = default) =>
        await GetAsync(true, GuardUri(guardId), o => new ResourceGuardData(o), cancellationToken).ConfigureAwait(false);

    /// <summary>ResourceGuards_GetResourcesInResourceGroup / _GetResourcesInSubscription.</summary>
    public virtual AsyncPageable<ResourceGuardData> GetResourceGuardsAsync(string subscriptionId, string? resourceGroupName = null, CancellationToken cancellationToken = default) =>
        GetAsyncPageable(BuildUri($"/subscriptions/{subscriptionId}" + (resourceGroupName is null ? string.Empty : $"/resourceGroups/{Uri.EscapeDataString(resourceGroupName)}")
            + "/providers/Microsoft.DataProtection/resourceGuards", _options.DataProtectionApiVersion), o => new ResourceGuardData(o), cancellationToken);

    /// <summary>ResourceGuards_Delete (200, or 204 when there was none).</summary>
    public virtual async Task<Response> DeleteResourceGuardAsync(string guardId, CancellationToken cancellationToken = default) =>
        await SendAsync(true, RequestMethod.Delete, GuardUri(guardId), null, cancellationToken, safeToResend: true).ConfigureAwait(false);

    /// <summary>ResourceGuardProxies_Get: the vault's mappings (at most one).</summary>
    public virtual AsyncPageable<ResourceGuardMappingData> GetResourceGuardMappingsAsync(RecoveryVaultResourceId vaultId, CancellationToken cancellationToken = default) =>
        GetAsyncPageable(ProxyUri(vaultId), o => new ResourceGuardMappingData(o), cancellationToken);

    /// <summary>ResourceGuardProxy_Put.</summary>
    public virtual async Task<Response<ResourceGuardMappingData>> SetResourceGuardMappingAsync(RecoveryVaultResourceId vaultId, string name, string guardId, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["properties"] = new JsonObject { ["resourceGuardResourceId"] = guardId } };
        var response = await SendAsync(true, RequestMethod.Put, ProxyUri(vaultId, name), body, cancellationToken, safeToResend: true).ConfigureAwait(false);
        return Response.FromValue(new ResourceGuardMappingData(ArmResourceData.ParseObject(response.Content)), response);
    }

    /// <summary>ResourceGuardProxy_UnlockDelete: opens the delete of <paramref name="resourceToBeDeleted"/>; returns when the window closes.</summary>
    public virtual async Task<DateTimeOffset?> UnlockDeleteAsync(RecoveryVaultResourceId vaultId, string name, IEnumerable<string> operationRequests, string? resourceToBeDeleted,
        CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["resourceGuardOperationRequests"] = new JsonArray([.. operationRequests.Select(r => (JsonNode?)r)]) };
        if (resourceToBeDeleted is not null)
        {
            body["resourceToBeDeleted"] = resourceToBeDeleted;
        }
        // Another unlock of the same resource only moves the window: safe to send again.
        var response = await SendAsync(true, RequestMethod.Post, ProxyUri(vaultId, name, "/unlockDelete"), body, cancellationToken, safeToResend: true).ConfigureAwait(false);
        var expiry = ArmResourceData.ParseObject(response.Content)["unlockDeleteExpiryTime"]?.GetValue<string>();
        return DateTimeOffset.TryParse(expiry, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
    }

    /// <summary>ResourceGuardProxy_Delete (200, or 204 when there was none).</summary>
    public virtual async Task<Response> DeleteResourceGuardMappingAsync(RecoveryVaultResourceId vaultId, string name, CancellationToken cancellationToken = default) =>
        await SendAsync(true, RequestMethod.Delete, ProxyUri(vaultId, name), null, cancellationToken, safeToResend: true).ConfigureAwait(false);

    /// <summary>
    /// The tenant a resource lives in when it is not the caller's: Resource Manager answers a token of another tenant
    /// with 401 and a <c>WWW-Authenticate</c> challenge whose <c>authorization_uri</c> ends with the resource's tenant
    /// (how Azure CLI and Az discover a subscription's tenant). Null when the caller's token is accepted.
    /// </summary>
    public virtual async Task<string?> DiscoverTenantAsync(string resourceId, CancellationToken cancellationToken = default)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(BuildUri(resourceId, _options.DataProtectionApiVersion));
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (message.Response.Status != 401 || !message.Response.Headers.TryGetValue("WWW-Authenticate", out var challenge))
        {
            return null;
        }
        var match = System.Text.RegularExpressions.Regex.Match(challenge, "authorization_uri=\"[^\"]*/([0-9a-fA-F-]{36})\"");
        return match.Success ? match.Groups[1].Value : null;
    }
}
