// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RecoveryVault.Emulator.Hosting;

/// <summary>Self-signed localhost certificate, made once per data directory and reused after.</summary>
internal static class CertificateFactory
{
    public const string PfxName = "emulator.pfx";
    public const string PemName = "emulator.pem";

    // In-memory servers in one process share a certificate: an RSA key per test server costs seconds on 2 cores.
    private static readonly Lazy<byte[]> SharedInMemoryPfx = new(() => Create().Export(X509ContentType.Pfx));

    public static X509Certificate2 LoadOrCreate(string directory)
    {
        PrivateFiles.PrepareDirectory(directory);
        var pfxPath = Path.Combine(directory, PfxName);
        var pemPath = Path.Combine(directory, PemName);
        X509Certificate2 cert;
        if (File.Exists(pfxPath))
        {
            PrivateFiles.EnsurePrivate(pfxPath);
            cert = X509CertificateLoader.LoadPkcs12FromFile(pfxPath, null, X509KeyStorageFlags.Exportable);
            if (cert.NotAfter < DateTime.Now.AddDays(1))
            {
                cert.Dispose();
                cert = CreateAndSave(pfxPath);
            }
        }
        else
        {
            cert = CreateAndSave(pfxPath);
        }

        WritePem(cert, pemPath);
        return cert;
    }

    public static X509Certificate2 InMemory(string pemDirectory)
    {
        PrivateFiles.PrepareDirectory(pemDirectory);
        var cert = X509CertificateLoader.LoadPkcs12(SharedInMemoryPfx.Value, null, X509KeyStorageFlags.Exportable);
        WritePem(cert, Path.Combine(pemDirectory, PemName));
        return cert;
    }

    private static X509Certificate2 CreateAndSave(string pfxPath)
    {
        using var created = Create();
        var pfx = created.Export(X509ContentType.Pfx);
        PrivateFiles.Write(pfxPath, pfx);
        return X509CertificateLoader.LoadPkcs12(pfx, null, X509KeyStorageFlags.Exportable);
    }

    private static X509Certificate2 Create()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(5));
    }

    private static void WritePem(X509Certificate2 cert, string pemPath) =>
        File.WriteAllText(pemPath, cert.ExportCertificatePem() + "\n");
}
