// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using RecoveryVault.Engine;

namespace RecoveryVault.Engine.Tests;

/// <summary>
/// A scripted HTTPS "server" behind Azure.Core's real HttpClientTransport: requests never leave the process, but every
/// pipeline policy (retry, bearer token, logging) runs for real.
/// </summary>
internal sealed class StubHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, string?, HttpResponseMessage> _respond;

    public StubHandler(Func<HttpRequestMessage, string?, HttpResponseMessage> respond) => _respond = respond;

    public List<(string Method, string Uri, Dictionary<string, string> Headers, string? Body)> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        lock (Requests)
        {
            Requests.Add((request.Method.Method, request.RequestUri!.ToString(), headers, body));
        }
        return _respond(request, body);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (n, v) in headers)
        {
            response.Headers.TryAddWithoutValidation(n, v);
        }
        return response;
    }

    public static HttpResponseMessage Empty(HttpStatusCode status, params (string Name, string Value)[] headers) => Json(status, string.Empty, headers);
}

internal sealed class StaticTokenCredential : TokenCredential
{
    public const string Token = "secret-test-token";

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(Token, DateTimeOffset.UtcNow.AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
}

internal static class Stub
{
    public const string Sub = "00000000-0000-0000-0000-000000000001";
    public static readonly Uri Endpoint = new("https://arm.stub.test");

    public static (RecoveryVaultClient Client, StubHandler Handler, List<RequestLogEntry> Log) Create(Func<HttpRequestMessage, string?, HttpResponseMessage> respond,
        Action<RecoveryVaultClientOptions>? configure = null)
    {
        var handler = new StubHandler(respond);
        var log = new List<RequestLogEntry>();
        var options = new RecoveryVaultClientOptions
        {
            Environment = RecoveryVaultEnvironment.Custom(Endpoint),
            Transport = new HttpClientTransport(new HttpClient(handler)),
            RequestLog = e => { lock (log) { log.Add(e); } },
            MinimumPollInterval = TimeSpan.FromMilliseconds(5),
            UserAgentSuffix = "PowerShell/7.6.9",
        };
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        configure?.Invoke(options);
        return (new RecoveryVaultClient(new StaticTokenCredential(), options), handler, log);
    }

    public static string Vault(string name, string extra = "") =>
        "{\"id\":\"/subscriptions/" + Sub + "/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/" + name + "\",\"name\":\"" + name
        + "\",\"type\":\"Microsoft.RecoveryServices/vaults\",\"location\":\"westus\",\"sku\":{\"name\":\"RS0\"},\"properties\":{\"provisioningState\":\"Succeeded\"" + extra + "}}";
}
