// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;

namespace RecoveryVault.Engine.Pipeline;

/// <summary>
/// An HTTP transport that accepts the system's trusted certificates plus one pinned certificate (the emulator's
/// self-signed one), for this client only. Nothing process-wide is switched off.
/// </summary>
internal static class PinnedCertificateTransport
{
    public static HttpClientTransport Create(string thumbprint)
    {
        var pinned = thumbprint.Replace(":", string.Empty, StringComparison.Ordinal).Trim();
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    errors == SslPolicyErrors.None || Matches(certificate, pinned),
            },
        };
        return new HttpClientTransport(handler);
    }

    internal static bool Matches(X509Certificate? certificate, string thumbprint)
    {
        if (certificate is null)
        {
            return false;
        }
        using var cert2 = new X509Certificate2(certificate);
        return string.Equals(cert2.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase)
            || string.Equals(cert2.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), thumbprint, StringComparison.OrdinalIgnoreCase);
    }
}
