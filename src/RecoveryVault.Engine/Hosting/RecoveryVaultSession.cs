// Copyright (c) RecoveryVault contributors. MIT License.
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Identity;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Engine.Hosting;

/// <summary>
/// The cmdlets' door into the Engine. It speaks only plain .NET and Engine model types and turns every Azure
/// failure into <see cref="RecoveryVaultServiceException"/>, so the cmdlet assembly, loaded in PowerShell's default
/// load context, never binds to Azure.Core (loaded privately in the module's own context).
/// </summary>
public sealed partial class RecoveryVaultSession
{
    private static readonly AsyncLocal<Action<RequestLogEntry>?> s_logSink = new();
    private readonly RecoveryVaultClient _client;

    private RecoveryVaultSession(RecoveryVaultClient client, ConnectRequest request, string? subscriptionId, string? tenantId, string account)
    {
        _client = client;
        Request = request;
        SubscriptionId = subscriptionId;
        TenantId = tenantId;
        Account = account;
    }

    /// <summary>The request this session was made from.</summary>
    public ConnectRequest Request { get; }

    /// <summary>Connected to the local emulator (which still models the retired classic Backup vaults).</summary>
    public bool IsEmulator => Request.Kind == AuthKind.Emulator;

    /// <summary>Default subscription.</summary>
    public string? SubscriptionId { get; private set; }

    /// <summary>Tenant.</summary>
    public string? TenantId { get; }

    /// <summary>Account (client id or "DefaultAzureCredential").</summary>
    public string Account { get; }

    /// <summary>ARM endpoint.</summary>
    public Uri Endpoint => _client.Endpoint;

    /// <summary>Environment name.</summary>
    public string EnvironmentName => _client.Options.Environment.Name;

    /// <summary>User-Agent sent.</summary>
    public string UserAgent => _client.UserAgent;

    /// <summary>When the session's token runs out for good (-AccessToken: it cannot be renewed); null when renewable.</summary>
    public DateTimeOffset? TokenExpiresOn { get; private init; }

    /// <summary>The underlying client (for C# callers; the cmdlets do not touch it).</summary>
    public RecoveryVaultClient Client => _client;

    /// <summary>The service's "now" (from its responses' Date headers).</summary>
    public DateTimeOffset ServiceNow => _client.ServiceClock.Now;

    /// <summary>Routes request log entries of calls made on this async flow to <paramref name="sink"/>.</summary>
    public static IDisposable BeginLogScope(Action<RequestLogEntry> sink)
    {
        var previous = s_logSink.Value;
        s_logSink.Value = sink;
        return new Scope(() => s_logSink.Value = previous);
    }

    private sealed class Scope(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }

    /// <summary>Builds the credential and client, and checks the connection by resolving the subscription.</summary>
    public static async Task<RecoveryVaultSession> ConnectAsync(ConnectRequest request, CancellationToken ct)
    {
        var options = new RecoveryVaultClientOptions
        {
            Environment = request.Endpoint is not null ? RecoveryVaultEnvironment.Custom(request.Endpoint) : RecoveryVaultEnvironment.FromName(request.EnvironmentName),
            PinnedCertificateThumbprint = request.Thumbprint,
            UserAgentSuffix = request.UserAgentSuffix,
            RequestLog = entry => s_logSink.Value?.Invoke(entry),
        };
        if (request.MinimumPollInterval is { } poll)
        {
            options.MinimumPollInterval = poll;
        }
        if (request.RetryBudget is { } budget)
        {
            options.RetryBudget = budget;
        }
        if (request.RetryDelay is { } delay)
        {
            options.Retry.Delay = delay;
        }
        var (credential, account) = CreateCredential(request, options);
        var client = new RecoveryVaultClient(credential, options);
        var fixedToken = credential as AccessTokenCredential;
        var session = new RecoveryVaultSession(client, request, request.SubscriptionId, request.TenantId ?? fixedToken?.TenantId, account)
        {
            TokenExpiresOn = fixedToken?.ExpiresOn,
            _credential = credential,
        };
        await Call(async () =>
        {
            // Proves the token works and picks the default subscription the way Connect-AzAccount does.
            var first = default(SubscriptionData);
            await foreach (var s in client.GetSubscriptionsAsync(ct).ConfigureAwait(false))
            {
                if (session.SubscriptionId is null || string.Equals(s.SubscriptionId, session.SubscriptionId, StringComparison.OrdinalIgnoreCase))
                {
                    first = s;
                    break;
                }
            }
            if (first is null)
            {
                throw new RecoveryVaultServiceException(404, "SubscriptionNotFound",
                    session.SubscriptionId is null ? "The account has access to no subscription." : $"Subscription '{session.SubscriptionId}' was not found or the account has no access to it.",
                    session.SubscriptionId, null);
            }
            session.SubscriptionId = first.SubscriptionId;
            return 0;
        }, null).ConfigureAwait(false);
        return session;
    }

    // Azure.Identity credentials allow every tenant ("*" in AdditionallyAllowedTenants) so a critical operation can ask
    // for a token of the tenant holding the vault's resource guard (multi-user authorization across tenants).
    private static (TokenCredential, string) CreateCredential(ConnectRequest r, RecoveryVaultClientOptions options)
    {
        var authority = options.Environment.AuthorityHost;
        switch (r.Kind)
        {
            case AuthKind.Emulator:
                if (r.Endpoint is null || r.TenantId is null || r.ClientId is null || r.ClientSecret is null)
                {
                    throw new ArgumentException("The emulator needs an endpoint, tenant, client id and secret.");
                }
                return (new EmulatorCredential(r.Endpoint, r.TenantId, r.ClientId, r.ClientSecret, r.Thumbprint), r.ClientId);
            case AuthKind.AccessToken:
                if (r.AccessToken is null || r.AccessToken.Length == 0)
                {
                    throw new ArgumentException("AccessToken is required for this kind of sign-in.");
                }
                var token = new AccessTokenCredential(r.AccessToken);
                return (token, r.AccountId ?? token.Account ?? "AccessToken");
            case AuthKind.ManagedIdentity:
                return (r.ClientId is null ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned) : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(r.ClientId)),
                    r.ClientId ?? "ManagedIdentity");
            case AuthKind.ClientSecret:
                return (new ClientSecretCredential(Require(r.TenantId, "TenantId"), Require(r.ClientId, "ClientId"), Require(r.ClientSecret, "ClientSecret"),
                    new ClientSecretCredentialOptions { AuthorityHost = authority, AdditionallyAllowedTenants = { "*" } }), r.ClientId!);
            case AuthKind.ClientCertificate:
                var path = Require(r.CertificatePath, "CertificatePath");
                var cert = path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase)
                    ? X509Certificate2.CreateFromPemFile(path)
                    // net8.0 (PowerShell 7.4) has no X509CertificateLoader; this constructor is its PKCS#12 path there.
                    : new X509Certificate2(path, r.CertificatePassword);
                return (new ClientCertificateCredential(Require(r.TenantId, "TenantId"), Require(r.ClientId, "ClientId"), cert,
                    new ClientCertificateCredentialOptions { AuthorityHost = authority, AdditionallyAllowedTenants = { "*" } }), r.ClientId!);
            case AuthKind.DeviceCode:
                return (new DeviceCodeCredential(new DeviceCodeCredentialOptions
                {
                    AuthorityHost = authority,
                    TenantId = r.TenantId,
                    AdditionallyAllowedTenants = { "*" },
                    ClientId = r.ClientId ?? "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
                    DeviceCodeCallback = (info, _) =>
                    {
                        r.DeviceCodePrompt?.Invoke(info.Message);
                        return Task.CompletedTask;
                    },
                }), "DeviceCode");
            default:
                return (new DefaultAzureCredential(new DefaultAzureCredentialOptions { AuthorityHost = authority, TenantId = r.TenantId, AdditionallyAllowedTenants = { "*" } }), "DefaultAzureCredential");
        }
    }

    private static string Require(string? value, string name) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException($"{name} is required for this kind of sign-in.") : value;

    /// <summary>Runs a client call and translates its failures.</summary>
    internal static async Task<T> Call<T>(Func<Task<T>> call, string? resourceId)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, resourceId) is { } translated)
        {
            throw translated;
        }
    }

    internal static RecoveryVaultServiceException? Translate(Exception ex, string? resourceId) => ex switch
    {
        RecoveryVaultServiceException => null,
        RecoveryVaultRequestFailedException r => new RecoveryVaultServiceException(r.Status, r.ErrorCode, r.Error?.Message ?? r.Message,
            r.Error?.Target ?? resourceId, r.RequestId, r.Error?.Details.Select(d => $"{d.Code}: {d.Message}").ToList(), null),
        CredentialUnavailableException c => new RecoveryVaultServiceException(401, "CredentialUnavailable", FirstLine(c.Message), resourceId, null) { IsAuthentication = true },
        AuthenticationFailedException a => new RecoveryVaultServiceException(401, "AuthenticationFailed", FirstLine(a.Message), resourceId, null) { IsAuthentication = true },
        RequestFailedException r => new RecoveryVaultServiceException(r.Status, r.ErrorCode ?? (r.Status == 0 ? "NetworkError" : null),
            FirstLine(r.Message), resourceId, null),
        // Azure Core's retry gives up on failed connections with an AggregateException of every attempt's failure.
        AggregateException g when g.InnerExceptions.Count > 0 && g.InnerExceptions.All(e => Translate(e, resourceId) is { Status: 0 }) =>
            Translate(g.InnerExceptions[^1], resourceId),
        // A connection that failed outside Azure Core's transport wrapper (a stream read mid-body) is the same failure.
        System.Net.Http.HttpRequestException or IOException => new RecoveryVaultServiceException(0, "NetworkError", FirstLine(ex.Message), resourceId, null, null, ex),
        _ => null,
    };

    private static string FirstLine(string text)
    {
        var i = text.IndexOf('\n', StringComparison.Ordinal);
        return (i < 0 ? text : text[..i]).Trim();
    }

    /// <summary>Iterates an async pageable, translating failures.</summary>
    internal static async IAsyncEnumerable<T> Stream<T>(AsyncPageable<T> pageable, string? resourceId, [EnumeratorCancellation] CancellationToken ct) where T : notnull
    {
        var enumerator = pageable.GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                T current;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                    current = enumerator.Current;
                }
                catch (Exception ex) when (Translate(ex, resourceId) is { } translated)
                {
                    throw translated;
                }
                yield return current;
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }

    private string Sub(string? subscriptionId) => subscriptionId ?? SubscriptionId
        ?? throw new RecoveryVaultServiceException(400, "SubscriptionRequired", "No subscription: pass -SubscriptionId or connect with one.", null, null);

    /// <summary>Gets a vault.</summary>
    public Task<VaultData> GetVaultAsync(string? subscriptionId, string resourceGroupName, string vaultName, CancellationToken ct) =>
        Call(async () => (await _client.GetVaultAsync(Sub(subscriptionId), resourceGroupName, vaultName, ct).ConfigureAwait(false)).Value,
            RecoveryVaultResourceId.ForVault(Sub(subscriptionId), resourceGroupName, vaultName).ToString());

    /// <summary>Streams vaults of a resource group or subscription.</summary>
    public IAsyncEnumerable<VaultData> ListVaultsAsync(string? subscriptionId, string? resourceGroupName, CancellationToken ct) =>
        Stream(_client.GetVaultsAsync(Sub(subscriptionId), resourceGroupName, ct), null, ct);

    /// <summary>
    /// Creates or replaces a vault and waits for it. Sent once: after a lost answer the vault is looked for, and a
    /// vault that is there is the one this PUT made (New-RecoveryVault refuses a name that is taken before sending).
    /// </summary>
    public Task<VaultData> PutVaultAsync(string? subscriptionId, string resourceGroupName, string vaultName, VaultData body, CancellationToken ct)
    {
        var sub = Sub(subscriptionId);
        var target = RecoveryVaultResourceId.ForVault(sub, resourceGroupName, vaultName).ToString();
        return Call(async () =>
        {
            var op = await OnceAsync<Operations.ArmOperation<VaultData>?>($"Creating vault '{vaultName}'", $"look for it with Get-RecoveryVault -ResourceGroupName '{resourceGroupName}' -Name '{vaultName}'", target,
                async t => await _client.CreateOrUpdateVaultAsync(WaitUntil.Started, sub, resourceGroupName, vaultName, body, t).ConfigureAwait(false),
                async (_, t) => await FindVaultAsync(sub, resourceGroupName, vaultName, t).ConfigureAwait(false) is not null
                    ? Effect<Operations.ArmOperation<VaultData>?>.Found(null)
                    : Effect<Operations.ArmOperation<VaultData>?>.None, ct).ConfigureAwait(false);
            if (op is not null)
            {
                await op.WaitForCompletionAsync(ct).ConfigureAwait(false);
            }
            return op?.ValueOrDefault ?? await SettledVaultAsync(sub, resourceGroupName, vaultName, ct).ConfigureAwait(false);
        }, target);
    }

    /// <summary>
    /// Patches a vault and waits for it. After a lost answer, a vault that already holds every value of the patch
    /// is taken as patched; with <paramref name="ifMatch"/> a re-send made after someone else's change gets 412.
    /// </summary>
    public Task<VaultData> PatchVaultAsync(string? subscriptionId, string resourceGroupName, string vaultName, JsonObject patch, CancellationToken ct, string? ifMatch = null)
    {
        var sub = Sub(subscriptionId);
        var target = RecoveryVaultResourceId.ForVault(sub, resourceGroupName, vaultName).ToString();
        return Call(async () =>
        {
            var op = await OnceAsync<Operations.ArmOperation<VaultData>?>($"Changing vault '{vaultName}'", $"compare it with Get-RecoveryVault -ResourceGroupName '{resourceGroupName}' -Name '{vaultName}'", target,
                async t => ifMatch is null
                    ? await _client.UpdateVaultAsync(WaitUntil.Started, sub, resourceGroupName, vaultName, patch, t).ConfigureAwait(false)
                    : await _client.UpdateVaultAsync(WaitUntil.Started, sub, resourceGroupName, vaultName, patch, new ETag(ifMatch), t).ConfigureAwait(false),
                async (_, t) => await FindVaultAsync(sub, resourceGroupName, vaultName, t).ConfigureAwait(false) is { } found && Contains(found.Raw, patch)
                    ? Effect<Operations.ArmOperation<VaultData>?>.Found(null)
                    : Effect<Operations.ArmOperation<VaultData>?>.None, ct).ConfigureAwait(false);
            if (op is not null)
            {
                await op.WaitForCompletionAsync(ct).ConfigureAwait(false);
            }
            return op?.ValueOrDefault ?? await SettledVaultAsync(sub, resourceGroupName, vaultName, ct).ConfigureAwait(false);
        }, target);
    }

    /// <summary>Deletes a vault; waits unless <paramref name="noWait"/>. A vault found gone after a lost answer was deleted.</summary>
    public Task<bool> DeleteVaultAsync(string? subscriptionId, string resourceGroupName, string vaultName, bool noWait, CancellationToken ct)
    {
        var sub = Sub(subscriptionId);
        var target = RecoveryVaultResourceId.ForVault(sub, resourceGroupName, vaultName).ToString();
        var resent = false;
        return Call(async () =>
        {
            var op = await OnceAsync<Operations.ArmOperation<VaultData>?>($"Removing vault '{vaultName}'", $"check whether it is still there with Get-RecoveryVault -ResourceGroupName '{resourceGroupName}' -Name '{vaultName}'", target,
                async t =>
                {
                    try
                    {
                        return await _client.DeleteVaultAsync(WaitUntil.Started, sub, resourceGroupName, vaultName, t).ConfigureAwait(false);
                    }
                    catch (RecoveryVaultRequestFailedException ex) when (ex.Status == 404 && resent)
                    {
                        // Only a re-send gets here, after the look found the vault: it has gone since.
                        return null;
                    }
                    finally
                    {
                        resent = true;
                    }
                },
                async (_, t) => await FindVaultAsync(sub, resourceGroupName, vaultName, t).ConfigureAwait(false) is null
                    ? Effect<Operations.ArmOperation<VaultData>?>.Found(null)
                    : Effect<Operations.ArmOperation<VaultData>?>.None, ct).ConfigureAwait(false);
            if (op is null)
            {
                return true;
            }
            if (!noWait)
            {
                await op.WaitForCompletionAsync(ct).ConfigureAwait(false);
            }
            return op.HasCompleted;
        }, target);
    }

    /// <summary>The vault, or null when there is none of that name.</summary>
    private async Task<VaultData?> FindVaultAsync(string sub, string rg, string name, CancellationToken ct)
    {
        try
        {
            return (await _client.GetVaultAsync(sub, rg, name, ct).ConfigureAwait(false)).Value;
        }
        catch (RecoveryVaultRequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    // A vault whose write was adopted may still be provisioning: it is handed back once it has settled, as the
    // operation's own result would have been.
    private async Task<VaultData> SettledVaultAsync(string sub, string rg, string name, CancellationToken ct)
    {
        var delay = _client.Options.MinimumPollInterval;
        for (var i = 0; ; i++)
        {
            var vault = (await _client.GetVaultAsync(sub, rg, name, ct).ConfigureAwait(false)).Value;
            var state = vault.Raw["properties"]?["provisioningState"]?.GetValue<string>();
            if (state is null || i >= 60 || state is "Succeeded" or "Failed" or "Canceled")
            {
                return vault;
            }
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Streams soft-deleted vaults of a region.</summary>
    public IAsyncEnumerable<DeletedVaultData> ListDeletedVaultsAsync(string? subscriptionId, string location, CancellationToken ct) =>
        Stream(_client.GetDeletedVaultsAsync(Sub(subscriptionId), location, ct), null, ct);

    /// <summary>
    /// Undeletes a vault into a resource group and returns the vault. After a lost answer, the vault found back in
    /// the resource group is the effect of the undelete.
    /// </summary>
    public Task<VaultData> UndeleteVaultAsync(string? subscriptionId, string location, string deletedVaultName, string resourceGroupName, CancellationToken ct) =>
        Call(async () =>
        {
            var sub = Sub(subscriptionId);
            var deleted = (await _client.GetDeletedVaultAsync(sub, location, deletedVaultName, ct).ConfigureAwait(false)).Value;
            var vaultName = RecoveryVaultResourceId.TryParse(deleted.VaultId, out var id, out _) ? id.Name : deletedVaultName;
            var op = await OnceAsync<Operations.ArmOperation<DeletedVaultData>?>($"Restoring vault '{vaultName}'", $"look for it with Get-RecoveryVault -ResourceGroupName '{resourceGroupName}' -Name '{vaultName}'",
                deleted.Id, async t => await _client.UndeleteVaultAsync(WaitUntil.Started, sub, location, deletedVaultName, $"/subscriptions/{sub}/resourceGroups/{resourceGroupName}", t).ConfigureAwait(false),
                async (_, t) => await FindVaultAsync(sub, resourceGroupName, vaultName, t).ConfigureAwait(false) is not null
                    ? Effect<Operations.ArmOperation<DeletedVaultData>?>.Found(null)
                    : Effect<Operations.ArmOperation<DeletedVaultData>?>.None, ct).ConfigureAwait(false);
            if (op is not null)
            {
                await op.WaitForCompletionAsync(ct).ConfigureAwait(false);
            }
            return await SettledVaultAsync(sub, resourceGroupName, vaultName, ct).ConfigureAwait(false);
        }, $"/subscriptions/{Sub(subscriptionId)}/providers/Microsoft.RecoveryServices/locations/{location}/deletedVaults/{deletedVaultName}");

    /// <summary>Checks a vault name; returns (available, reason, message).</summary>
    public Task<(bool Available, string? Reason, string? Message)> CheckVaultNameAsync(string? subscriptionId, string resourceGroupName, string location, string vaultName, CancellationToken ct) =>
        Call(async () =>
        {
            var r = (await _client.CheckNameAvailabilityAsync(Sub(subscriptionId), resourceGroupName, location, vaultName, ct).ConfigureAwait(false)).Value;
            return (string.Equals(r.Read("nameAvailable"), "true", StringComparison.OrdinalIgnoreCase), r.Read("reason"), r.Read("message"));
        }, null);

    /// <summary>Gets the backup storage config.</summary>
    public Task<BackupStorageConfigData> GetStorageConfigAsync(string subscriptionId, string resourceGroupName, string vaultName, CancellationToken ct) =>
        Call(async () => (await _client.GetBackupStorageConfigAsync(subscriptionId, resourceGroupName, vaultName, ct).ConfigureAwait(false)).Value,
            RecoveryVaultResourceId.ForVault(subscriptionId, resourceGroupName, vaultName).ToString());

    /// <summary>Sets the backup storage config.</summary>
    public Task<BackupStorageConfigData> SetStorageConfigAsync(string subscriptionId, string resourceGroupName, string vaultName, BackupStorageConfigData config, CancellationToken ct) =>
        Call(async () => (await _client.SetBackupStorageConfigAsync(subscriptionId, resourceGroupName, vaultName, config, ct).ConfigureAwait(false)).Value,
            RecoveryVaultResourceId.ForVault(subscriptionId, resourceGroupName, vaultName).ToString());

    /// <summary>Gets the backup vault config.</summary>
    public Task<BackupVaultConfigData> GetVaultConfigAsync(string subscriptionId, string resourceGroupName, string vaultName, CancellationToken ct) =>
        Call(async () => (await _client.GetBackupVaultConfigAsync(subscriptionId, resourceGroupName, vaultName, ct).ConfigureAwait(false)).Value,
            RecoveryVaultResourceId.ForVault(subscriptionId, resourceGroupName, vaultName).ToString());

    /// <summary>Patches the backup vault config.</summary>
    public Task<BackupVaultConfigData> SetVaultConfigAsync(string subscriptionId, string resourceGroupName, string vaultName, BackupVaultConfigData config, CancellationToken ct) =>
        Call(async () => (await _client.UpdateBackupVaultConfigAsync(subscriptionId, resourceGroupName, vaultName, config, ct).ConfigureAwait(false)).Value,
            RecoveryVaultResourceId.ForVault(subscriptionId, resourceGroupName, vaultName).ToString());

    /// <summary>The physical regions of a subscription (Subscriptions - List Locations; logical regions hold no vaults).</summary>
    public async IAsyncEnumerable<string> ListRegionsAsync(string? subscriptionId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var l in Stream(_client.GetLocationsAsync(Sub(subscriptionId), ct), null, ct).ConfigureAwait(false))
        {
            if (l.Name is { } name && !string.Equals(l.RegionType, "Logical", StringComparison.OrdinalIgnoreCase))
            {
                yield return name;
            }
        }
    }

    /// <summary>Streams resource groups (for completion and deleted-vault regions).</summary>
    public IAsyncEnumerable<ResourceGroupData> ListResourceGroupsAsync(string? subscriptionId, CancellationToken ct) =>
        Stream(_client.GetResourceGroupsAsync(Sub(subscriptionId), ct), null, ct);

    /// <summary>Streams role assignments that apply at a scope.</summary>
    public IAsyncEnumerable<RoleAssignmentData> ListRoleAssignmentsAsync(string scope, CancellationToken ct) =>
        Stream(_client.GetRoleAssignmentsAsync(scope, null, ct), scope, ct);

    /// <summary>The caller's own effective permissions at a scope.</summary>
    public IAsyncEnumerable<PermissionData> ListPermissionsAsync(string scope, CancellationToken ct) =>
        Stream(_client.GetPermissionsAsync(scope, ct), scope, ct);

    /// <summary>Role definitions visible at a scope (all, or by name).</summary>
    public IAsyncEnumerable<RoleDefinitionData> ListRoleDefinitionsAsync(string scope, string? roleName, CancellationToken ct) =>
        Stream(_client.GetRoleDefinitionsAsync(scope, roleName, ct), scope, ct);

    /// <summary>Creates a role assignment.</summary>
    public Task<RoleAssignmentData> CreateRoleAssignmentAsync(string scope, string roleDefinitionId, string principalId, CancellationToken ct) =>
        Call(async () => (await _client.CreateRoleAssignmentAsync(scope, Guid.NewGuid().ToString(), roleDefinitionId, principalId, ct).ConfigureAwait(false)).Value, scope);

    /// <summary>Deletes a role assignment.</summary>
    public Task<int> DeleteRoleAssignmentAsync(string roleAssignmentId, CancellationToken ct) =>
        Call(async () => (await _client.DeleteRoleAssignmentAsync(roleAssignmentId, ct).ConfigureAwait(false)).Status, roleAssignmentId);
}
