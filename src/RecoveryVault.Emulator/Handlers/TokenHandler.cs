// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>Entra-like token endpoint (client credentials) and its OIDC metadata.</summary>
internal static class TokenHandler
{
    public const int LifetimeSeconds = 3599;

    /// <summary>A client credentials form is a few hundred bytes; 64 KB leaves room for long client assertions.</summary>
    public const int MaxFormBytes = 64 * 1024;

    /// <summary>True for <c>/{tenant}/oauth2/v2.0/token</c>, <c>/{tenant}/oauth2/token</c> and the OIDC document.</summary>
    public static bool IsTokenPath(PathString path)
    {
        var segs = (path.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segs.Length == 0 || segs[0].StartsWith('_') || segs[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) || segs[0].Equals("providers", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return (segs.Length >= 3 && segs[1].Equals("oauth2", StringComparison.OrdinalIgnoreCase))
            || (segs.Length >= 3 && segs[^1].Equals("openid-configuration", StringComparison.OrdinalIgnoreCase));
    }

    public static async Task HandleAsync(HttpContext http, EmulatorRuntime runtime)
    {
        var segs = (http.Request.Path.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        var tenant = segs[0];
        var multiTenant = tenant.Equals("organizations", StringComparison.OrdinalIgnoreCase) || tenant.Equals("common", StringComparison.OrdinalIgnoreCase);
        var known = multiTenant || runtime.Store.Transaction(s => Tenants.Exists(s, tenant));
        if (!known)
        {
            await Write(http, 400, OAuthError("invalid_request", $"AADSTS90002: Tenant '{tenant}' not found.")).ConfigureAwait(false);
            return;
        }

        if (segs[^1].Equals("openid-configuration", StringComparison.OrdinalIgnoreCase))
        {
            var authority = $"{runtime.Endpoint}/{(multiTenant ? EmulatorConstants.TenantId : tenant)}";
            await Write(http, 200, new JsonObject
            {
                ["issuer"] = runtime.Tokens.Issuer,
                ["token_endpoint"] = $"{authority}/oauth2/v2.0/token",
                ["authorization_endpoint"] = $"{authority}/oauth2/v2.0/authorize",
                ["jwks_uri"] = $"{authority}/discovery/v2.0/keys",
                ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "client_secret_basic"),
                ["response_types_supported"] = new JsonArray("code", "id_token", "token"),
                ["subject_types_supported"] = new JsonArray("pairwise"),
                ["id_token_signing_alg_values_supported"] = new JsonArray("HS256"),
                ["scopes_supported"] = new JsonArray("openid", "profile", "email", "offline_access"),
                ["grant_types_supported"] = new JsonArray("client_credentials"),
                ["tenant_region_scope"] = "NA",
                ["cloud_instance_name"] = "emulator",
            }).ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.HasFormContentType)
        {
            await Write(http, 400, OAuthError("invalid_request", "AADSTS900144: POST a form-encoded body with grant_type=client_credentials.")).ConfigureAwait(false);
            return;
        }

        string text;
        try
        {
            text = await Middleware.RequestBody.ReadAsync(http, MaxFormBytes, () => new BodyTooLargeException()).ConfigureAwait(false);
        }
        catch (BodyTooLargeException)
        {
            await Write(http, 413, OAuthError("invalid_request", $"AADSTS900144: The request body exceeds {MaxFormBytes} bytes; a client credentials form is a few hundred.")).ConfigureAwait(false);
            return;
        }

        var form = new FormCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(text));
        var grant = form["grant_type"].ToString();
        var clientId = form["client_id"].ToString();
        var secret = form["client_secret"].ToString();
        var basic = http.Request.Headers.Authorization.ToString();
        if (basic.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 6749 §5.2: client authentication that cannot be read is invalid_client with 401, never a crash.
            if (!TryReadBasic(basic[6..].Trim(), out clientId, out secret))
            {
                await Write(http, 401, OAuthError("invalid_client", "AADSTS7000218: The Authorization header's Basic credentials are not base64 of 'client_id:client_secret'.")).ConfigureAwait(false);
                return;
            }
        }

        if (!grant.Equals("client_credentials", StringComparison.Ordinal))
        {
            await Write(http, 400, OAuthError("unsupported_grant_type", $"AADSTS70003: The grant type '{grant}' is not supported; use client_credentials.")).ConfigureAwait(false);
            return;
        }

        var principal = runtime.Store.Transaction(s => string.IsNullOrEmpty(clientId) ? null : Principals.ByClientId(s, clientId));
        // A tenant-specific authority issues tokens only to its members and guests; organizations/common mean the home tenant.
        var tokenTenant = multiTenant && principal is not null ? Tenants.HomeOf(principal) : tenant;
        if (principal is null || !Tenants.IsMember(principal, tokenTenant))
        {
            await Write(http, 401, OAuthError("invalid_client", $"AADSTS700016: Application with identifier '{clientId}' was not found in the directory '{tokenTenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.")).ConfigureAwait(false);
            return;
        }

        if (!runtime.Store.Transaction(s => Principals.SecretMatches(s, clientId, secret)))
        {
            await Write(http, 401, OAuthError("invalid_client", $"AADSTS7000215: Invalid client secret provided for application '{clientId}'.")).ConfigureAwait(false);
            return;
        }

        var scope = form["scope"].ToString();
        var resource = form["resource"].ToString();
        var audience = !string.IsNullOrEmpty(resource) ? resource
            : !string.IsNullOrEmpty(scope) ? scope.Split(' ')[0].Replace("/.default", "/", StringComparison.OrdinalIgnoreCase).Replace("//", "/", StringComparison.Ordinal).Replace(":/", "://", StringComparison.Ordinal)
            : TokenService.Audience;
        var token = runtime.Tokens.Issue(Json.Str(principal, "objectId")!, clientId, tokenTenant, audience, TimeSpan.FromSeconds(LifetimeSeconds));
        await Write(http, 200, new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = LifetimeSeconds,
            ["ext_expires_in"] = LifetimeSeconds,
            ["access_token"] = token,
        }).ConfigureAwait(false);
    }

    private static bool TryReadBasic(string encoded, out string clientId, out string secret)
    {
        clientId = secret = string.Empty;
        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, bytes, out var length))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        // RFC 6749 §2.3.1: both halves are form-urlencoded before base64.
        clientId = Uri.UnescapeDataString(decoded[..colon]);
        secret = Uri.UnescapeDataString(decoded[(colon + 1)..]);
        return true;
    }

    private static JsonObject OAuthError(string error, string description) => new()
    {
        ["error"] = error,
        ["error_description"] = description,
        ["error_codes"] = new JsonArray(),
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["trace_id"] = Guid.NewGuid().ToString(),
        ["correlation_id"] = Guid.NewGuid().ToString(),
    };

    private static async Task Write(HttpContext http, int status, JsonObject body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store, no-cache";
        await http.Response.WriteAsync(Json.Serialize(body), http.RequestAborted).ConfigureAwait(false);
    }
}
