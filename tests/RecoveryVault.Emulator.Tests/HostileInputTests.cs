// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Tests;

/// <summary>
/// Issue 14, hostile and malformed input: the emulator answers what ARM answers and never a 500. Sources of each code:
/// <list type="bullet">
/// <item>413 <c>RequestContentTooLarge</c> "The request content size exceeds the maximum size of 4 MB." — ARM's request
/// size limit (Azure Resource Manager limits: request body 4 MB), the code and text ARM returns for oversized deployments.</item>
/// <item>415 <c>UnsupportedMediaType</c> — ARM's answer to a body that is not <c>application/json</c> (the REST specs
/// under Contract only <c>consumes</c> application/json).</item>
/// <item>400 <c>InvalidRequestContent</c> — ARM's code for a body it cannot deserialise into the resource envelope.</item>
/// <item>400 <c>InvalidTags</c> / <c>InvalidTagName</c> / <c>InvalidTagNameCharacters</c> / <c>InvalidTagValueLength</c>
/// — ARM's tag limits (learn.microsoft.com "Use tags to organize your Azure resources": 50 tags, name 512, value 256,
/// names without &lt; &gt; % &amp; \ ? /), with the codes and texts ARM returns (as Microsoft's Az.Migrate cmdlets mirror them).</item>
/// </list>
/// </summary>
public sealed class HostileInputTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private EmulatorServer Server => fx.Server;

    private static JsonObject VaultBody(JsonObject? tags = null) => new()
    {
        ["location"] = "westus",
        ["sku"] = new JsonObject { ["name"] = "Standard" },
        ["properties"] = new JsonObject(),
        ["tags"] = tags,
    };

    private static async Task<Reply> SendContentAsync(Arm arm, string method, string path, HttpContent content)
    {
        using var req = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", arm.Token);
        using var resp = await arm.Http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        JsonNode? body = null;
        try
        {
            body = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            body = JsonValue.Create(text);
        }

        return new Reply(resp.StatusCode, body, resp.Headers, resp.Content.Headers);
    }

    [Fact]
    public async Task BodyOver4MB_Is413RequestContentTooLarge()
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        await arm.CreateResourceGroupAsync("rg-big");
        var body = VaultBody();
        body["properties"]!["padding"] = new string('x', (4 * 1024 * 1024) + 1);
        var r = await arm.SendAsync("PUT", arm.VaultPath("rg-big", "v-big") + "?api-version=" + Arm.VaultApi, body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.Status);
        Assert.Equal("RequestContentTooLarge", r.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, (await arm.SendAsync("GET", arm.VaultPath("rg-big", "v-big") + "?api-version=" + Arm.VaultApi)).Status);
    }

    [Fact]
    public async Task BodyJustUnder4MB_IsRead()
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        await arm.CreateResourceGroupAsync("rg-big2");
        var body = VaultBody();
        body["properties"]!["padding"] = new string('x', (4 * 1024 * 1024) - 1024);
        var r = await arm.SendAsync("PUT", arm.VaultPath("rg-big2", "v-big2") + "?api-version=" + Arm.VaultApi, body);
        Assert.Equal(HttpStatusCode.Created, r.Status);
    }

    [Fact]
    public async Task NonJsonContentType_Is415UnsupportedMediaType()
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        await arm.CreateResourceGroupAsync("rg-mt");
        using var content = new StringContent(VaultBody().ToJsonString(), Encoding.UTF8, "text/plain");
        var r = await SendContentAsync(arm, "PUT", arm.VaultPath("rg-mt", "v-mt") + "?api-version=" + Arm.VaultApi, content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.Status);
        Assert.Equal("UnsupportedMediaType", r.ErrorCode);
        Assert.Contains("'text/plain'", r.ErrorMessage);
    }

    [Theory]
    [InlineData("{\"location\":\"westus\",")]
    [InlineData("{\"location\":\"westus\",\"properties\":\"not an object\"}")]
    [InlineData("[1,2,3]")]
    [InlineData("\"a string\"")]
    [InlineData("{\"location\":\"westus\",\"tags\":[\"a\"]}")]
    public async Task MalformedOrMisshapenBody_Is400InvalidRequestContent(string raw)
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        await arm.CreateResourceGroupAsync("rg-bad");
        var r = await arm.SendRawAsync("PUT", arm.VaultPath("rg-bad", "v-bad") + "?api-version=" + Arm.VaultApi, raw);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("InvalidRequestContent", r.ErrorCode);
    }

    public static TheoryData<string, string> BadTags()
    {
        var data = new TheoryData<string, string>();
        var many = new JsonObject();
        for (var i = 0; i < 51; i++)
        {
            many["t" + i] = "v";
        }

        data.Add(many.ToJsonString(), "InvalidTags");
        data.Add(new JsonObject { [new string('n', 513)] = "v" }.ToJsonString(), "InvalidTagName");
        data.Add(new JsonObject { ["env"] = new string('v', 257) }.ToJsonString(), "InvalidTagValueLength");
        foreach (var c in "<>%&\\?/")
        {
            data.Add(new JsonObject { ["a" + c + "b"] = "v" }.ToJsonString(), "InvalidTagNameCharacters");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadTags))]
    public async Task VaultPut_OutsideArmTagLimits_Is400(string tagsJson, string code)
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        await arm.CreateResourceGroupAsync("rg-tags");
        var r = await arm.SendAsync("PUT", arm.VaultPath("rg-tags", "v-tags") + "?api-version=" + Arm.VaultApi, VaultBody((JsonObject)JsonNode.Parse(tagsJson)!));
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal(code, r.ErrorCode);
        var patch = await arm.SendAsync("PATCH", arm.VaultPath("rg-tags", "v-tags") + "?api-version=" + Arm.VaultApi, new JsonObject { ["tags"] = JsonNode.Parse(tagsJson) });
        Assert.Equal(HttpStatusCode.BadRequest, patch.Status);
        Assert.Equal(code, patch.ErrorCode);
    }

    [Fact]
    public async Task VaultPut_AtArmTagLimits_IsAccepted()
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        await arm.CreateResourceGroupAsync("rg-tagmax");
        var tags = new JsonObject { [new string('n', 512)] = new string('v', 256) };
        for (var i = 1; i < 50; i++)
        {
            tags["t" + i] = "v";
        }

        var r = await arm.SendAsync("PUT", arm.VaultPath("rg-tagmax", "v-tagmax") + "?api-version=" + Arm.VaultApi, VaultBody(tags));
        Assert.Equal(HttpStatusCode.Created, r.Status);
        Assert.Equal(50, r.Body!["tags"]!.AsObject().Count);
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("-1")]
    [InlineData("2147483647")]
    public async Task SkipTokenOutsideTheList_Is400InvalidSkipToken(string offset)
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        var token = Uri.EscapeDataString(Convert.ToBase64String(Encoding.UTF8.GetBytes(offset)));
        var r = await arm.SendAsync("GET", $"/subscriptions/{Server.SubscriptionId}/providers/Microsoft.RecoveryServices/vaults?api-version={Arm.VaultApi}&$skiptoken={token}");
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("InvalidSkipToken", r.ErrorCode);
    }

    [Theory]
    [InlineData("Basic !!!not-base64!!!")]
    [InlineData("Basic bm9jb2xvbg==")]
    [InlineData("Basic //79")]
    public async Task TokenRequest_WithMalformedBasicAuth_Is401InvalidClient(string authorization)
    {
        // RFC 6749 §5.2: failed client authentication is 401 invalid_client.
        using var arm = new Arm(Server);
        using var req = new HttpRequestMessage(HttpMethod.Post, $"/{Server.TenantId}/oauth2/v2.0/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "https://management.azure.com/.default" }),
        };
        req.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var resp = await arm.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.Unauthorized, resp.StatusCode);
        Assert.Equal("invalid_client", JsonNode.Parse(await resp.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task TokenRequest_With10MBForm_Is413()
    {
        using var arm = new Arm(Server);
        using var content = new StringContent("grant_type=client_credentials&client_id=rv-owner&client_secret=" + new string('a', 10 * 1024 * 1024), Encoding.ASCII, "application/x-www-form-urlencoded");
        using var resp = await arm.Http.PostAsync($"/{Server.TenantId}/oauth2/v2.0/token", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, resp.StatusCode);
        Assert.Equal("invalid_request", JsonNode.Parse(await resp.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await arm.PostTokenAsync(Server.OwnerClientId, Server.OwnerClientSecret)).Status);
    }

    [Theory]
    [InlineData("{\"days\":1e308}")]
    [InlineData("{\"seconds\":1e308}")]
    [InlineData("{\"days\":-1}")]
    [InlineData("{\"days\":\"soon\"}")]
    [InlineData("{\"days\":3651}")]
    public async Task ClockAdvance_OutOfRange_Is400(string raw)
    {
        using var arm = new Arm(Server);
        var before = await arm.AdminAsync("GET", "/_emulator/clock");
        var r = await arm.SendRawAsync("POST", "/_emulator/clock/advance", raw, auth: false);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Matches("at most 3650 days|must be a number", r.ErrorMessage);
        Assert.Equal(HttpStatusCode.OK, before.Status);
    }

    [Theory]
    [InlineData("{\"rate\":-1}")]
    [InlineData("{\"rate\":1e300}")]
    [InlineData("{\"rate\":\"fast\"}")]
    public async Task ClockRate_OutsideItsRange_Is400(string raw)
    {
        using var arm = new Arm(Server);
        var r = await arm.SendRawAsync("PUT", "/_emulator/clock", raw, auth: false);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Contains("between 0 and 100000000", r.ErrorMessage);
        var ok = await arm.SendRawAsync("PUT", "/_emulator/clock", "{\"rate\":100000000}", auth: false);
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal(HttpStatusCode.OK, (await arm.SendRawAsync("PUT", "/_emulator/clock", "{\"rate\":0}", auth: false)).Status);
    }

    [Theory]
    [InlineData("{\"resourceGroup\":\"rg-seed\",\"name\":\"vm1\",\"disks\":\"data0\"}", "disks")]
    [InlineData("{\"resourceGroup\":\"rg-seed\",\"name\":\"vm1\",\"disks\":[1,2]}", "disks")]
    [InlineData("{\"resourceGroup\":\"rg-seed\",\"name\":\"vm/1\"}", "virtual machine name")]
    [InlineData("{\"resourceGroup\":\"rg-seed\",\"name\":\"vm'1\"}", "virtual machine name")]
    [InlineData("{\"resourceGroup\":\"rg-seed\",\"name\":\"vm1-\"}", "virtual machine name")]
    public async Task SeedVm_Refuses_WhatAzureCouldNotHold(string raw, string expected)
    {
        using var arm = new Arm(Server);
        await arm.CreateResourceGroupAsync("rg-seed");
        var r = await arm.SendRawAsync("POST", "/_emulator/virtualMachines", raw, auth: false);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Contains(expected, r.ErrorMessage);
    }

    [Fact]
    public async Task SeedNames_FollowAzureNamingRules()
    {
        // learn.microsoft.com "Naming rules and restrictions for Azure resources": resource groups 1-90,
        // virtual machines 1-64 (Linux), storage accounts 3-24 letters and digits, file shares up to 63.
        using var arm = new Arm(Server);
        Assert.Equal(HttpStatusCode.BadRequest, (await arm.AdminAsync("POST", "/_emulator/resourceGroups", new { name = new string('r', 91), location = "westus" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await arm.AdminAsync("POST", "/_emulator/resourceGroups", new { name = "rg/evil", location = "westus" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await arm.AdminAsync("POST", "/_emulator/resourceGroups", new { name = "rg'evil", location = "westus" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await arm.AdminAsync("POST", "/_emulator/resourceGroups", new { name = "rg.", location = "westus" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await arm.AdminAsync("POST", "/_emulator/resourceGroups", new { name = new string('r', 90), location = "westus" })).Status);
        await arm.CreateResourceGroupAsync("rg-names");
        Assert.Equal(HttpStatusCode.BadRequest, (await arm.AdminAsync("POST", "/_emulator/virtualMachines", new { resourceGroup = "rg-names", name = new string('v', 65) })).Status);
        Assert.Equal(HttpStatusCode.Created, (await arm.AdminAsync("POST", "/_emulator/virtualMachines", new { resourceGroup = "rg-names", name = new string('v', 64), osType = "Linux" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await arm.AdminAsync("POST", "/_emulator/storageAccounts", new { resourceGroup = "rg-names", name = "has-hyphen" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await arm.AdminAsync("POST", "/_emulator/storageAccounts", new { resourceGroup = "rg-names", name = new string('s', 25) })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await arm.AdminAsync("POST", "/_emulator/storageAccounts", new { resourceGroup = "rg-names", name = "sanames", fileShares = new[] { "share/../x" } })).Status);
        Assert.Equal(HttpStatusCode.Created, (await arm.AdminAsync("POST", "/_emulator/storageAccounts", new { resourceGroup = "rg-names", name = "sanames", fileShares = new[] { "share-1" } })).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bogus")]
    [InlineData("/subscriptions/")]
    [InlineData("/subscriptions/00000000-0000-0000-0000-000000000000")]
    [InlineData("/subscriptions/5b3c2d1e-0f9a-4b8c-9d7e-6f5a4b3c2d1e/resourceGroups/no-such-rg")]
    [InlineData("/subscriptions/5b3c2d1e-0f9a-4b8c-9d7e-6f5a4b3c2d1e/../x")]
    public async Task SeedRoleAssignment_WithBadScope_Is400(string scope)
    {
        using var arm = new Arm(Server);
        var r = await arm.AdminAsync("POST", "/_emulator/roleAssignments", new { principalId = Server.OwnerObjectId, roleName = "Reader", scope });
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Contains("scope", r.ErrorMessage);
    }

    /// <summary>Sends a request line byte for byte: HttpClient (System.Uri) would remove the dot segments itself.</summary>
    private async Task<int> RawStatusAsync(string method, string target, string? bearer = null)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Server.Endpoint.Port);
        var thumbprint = Server.Thumbprint;
        using var tls = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, cert, _, _) => cert is not null && string.Equals(new System.Security.Cryptography.X509Certificates.X509Certificate2(cert).Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase));
        await tls.AuthenticateAsClientAsync("localhost");
        var auth = bearer is null ? string.Empty : $"Authorization: Bearer {bearer}\r\n";
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Length: 0\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(tls, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync() ?? string.Empty;
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("/subscriptions/x/../../_emulator/reset")]
    [InlineData("/subscriptions/x/%2e%2e/%2E%2E/_emulator/reset")]
    [InlineData("/./_emulator/reset")]
    public async Task DotSegments_NeverReachTheAdminSurface(string target)
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        await arm.CreateResourceGroupAsync("rg-survives-reset");
        Assert.Equal(400, await RawStatusAsync("POST", target, arm.Token));
        var rg = await arm.SendAsync("GET", $"/subscriptions/{Server.SubscriptionId}/resourcegroups/rg-survives-reset?api-version=2022-09-01");
        Assert.Equal(HttpStatusCode.OK, rg.Status);
    }

    [Fact]
    public async Task PercentEncodedSegments_AreDecodedOnce()
    {
        // Kestrel decodes the path once ("rg%252Dbi" arrives as "rg%2Dbi"); decoding it again would address "rg-bi".
        using var arm = await Arm.ForOwnerAsync(Server);
        await arm.CreateResourceGroupAsync("rg-bi");
        Assert.Equal(200, await RawStatusAsync("GET", $"/subscriptions/{Server.SubscriptionId}/resourcegroups/rg%2Dbi?api-version=2022-09-01", arm.Token));
        Assert.Equal(404, await RawStatusAsync("GET", $"/subscriptions/{Server.SubscriptionId}/resourcegroups/rg%252Dbi?api-version=2022-09-01", arm.Token));
        Assert.Equal(404, await RawStatusAsync("GET", $"/subscriptions/{Server.SubscriptionId}/resourcegroups/rg%2Fbi?api-version=2022-09-01", arm.Token));
    }
}
