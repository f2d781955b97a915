// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;
using System.Security;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using RecoveryVault.Engine.Hosting;
using Xunit;

namespace RecoveryVault.Engine.Tests;

public class AccessTokenCredentialTests
{
    private static string Jwt(JsonObject claims)
    {
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return B64("""{"alg":"RS256","typ":"JWT"}""") + "." + B64(claims.ToJsonString()) + ".c2lnbmF0dXJl";
    }

    private static SecureString Secure(string s)
    {
        var secure = new SecureString();
        foreach (var c in s)
        {
            secure.AppendChar(c);
        }
        return secure;
    }

    private static (RecoveryVaultClient Client, StubHandler Handler, List<RequestLogEntry> Log) Client(TokenCredential credential)
    {
        var handler = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, Stub.Vault("v1")));
        var log = new List<RequestLogEntry>();
        var options = new RecoveryVaultClientOptions
        {
            Environment = RecoveryVaultEnvironment.Custom(Stub.Endpoint),
            Transport = new HttpClientTransport(new HttpClient(handler)),
            RequestLog = e => { lock (log) { log.Add(e); } },
        };
        return (new RecoveryVaultClient(credential, options), handler, log);
    }

    [Fact]
    public void ReadsExpiryAccountAndTenantFromTheJwt()
    {
        var exp = DateTimeOffset.UtcNow.AddMinutes(50);
        var token = Jwt(new JsonObject { ["exp"] = exp.ToUnixTimeSeconds(), ["appid"] = "app-1", ["oid"] = "oid-1", ["tid"] = "tenant-1" });
        var credential = new AccessTokenCredential(Secure(token));
        Assert.Equal(exp.ToUnixTimeSeconds(), credential.ExpiresOn!.Value.ToUnixTimeSeconds());
        Assert.Equal("app-1", credential.Account);
        Assert.Equal("tenant-1", credential.TenantId);
        Assert.False(credential.IsExpired(DateTimeOffset.UtcNow));
        Assert.True(credential.IsExpired(exp.AddSeconds(1)));
        // A user's token names the user before the app it came through.
        var user = new AccessTokenCredential(Secure(Jwt(new JsonObject { ["upn"] = "ops@contoso.com", ["appid"] = "app-1" })));
        Assert.Equal("ops@contoso.com", user.Account);
    }

    [Fact]
    public async Task SendsTheTokenAsBearerAndTheLogShowsItRedacted()
    {
        var token = Jwt(new JsonObject { ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(), ["appid"] = "app-1" });
        var (client, handler, log) = Client(new AccessTokenCredential(Secure(token)));
        await client.GetVaultAsync(Stub.Sub, "rg", "v1");
        Assert.Equal("Bearer " + token, handler.Requests.Single().Headers["Authorization"]);
        var entry = Assert.Single(log);
        Assert.Contains(entry.RequestHeaders, h => h.Key == "Authorization" && h.Value == "REDACTED");
        Assert.DoesNotContain(entry.RequestHeaders, h => h.Value.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnExpiredTokenIsRefusedBeforeAnyRequestWithAMessageThatNamesTheTimeNotTheToken()
    {
        var expired = DateTimeOffset.UtcNow.AddMinutes(-7);
        var token = Jwt(new JsonObject { ["exp"] = expired.ToUnixTimeSeconds(), ["appid"] = "app-1" });
        var (client, handler, _) = Client(new AccessTokenCredential(Secure(token)));
        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => client.GetVaultAsync(Stub.Sub, "rg", "v1"));
        Assert.Empty(handler.Requests);
        Assert.Contains("expired at " + expired.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC", ex.Message);
        Assert.Contains("Get-AzAccessToken", ex.Message);
        Assert.DoesNotContain(token, ex.ToString(), StringComparison.Ordinal);
        // The facade turns it into the module's AuthenticationFailed, still without the token.
        var translated = RecoveryVaultSession.Translate(ex, null);
        Assert.NotNull(translated);
        Assert.True(translated!.IsAuthentication);
        Assert.DoesNotContain(token, translated.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOpaqueTokenHasNoKnownExpiryAndIsSentAsIs()
    {
        var credential = new AccessTokenCredential(Secure("opaque-token-value"));
        Assert.Null(credential.ExpiresOn);
        Assert.Null(credential.Account);
        var (client, handler, _) = Client(credential);
        await client.GetVaultAsync(Stub.Sub, "rg", "v1");
        Assert.Equal("Bearer opaque-token-value", handler.Requests.Single().Headers["Authorization"]);
    }
}
