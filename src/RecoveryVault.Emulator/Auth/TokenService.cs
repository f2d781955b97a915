// Copyright (c) RecoveryVault contributors. MIT License.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Auth;

/// <summary>Outcome of validating a bearer token.</summary>
internal enum TokenStatus
{
    Valid,
    Malformed,
    BadSignature,
    Expired,
    NotYetValid,
}

internal sealed record TokenValidation(TokenStatus Status, string? ObjectId, string? ClientId, string? TenantId, DateTimeOffset? Expires, string Message);

/// <summary>HS256 JWTs signed with a key kept in the data directory so tokens outlive a restart.</summary>
internal sealed class TokenService
{
    public const string Audience = "https://management.azure.com/";
    private readonly byte[] _key;

    public TokenService(byte[] key) => _key = key;

    public string Issuer { get; set; } = "https://127.0.0.1/";

    public static byte[] LoadOrCreateKey(string? directory)
    {
        if (directory is null)
        {
            return RandomNumberGenerator.GetBytes(32);
        }

        Hosting.PrivateFiles.PrepareDirectory(directory);
        var path = Path.Combine(directory, "signing.key");
        if (File.Exists(path))
        {
            Hosting.PrivateFiles.EnsurePrivate(path);
            var existing = Convert.FromBase64String(File.ReadAllText(path).Trim());
            if (existing.Length >= 32)
            {
                return existing;
            }
        }

        var key = RandomNumberGenerator.GetBytes(32);
        Hosting.PrivateFiles.Write(path, System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(key)));
        return key;
    }

    public string Issue(string objectId, string clientId, string tenantId, string audience, TimeSpan lifetime, DateTimeOffset? issuedAt = null)
    {
        var iat = (issuedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var header = new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT" };
        var payload = new JsonObject
        {
            ["aud"] = audience,
            ["iss"] = Issuer,
            ["iat"] = iat,
            ["nbf"] = iat,
            ["exp"] = iat + (long)lifetime.TotalSeconds,
            ["appid"] = clientId,
            ["oid"] = objectId,
            ["sub"] = objectId,
            ["tid"] = tenantId,
            ["idtyp"] = "app",
            ["ver"] = "1.0",
        };
        var signingInput = B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        return signingInput + "." + B64(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signingInput)));
    }

    public TokenValidation Validate(string token, DateTimeOffset now)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return Fail(TokenStatus.Malformed, "The access token is not a well-formed JWT.");
        }

        byte[] signature;
        JsonObject? payload;
        try
        {
            signature = FromB64(parts[2]);
            payload = JsonNode.Parse(Encoding.UTF8.GetString(FromB64(parts[1]))) as JsonObject;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
        {
            return Fail(TokenStatus.Malformed, "The access token could not be decoded.");
        }

        if (payload is null)
        {
            return Fail(TokenStatus.Malformed, "The access token has no claims.");
        }

        var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            return Fail(TokenStatus.BadSignature, "The access token signature is invalid.");
        }

        var oid = Arm.Json.Str(payload["oid"]);
        var appid = Arm.Json.Str(payload["appid"]);
        var tid = Arm.Json.Str(payload["tid"]);
        var exp = ReadLong(payload["exp"]);
        var nbf = ReadLong(payload["nbf"]);
        if (oid is null || exp is null)
        {
            return Fail(TokenStatus.Malformed, "The access token is missing the 'oid' or 'exp' claim.");
        }

        var expires = DateTimeOffset.FromUnixTimeSeconds(exp.Value);
        if (expires <= now)
        {
            return new TokenValidation(TokenStatus.Expired, oid, appid, tid, expires,
                $"The access token expiry UTC time '{expires.UtcDateTime:M/d/yyyy h:mm:ss tt}' is earlier than current UTC time '{now.UtcDateTime:M/d/yyyy h:mm:ss tt}'.");
        }

        if (nbf is not null && DateTimeOffset.FromUnixTimeSeconds(nbf.Value) > now.AddMinutes(5))
        {
            return new TokenValidation(TokenStatus.NotYetValid, oid, appid, tid, expires, "The access token is not yet valid.");
        }

        return new TokenValidation(TokenStatus.Valid, oid, appid, tid, expires, "OK");
    }

    private static long? ReadLong(JsonNode? n) => n is JsonValue v && v.TryGetValue<long>(out var l) ? l : null;

    private static TokenValidation Fail(TokenStatus status, string message) => new(status, null, null, null, null, message);

    private static string B64(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromB64(string s)
    {
        var t = s.Replace('-', '+').Replace('_', '/');
        t += (t.Length % 4) switch { 2 => "==", 3 => "=", 0 => string.Empty, _ => throw new FormatException() };
        return Convert.FromBase64String(t);
    }
}
