// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;

namespace RecoveryVault.Emulator.Middleware;

internal static class ItemKeys
{
    public const string Principal = "rv.principal";
    public const string Route = "rv.route";
    public const string ApiVersion = "rv.apiVersion";
    public const string Fault = "rv.fault";
}

/// <summary>Writes ARM responses and errors the same way everywhere.</summary>
internal static class ArmWriter
{
    public static async Task WriteAsync(HttpContext http, int status, JsonNode? body, IReadOnlyDictionary<string, string> headers)
    {
        http.Response.StatusCode = status;
        foreach (var (k, v) in headers)
        {
            http.Response.Headers[k] = v;
        }

        if (body is not null && !HttpMethods.IsHead(http.Request.Method))
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.WriteAsync(Json.Serialize(body), Encoding.UTF8, http.RequestAborted).ConfigureAwait(false);
        }
        else if (body is null && status != 204 && status != 304)
        {
            http.Response.ContentLength = 0;
        }
    }

    public static Task WriteErrorAsync(HttpContext http, ArmException ex) => WriteAsync(http, ex.Status, ex.ToBody(), ex.Headers);
}

/// <summary>
/// Refuses a request target that still carries dot segments (<c>.</c>, <c>..</c>, also percent-encoded). Kestrel
/// removes them before routing (RFC 3986 §5.2.4), so <c>/subscriptions/x/../../_emulator/reset</c> would otherwise
/// reach the admin surface; conforming clients remove them before sending, so such a target is hostile or broken.
/// </summary>
internal sealed class DotSegmentMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        var raw = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var pathPart = query >= 0 ? raw[..query] : raw;
        foreach (var segment in pathPart.Split('/'))
        {
            var decoded = segment.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(segment) : segment;
            if (decoded is "." or "..")
            {
                return ArmWriter.WriteErrorAsync(http, ArmErrors.BadRequest("InvalidRequestUri", "The request URI contains '.' or '..' path segments, which Azure Resource Manager does not resolve."));
            }
        }

        return next(http);
    }
}

/// <summary>x-ms-request-id / x-ms-correlation-request-id on every response; echoes x-ms-client-request-id.</summary>
internal sealed class RequestIdMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        var clientRequestId = http.Request.Headers["x-ms-client-request-id"].ToString();
        var correlation = http.Request.Headers["x-ms-correlation-request-id"].ToString();
        if (string.IsNullOrEmpty(correlation))
        {
            correlation = Guid.TryParse(clientRequestId, out _) ? clientRequestId : Guid.NewGuid().ToString();
        }

        var requestId = Guid.NewGuid().ToString();
        http.Response.OnStarting(() =>
        {
            http.Response.Headers["x-ms-request-id"] = requestId;
            http.Response.Headers["x-ms-correlation-request-id"] = correlation;
            if (!string.IsNullOrEmpty(clientRequestId))
            {
                http.Response.Headers["x-ms-client-request-id"] = clientRequestId;
            }

            return Task.CompletedTask;
        });
        return next(http);
    }
}

/// <summary>
/// Every ARM response carries a <c>Date</c> (RFC 9110 §6.6.1). The emulator's service time is its simulated backup
/// clock, so its Date is that clock: a client that takes "now" from the service (job windows, retention minimums)
/// then sees the same time the jobs and points are stamped with, as it would against Azure.
/// </summary>
internal sealed class ServiceDateMiddleware(RequestDelegate next, EmulatorRuntime runtime)
{
    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(() =>
        {
            http.Response.Headers.Date = runtime.Backup.Clock.Now.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        return next(http);
    }
}

/// <summary>Remembers each ARM request for <c>GET /_emulator/requests</c>.</summary>
internal sealed class RequestLogMiddleware(RequestDelegate next, EmulatorRuntime runtime)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http).ConfigureAwait(false);
        }
        finally
        {
            var fault = http.Items.TryGetValue(ItemKeys.Fault, out var f) ? f as string : null;
            runtime.Requests.Add(
                http.Request.Method,
                http.Request.Path.Value + http.Request.QueryString.Value,
                fault == "drop" ? 0 : http.Response.StatusCode,
                NullIfEmpty(http.Request.Headers["x-ms-client-request-id"].ToString()),
                NullIfEmpty(http.Request.Headers.UserAgent.ToString()),
                http.Request.Headers.ContainsKey("Authorization"),
                fault);
        }
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}

/// <summary>Turns <see cref="ArmException"/> (and anything unexpected) into ARM error bodies.</summary>
internal sealed class ArmErrorMiddleware(RequestDelegate next, ILogger<ArmErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http).ConfigureAwait(false);
        }
        catch (ArmException ex) when (!http.Response.HasStarted)
        {
            await ArmWriter.WriteErrorAsync(http, ex).ConfigureAwait(false);
        }
        catch (Exception ex) when (!http.Response.HasStarted && ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Unhandled error serving {Method} {Path}", http.Request.Method, http.Request.Path);
            await ArmWriter.WriteErrorAsync(http, ArmErrors.InternalServerError()).ConfigureAwait(false);
        }
    }
}

/// <summary>Random and queued faults; ARM requests only (the branch never sees token, health or admin calls).</summary>
internal sealed class FaultInjectionMiddleware(RequestDelegate next, EmulatorRuntime runtime)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var fault = runtime.Faults.Next(http.Request.Method, http.Request.Path.Value + http.Request.QueryString.Value, runtime.RetryAfterSeconds);
        if (fault is null)
        {
            await next(http).ConfigureAwait(false);
            return;
        }

        http.Items[ItemKeys.Fault] = fault.Kind;
        switch (fault.Kind)
        {
            case "429":
                throw ArmErrors.TooManyRequests(fault.RetryAfterSeconds);
            case "500":
                throw ArmErrors.InternalServerError();
            case "503":
                throw ArmErrors.ServiceUnavailable(fault.RetryAfterSeconds);
            case "drop":
                http.Abort();
                return;
            case "dropresponse":
                await ServeThenDropAsync(http).ConfigureAwait(false);
                return;
            default:
                await Task.Delay(fault.LatencyMs, http.RequestAborted).ConfigureAwait(false);
                await next(http).ConfigureAwait(false);
                return;
        }
    }

    // The request runs to the end (its transaction commits) with the answer written into a buffer that never
    // leaves; then the connection is cut. The client sees what it sees when a 200 is lost in transit.
    private async Task ServeThenDropAsync(HttpContext http)
    {
        var original = http.Response.Body;
        await using var sink = new MemoryStream();
        http.Response.Body = sink;
        try
        {
            await next(http).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A refused request is lost the same way: its error answer never leaves either.
        }
        finally
        {
            http.Response.Body = original;
            http.Abort();
        }
    }
}

/// <summary>Bearer token check with ARM's three 401 codes.</summary>
internal sealed class AuthenticationMiddleware(RequestDelegate next, EmulatorRuntime runtime)
{
    public Task InvokeAsync(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            throw Fail("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw Fail("AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.");
        }

        var token = header["Bearer ".Length..].Trim();
        var result = runtime.Tokens.Validate(token, DateTimeOffset.UtcNow);
        switch (result.Status)
        {
            case TokenStatus.Expired:
                throw Fail("ExpiredAuthenticationToken", result.Message);
            case TokenStatus.Valid:
                break;
            default:
                throw Fail("InvalidAuthenticationToken", "The access token is invalid. " + result.Message);
        }

        if (result.TenantId is null || !runtime.Store.Transaction(s => Tenants.Exists(s, result.TenantId)))
        {
            throw Fail("InvalidAuthenticationTokenTenant", $"The access token is from the wrong issuer. It must match the tenant '{EmulatorConstants.TenantId}'.");
        }

        var principal = runtime.Store.Transaction(s => Principals.ByObjectId(s, result.ObjectId!));
        if (principal is null)
        {
            throw Fail("InvalidAuthenticationToken", "The access token is invalid. The principal it was issued to no longer exists.");
        }

        // ARM "Authenticate requests across tenants": every auxiliary token must be valid and unexpired, whether or
        // not the request reaches into another tenant; one that is not fails the request with 401.
        var auxiliary = http.Request.Headers["x-ms-authorization-auxiliary"].ToString();
        foreach (var part in auxiliary.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var aux = part.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? runtime.Tokens.Validate(part[7..].Trim(), DateTimeOffset.UtcNow) : null;
            if (aux?.Status == TokenStatus.Expired)
            {
                throw Fail("ExpiredAuthenticationToken", "The auxiliary access token has expired. " + aux.Message);
            }

            if (aux?.Status != TokenStatus.Valid)
            {
                throw Fail("InvalidAuthenticationToken", "The access token in the 'x-ms-authorization-auxiliary' header is invalid. " + aux?.Message);
            }
        }

        http.Items[ItemKeys.Principal] = new ArmPrincipal(result.ObjectId!, result.ClientId ?? string.Empty, Json.Str(principal, "displayName"), result.TenantId);
        return next(http);
    }

    private ArmException Fail(string code, string message) => ArmErrors.Unauthorized(code, message, runtime.Endpoint, EmulatorConstants.TenantId);
}

/// <summary>api-version must be present and date-shaped (which versions are supported depends on the route).</summary>
internal sealed class ApiVersionMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        string? version = null;
        foreach (var (k, v) in http.Request.Query)
        {
            if (k.Equals("api-version", StringComparison.OrdinalIgnoreCase))
            {
                version = v.ToString();
            }
        }

        if (string.IsNullOrEmpty(version))
        {
            throw ArmErrors.MissingApiVersion();
        }

        if (!ApiVersions.IsWellFormed(version))
        {
            throw ArmErrors.InvalidApiVersion(version);
        }

        http.Items[ItemKeys.ApiVersion] = version;
        return next(http);
    }
}

/// <summary>Matches the ARM route, then checks the api-version against it and that the subscription exists.</summary>
internal sealed class RoutingMiddleware(RequestDelegate next, EmulatorRuntime runtime)
{
    public Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        var match = runtime.Router.Match(http.Request.Method, path, out var known, out var other);
        if (match is null)
        {
            throw known ? ArmErrors.MethodNotAllowed(http.Request.Method, path) : ArmErrors.InvalidResourceType(path);
        }

        var version = (string)http.Items[ItemKeys.ApiVersion]!;
        if (!ApiVersions.IsSupported(match.Route.Family, version))
        {
            throw ArmErrors.UnsupportedApiVersion(version, match.Route.ResourceType, ApiVersions.For(match.Route.Family));
        }

        if (match.Values.TryGetValue("subscriptionId", out var sub))
        {
            var subscription = runtime.Store.Transaction(s => Subscriptions.Get(s, sub)) ?? throw ArmErrors.SubscriptionNotFound(sub);

            // ARM serves a subscription only with a token of the tenant that subscription belongs to.
            var subTenant = Json.Str(subscription, "tenantId") ?? EmulatorConstants.TenantId;
            var caller = (ArmPrincipal)http.Items[ItemKeys.Principal]!;
            if (caller.TenantId is { } callerTenant && !string.Equals(callerTenant, subTenant, StringComparison.OrdinalIgnoreCase))
            {
                throw ArmErrors.Unauthorized("InvalidAuthenticationTokenTenant",
                    $"The access token is from the wrong issuer 'https://sts.windows.net/{callerTenant}/'. It must match the tenant 'https://sts.windows.net/{subTenant}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/{subTenant}' to get the token.",
                    runtime.Endpoint, subTenant);
            }
        }

        http.Items[ItemKeys.Route] = match;
        return next(http);
    }
}

/// <summary>Checks the action derived from path + method against the caller's role assignments.</summary>
internal sealed class RbacMiddleware(RequestDelegate next, EmulatorRuntime runtime)
{
    public Task InvokeAsync(HttpContext http)
    {
        var match = (ArmRouteMatch)http.Items[ItemKeys.Route]!;
        if (!match.Route.SkipRbac)
        {
            var principal = (ArmPrincipal)http.Items[ItemKeys.Principal]!;
            var segments = ArmRouter.SplitPath(http.Request.Path.Value ?? "/");
            var action = Rbac.DeriveAction(http.Request.Method, segments);
            var scope = Rbac.ScopeOf(http.Request.Method, segments);
            if (!runtime.Store.Transaction(s => RoleAssignments.IsAllowed(s, principal.ObjectId, action, scope)))
            {
                throw ArmErrors.AuthorizationFailed(principal.ObjectId, action, scope);
            }
        }

        return next(http);
    }
}

/// <summary>Reads the JSON body, runs the handler, writes its answer.</summary>
internal sealed class ArmEndpointMiddleware(RequestDelegate next, EmulatorRuntime runtime)
{
    public async Task InvokeAsync(HttpContext http)
    {
        _ = next;
        var match = (ArmRouteMatch)http.Items[ItemKeys.Route]!;
        JsonNode? body = null;
        if (HttpMethods.IsPut(http.Request.Method) || HttpMethods.IsPatch(http.Request.Method) || HttpMethods.IsPost(http.Request.Method))
        {
            var text = await RequestBody.ReadAsync(http, RequestBody.ArmMaxBytes, () => ArmErrors.RequestContentTooLarge()).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(text))
            {
                RequestBody.RequireJsonMediaType(http);
                try
                {
                    body = Json.Parse(text);
                }
                catch (JsonException ex)
                {
                    throw ArmErrors.InvalidRequestContent("The request content was invalid and could not be deserialized: " + ex.Message);
                }

                RequestBody.ValidateShape(body, HttpMethods.IsPut(http.Request.Method) || HttpMethods.IsPatch(http.Request.Method));
            }
        }

        var apiVersion = (string)http.Items[ItemKeys.ApiVersion]!;
        var path = http.Request.Path.Value ?? "/";
        runtime.Contract.CheckRequest(http.Request.Method, path, apiVersion, body);
        var ctx = new ArmContext(http, match, apiVersion, (ArmPrincipal)http.Items[ItemKeys.Principal]!, body, runtime);
        ArmResponse response;
        try
        {
            response = match.Route.Handler(ctx);
        }
        catch (ArmException ex)
        {
            throw runtime.Contract.CheckResponse(http.Request.Method, path, apiVersion, ex.Status, ex.ToBody()) ?? ex;
        }

        if (runtime.Contract.CheckResponse(http.Request.Method, path, apiVersion, response.Status, response.Body) is { } violation)
        {
            throw violation;
        }

        await ArmWriter.WriteAsync(http, response.Status, response.Body, response.Headers).ConfigureAwait(false);
    }
}
