// Copyright (c) RecoveryVault contributors. MIT License.
using Azure.Core;
using RecoveryVault.Engine.Models;
using RecoveryVault.Engine.Pipeline;

namespace RecoveryVault.Engine.Hosting;

/// <summary>
/// How a critical operation on a vault mapped to a resource guard will be authorized: the guard, its tenant when it is
/// not the connection's, and the auxiliary token for it (given with -ResourceGuardToken or acquired from the connected
/// credential), or why none could be had.
/// </summary>
public sealed record ResourceGuardGrant(string GuardId, ResourceGuardMappingData? Mapping, string? GuardTenantId, string? Token, string TokenSource, string? Problem)
{
    /// <summary>The caller's own token is what the guard checks (same tenant, no auxiliary token needed).</summary>
    public bool SameTenant => GuardTenantId is null;

    /// <summary>Some identity will be presented to the guard (an auxiliary token, or the connection's own in the guard's tenant).</summary>
    public bool HasIdentity => Token is not null || SameTenant;
}

public sealed partial class RecoveryVaultSession
{
    /// <summary>Critical operation names (as resource guards list them) the cmdlets ask to unlock.</summary>
    public const string DeleteProtectedItemOperation = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/delete";

    /// <summary>Removing the mapping itself (mandatory, unlockDelete first).</summary>
    public const string DeleteMappingOperation = "Microsoft.RecoveryServices/vaults/backupResourceGuardProxies/delete";

    /// <summary>The mapping name Az.RecoveryServices and the portal use.</summary>
    public const string MappingName = "VaultProxy";

    private TokenCredential? _credential;

    /// <summary>Creates or replaces a resource guard.</summary>
    public Task<ResourceGuardData> NewResourceGuardAsync(string guardId, string location, IReadOnlyDictionary<string, string>? tags, IEnumerable<string>? excluded, CancellationToken ct) =>
        Call(async () => (await _client.CreateOrUpdateResourceGuardAsync(guardId, location, tags, excluded, ct).ConfigureAwait(false)).Value, guardId);

    /// <summary>One resource guard.</summary>
    public Task<ResourceGuardData> GetResourceGuardAsync(string guardId, CancellationToken ct) =>
        Call(async () => (await _client.GetResourceGuardAsync(guardId, ct).ConfigureAwait(false)).Value, guardId);

    /// <summary>The guards of a subscription or resource group.</summary>
    public IAsyncEnumerable<ResourceGuardData> ListResourceGuardsAsync(string subscriptionId, string? resourceGroupName, CancellationToken ct) =>
        Stream(_client.GetResourceGuardsAsync(subscriptionId, resourceGroupName, ct), $"/subscriptions/{subscriptionId}", ct);

    /// <summary>Deletes a guard; false when there was none.</summary>
    public Task<bool> RemoveResourceGuardAsync(string guardId, CancellationToken ct) =>
        Call(async () => (await _client.DeleteResourceGuardAsync(guardId, ct).ConfigureAwait(false)).Status != 204, guardId);

    /// <summary>The vault's mapping, or null.</summary>
    public Task<ResourceGuardMappingData?> GetResourceGuardMappingAsync(RecoveryVaultResourceId vaultId, CancellationToken ct) =>
        Call(async () =>
        {
            await foreach (var m in _client.GetResourceGuardMappingsAsync(vaultId, ct).ConfigureAwait(false))
            {
                return m;
            }
            return (ResourceGuardMappingData?)null;
        }, vaultId.ToString());

    /// <summary>Maps the vault to a guard (the caller needs Reader on the guard; across tenants through the auxiliary token).</summary>
    public async Task<ResourceGuardMappingData> SetResourceGuardMappingAsync(RecoveryVaultResourceId vaultId, string guardId, string? explicitToken, CancellationToken ct)
    {
        var grant = await GrantForGuardAsync(guardId, null, explicitToken, ct).ConfigureAwait(false);
        return await InGrantAsync(vaultId, grant, "map the vault to the guard", "Reader",
            () => Call(async () => (await _client.SetResourceGuardMappingAsync(vaultId, MappingName, guardId, ct).ConfigureAwait(false)).Value, vaultId.ToString()), ct).ConfigureAwait(false);
    }

    /// <summary>Unmaps the vault: unlockDelete for the mapping, then DELETE (both authorized on the guard). False when it was not mapped.</summary>
    public async Task<bool> RemoveResourceGuardMappingAsync(RecoveryVaultResourceId vaultId, string? explicitToken, CancellationToken ct)
    {
        var mapping = await GetResourceGuardMappingAsync(vaultId, ct).ConfigureAwait(false);
        if (mapping is null)
        {
            return false;
        }
        return await RunCriticalCoreAsync(vaultId, mapping, explicitToken, DeleteMappingOperation, mapping.Id, async () =>
        {
            await Call(async () => await _client.DeleteResourceGuardMappingAsync(vaultId, mapping.Name ?? MappingName, ct).ConfigureAwait(false), vaultId.ToString()).ConfigureAwait(false);
            return true;
        }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="work"/>, a critical operation on the vault, with what the vault's resource guard needs: the
    /// guard requests on its writes and the auxiliary token for the guard's tenant (the one given, else one asked of the
    /// connected credential for that tenant). With <paramref name="unlockOperation"/>, unlockDelete opens the delete of
    /// <paramref name="resourceToDelete"/> first. A vault without a mapping runs <paramref name="work"/> as it is.
    /// The guard's refusal comes back as ResourceGuardAuthorizationRequired (no identity could be shown to the guard)
    /// or ResourceGuardAccessDenied (one was, and lacks the role), naming the guard and the role.
    /// </summary>
    public async Task<T> RunCriticalAsync<T>(RecoveryVaultResourceId vaultId, string? explicitToken, string? unlockOperation, string? resourceToDelete,
        Func<Task<T>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(vaultId);
        ArgumentNullException.ThrowIfNull(work);
        var mapping = await GetResourceGuardMappingAsync(vaultId, ct).ConfigureAwait(false);
        return await RunCriticalCoreAsync(vaultId, mapping, explicitToken, unlockOperation, resourceToDelete, work, ct).ConfigureAwait(false);
    }

    private async Task<T> RunCriticalCoreAsync<T>(RecoveryVaultResourceId vaultId, ResourceGuardMappingData? mapping, string? explicitToken, string? unlockOperation,
        string? resourceToDelete, Func<Task<T>> work, CancellationToken ct)
    {
        if (mapping?.ResourceGuardId is not { } guardId)
        {
            return await work().ConfigureAwait(false);
        }
        var grant = await GrantForGuardAsync(guardId, mapping, explicitToken, ct).ConfigureAwait(false);
        return await InGrantAsync(vaultId, grant, unlockOperation is null ? "perform the critical operation" : "unlock and perform the deletion", "Backup MUA Operator", async () =>
        {
            if (unlockOperation is not null && mapping.OperationRequests.TryGetValue(unlockOperation, out var request))
            {
                await Call(() => _client.UnlockDeleteAsync(vaultId, mapping.Name ?? MappingName, [request], resourceToDelete, ct), vaultId.ToString()).ConfigureAwait(false);
            }
            return await work().ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    /// <summary><see cref="RunCriticalAsync{T}"/> for work without a result.</summary>
    public Task RunCriticalAsync(RecoveryVaultResourceId vaultId, string? explicitToken, string? unlockOperation, string? resourceToDelete, Func<Task> work, CancellationToken ct) =>
        RunCriticalAsync(vaultId, explicitToken, unlockOperation, resourceToDelete, async () =>
        {
            await work().ConfigureAwait(false);
            return true;
        }, ct);

    /// <summary>Finds the guard's tenant and the token for it (never throws for a token that cannot be had: the grant says why).</summary>
    public async Task<ResourceGuardGrant> GrantForGuardAsync(string guardId, ResourceGuardMappingData? mapping, string? explicitToken, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(explicitToken))
        {
            return new ResourceGuardGrant(guardId, mapping, AccessTokenCredential.TryReadTenant(explicitToken), explicitToken, "-ResourceGuardToken", null);
        }
        string? tenant;
        try
        {
            tenant = await _client.DiscoverTenantAsync(guardId, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new ResourceGuardGrant(guardId, mapping, null, null, "none", "the guard's tenant could not be found: " + FirstLine(ex.Message));
        }
        if (tenant is null || string.Equals(tenant, TenantId, StringComparison.OrdinalIgnoreCase))
        {
            return new ResourceGuardGrant(guardId, mapping, null, null, "connection", null);
        }
        if (_credential is null or AccessTokenCredential)
        {
            return new ResourceGuardGrant(guardId, mapping, tenant, null, "none", "the connection was made with a fixed access token, which cannot be exchanged for another tenant's");
        }
        try
        {
            var token = await _credential.GetTokenAsync(new TokenRequestContext([_client.Options.Environment.DefaultScope], tenantId: tenant), ct).ConfigureAwait(false);
            return new ResourceGuardGrant(guardId, mapping, tenant, token.Token, "acquired", null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new ResourceGuardGrant(guardId, mapping, tenant, null, "none", FirstLine(ex.Message));
        }
    }

    private async Task<T> InGrantAsync<T>(RecoveryVaultResourceId vaultId, ResourceGuardGrant grant, string what, string role, Func<Task<T>> work, CancellationToken ct)
    {
        _ = ct;
        using var scope = ResourceGuardContext.Enter(new ResourceGuardContext(vaultId.ToString(), grant.Token,
            grant.Mapping?.OperationRequests ?? new Dictionary<string, string>()));
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (RecoveryVaultServiceException ex) when (ex.ErrorCode == "LinkedAuthorizationFailed")
        {
            throw Explain(ex, grant, what, role);
        }
    }

    private RecoveryVaultServiceException Explain(RecoveryVaultServiceException ex, ResourceGuardGrant grant, string what, string role)
    {
        var where = grant.GuardTenantId is null ? "in this connection's tenant" : $"in tenant '{grant.GuardTenantId}'";
        if (!grant.HasIdentity)
        {
            return new RecoveryVaultServiceException(403, "ResourceGuardAuthorizationRequired",
                $"The vault is protected by the resource guard '{grant.GuardId}' {where}, and no token for that tenant could be obtained ({grant.Problem}). " +
                $"To {what}, an identity with the '{role}' role on that guard must authorize it: connect with an identity that is a guest of tenant '{grant.GuardTenantId}', " +
                $"or pass -ResourceGuardToken with a token for it (for example (Get-AzAccessToken -TenantId {grant.GuardTenantId} -AsSecureString).Token). Service: {FirstLine(ex.Message)}",
                ex.Target, ex.RequestId, ex.Details, ex);
        }
        var who = grant.TokenSource switch
        {
            "-ResourceGuardToken" => "the identity of -ResourceGuardToken",
            "acquired" => $"'{Account}' (token acquired for tenant '{grant.GuardTenantId}')",
            _ => $"'{Account}'",
        };
        return new RecoveryVaultServiceException(403, "ResourceGuardAccessDenied",
            $"The resource guard '{grant.GuardId}' {where} refused to let {who} {what}: that identity needs the '{role}' role on the guard" +
            (role == "Reader" ? "." : " (Contributor also works; Reader and Backup MUA Admin do not). The guard's owner usually grants it just in time (Privileged Identity Management).") +
            // LinkedAuthorizationFailed reads "does not have permission … or the linked scope(s) are invalid": a guard
            // that is gone is refused exactly like one the identity may not use, so the role alone would mislead.
            $" If the guard was deleted or the id is wrong, Azure refuses it the same way: check it with Get-RecoveryVaultResourceGuard -ResourceId '{grant.GuardId}'." +
            $" Service: {FirstLine(ex.Message)}",
            ex.Target, ex.RequestId, ex.Details, ex);
    }
}
