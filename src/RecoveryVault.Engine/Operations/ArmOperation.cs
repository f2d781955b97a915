// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Engine.Operations;

/// <summary>
/// One poller for the three async styles of CONTRACT.md §1.1: it follows <c>Azure-AsyncOperation</c> when the
/// service gives one (status JSON), else <c>Location</c> (202 running, 200/201 done with body, 204 done), and fetches
/// the final resource through <c>Location</c> or the original URI. Waits follow <c>retry-after-ms</c>,
/// <c>x-ms-retry-after-ms</c> or <c>Retry-After</c>; without them it backs off from the minimum poll interval.
/// </summary>
/// <typeparam name="T">The result (null for operations that return nothing, such as DELETE).</typeparam>
public sealed class ArmOperation<T> : Operation<T> where T : class
{
    private static readonly string[] s_running = ["InProgress", "Running", "Accepted", "Creating", "Updating", "Deleting", "NotStarted", "Provisioning"];
    private readonly HttpPipeline? _pipeline;
    private readonly RequestMethod _method;
    private readonly Uri? _resourceUri;
    private readonly Uri? _statusUri;
    private readonly Uri? _locationUri;
    private readonly Func<JsonObject, T>? _map;
    private readonly TimeSpan _minimumPoll;
    private Response _rawResponse;
    private T? _value;
    private bool _completed;
    private int _polls;

    internal ArmOperation(HttpPipeline pipeline, Request request, Response initial, Func<JsonObject, T>? map, TimeSpan minimumPoll)
    {
        _pipeline = pipeline;
        _method = request.Method;
        _resourceUri = request.Uri.ToUri();
        _map = map;
        _minimumPoll = minimumPoll;
        _rawResponse = initial;
        _statusUri = Header(initial, "Azure-AsyncOperation");
        _locationUri = Header(initial, "Location");
        Id = (_statusUri ?? _locationUri)?.AbsoluteUri ?? _resourceUri.AbsoluteUri;
        if (_statusUri is null && (initial.Status != 202 || _locationUri is null))
        {
            // Synchronous completion: 200/201 with the body, or 204.
            Complete(initial);
        }
    }

    /// <summary>A finished operation (no service call is needed).</summary>
    internal ArmOperation(Response response, T? value)
    {
        _method = RequestMethod.Get;
        _rawResponse = response;
        _value = value;
        _completed = true;
        _minimumPoll = TimeSpan.Zero;
        Id = Guid.NewGuid().ToString();
    }

    /// <inheritdoc />
    public override string Id { get; }

    /// <summary>The last status document (backup operations carry <c>properties.jobId</c> here).</summary>
    public JsonObject? LastStatus { get; private set; }

    /// <summary>The URL this operation is polled at.</summary>
    public Uri? StatusUri => _statusUri ?? _locationUri;

    /// <inheritdoc />
    public override T Value => _completed
        ? _value ?? throw new InvalidOperationException("The operation completed without a result.")
        : throw new InvalidOperationException("The operation has not completed yet.");

    /// <inheritdoc />
    public override bool HasValue => _completed && _value is not null;

    /// <inheritdoc />
    public override bool HasCompleted => _completed;

    /// <summary>The value, or null when it completed without one.</summary>
    public T? ValueOrDefault => _value;

    /// <inheritdoc />
    public override Response GetRawResponse() => _rawResponse;

    /// <inheritdoc />
    public override Response UpdateStatus(CancellationToken cancellationToken = default) =>
        UpdateStatusCoreAsync(false, cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override ValueTask<Response> UpdateStatusAsync(CancellationToken cancellationToken = default) =>
        UpdateStatusCoreAsync(true, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<Response<T>> WaitForCompletionAsync(CancellationToken cancellationToken = default) =>
        WaitCoreAsync(true, null, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<Response<T>> WaitForCompletionAsync(TimeSpan pollingInterval, CancellationToken cancellationToken) =>
        WaitCoreAsync(true, pollingInterval, cancellationToken);

    /// <inheritdoc />
    public override Response<T> WaitForCompletion(CancellationToken cancellationToken = default) =>
        WaitCoreAsync(false, null, cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>The wait the service asked for before the next poll (null when it did not say).</summary>
    public TimeSpan? SuggestedDelay => RetryAfter(_rawResponse);

    private async ValueTask<Response<T>> WaitCoreAsync(bool async, TimeSpan? fixedInterval, CancellationToken ct)
    {
        while (true)
        {
            await UpdateStatusCoreAsync(async, ct).ConfigureAwait(false);
            if (_completed)
            {
                return Response.FromValue(_value!, _rawResponse);
            }
            var delay = NextDelay(fixedInterval);
            if (async)
            {
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
            else
            {
                ct.WaitHandle.WaitOne(delay);
                ct.ThrowIfCancellationRequested();
            }
        }
    }

    internal TimeSpan NextDelay(TimeSpan? fixedInterval = null)
    {
        if (RetryAfter(_rawResponse) is { } serverDelay)
        {
            return serverDelay;
        }
        if (fixedInterval is { } f)
        {
            return f;
        }
        // No hint from the service: back off exponentially from the minimum, capped at 30 s.
        var ms = Math.Min(_minimumPoll.TotalMilliseconds * Math.Pow(2, Math.Max(0, _polls - 1)), 30_000);
        return TimeSpan.FromMilliseconds(ms);
    }

    private async ValueTask<Response> UpdateStatusCoreAsync(bool async, CancellationToken ct)
    {
        if (_completed || _pipeline is null)
        {
            return _rawResponse;
        }
        _polls++;
        if (_statusUri is not null)
        {
            var response = await GetAsync(_statusUri, async, ct).ConfigureAwait(false);
            _rawResponse = response;
            var status = ArmResourceData.ParseObject(response.Content);
            LastStatus = status;
            var state = status["status"]?.GetValue<string>() ?? status["properties"]?["provisioningState"]?.GetValue<string>();
            if (state is null || s_running.Contains(state, StringComparer.OrdinalIgnoreCase))
            {
                return response;
            }
            if (!state.Equals("Succeeded", StringComparison.OrdinalIgnoreCase))
            {
                response.Headers.TryGetValue("x-ms-request-id", out var rid);
                var error = status["error"] is JsonObject e ? ArmError.TryParse(BinaryData.FromString(new JsonObject { ["error"] = e.DeepClone() }.ToJsonString())) : null;
                throw RecoveryVaultRequestFailedException.FromOperationError(200, error ?? new ArmError { Code = "Operation" + state, Message = $"The operation ended as {state}." }, rid, Id);
            }
            await FetchFinalAsync(async, ct).ConfigureAwait(false);
            return _rawResponse;
        }
        if (_locationUri is not null)
        {
            var response = await GetAsync(_locationUri, async, ct).ConfigureAwait(false);
            _rawResponse = response;
            if (response.Status == 202)
            {
                return response;
            }
            if (response.Status == 204 || response.Content.ToMemory().Length == 0)
            {
                await CompleteFromResourceAsync(async, ct).ConfigureAwait(false);
            }
            else
            {
                Complete(response);
            }
        }
        return _rawResponse;
    }

    private async ValueTask FetchFinalAsync(bool async, CancellationToken ct)
    {
        if (_method == RequestMethod.Delete)
        {
            _completed = true;
            return;
        }
        if (_locationUri is not null)
        {
            var response = await GetAsync(_locationUri, async, ct).ConfigureAwait(false);
            _rawResponse = response;
            if (response.Status is 200 or 201 && response.Content.ToMemory().Length > 0)
            {
                Complete(response);
                return;
            }
        }
        await CompleteFromResourceAsync(async, ct).ConfigureAwait(false);
    }

    private async ValueTask CompleteFromResourceAsync(bool async, CancellationToken ct)
    {
        if ((_method == RequestMethod.Put || _method == RequestMethod.Patch) && _resourceUri is not null && _map is not null)
        {
            var response = await GetAsync(_resourceUri, async, ct).ConfigureAwait(false);
            _rawResponse = response;
            Complete(response);
            return;
        }
        _completed = true;
    }

    private void Complete(Response response)
    {
        _completed = true;
        if (_map is not null && response.Content.ToMemory().Length > 0 && response.Status is 200 or 201)
        {
            _value = _map(ArmResourceData.ParseObject(response.Content));
        }
    }

    private async ValueTask<Response> GetAsync(Uri uri, bool async, CancellationToken ct)
    {
        // Not disposed: the buffered response it owns is handed to the caller.
        var message = _pipeline!.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.SetValue("Accept", "application/json");
        if (async)
        {
            await _pipeline.SendAsync(message, ct).ConfigureAwait(false);
        }
        else
        {
            _pipeline.Send(message, ct);
        }
        var response = message.Response;
        if (response.IsError)
        {
            throw RecoveryVaultRequestFailedException.FromResponse(response, message.Request);
        }
        return response;
    }

    private static Uri? Header(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) && Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : null;

    internal static TimeSpan? RetryAfter(Response response)
    {
        if ((response.Headers.TryGetValue("retry-after-ms", out var ms) || response.Headers.TryGetValue("x-ms-retry-after-ms", out ms))
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var msValue))
        {
            return TimeSpan.FromMilliseconds(msValue);
        }
        if (response.Headers.TryGetValue("Retry-After", out var ra))
        {
            if (double.TryParse(ra, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(seconds);
            }
            if (DateTimeOffset.TryParse(ra, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                var d = when - DateTimeOffset.UtcNow;
                return d > TimeSpan.Zero ? d : TimeSpan.Zero;
            }
        }
        return null;
    }
}
