// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;
using System.Text.Json.Nodes;
using Azure.Core;
using RecoveryVault.Engine.Pipeline;
using Xunit;

namespace RecoveryVault.Engine.Tests;

/// <summary>
/// What a critical operation sends on a vault under a resource guard (MUA): Az.RecoveryServices' UpdateRSVault puts the
/// mapping's defaultResourceRequest in properties.resourceGuardOperationRequests and the token in
/// x-ms-authorization-auxiliary ("Bearer " + token), and only for that vault (ARM "Authenticate requests across tenants").
/// </summary>
public sealed class ResourceGuardWireTests
{
    private const string Guard = "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-g/providers/Microsoft.DataProtection/resourceGuards/g";
    private static readonly string VaultId = $"/subscriptions/{Stub.Sub}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1";

    private static ResourceGuardContext Context(string? token) => new(VaultId, token, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Microsoft.RecoveryServices/vaults/backupconfig/write"] = Guard + "/disableSoftDeleteRequests/default",
        ["Microsoft.RecoveryServices/vaults/write#reduceImmutabilityState"] = Guard + "/reduceImmutabilityState/default",
        ["Microsoft.RecoveryServices/vaults/backupPolicies/write"] = Guard + "/updateProtectionPolicyRequests/default",
    });

    [Fact]
    public async Task VaultPatch_InScope_CarriesTheGuardRequestsAndTheAuxiliaryToken_WithoutChangingTheCallersBody()
    {
        var (client, handler, log) = Stub.Create((_, _) => StubHandler.Json(HttpStatusCode.OK, Stub.Vault("v1")));
        var patch = new JsonObject { ["properties"] = new JsonObject { ["securitySettings"] = new JsonObject { ["immutabilitySettings"] = new JsonObject { ["state"] = "Disabled" } } } };
        using (ResourceGuardContext.Enter(Context("aux-token")))
        {
            await client.UpdateVaultAsync(Azure.WaitUntil.Completed, Stub.Sub, "rg", "v1", patch);
        }

        var sent = handler.Requests.Single(r => r.Method == "PATCH");
        Assert.Equal("Bearer aux-token", sent.Headers["x-ms-authorization-auxiliary"]);
        var requests = JsonNode.Parse(sent.Body!)!["properties"]!["resourceGuardOperationRequests"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal([Guard + "/disableSoftDeleteRequests/default", Guard + "/reduceImmutabilityState/default"], requests);
        Assert.Null(patch["properties"]!["resourceGuardOperationRequests"]);
        Assert.DoesNotContain(log, e => e.RequestHeaders.Any(h => h.Value.Contains("aux-token", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OtherVaultsAndNoScope_GetNothing()
    {
        var (client, handler, _) = Stub.Create((_, _) => StubHandler.Json(HttpStatusCode.OK, Stub.Vault("v2")));
        var patch = new JsonObject { ["tags"] = new JsonObject { ["a"] = "b" } };
        using (ResourceGuardContext.Enter(Context("aux-token")))
        {
            await client.UpdateVaultAsync(Azure.WaitUntil.Completed, Stub.Sub, "rg", "v2", patch);
        }

        await client.UpdateVaultAsync(Azure.WaitUntil.Completed, Stub.Sub, "rg", "v1", patch);
        Assert.All(handler.Requests, r => Assert.False(r.Headers.ContainsKey("x-ms-authorization-auxiliary")));
        Assert.All(handler.Requests.Where(r => r.Body is not null), r => Assert.DoesNotContain("resourceGuardOperationRequests", r.Body!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DiscoverTenant_ReadsTheTenantOfResourceManagersChallenge()
    {
        const string tenant = "11111111-2222-4333-8444-555555555555";
        var (client, _, _) = Stub.Create((_, _) => StubHandler.Json(HttpStatusCode.Unauthorized,
            "{\"error\":{\"code\":\"InvalidAuthenticationTokenTenant\",\"message\":\"wrong issuer\"}}",
            ("WWW-Authenticate", $"Bearer authorization_uri=\"https://login.windows.net/{tenant}\", error=\"invalid_token\"")));
        Assert.Equal(tenant, await client.DiscoverTenantAsync(Guard));
        var (same, _, _) = Stub.Create((_, _) => StubHandler.Json(HttpStatusCode.OK, "{}"));
        Assert.Null(await same.DiscoverTenantAsync(Guard));
    }
}
