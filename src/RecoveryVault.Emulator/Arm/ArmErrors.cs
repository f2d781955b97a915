// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Arm;

/// <summary>An ARM error travelling up to the pipeline, which turns it into <c>{"error":{...}}</c>.</summary>
public sealed class ArmException(int status, string code, string message, string? target = null) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public string? Target { get; } = target;

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>ARM <c>error.details</c> entries (<c>{code, message, target}</c>), e.g. one per failed prerequisite.</summary>
    public List<JsonObject> Details { get; } = [];

    public JsonObject ToBody()
    {
        var body = ArmErrors.Body(Code, Message, Target);
        var details = (JsonArray)body["error"]!["details"]!;
        foreach (var d in Details)
        {
            details.Add(d.DeepClone());
        }

        return body;
    }
}

/// <summary>Factory for ARM-shaped errors with the status code ARM uses for each.</summary>
public static class ArmErrors
{
    public static JsonObject Body(string code, string message, string? target = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (target is not null)
        {
            error["target"] = target;
        }

        error["details"] = new JsonArray();
        return new JsonObject { ["error"] = error };
    }

    public static ArmException BadRequest(string code, string message, string? target = null) => new(400, code, message, target);

    public static ArmException InvalidRequestContent(string message) => new(400, "InvalidRequestContent", message);

    public static ArmException RequestContentTooLarge() =>
        new(413, "RequestContentTooLarge", "The request content size exceeds the maximum size of 4 MB.");

    public static ArmException UnsupportedMediaType(string mediaType) =>
        new(415, "UnsupportedMediaType", $"The content media type '{mediaType}' is not supported. Only 'application/json' is supported.");

    public static ArmException MissingApiVersion() =>
        new(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");

    public static ArmException InvalidApiVersion(string version) =>
        new(400, "InvalidApiVersionParameter", $"The api-version '{version}' is invalid. The supported versions are date-shaped, e.g. '2026-07-01'.");

    public static ArmException UnsupportedApiVersion(string version, string resourceType, IEnumerable<string> supported) =>
        new(400, "NoRegisteredProviderFound",
            $"No registered resource provider found for API version '{version}' and type '{resourceType}'. The supported api-versions are '{string.Join(", ", supported)}'.");

    public static ArmException ResourceNotFound(string type, string name, string resourceGroup) =>
        new(404, "ResourceNotFound", $"The Resource '{type}/{name}' under resource group '{resourceGroup}' was not found.");

    public static ArmException NotFound(string code, string message) => new(404, code, message);

    public static ArmException ResourceGroupNotFound(string resourceGroup) =>
        new(404, "ResourceGroupNotFound", $"Resource group '{resourceGroup}' could not be found.");

    public static ArmException SubscriptionNotFound(string subscriptionId) =>
        new(404, "SubscriptionNotFound", $"The subscription '{subscriptionId}' could not be found.");

    public static ArmException InvalidResourceType(string path) =>
        new(404, "InvalidResourceType", $"The resource type could not be found for the request path '{path}'.");

    public static ArmException MethodNotAllowed(string method, string path) =>
        new(405, "MethodNotAllowed", $"The HTTP method '{method}' is not supported for the request path '{path}'.");

    public static ArmException Conflict(string code, string message) => new(409, code, message);

    public static ArmException PreconditionFailed(string message) => new(412, "PreconditionFailed", message);

    public static ArmException AuthorizationFailed(string objectId, string action, string scope) =>
        new(403, "AuthorizationFailed",
            $"The client '{objectId}' with object id '{objectId}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.");

    public static ArmException Unauthorized(string code, string message, string endpoint, string tenantId)
    {
        var ex = new ArmException(401, code, message);
        var description = message.Replace("\"", "'", StringComparison.Ordinal);
        ex.Headers["WWW-Authenticate"] =
            $"Bearer authorization_uri=\"{endpoint.TrimEnd('/')}/{tenantId}\", error=\"invalid_token\", error_description=\"{description}\"";
        return ex;
    }

    public static ArmException TooManyRequests(int retryAfterSeconds)
    {
        var ex = new ArmException(429, "TooManyRequests", "The request is being throttled as the limit has been reached for operation type. Please retry after the time given in the Retry-After header.");
        ex.Headers["Retry-After"] = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ex;
    }

    public static ArmException InternalServerError() =>
        new(500, "InternalServerError", "Encountered internal server error. Please try again after some time.");

    public static ArmException ServiceUnavailable(int retryAfterSeconds)
    {
        var ex = new ArmException(503, "ServiceUnavailable", "The service is currently unavailable. Please try again after some time.");
        ex.Headers["Retry-After"] = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ex;
    }
}
