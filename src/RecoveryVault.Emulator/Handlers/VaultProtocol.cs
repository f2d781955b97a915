// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>The HTTP side of the vault resource: its LRO headers (style A) and conditional requests (If-Match / If-None-Match).</summary>
internal static class VaultProtocol
{
    public static void AddLroHeaders(ArmResponse response, ArmContext ctx, string resourcePath, string operationId, bool includeLocation = true, string statusSegment = "operationStatus", string resultSegment = "operationResults")
    {
        var v = Uri.EscapeDataString(ctx.ApiVersion);
        var op = operationId;
        response.Headers["Azure-AsyncOperation"] = $"{ctx.BaseUrl}{resourcePath}/{statusSegment}/{op}?api-version={v}";
        if (includeLocation)
        {
            response.Headers["Location"] = $"{ctx.BaseUrl}{resourcePath}/{resultSegment}/{op}?api-version={v}";
        }

        var seconds = ctx.Runtime.RetryAfterSeconds;
        response.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["x-ms-retry-after-ms"] = (seconds * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public static void CheckIfMatch(ArmContext ctx, JsonObject? current)
    {
        var ifMatch = ctx.Header("If-Match");
        if (!string.IsNullOrEmpty(ifMatch) && ifMatch != "*" && !string.Equals(ifMatch, Json.Str(current, "etag"), StringComparison.Ordinal))
        {
            throw ArmErrors.PreconditionFailed("The If-Match precondition failed: the resource's etag has changed.");
        }

        if (!string.IsNullOrEmpty(ifMatch) && current is null)
        {
            throw ArmErrors.PreconditionFailed("The If-Match precondition failed: the resource does not exist.");
        }

        var ifNoneMatch = ctx.Header("If-None-Match");
        if (ifNoneMatch == "*" && current is not null)
        {
            throw ArmErrors.PreconditionFailed("The If-None-Match precondition failed: the resource already exists.");
        }
    }
}
