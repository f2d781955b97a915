// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json;
using Azure;

namespace RecoveryVault.Engine;

/// <summary>The ARM error body <c>{"error":{code,message,target,details}}</c>.</summary>
public sealed class ArmError
{
    /// <summary>ARM error code, e.g. ResourceGroupNotFound.</summary>
    public string? Code { get; init; }

    /// <summary>Human-readable message.</summary>
    public string? Message { get; init; }

    /// <summary>Target of the error.</summary>
    public string? Target { get; init; }

    /// <summary>Nested errors.</summary>
    public IReadOnlyList<ArmError> Details { get; init; } = [];

    internal static ArmError? TryParse(BinaryData? content)
    {
        if (content is null || content.ToMemory().Length == 0)
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(content.ToMemory());
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var err) && err.ValueKind == JsonValueKind.Object)
            {
                return FromElement(err);
            }
            // Some backup status bodies carry the error beside "status".
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("code", out _) ? FromElement(root) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static ArmError FromElement(JsonElement e) => new()
    {
        Code = e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null,
        Message = e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null,
        Target = e.TryGetProperty("target", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null,
        Details = e.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.Array
            ? d.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object).Select(FromElement).ToList()
            : [],
    };
}

/// <summary>A failed ARM call: status, ARM error code, message, target, details and the request id.</summary>
public sealed class RecoveryVaultRequestFailedException : RequestFailedException
{
    internal RecoveryVaultRequestFailedException(int status, string message, ArmError? error, string? requestId,
        string? correlationId, string? method, string? uri, Exception? inner = null)
        : base(status, message, error?.Code, inner)
    {
        Error = error;
        RequestId = requestId;
        CorrelationId = correlationId;
        Method = method;
        RequestUri = uri;
    }

    /// <summary>The parsed ARM error body, if any.</summary>
    public ArmError? Error { get; }

    /// <summary>x-ms-request-id of the failed response.</summary>
    public string? RequestId { get; }

    /// <summary>x-ms-correlation-request-id of the failed response.</summary>
    public string? CorrelationId { get; }

    /// <summary>HTTP method of the failed request.</summary>
    public string? Method { get; }

    /// <summary>Request URI of the failed request.</summary>
    public string? RequestUri { get; }

    /// <summary>How long the service asked to wait before trying again (429, 503), if it said.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    internal static RecoveryVaultRequestFailedException FromResponse(Azure.Response response, Azure.Core.Request? request)
    {
        var error = ArmError.TryParse(response.Content);
        response.Headers.TryGetValue("x-ms-request-id", out var requestId);
        response.Headers.TryGetValue("x-ms-correlation-request-id", out var correlationId);
        var text = error?.Message ?? (string.IsNullOrEmpty(response.ReasonPhrase) ? $"HTTP {response.Status}" : response.ReasonPhrase);
        var message = $"{text} (Status: {response.Status}, Code: {error?.Code ?? "None"}, RequestId: {requestId ?? "None"})";
        return new RecoveryVaultRequestFailedException(response.Status, message, error, requestId, correlationId,
            request?.Method.Method, request?.Uri.ToString())
        {
            RetryAfter = Pipeline.WriteSafeRetryPolicy.RetryAfter(response),
        };
    }

    internal static RecoveryVaultRequestFailedException FromOperationError(int status, ArmError? error, string? requestId, string operation) =>
        new(status, $"{error?.Message ?? "The operation failed."} (Operation: {operation}, Code: {error?.Code ?? "None"}, RequestId: {requestId ?? "None"})",
            error, requestId, null, null, null);
}
