// Copyright (c) RecoveryVault contributors. MIT License.
using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace RecoveryVault.Engine.Pipeline;

/// <summary>
/// Reports each attempt (it sits after the retry policy) to the caller's sink. Headers are copied with
/// <c>Authorization</c> replaced, so no log, however verbose, can leak a token.
/// </summary>
internal sealed class RequestLogPolicy : HttpPipelinePolicy
{
    internal const string Redacted = "REDACTED";
    private readonly Action<RequestLogEntry> _sink;

    public RequestLogPolicy(Action<RequestLogEntry> sink) => _sink = sink;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, false).AsTask().GetAwaiter().GetResult();

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, true);

    private async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            if (async)
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            else
            {
                ProcessNext(message, pipeline);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Report(message, watch.Elapsed, ex.Message);
            throw;
        }
        Report(message, watch.Elapsed, null);
    }

    private void Report(HttpMessage message, TimeSpan elapsed, string? error)
    {
        try
        {
            var headers = message.Request.Headers
                .Select(h => new KeyValuePair<string, string>(h.Name, Redact(h.Name, h.Value)))
                .ToList();
            string? requestId = null;
            int status = 0;
            if (message.HasResponse)
            {
                status = message.Response.Status;
                message.Response.Headers.TryGetValue("x-ms-request-id", out requestId);
            }
            message.Request.Headers.TryGetValue("x-ms-client-request-id", out var clientRequestId);
            _sink(new RequestLogEntry(message.Request.Method.Method, message.Request.Uri.ToString(), status, requestId,
                clientRequestId, elapsed, headers, error));
        }
        catch (Exception)
        {
            // A logging sink must never break a request.
        }
    }

    internal static string Redact(string name, string value) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("x-ms-authorization-auxiliary", StringComparison.OrdinalIgnoreCase) ? Redacted : value;
}
