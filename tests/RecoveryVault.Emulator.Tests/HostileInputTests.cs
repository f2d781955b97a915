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
}
