// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using RecoveryVault.Engine.Models;
using RecoveryVault.Engine.Operations;
using RecoveryVault.Engine.Pipeline;

namespace RecoveryVault.Engine;

/// <summary>
/// The Recovery Services REST client. Immutable and thread-safe: one instance serves any number of concurrent
/// calls. Every operation comes as a sync/async pair taking a <see cref="CancellationToken"/>; lists are
/// <see cref="Pageable{T}"/>/<see cref="AsyncPageable{T}"/>, long-running operations <see cref="ArmOperation{T}"/>,
/// failures <see cref="RecoveryVaultRequestFailedException"/>.
/// </summary>
public partial class RecoveryVaultClient
{
    private readonly HttpPipeline _pipeline;
    private readonly RecoveryVaultClientOptions _options;
    private readonly Uri _endpoint;
    // Built on first use; a race builds two equal pipelines, which is harmless.
    private HttpPipeline? _downloads;

    /// <summary>For mocking.</summary>
    protected RecoveryVaultClient()
    {
        _pipeline = null!;
        _options = null!;
        _endpoint = null!;
    }

    /// <summary>Creates a client.</summary>
    public RecoveryVaultClient(TokenCredential credential, RecoveryVaultClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        _options = options ?? new RecoveryVaultClientOptions();
        _endpoint = _options.Environment.ResourceManagerEndpoint;
        // Only the default transport is swapped for a pinning one; a transport the caller chose is kept.
        if (_options.PinnedCertificateThumbprint is { } thumbprint && ReferenceEquals(_options.Transport, HttpClientTransport.Shared))
        {
            _options.Transport = PinnedCertificateTransport.Create(thumbprint);
        }
        // A retry policy the caller chose is kept; the default one never re-sends a write blindly.
        _options.RetryPolicy ??= new WriteSafeRetryPolicy(_options.Retry.MaxRetries, _options.Retry.Delay, _options.Retry.MaxDelay,
            _options.RetryBudget, ThrottleGate);
        var userAgent = new UserAgentPolicy(_options.UserAgentSuffix);
        var perRetry = new List<HttpPipelinePolicy>
        {
            new BearerTokenAuthenticationPolicy(credential, _options.Environment.DefaultScope),
        };
        if (_options.RequestLog is { } sink)
        {
            perRetry.Add(new RequestLogPolicy(sink));
        }
        perRetry.Add(new ServiceClockPolicy(ServiceClock));
        _pipeline = HttpPipelineBuilder.Build(_options, [userAgent, new ResourceGuardPolicy()], perRetry.ToArray(), new ResponseClassifier());
        UserAgent = userAgent.Value;
    }

    /// <summary>The service's clock, as its responses tell it (the local clock until the first response).</summary>
    public ServiceClock ServiceClock { get; } = new();

    /// <summary>Shared by every request of this client: when the service last asked to hold off until.</summary>
    public ThrottleGate ThrottleGate { get; } = new();

    /// <summary>The ARM endpoint this client talks to.</summary>
    public virtual Uri Endpoint => _endpoint;

    /// <summary>The User-Agent it sends.</summary>
    public virtual string UserAgent { get; } = string.Empty;

    /// <summary>The options it was created with (do not change them afterwards).</summary>
    public RecoveryVaultClientOptions Options => _options;

    #region Plumbing

    internal Uri BuildUri(string path, string apiVersion, params (string Name, string? Value)[] query)
    {
        var sb = new StringBuilder(path).Append("?api-version=").Append(Uri.EscapeDataString(apiVersion));
        foreach (var (name, value) in query)
        {
            if (value is not null)
            {
                sb.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
        }
        return new Uri(_endpoint, sb.ToString());
    }

    internal async ValueTask<Response> SendAsync(bool async, RequestMethod method, Uri uri, JsonNode? body, CancellationToken ct, bool safeToResend = false) =>
        (await SendMessageAsync(async, method, uri, body, ct, null, safeToResend).ConfigureAwait(false)).Response;

    // Sends one request and turns an error status into RecoveryVaultRequestFailedException. The message is not
    // disposed: the buffered response it owns is handed to the caller.
    // safeToResend marks a POST that only reads (checkNameAvailability, validateUpgrade) or a write whose second send
    // changes nothing (a PUT of a whole setting, a PUT by a name the client chose): the transport may re-send it.
    private async ValueTask<HttpMessage> SendMessageAsync(bool async, RequestMethod method, Uri uri, JsonNode? body, CancellationToken ct, string? ifMatch = null, bool safeToResend = false)
    {
        var message = CreateMessage(method, uri, body);
        if (safeToResend)
        {
            message.SetProperty(WriteSafeRetryPolicy.SafeToResendKey, true);
        }
        if (ifMatch is not null)
        {
            message.Request.Headers.SetValue("If-Match", ifMatch);
        }
        if (async)
        {
            await _pipeline.SendAsync(message, ct).ConfigureAwait(false);
        }
        else
        {
            _pipeline.Send(message, ct);
        }
        if (message.Response.IsError)
        {
            throw RecoveryVaultRequestFailedException.FromResponse(message.Response, message.Request);
        }
        return message;
    }

    /// <summary>
    /// Downloads a file the service pointed at (the file recovery script of a Windows VM). No credential is sent: the
    /// URL is not Resource Manager's, and a bearer token must never leave for another host.
    /// </summary>
    public virtual async Task<byte[]> DownloadAsync(Uri url, CancellationToken cancellationToken = default)
    {
        var pipeline = _downloads ??= HttpPipelineBuilder.Build(_options);
        using var message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(url);
        await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (message.Response.IsError)
        {
            throw RecoveryVaultRequestFailedException.FromResponse(message.Response, message.Request);
        }
        return message.Response.Content.ToArray();
    }

    internal async ValueTask<ArmOperation<T>> StartOperationAsync<T>(bool async, WaitUntil waitUntil, RequestMethod method, Uri uri,
        JsonNode? body, Func<JsonObject, T>? map, CancellationToken ct, string? ifMatch = null, bool safeToResend = false) where T : class
    {
        var message = await SendMessageAsync(async, method, uri, body, ct, ifMatch, safeToResend).ConfigureAwait(false);
        var operation = new ArmOperation<T>(_pipeline, message.Request, message.Response, map, _options.MinimumPollInterval);
        if (waitUntil == WaitUntil.Completed)
        {
            if (async)
            {
                await operation.WaitForCompletionAsync(ct).ConfigureAwait(false);
            }
            else
            {
                operation.WaitForCompletion(ct);
            }
        }
        return operation;
    }

    private HttpMessage CreateMessage(RequestMethod method, Uri uri, JsonNode? body)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.SetValue("Accept", "application/json");
        if (body is not null)
        {
            message.Request.Headers.SetValue("Content-Type", "application/json");
            message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToJsonString()));
        }
        return message;
    }

    internal async ValueTask<Response<T>> GetAsync<T>(bool async, Uri uri, Func<JsonObject, T> map, CancellationToken ct)
    {
        var response = await SendAsync(async, RequestMethod.Get, uri, null, ct).ConfigureAwait(false);
        return Response.FromValue(map(ArmResourceData.ParseObject(response.Content)), response);
    }

    internal Pageable<T> GetPageable<T>(Uri first, Func<JsonObject, T> map, CancellationToken ct) where T : notnull =>
        new ArmPageable<T>(next => FetchPageAsync(false, first, next, map, ct).AsTask().GetAwaiter().GetResult(), ct);

    internal AsyncPageable<T> GetAsyncPageable<T>(Uri first, Func<JsonObject, T> map, CancellationToken ct) where T : notnull =>
        new ArmAsyncPageable<T>((next, token) => FetchPageAsync(true, first, next, map, token).AsTask(), ct);

    private async ValueTask<Page<T>> FetchPageAsync<T>(bool async, Uri first, string? nextLink, Func<JsonObject, T> map, CancellationToken ct)
        where T : notnull
    {
        // nextLink is followed verbatim: it already carries api-version and the skip token.
        var uri = nextLink is null ? first : new Uri(nextLink, UriKind.Absolute);
        var response = await SendAsync(async, RequestMethod.Get, uri, null, ct).ConfigureAwait(false);
        var body = ArmResourceData.ParseObject(response.Content);
        var items = new List<T>();
        if (body["value"] is JsonArray array)
        {
            // Each entry is taken out of the page instead of copied: a long listing allocates half as much per page.
            var entries = array.ToList();
            array.Clear();
            foreach (var entry in entries)
            {
                if (entry is JsonObject o)
                {
                    items.Add(map(o));
                }
            }
        }

        var next = body["nextLink"]?.GetValue<string>();
        return Page<T>.FromValues(items, string.IsNullOrEmpty(next) ? null : next, response);
    }

    #endregion
}
