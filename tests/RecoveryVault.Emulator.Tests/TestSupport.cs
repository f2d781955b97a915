// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Tests;

/// <summary>One HTTP answer, body parsed when JSON.</summary>
public sealed record Reply(HttpStatusCode Status, JsonNode? Body, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders)
{
    public int Code => (int)Status;

    public string? Header(string name) =>
        Headers.TryGetValues(name, out var v) ? string.Join(",", v) : ContentHeaders is not null && ContentHeaders.TryGetValues(name, out var c) ? string.Join(",", c) : null;

    public string? ErrorCode => Body?["error"]?["code"]?.GetValue<string>();

    public string? ErrorMessage => Body?["error"]?["message"]?.GetValue<string>();
}

/// <summary>Thin ARM client over a cert-pinned HttpClient.</summary>
public sealed class Arm : IDisposable
{
    public const string VaultApi = "2026-07-01";

    private readonly HttpClient _http;

    public Arm(EmulatorServer server, string? token = null)
    {
        Server = server;
        _http = new HttpClient(server.CreatePinnedHandler()) { BaseAddress = server.Endpoint, Timeout = TimeSpan.FromSeconds(30) };
        Token = token;
    }

    public EmulatorServer Server { get; }

    public string? Token { get; set; }

    public HttpClient Http => _http;

    public static async Task<Arm> ForOwnerAsync(EmulatorServer server)
    {
        var arm = new Arm(server);
        arm.Token = await arm.GetTokenAsync(server.OwnerClientId, server.OwnerClientSecret);
        return arm;
    }

    public async Task<string> GetTokenAsync(string clientId, string secret)
    {
        var r = await PostTokenAsync(clientId, secret);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        return r.Body!["access_token"]!.GetValue<string>();
    }

    public Task<Reply> PostTokenAsync(string clientId, string secret) => PostTokenForTenantAsync(Server.TenantId, clientId, secret);

    /// <summary>A client-credentials token from the authority of <paramref name="tenantId"/> (a second tenant for cross-tenant MUA).</summary>
    public async Task<Reply> PostTokenForTenantAsync(string tenantId, string clientId, string secret)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = "https://management.azure.com/.default",
        });
        using var resp = await _http.PostAsync($"/{tenantId}/oauth2/v2.0/token", form);
        return await ToReply(resp);
    }

    public Task<Reply> SendAsync(string method, string pathAndQuery, object? body = null, IDictionary<string, string>? headers = null, bool auth = true)
    {
        var content = body switch
        {
            null => null,
            string s => s,
            JsonNode n => n.ToJsonString(),
            _ => System.Text.Json.JsonSerializer.Serialize(body),
        };
        return SendRawAsync(method, pathAndQuery, content, headers, auth);
    }

    public async Task<Reply> SendRawAsync(string method, string pathAndQuery, string? content, IDictionary<string, string>? headers = null, bool auth = true)
    {
        using var req = new HttpRequestMessage(new HttpMethod(method), pathAndQuery);
        if (content is not null)
        {
            req.Content = new StringContent(content, Encoding.UTF8, "application/json");
        }

        if (auth && Token is not null)
        {
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        if (headers is not null)
        {
            foreach (var (k, v) in headers)
            {
                req.Headers.TryAddWithoutValidation(k, v);
            }
        }

        using var resp = await _http.SendAsync(req);
        return await ToReply(resp);
    }

    public Task<Reply> AdminAsync(string method, string path, object? body = null) => SendAsync(method, path, body, auth: false);

    public async Task CreateResourceGroupAsync(string name, string location = "westus", string? subscriptionId = null)
    {
        var r = await AdminAsync("POST", "/_emulator/resourceGroups", new { subscriptionId = subscriptionId ?? Server.SubscriptionId, name, location });
        Assert.True(r.Code is 200 or 201, $"seed RG: {r.Code} {r.Body}");
    }

    public string VaultPath(string rg, string name, string? subscriptionId = null) =>
        $"/subscriptions/{subscriptionId ?? Server.SubscriptionId}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{name}";

    public async Task<Reply> CreateVaultAsync(string rg, string name, JsonObject? body = null)
    {
        body ??= new JsonObject { ["location"] = "westus", ["sku"] = new JsonObject { ["name"] = "Standard" }, ["properties"] = new JsonObject() };
        return await SendAsync("PUT", VaultPath(rg, name) + "?api-version=" + VaultApi, body);
    }

    /// <summary>
    /// Discovery as Azure needs it before a source is protectable: POST refreshContainers with the module's filter
    /// (<c>backupManagementType eq '…'</c>; none refreshes all kinds, as in the official example Common/RefreshContainers.json).
    /// Refresh answers 202 + Location only.
    /// </summary>
    public async Task<Reply> RefreshContainersAsync(string vault, string? backupManagementType = "AzureIaasVM")
    {
        var query = "?api-version=2023-06-01" + (backupManagementType is null ? string.Empty : "&$filter=" + Uri.EscapeDataString($"backupManagementType eq '{backupManagementType}'"));
        var r = await SendAsync("POST", vault + "/backupFabrics/Azure/refreshContainers" + query);
        Assert.True(r.Code == 202, $"refreshContainers: {r.Code} {r.Body}");
        Assert.NotNull(r.Header("Location"));
        return r;
    }

    /// <summary>Polls Azure-AsyncOperation until it leaves InProgress.</summary>
    public async Task<JsonNode> WaitAsync(string asyncOperationUrl, int timeoutMs = 10000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var r = await SendAsync("GET", asyncOperationUrl);
            Assert.Equal(HttpStatusCode.OK, r.Status);
            if (r.Body!["status"]!.GetValue<string>() != "InProgress" || DateTime.UtcNow > until)
            {
                return r.Body!;
            }

            await Task.Delay(50);
        }
    }

    public void Dispose() => _http.Dispose();

    private static async Task<Reply> ToReply(HttpResponseMessage resp)
    {
        var text = await resp.Content.ReadAsStringAsync();
        JsonNode? body = null;
        if (!string.IsNullOrWhiteSpace(text))
        {
            try
            {
                body = JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException)
            {
                body = JsonValue.Create(text);
            }
        }

        return new Reply(resp.StatusCode, body, resp.Headers, resp.Content.Headers);
    }
}

/// <summary>An in-memory emulator per test class; LROs short so polling tests stay fast.</summary>
public class EmulatorFixture : IAsyncLifetime
{
    public EmulatorServer Server { get; private set; } = null!;

    protected virtual EmulatorOptions Options => new() { InMemory = true, Port = 0, LroDurationMs = 200, PageSize = 2, RetryAfterSeconds = 0 };

    /// <summary>Every fixture runs strict: an answer that departs from the vendored spec is a 500 the test sees.</summary>
    public async Task InitializeAsync()
    {
        var options = Options;
        options.Strict = true;
        Server = await EmulatorServer.StartAsync(options);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

internal static class Paths
{
    /// <summary>Repository root: the folder holding RecoveryVault.psd1 or .git, walking up from the test binaries.</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RecoveryVault.psd1")) || Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
            {
                return dir.FullName;
            }

            dir = dir.Parent;
        }

        throw new InvalidOperationException("Repository root not found.");
    }

    /// <summary>The vendored REST contract (specs + official examples), so the repository tests stand alone.</summary>
    public static string Contract() => Path.Combine(RepoRoot(), "src", "RecoveryVault.Emulator", "Contract");

    public static string NewTempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "rv-emu-test-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(d);
        return d;
    }
}

/// <summary>
/// Where frozen-clock fixtures start their simulated time: midday, so no test's advance of minutes or hours crosses
/// the default policies' 02:30 run whatever the hour the suite runs at.
/// </summary>
public static class TestClock
{
    public static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
}
