// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using RecoveryVault.Emulator.Arm;

namespace RecoveryVault.Emulator.Middleware;

/// <summary>ARM's front-door checks on a request body: size, media type, shape and tags, before any handler sees it.</summary>
internal static class RequestBody
{
    /// <summary>ARM refuses request content over 4 MB (413 <c>RequestContentTooLarge</c>).</summary>
    public const int ArmMaxBytes = 4 * 1024 * 1024;

    public const int MaxTags = 50;

    public const int MaxTagNameLength = 512;

    public const int MaxTagValueLength = 256;

    private static readonly char[] ReservedTagNameChars = ['<', '>', '%', '&', '\\', '?', '/'];

    /// <summary>
    /// Reads at most <paramref name="maxBytes"/>: a declared or streamed body beyond it is refused without buffering
    /// the rest, so a hostile client cannot make the emulator hold an arbitrarily large body in memory.
    /// </summary>
    public static async Task<string> ReadAsync(HttpContext http, int maxBytes, Func<Exception> tooLarge)
    {
        if (http.Request.ContentLength > maxBytes)
        {
            throw tooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw tooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A body ARM is to parse must be JSON; an absent Content-Type is let through as ARM's JSON default.</summary>
    public static void RequireJsonMediaType(HttpContext http)
    {
        var contentType = http.Request.ContentType;
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || !IsJson(parsed.MediaType.Value))
        {
            throw ArmErrors.UnsupportedMediaType(parsed?.MediaType.Value ?? contentType);
        }
    }

    /// <summary>
    /// Checks the envelope every ARM resource shares: a JSON object; on a write, <c>properties</c> is an object and
    /// <c>tags</c> keep ARM's tag limits (count, name and value length, reserved name characters).
    /// </summary>
    public static void ValidateShape(JsonNode? body, bool isWrite)
    {
        if (body is not JsonObject obj)
        {
            throw ArmErrors.InvalidRequestContent("The request content was invalid and could not be deserialized: the body must be a JSON object.");
        }

        // The resource envelope (PUT/PATCH) carries properties as an object; an action's body is the action's own
        // shape (PreValidateEnableBackupRequest.properties is a string, for one), which spec validation checks.
        if (isWrite && obj["properties"] is { } props && props is not JsonObject)
        {
            throw ArmErrors.InvalidRequestContent("The request content was invalid and could not be deserialized: 'properties' must be a JSON object.");
        }

        if (!isWrite || obj["tags"] is not { } tagsNode)
        {
            return;
        }

        if (tagsNode is not JsonObject tags)
        {
            throw ArmErrors.InvalidRequestContent("The request content was invalid and could not be deserialized: 'tags' must be a JSON object of strings.");
        }

        if (tags.Count > MaxTags)
        {
            throw ArmErrors.BadRequest("InvalidTags", $"Too many tags specified. Requested tag count - '{tags.Count}'. Maximum number of tags allowed - '{MaxTags}'.");
        }

        foreach (var (name, value) in tags)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw ArmErrors.BadRequest("InvalidTagName", "The tag name must be non-null, non-empty and non-whitespace only. Please provide an actual value.");
            }

            if (name.IndexOfAny(ReservedTagNameChars) >= 0 || name.Any(char.IsControl))
            {
                throw ArmErrors.BadRequest("InvalidTagNameCharacters", $"The tag names '{name}' have reserved characters '<,>,%,&,\\,?,/' or control characters.");
            }

            if (name.Length > MaxTagNameLength)
            {
                throw ArmErrors.BadRequest("InvalidTagName", $"Tag key too large. Following tag name '{name}' exceeded the maximum length. Maximum allowed length for tag name - '{MaxTagNameLength}' characters.");
            }

            if (value is not null && (value is not JsonValue || Json.Str(value) is null))
            {
                throw ArmErrors.InvalidRequestContent($"The request content was invalid and could not be deserialized: the value of tag '{name}' must be a string.");
            }

            if (Json.Str(value) is { Length: > MaxTagValueLength } text)
            {
                throw ArmErrors.BadRequest("InvalidTagValueLength", $"Tag value too large. Following tag value '{text}' exceeded the maximum length. Maximum allowed length for tag value - '{MaxTagValueLength}' characters.");
            }
        }
    }

    private static bool IsJson(string? mediaType) =>
        mediaType is not null
        && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
