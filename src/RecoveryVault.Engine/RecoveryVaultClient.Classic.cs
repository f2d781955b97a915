// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using RecoveryVault.Engine.Models;
using RecoveryVault.Engine.Operations;

namespace RecoveryVault.Engine;

public partial class RecoveryVaultClient
{
    /// <summary>
    /// The URI of a path under a subscription's classic Backup vaults (<c>""</c> for the list, <c>"/{vault}"</c>,
    /// <c>"/{vault}/registeredServers"</c>…), with the classic api-version.
    /// </summary>
    public virtual Uri GetClassicUri(string subscriptionId, string relativePath) =>
        BuildUri($"/subscriptions/{RecoveryVaultResourceId.EscapeSegment(subscriptionId)}/providers/Microsoft.Backup/classicVaults{relativePath}", _options.ClassicApiVersion);

    /// <summary>Lists classic vaults, or a collection of one (registeredServers, protectedItems, policies, recoveryPoints, jobs).</summary>
    public virtual AsyncPageable<ClassicResourceData> GetClassicResourcesAsync(string subscriptionId, string relativePath, CancellationToken cancellationToken = default) =>
        GetAsyncPageable(GetClassicUri(subscriptionId, relativePath), o => new ClassicResourceData(o), cancellationToken);

    /// <summary>Lists classic vaults, or a collection of one.</summary>
    public virtual Pageable<ClassicResourceData> GetClassicResources(string subscriptionId, string relativePath, CancellationToken cancellationToken = default) =>
        GetPageable(GetClassicUri(subscriptionId, relativePath), o => new ClassicResourceData(o), cancellationToken);

    /// <summary>Gets a classic vault, or the status of its upgrade (<c>"/{vault}/upgradeStatus"</c>).</summary>
    public virtual async Task<Response<ClassicResourceData>> GetClassicResourceAsync(string subscriptionId, string relativePath, CancellationToken cancellationToken = default) =>
        await GetAsync(true, GetClassicUri(subscriptionId, relativePath), o => new ClassicResourceData(o), cancellationToken).ConfigureAwait(false);

    /// <summary>Gets a classic vault, or the status of its upgrade.</summary>
    public virtual Response<ClassicResourceData> GetClassicResource(string subscriptionId, string relativePath, CancellationToken cancellationToken = default) =>
        GetAsync(false, GetClassicUri(subscriptionId, relativePath), o => new ClassicResourceData(o), cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>Runs the upgrade prerequisite check of a classic vault; nothing changes.</summary>
    public virtual async Task<Response<ClassicResourceData>> ValidateClassicUpgradeAsync(string subscriptionId, string vaultName, JsonObject request, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(true, RequestMethod.Post, GetClassicUri(subscriptionId, "/" + RecoveryVaultResourceId.EscapeSegment(vaultName) + "/validateUpgrade"), request, cancellationToken, safeToResend: true).ConfigureAwait(false);
        return Response.FromValue(new ClassicResourceData(ArmResourceData.ParseObject(response.Content)), response);
    }

    /// <summary>Runs the upgrade prerequisite check of a classic vault; nothing changes.</summary>
    public virtual Response<ClassicResourceData> ValidateClassicUpgrade(string subscriptionId, string vaultName, JsonObject request, CancellationToken cancellationToken = default)
    {
        var response = SendAsync(false, RequestMethod.Post, GetClassicUri(subscriptionId, "/" + RecoveryVaultResourceId.EscapeSegment(vaultName) + "/validateUpgrade"), request, cancellationToken, safeToResend: true).AsTask().GetAwaiter().GetResult();
        return Response.FromValue(new ClassicResourceData(ArmResourceData.ParseObject(response.Content)), response);
    }

    /// <summary>
    /// Starts the upgrade of a classic vault, or joins the one already running (the service answers with the same
    /// operation, so a re-sent start joins the first one). The operation polls its Azure-AsyncOperation document; its value is the final operation document.
    /// </summary>
    public virtual async Task<ArmOperation<ClassicResourceData>> StartClassicUpgradeAsync(WaitUntil waitUntil, string subscriptionId, string vaultName, JsonObject request, CancellationToken cancellationToken = default) =>
        await StartOperationAsync(true, waitUntil, RequestMethod.Post, GetClassicUri(subscriptionId, "/" + RecoveryVaultResourceId.EscapeSegment(vaultName) + "/upgrade"), request,
            o => new ClassicResourceData(o), cancellationToken, safeToResend: true).ConfigureAwait(false);

    /// <summary>Sync twin of <see cref="StartClassicUpgradeAsync"/>.</summary>
    public virtual ArmOperation<ClassicResourceData> StartClassicUpgrade(WaitUntil waitUntil, string subscriptionId, string vaultName, JsonObject request, CancellationToken cancellationToken = default) =>
        StartOperationAsync(false, waitUntil, RequestMethod.Post, GetClassicUri(subscriptionId, "/" + RecoveryVaultResourceId.EscapeSegment(vaultName) + "/upgrade"), request,
            o => new ClassicResourceData(o), cancellationToken, safeToResend: true).AsTask().GetAwaiter().GetResult();
}
