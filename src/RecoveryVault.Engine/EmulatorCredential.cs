// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using RecoveryVault.Engine.Pipeline;

namespace RecoveryVault.Engine;

/// <summary>
/// A client-credentials token credential for the RecoveryVault emulator's OAuth2 endpoint
/// (<c>POST {endpoint}/{tenant}/oauth2/v2.0/token</c>). Tokens are cached until five minutes before expiry.
/// </summary>
public sealed class EmulatorCredential : TokenCredential
{
    private readonly Uri _endpoint;
    private readonly string _tenantId;
    private readonly Dictionary<string, AccessToken> _byTenant = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _clientId;
    private readonly string _clientSecret;
    private readonly HttpPipeline _pipeline;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates the credential.</summary>
    /// <param name="endpoint">Emulator endpoint, e.g. https://127.0.0.1:5443.</param>
    /// <param name="tenantId">Emulator tenant.</param>
    /// <param name="clientId">Principal client id.</param>
    /// <param name="clientSecret">Principal secret.</param>
    /// <param name="thumbprint">Emulator certificate thumbprint to pin (null: system trust only).</param>
    public EmulatorCredential(Uri endpoint, string tenantId, string clientId, string clientSecret, string? thumbprint)
    {
        _endpoint = endpoint;
        _tenantId = tenantId;
        _clientId = clientId;
        _clientSecret = clientSecret;
        var options = new RecoveryVaultClientOptions();
        if (thumbprint is not null)
        {
            options.Transport = PinnedCertificateTransport.Create(thumbprint);
        }
        _pipeline = HttpPipelineBuilder.Build(options);
    }

    private AccessToken? Cached(string tenant)
    {
        lock (_byTenant)
        {
            return _byTenant.TryGetValue(tenant, out var t) && t.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(5) ? t : null;
        }
    }

    /// <summary>The principal's client id.</summary>
    public string ClientId => _clientId;

    /// <inheritdoc />
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenCoreAsync(requestContext, false, cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenCoreAsync(requestContext, true, cancellationToken);

    // A context with a TenantId asks that tenant's authority (a resource guard in another tenant); tokens are cached per tenant.
    private async ValueTask<AccessToken> GetTokenCoreAsync(TokenRequestContext context, bool async, CancellationToken ct)
    {
        var tenant = string.IsNullOrEmpty(context.TenantId) ? _tenantId : context.TenantId;
        if (Cached(tenant) is { } hit)
        {
            return hit;
        }
        if (async)
        {
            await _gate.WaitAsync(ct).ConfigureAwait(false);
        }
        else
        {
            _gate.Wait(ct);
        }
        try
        {
            if (Cached(tenant) is { } again)
            {
                return again;
            }
            using var message = _pipeline.CreateMessage();
            message.Request.Method = RequestMethod.Post;
            message.Request.Uri.Reset(new Uri(_endpoint, $"/{Uri.EscapeDataString(tenant)}/oauth2/v2.0/token"));
            message.Request.Headers.SetValue("Content-Type", "application/x-www-form-urlencoded");
            var scope = context.Scopes.Length > 0 ? context.Scopes[0] : ".default";
            var form = $"grant_type=client_credentials&client_id={Uri.EscapeDataString(_clientId)}&client_secret={Uri.EscapeDataString(_clientSecret)}&scope={Uri.EscapeDataString(scope)}";
            message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(form));
            if (async)
            {
                await _pipeline.SendAsync(message, ct).ConfigureAwait(false);
            }
            else
            {
                _pipeline.Send(message, ct);
            }
            var response = message.Response;
            using var doc = JsonDocument.Parse(response.Content.ToMemory());
            if (response.IsError)
            {
                var description = doc.RootElement.TryGetProperty("error_description", out var d) ? d.GetString() : response.ReasonPhrase;
                throw new AuthenticationFailedException($"The emulator refused a token for client '{_clientId}' in tenant '{tenant}': {description}");
            }
            var token = doc.RootElement.GetProperty("access_token").GetString()!;
            var expiresIn = doc.RootElement.TryGetProperty("expires_in", out var e) ? e.GetInt32() : 3599;
            var issued = new AccessToken(token, DateTimeOffset.UtcNow.AddSeconds(expiresIn));
            lock (_byTenant)
            {
                _byTenant[tenant] = issued;
            }
            return issued;
        }
        finally
        {
            _gate.Release();
        }
    }
}
