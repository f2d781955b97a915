// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using Azure;
using RecoveryVault.Engine.Models;
using RecoveryVault.Engine.Operations;

namespace RecoveryVault.Engine.Hosting;

/// <summary>
/// A classic vault upgrade being tracked: the service's operation, polled at the pace its Retry-After sets. Losing
/// this object (Ctrl+C, a killed process) loses nothing: the operation runs on, and asking to start again returns it.
/// </summary>
public sealed class UpgradeTracker
{
    private readonly ArmOperation<ClassicResourceData> _operation;

    internal UpgradeTracker(ArmOperation<ClassicResourceData> operation, string resourceId)
    {
        _operation = operation;
        ResourceId = resourceId;
    }

    /// <summary>The classic vault.</summary>
    public string ResourceId { get; }

    /// <summary>The operation's status URL.</summary>
    public string? StatusUrl => _operation.StatusUri?.AbsoluteUri;

    /// <summary>The last operation document (null before the first poll).</summary>
    public JsonObject? Last => _operation.LastStatus;

    /// <summary>The operation reached an end (Succeeded; a failure is thrown by <see cref="PollAsync"/>).</summary>
    public bool Completed => _operation.HasCompleted;

    /// <summary>How long to wait before the next poll: the service's Retry-After, else a back-off.</summary>
    public TimeSpan NextDelay => _operation.NextDelay();

    /// <summary>Polls once; throws <see cref="RecoveryVaultServiceException"/> when the upgrade failed.</summary>
    public Task<JsonObject?> PollAsync(CancellationToken ct) =>
        RecoveryVaultSession.Call(async () =>
        {
            await _operation.UpdateStatusAsync(ct).ConfigureAwait(false);
            return _operation.LastStatus ?? (_operation.HasCompleted ? _operation.ValueOrDefault?.Raw : null);
        }, ResourceId);
}

public sealed partial class RecoveryVaultSession
{
    private static string ClassicPath(string? vaultName, string? child = null) =>
        (vaultName is null ? string.Empty : "/" + RecoveryVaultResourceId.EscapeSegment(vaultName)) + (child is null ? string.Empty : "/" + child);

    /// <summary>The classic vault's id (for errors and targets).</summary>
    public string ClassicVaultId(string? subscriptionId, string vaultName) =>
        $"/subscriptions/{Sub(subscriptionId)}/providers/Microsoft.Backup/classicVaults/{vaultName}";

    /// <summary>Streams the classic vaults of a subscription, or a collection of one vault.</summary>
    public IAsyncEnumerable<ClassicResourceData> ListClassicAsync(string? subscriptionId, string? vaultName, string? child, CancellationToken ct) =>
        Stream(_client.GetClassicResourcesAsync(Sub(subscriptionId), ClassicPath(vaultName, child), ct), vaultName is null ? null : ClassicVaultId(subscriptionId, vaultName), ct);

    /// <summary>Gets a classic vault (child null) or its upgrade status (child "upgradeStatus").</summary>
    public Task<ClassicResourceData> GetClassicAsync(string? subscriptionId, string vaultName, string? child, CancellationToken ct) =>
        Call(async () => (await _client.GetClassicResourceAsync(Sub(subscriptionId), ClassicPath(vaultName, child), ct).ConfigureAwait(false)).Value,
            ClassicVaultId(subscriptionId, vaultName));

    /// <summary>The upgrade prerequisite check (findings); nothing changes.</summary>
    public Task<ClassicResourceData> ValidateUpgradeAsync(string? subscriptionId, string vaultName, JsonObject request, CancellationToken ct) =>
        Call(async () => (await _client.ValidateClassicUpgradeAsync(Sub(subscriptionId), vaultName, request, ct).ConfigureAwait(false)).Value,
            ClassicVaultId(subscriptionId, vaultName));

    /// <summary>Starts the upgrade, or joins the one already running or resumable.</summary>
    public Task<UpgradeTracker> StartUpgradeAsync(string? subscriptionId, string vaultName, JsonObject request, CancellationToken ct) =>
        Call(async () =>
        {
            var op = await _client.StartClassicUpgradeAsync(WaitUntil.Started, Sub(subscriptionId), vaultName, request, ct).ConfigureAwait(false);
            return new UpgradeTracker(op, ClassicVaultId(subscriptionId, vaultName));
        }, ClassicVaultId(subscriptionId, vaultName));
}
