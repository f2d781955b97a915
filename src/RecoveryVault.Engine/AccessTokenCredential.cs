// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;
using System.Security;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;

namespace RecoveryVault.Engine;

/// <summary>
/// A token obtained elsewhere (e.g. <c>Get-AzAccessToken</c> in a runbook that ran <c>Connect-AzAccount -Identity</c>).
/// It cannot be renewed, so its expiry (the JWT's <c>exp</c>) is checked on every request and an expired token is
/// refused before it is sent, with a message that says what to do. The token text is never part of any message.
/// </summary>
public sealed class AccessTokenCredential : TokenCredential
{
    // Kept as a SecureString and turned into text per request, so no long-lived object holds the token in the clear
    // beyond what Azure.Core's header needs.
    private readonly SecureString _token;

    /// <summary>Creates the credential; reads the expiry and the account claims when the token is a JWT.</summary>
    /// <param name="token">The bearer token (without "Bearer ").</param>
    public AccessTokenCredential(SecureString token)
    {
        _token = token.Copy();
        _token.MakeReadOnly();
        var claims = ReadClaims(Plain(_token));
        ExpiresOn = claims.ExpiresOn;
        Account = claims.Account;
        TenantId = claims.TenantId;
    }

    /// <summary>When the token expires (<c>exp</c>), or null when it is not a JWT and the service alone can tell.</summary>
    public DateTimeOffset? ExpiresOn { get; }

    /// <summary>The account the token was issued to (upn, preferred_username, app id or object id), if it says.</summary>
    public string? Account { get; }

    /// <summary>The token's tenant (<c>tid</c>), if it says.</summary>
    public string? TenantId { get; }

    /// <summary>Whether the token has expired at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => ExpiresOn is { } exp && exp <= now;

    /// <inheritdoc />
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => Get();

    /// <inheritdoc />
    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(Get());

    private AccessToken Get()
    {
        var now = DateTimeOffset.UtcNow;
        if (IsExpired(now))
        {
            throw new AuthenticationFailedException(ExpiredMessage(ExpiresOn!.Value, now));
        }
        // Without an exp claim the token's lifetime is unknown: the service will say 401 when it ends.
        return new AccessToken(Plain(_token), ExpiresOn ?? DateTimeOffset.MaxValue);
    }

    /// <summary>The message for a token that ran out; names the time, never the token.</summary>
    public static string ExpiredMessage(DateTimeOffset expiresOn, DateTimeOffset now)
    {
        var ago = now - expiresOn;
        var agoText = ago.TotalMinutes >= 1 ? $"{(int)ago.TotalMinutes} min ago" : $"{Math.Max(0, (int)ago.TotalSeconds)} s ago";
        return FormattableString.Invariant($"The access token given to Connect-RecoveryVault -AccessToken expired at {expiresOn.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC ({agoText}).")
            + " A token cannot be renewed by this module: get a new one (for example with Get-AzAccessToken) and run Connect-RecoveryVault -AccessToken again.";
    }

    /// <summary>The <c>tid</c> claim of a JWT, or null when it has none or is opaque.</summary>
    public static string? TryReadTenant(string token) => ReadClaims(token).TenantId;

    private static string Plain(SecureString s) => new NetworkCredential(string.Empty, s).Password;

    private static (DateTimeOffset? ExpiresOn, string? Account, string? TenantId) ReadClaims(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return (null, null, null);
        }
        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            var root = doc.RootElement;
            DateTimeOffset? exp = root.TryGetProperty("exp", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
            string? account = null;
            foreach (var claim in (string[])["upn", "preferred_username", "unique_name", "appid", "azp", "oid"])
            {
                if (root.TryGetProperty(claim, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(v.GetString()))
                {
                    account = v.GetString();
                    break;
                }
            }
            var tid = root.TryGetProperty("tid", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            return (exp, account, tid);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException or InvalidOperationException)
        {
            // An opaque token is still a token: only its expiry is unknown.
            return (null, null, null);
        }
    }
}
