// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Tests;

public sealed class ProtocolTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private EmulatorServer Server => fx.Server;

    [Fact]
    public async Task Token_IsIssuedForOwner_AndDeniedForWrongSecretOrUnknownClient()
    {
        using var arm = new Arm(Server);
        var ok = await arm.PostTokenAsync(Server.OwnerClientId, Server.OwnerClientSecret);
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal("Bearer", ok.Body!["token_type"]!.GetValue<string>());
        Assert.Equal(3599, ok.Body!["expires_in"]!.GetValue<int>());
        Assert.Equal(3, ok.Body!["access_token"]!.GetValue<string>().Split('.').Length);

        var wrong = await arm.PostTokenAsync(Server.OwnerClientId, "nope");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("invalid_client", wrong.Body!["error"]!.GetValue<string>());

        var unknown = await arm.PostTokenAsync("who", "x");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal("invalid_client", unknown.Body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task OidcMetadata_NamesTokenEndpoint()
    {
        using var arm = new Arm(Server);
        var r = await arm.SendAsync("GET", $"/{Server.TenantId}/v2.0/.well-known/openid-configuration", auth: false);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal($"{Server.EndpointString}/{Server.TenantId}/oauth2/v2.0/token", r.Body!["token_endpoint"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unauthenticated_GetsArm401Codes_WithWwwAuthenticate()
    {
        using var arm = new Arm(Server);
        var path = $"/subscriptions/{Server.SubscriptionId}/resourcegroups?api-version=2021-04-01";

        var missing = await arm.SendAsync("GET", path);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.Equal("AuthenticationFailed", missing.ErrorCode);
        var www = missing.Header("WWW-Authenticate");
        Assert.NotNull(www);
        Assert.Contains($"authorization_uri=\"{Server.EndpointString}/{Server.TenantId}\"", www);
        Assert.Contains("error=\"invalid_token\"", www);

        arm.Token = "not-a-jwt";
        var malformed = await arm.SendAsync("GET", path);
        Assert.Equal("InvalidAuthenticationToken", malformed.ErrorCode);

        var good = Server.IssueAccessToken(Server.OwnerClientId);
        var parts = good.Split('.');
        arm.Token = parts[0] + "." + parts[1] + ".AAAA" + parts[2][4..];
        var badSig = await arm.SendAsync("GET", path);
        Assert.Equal("InvalidAuthenticationToken", badSig.ErrorCode);

        arm.Token = Server.IssueAccessToken(Server.OwnerClientId, TimeSpan.FromMinutes(-1));
        var expired = await arm.SendAsync("GET", path);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.Status);
        Assert.Equal("ExpiredAuthenticationToken", expired.ErrorCode);
        Assert.NotNull(expired.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task ApiVersion_MissingInvalidUnsupported()
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        var basePath = $"/subscriptions/{Server.SubscriptionId}/providers/Microsoft.RecoveryServices/vaults";

        var missing = await arm.SendAsync("GET", basePath);
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal("MissingApiVersionParameter", missing.ErrorCode);

        var invalid = await arm.SendAsync("GET", basePath + "?api-version=latest");
        Assert.Equal("InvalidApiVersionParameter", invalid.ErrorCode);

        var unsupported = await arm.SendAsync("GET", basePath + "?api-version=2016-06-01");
        Assert.Equal(HttpStatusCode.BadRequest, unsupported.Status);
        Assert.Equal("NoRegisteredProviderFound", unsupported.ErrorCode);
        Assert.Contains("2026-07-01", unsupported.ErrorMessage);

        foreach (var v in new[] { "2026-07-01", "2025-02-01", "2025-08-01", "2026-01-01", "2026-02-01", "2026-05-01" })
        {
            Assert.Equal(HttpStatusCode.OK, (await arm.SendAsync("GET", $"{basePath}?api-version={v}")).Status);
        }

        var backupOnVaultVersion = await arm.SendAsync("GET", basePath.Replace("/providers/Microsoft.RecoveryServices/vaults", "/resourceGroups/x/providers/Microsoft.RecoveryServices/vaults/y/backupconfig/vaultconfig") + "?api-version=2026-07-01");
        Assert.Equal("NoRegisteredProviderFound", backupOnVaultVersion.ErrorCode);
    }

    [Fact]
    public async Task RequestIds_AreReturned_AndClientRequestIdEchoed()
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        var clientId = Guid.NewGuid().ToString();
        var r = await arm.SendAsync("GET", $"/subscriptions/{Server.SubscriptionId}?api-version=2022-12-01",
            headers: new Dictionary<string, string> { ["x-ms-client-request-id"] = clientId });
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.NotNull(r.Header("x-ms-request-id"));
        Assert.Equal(clientId, r.Header("x-ms-correlation-request-id"));
        Assert.Equal(clientId, r.Header("x-ms-client-request-id"));
        Assert.Equal("Emulator Subscription", r.Body!["displayName"]!.GetValue<string>());

        var log = await arm.AdminAsync("GET", "/_emulator/requests?last=5");
        var entry = log.Body!.AsArray().Last()!;
        Assert.Equal(clientId, entry["clientRequestId"]!.GetValue<string>());
        Assert.True(entry["hasAuthorization"]!.GetValue<bool>());
        Assert.DoesNotContain(arm.Token!, log.Body!.ToJsonString());
    }

    [Fact]
    public async Task Health_ReportsEndpointAndThumbprint()
    {
        using var arm = new Arm(Server);
        var r = await arm.AdminAsync("GET", "/_emulator/health");
        Assert.Equal("Healthy", r.Body!["status"]!.GetValue<string>());
        Assert.Equal(Server.Thumbprint, r.Body!["thumbprint"]!.GetValue<string>());
        Assert.Equal(Server.EndpointString, r.Body!["endpoint"]!.GetValue<string>());
        Assert.Matches("^[0-9A-F]{40}$", Server.Thumbprint);
        Assert.True(File.Exists(Server.CertificatePath));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(Server.CertificatePath));
    }

    [Fact]
    public async Task ResourceGroups_PutGetListDelete()
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        var path = $"/subscriptions/{Server.SubscriptionId}/resourcegroups/rg-proto?api-version=2021-04-01";
        var put = await arm.SendAsync("PUT", path, new JsonObject { ["location"] = "East US 2" });
        Assert.Equal(HttpStatusCode.Created, put.Status);
        Assert.Equal("eastus2", put.Body!["location"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await arm.SendAsync("PUT", path, new JsonObject { ["location"] = "eastus2" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await arm.SendAsync("GET", path.Replace("resourcegroups", "resourceGroups"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await arm.SendAsync("DELETE", path)).Status);
        var gone = await arm.SendAsync("GET", path);
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal("ResourceGroupNotFound", gone.ErrorCode);
        Assert.Equal("Resource group 'rg-proto' could not be found.", gone.ErrorMessage);
    }
}
