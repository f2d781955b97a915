// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using Xunit;

namespace RecoveryVault.Emulator.Tests;

/// <summary>
/// Multi-user authorization (issue 10): resource guards, the vault's backupResourceGuardProxies, and the critical
/// operations they protect, over the wire. Sources: dataprotection.json 2026-06-01 and its ResourceGuardCRUD examples,
/// bms.json 2023-06-01 and its ResourceGuardProxyCRUD examples, Azure Backup "About Multi-user authorization using
/// Resource Guard" (critical operations, Mandatory ones), Azure Resource Manager "Authenticate requests across tenants"
/// (x-ms-authorization-auxiliary), and ARM's LinkedAuthorizationFailed answer.
/// </summary>
public sealed class ResourceGuardTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private const string Dp = "?api-version=2026-06-01";
    private const string Bk = "?api-version=2023-06-01";

    /// <summary>The bms.json ResourceGuardProxyCRUD examples, replayed here (BackupContractReplayTests counts them as replayed elsewhere).</summary>
    public static readonly string[] ProxyExamples =
    [
        "ResourceGuardProxyCRUD/PutResourceGuardProxy.json",
        "ResourceGuardProxyCRUD/GetResourceGuardProxy.json",
        "ResourceGuardProxyCRUD/ListResourceGuardProxy.json",
        "ResourceGuardProxyCRUD/UnlockDeleteResourceGuardProxy.json",
        "ResourceGuardProxyCRUD/DeleteResourceGuardProxy.json",
    ];

    private static JsonNode Example(string relative) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Paths.Contract(), "examples", "recoveryservicesbackup", "2023-06-01", relative)))!;

    private static async Task SeedSubscriptionAsync(Arm arm, string subscriptionId, string? tenantId = null)
    {
        var r = await arm.AdminAsync("POST", "/_emulator/subscriptions", new { subscriptionId, tenantId });
        Assert.True(r.Code is 200 or 201, $"{r.Code} {r.Body}");
    }

    [Fact]
    public async Task ProxyExamples_ReplayInOrder_MapGetListUnlockDelete()
    {
        // The examples' own names: vault 0b352192…/SampleResourceGroup/sampleVault, guard c999d45b…/vaultguardRGNew/VaultGuardTestNew.
        using var arm = await Arm.ForOwnerAsync(fx.Server);
        var put = Example(ProxyExamples[0]);
        var p = put["parameters"]!;
        var guardId = p["parameters"]!["properties"]!["resourceGuardResourceId"]!.GetValue<string>();
        var guardSub = guardId.Split('/')[2];
        await SeedSubscriptionAsync(arm, p["subscriptionId"]!.GetValue<string>());
        await SeedSubscriptionAsync(arm, guardSub);
        await arm.CreateResourceGroupAsync(p["resourceGroupName"]!.GetValue<string>(), subscriptionId: p["subscriptionId"]!.GetValue<string>());
        await arm.CreateResourceGroupAsync("vaultguardRGNew", subscriptionId: guardSub);
        var vault = $"/subscriptions/{p["subscriptionId"]}/resourceGroups/{p["resourceGroupName"]}/providers/Microsoft.RecoveryServices/vaults/{p["vaultName"]}";
        Assert.True((await arm.SendAsync("PUT", vault + "?api-version=" + Arm.VaultApi, new JsonObject { ["location"] = "westus", ["sku"] = new JsonObject { ["name"] = "Standard" }, ["properties"] = new JsonObject() })).Code is 200 or 201);
        var guard = await arm.SendAsync("PUT", guardId + Dp, new JsonObject { ["location"] = "westus" });
        Assert.Equal(201, guard.Code);
        var proxyPath = vault + "/backupResourceGuardProxies/" + p["resourceGuardProxyName"];

        var mapped = await arm.SendAsync("PUT", proxyPath + Bk, p["parameters"]!.DeepClone());
        Assert.Equal(200, mapped.Code);
        Assert.Equal(guardId, mapped.Body!["properties"]!["resourceGuardResourceId"]!.GetValue<string>());
        var details = mapped.Body["properties"]!["resourceGuardOperationDetails"]!.AsArray();
        // The example lists the default requests of deleteResourceGuardProxyRequests and disableSoftDeleteRequests.
        foreach (var expected in put["responses"]!["200"]!["body"]!["properties"]!["resourceGuardOperationDetails"]!.AsArray())
        {
            Assert.Contains(details, d => d!["defaultResourceRequest"]!.GetValue<string>() == expected!["defaultResourceRequest"]!.GetValue<string>());
        }

        Assert.Equal("Enabled", (await arm.SendAsync("GET", vault + "?api-version=" + Arm.VaultApi)).Body!["properties"]!["securitySettings"]!["multiUserAuthorization"]!.GetValue<string>());
        Assert.Equal(200, (await arm.SendAsync("GET", proxyPath + Bk)).Code);
        Assert.Single((await arm.SendAsync("GET", vault + "/backupResourceGuardProxies" + Bk)).Body!["value"]!.AsArray());

        // Removing MUA is mandatory-protected: DELETE alone is refused, unlockDelete opens it (the example unlocks a
        // protected item delete; the mapping needs its own request).
        var refused = await arm.SendAsync("DELETE", proxyPath + Bk);
        Assert.Equal(403, refused.Code);
        Assert.Equal("LinkedAuthorizationFailed", refused.ErrorCode);
        var unlockExample = Example(ProxyExamples[3])["parameters"]!["parameters"]!.DeepClone();
        var unlocked = await arm.SendAsync("POST", proxyPath + "/unlockDelete" + Bk, unlockExample);
        Assert.Equal(200, unlocked.Code);
        Assert.NotNull(unlocked.Body!["unlockDeleteExpiryTime"]);
        var unlockMapping = await arm.SendAsync("POST", proxyPath + "/unlockDelete" + Bk, new JsonObject
        {
            ["resourceGuardOperationRequests"] = new JsonArray(guardId + "/deleteResourceGuardProxyRequests/default"),
            ["resourceToBeDeleted"] = proxyPath,
        });
        Assert.Equal(200, unlockMapping.Code);
        Assert.Equal(200, (await arm.SendAsync("DELETE", proxyPath + Bk)).Code);
        Assert.Equal(204, (await arm.SendAsync("DELETE", proxyPath + Bk)).Code);
        Assert.Equal("Disabled", (await arm.SendAsync("GET", vault + "?api-version=" + Arm.VaultApi)).Body!["properties"]!["securitySettings"]!["multiUserAuthorization"]!.GetValue<string>());
    }

    [Fact]
    public async Task CrossTenantGuard_NeedsAuxiliaryTokenOfThatTenant_AndMuaOperatorThere()
    {
        using var arm = await Arm.ForOwnerAsync(fx.Server);
        var tenant = Guid.NewGuid().ToString();
        var sub = Guid.NewGuid().ToString();
        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/tenants", new { tenantId = tenant })).Code);
        await SeedSubscriptionAsync(arm, sub, tenant);
        await arm.CreateResourceGroupAsync("rg-guard", subscriptionId: sub);
        var sec = (await arm.AdminAsync("POST", "/_emulator/principals", new { displayName = "security admin", tenantId = tenant })).Body!;
        var guardId = $"/subscriptions/{sub}/resourceGroups/rg-guard/providers/Microsoft.DataProtection/resourceGuards/guard";
        var admin = await arm.AdminAsync("POST", "/_emulator/roleAssignments", new { principalId = sec["objectId"]!.GetValue<string>(), roleName = "Backup MUA Admin", scope = $"/subscriptions/{sub}/resourceGroups/rg-guard" });
        Assert.True(admin.Code is 200 or 201, $"{admin.Code} {admin.Body}");
        using var secArm = new Arm(fx.Server);
        secArm.Token = await TokenForAsync(secArm, tenant, sec["clientId"]!.GetValue<string>(), sec["clientSecret"]!.GetValue<string>());
        Assert.Equal(201, (await secArm.SendAsync("PUT", guardId + Dp, new JsonObject { ["location"] = "westus" })).Code);

        // The owner of the vault's tenant is refused the guard's subscription with its own token (ARM's tenant check).
        var wrongTenant = await arm.SendAsync("GET", guardId + Dp);
        Assert.Equal(401, wrongTenant.Code);
        Assert.Equal("InvalidAuthenticationTokenTenant", wrongTenant.ErrorCode);
        Assert.Contains(tenant, wrongTenant.Header("WWW-Authenticate"));

        await arm.CreateResourceGroupAsync("rg-mua");
        var vault = arm.VaultPath("rg-mua", "v-mua");
        Assert.True((await arm.CreateVaultAsync("rg-mua", "v-mua")).Code is 200 or 201);
        var proxy = vault + "/backupResourceGuardProxies/VaultProxy" + Bk;
        var body = new JsonObject { ["properties"] = new JsonObject { ["resourceGuardResourceId"] = guardId } };

        var noAux = await arm.SendAsync("PUT", proxy, body.DeepClone());
        Assert.Equal(403, noAux.Code);
        Assert.Equal("LinkedAuthorizationFailed", noAux.ErrorCode);
        Assert.Contains("is not authorized to access linked subscription", noAux.ErrorMessage);

        // Not a guest of the guard's tenant: no token there at all (AADSTS700016).
        Assert.Equal(401, (await arm.PostTokenForTenantAsync(tenant, fx.Server.OwnerClientId, fx.Server.OwnerClientSecret)).Code);
        Assert.Equal(200, (await arm.AdminAsync("POST", "/_emulator/guests", new { clientId = fx.Server.OwnerClientId, tenantId = tenant })).Code);
        var aux = await TokenForAsync(arm, tenant, fx.Server.OwnerClientId, fx.Server.OwnerClientSecret);
        var auxHeader = new Dictionary<string, string> { ["x-ms-authorization-auxiliary"] = "Bearer " + aux };

        var noReader = await arm.SendAsync("PUT", proxy, body.DeepClone(), auxHeader);
        Assert.Equal("LinkedAuthorizationFailed", noReader.ErrorCode);
        Assert.Contains("Microsoft.DataProtection/resourceGuards/read", noReader.ErrorMessage);
        await GrantAsync(arm, "Reader", guardId);
        Assert.Equal(200, (await arm.SendAsync("PUT", proxy, body.DeepClone(), auxHeader)).Code);

        // Disable soft delete: mandatory; refused without naming the request, with Reader only, then allowed as MUA Operator.
        var disable = new JsonObject { ["properties"] = new JsonObject { ["securitySettings"] = new JsonObject { ["softDeleteSettings"] = new JsonObject { ["softDeleteState"] = "Disabled" } } } };
        var vaultUri = vault + "?api-version=" + Arm.VaultApi;
        Assert.Equal("LinkedAuthorizationFailed", (await arm.SendAsync("PATCH", vaultUri, disable.DeepClone(), auxHeader)).ErrorCode);
        var named = disable.DeepClone();
        named["properties"]!["resourceGuardOperationRequests"] = new JsonArray(guardId + "/disableSoftDeleteRequests/default");
        var readerOnly = await arm.SendAsync("PATCH", vaultUri, named.DeepClone(), auxHeader);
        Assert.Equal(403, readerOnly.Code);
        Assert.Contains("disableSoftDeleteRequests/action", readerOnly.ErrorMessage);
        Assert.Equal("LinkedAuthorizationFailed", (await arm.SendAsync("PATCH", vaultUri, named.DeepClone())).ErrorCode);
        await GrantAsync(arm, "Backup MUA Operator", guardId);
        Assert.Equal("LinkedAuthorizationFailed", (await arm.SendAsync("PATCH", vaultUri, named.DeepClone())).ErrorCode);
        var allowed = await arm.SendAsync("PATCH", vaultUri, named.DeepClone(), auxHeader);
        Assert.True(allowed.Code is 200 or 202, $"{allowed.Code} {allowed.Body}");
        var after = await arm.SendAsync("GET", vaultUri);
        Assert.Equal("Disabled", after.Body!["properties"]!["securitySettings"]!["softDeleteSettings"]!["softDeleteState"]!.GetValue<string>());
        Assert.Null(after.Body["properties"]!["resourceGuardOperationRequests"]);

        // A broken auxiliary token is ARM's 401, whatever the rest of the request.
        var broken = await arm.SendAsync("PATCH", vaultUri, named.DeepClone(), new Dictionary<string, string> { ["x-ms-authorization-auxiliary"] = "Bearer not.a.token" });
        Assert.Equal(401, broken.Code);
    }

    [Fact]
    public async Task ExclusionList_RefusesMandatoryOperations_AndUnprotectsTheExcludedOnes()
    {
        using var arm = await Arm.ForOwnerAsync(fx.Server);
        await arm.CreateResourceGroupAsync("rg-ex");
        var guardId = $"/subscriptions/{fx.Server.SubscriptionId}/resourceGroups/rg-ex/providers/Microsoft.DataProtection/resourceGuards/g-ex";
        var mandatory = await arm.SendAsync("PUT", guardId + Dp, new JsonObject
        {
            ["location"] = "westus",
            ["properties"] = new JsonObject { ["vaultCriticalOperationExclusionList"] = new JsonArray("Microsoft.RecoveryServices/vaults/backupconfig/write") },
        });
        Assert.Equal(400, mandatory.Code);
        var created = await arm.SendAsync("PUT", guardId + Dp, new JsonObject
        {
            ["location"] = "westus",
            ["properties"] = new JsonObject { ["vaultCriticalOperationExclusionList"] = new JsonArray("Microsoft.RecoveryServices/vaults/write#reduceImmutabilityState") },
        });
        Assert.Equal(201, created.Code);
        var ops = created.Body!["properties"]!["resourceGuardOperations"]!.AsArray().Select(o => o!["vaultCriticalOperation"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain("Microsoft.RecoveryServices/vaults/write#reduceImmutabilityState", ops);
        Assert.Contains("Microsoft.RecoveryServices/vaults/backupResourceGuardProxies/delete", ops);
        Assert.Single((await arm.SendAsync("GET", $"/subscriptions/{fx.Server.SubscriptionId}/resourceGroups/rg-ex/providers/Microsoft.DataProtection/resourceGuards" + Dp)).Body!["value"]!.AsArray());
        Assert.Equal("default", (await arm.SendAsync("GET", guardId + "/disableSoftDeleteRequests/default" + Dp)).Body!["name"]!.GetValue<string>());
        var patched = await arm.SendAsync("PATCH", guardId + Dp, new JsonObject { ["tags"] = new JsonObject { ["owner"] = "security" } });
        Assert.Equal("security", patched.Body!["tags"]!["owner"]!.GetValue<string>());
        Assert.Equal(200, (await arm.SendAsync("DELETE", guardId + Dp)).Code);
        Assert.Equal(204, (await arm.SendAsync("DELETE", guardId + Dp)).Code);
    }

    [Fact]
    public async Task SecurityPinAndEncryptionChanges_AreCriticalToo_NamedRequestPasses()
    {
        // MUA concept page: "Get backup security PIN" and "Modify encryption settings" are optional critical operations;
        // the official PUTVault_ResourceGuardEnabled example names {guard}/modifyEncryptionSettings/default on a vault PUT.
        using var arm = await Arm.ForOwnerAsync(fx.Server);
        await arm.CreateResourceGroupAsync("rg-pin");
        var guardId = $"/subscriptions/{fx.Server.SubscriptionId}/resourceGroups/rg-pin/providers/Microsoft.DataProtection/resourceGuards/g-pin";
        Assert.Equal(201, (await arm.SendAsync("PUT", guardId + Dp, new JsonObject { ["location"] = "westus" })).Code);
        var vault = arm.VaultPath("rg-pin", "v-pin");
        var created = new JsonObject
        {
            ["location"] = "westus",
            ["sku"] = new JsonObject { ["name"] = "Standard" },
            ["identity"] = new JsonObject { ["type"] = "SystemAssigned" },
            ["properties"] = new JsonObject
            {
                ["encryption"] = new JsonObject
                {
                    ["keyVaultProperties"] = new JsonObject { ["keyUri"] = "https://kv1.vault.azure.net/keys/k1/0767b348bb1a4c07baa6c4ec0055d2b3" },
                    ["kekIdentity"] = new JsonObject { ["useSystemAssignedIdentity"] = true },
                },
            },
        };
        Assert.True((await arm.SendAsync("PUT", vault + "?api-version=" + Arm.VaultApi, created)).Code is 200 or 201);
        Assert.Equal(200, (await arm.SendAsync("PUT", vault + "/backupResourceGuardProxies/VaultProxy" + Bk, new JsonObject { ["properties"] = new JsonObject { ["resourceGuardResourceId"] = guardId } })).Code);

        var pin = await arm.SendAsync("POST", vault + "/backupSecurityPIN" + Bk, new JsonObject());
        Assert.Equal("LinkedAuthorizationFailed", pin.ErrorCode);
        Assert.Equal(200, (await arm.SendAsync("POST", vault + "/backupSecurityPIN" + Bk, new JsonObject { ["resourceGuardOperationRequests"] = new JsonArray(guardId + "/getBackupSecurityPINRequests/default") })).Code);

        var rekey = new JsonObject { ["properties"] = new JsonObject { ["encryption"] = new JsonObject { ["keyVaultProperties"] = new JsonObject { ["keyUri"] = "https://kv1.vault.azure.net/keys/k2/1767b348bb1a4c07baa6c4ec0055d2b3" } } } };
        var vaultUri = vault + "?api-version=" + Arm.VaultApi;
        Assert.Equal("LinkedAuthorizationFailed", (await arm.SendAsync("PATCH", vaultUri, rekey.DeepClone())).ErrorCode);
        var named = rekey.DeepClone();
        named["properties"]!["resourceGuardOperationRequests"] = new JsonArray(guardId + "/modifyEncryptionSettings/default");
        var ok = await arm.SendAsync("PATCH", vaultUri, named);
        Assert.True(ok.Code is 200 or 202, $"{ok.Code} {ok.Body}");
        // Tags alone are not critical.
        Assert.True((await arm.SendAsync("PATCH", vaultUri, new JsonObject { ["tags"] = new JsonObject { ["a"] = "b" } })).Code is 200 or 202);
    }

    private static async Task GrantAsync(Arm arm, string role, string scope)
    {
        var r = await arm.AdminAsync("POST", "/_emulator/roleAssignments", new { principalId = arm.Server.OwnerObjectId, roleName = role, scope });
        Assert.True(r.Code is 200 or 201, $"{r.Code} {r.Body}");
    }

    private static async Task<string> TokenForAsync(Arm arm, string tenant, string clientId, string secret)
    {
        var r = await arm.PostTokenForTenantAsync(tenant, clientId, secret);
        Assert.True(r.Code == 200, $"{r.Code} {r.Body}");
        return r.Body!["access_token"]!.GetValue<string>();
    }
}
