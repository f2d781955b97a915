// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Handlers;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Middleware;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;

namespace RecoveryVault.Emulator;

/// <summary>
/// The emulator host. Start it in-process with <see cref="StartAsync"/> (tests) or through Program (CLI);
/// <see cref="DisposeAsync"/> stops it and releases the database.
/// </summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorRuntime _runtime;
    private readonly IResourceStore _store;
    private readonly string? _tempDir;
    private int _disposed;

    private EmulatorServer(WebApplication app, EmulatorRuntime runtime, IResourceStore store, X509Certificate2 certificate, string certificatePath, Uri endpoint, string? tempDir)
    {
        _app = app;
        _runtime = runtime;
        _store = store;
        Certificate = certificate;
        CertificatePath = certificatePath;
        Endpoint = endpoint;
        _tempDir = tempDir;
    }

    /// <summary>https://127.0.0.1:PORT (no trailing slash in <see cref="Uri.ToString"/> of the authority part).</summary>
    public Uri Endpoint { get; }

    /// <summary>SHA-1 thumbprint of the server certificate, upper-case hex.</summary>
    public string Thumbprint => Certificate.Thumbprint.ToUpperInvariant();

    public X509Certificate2 Certificate { get; }

    /// <summary>Absolute path of the PEM (certificate only), e.g. for <c>curl --cacert</c>.</summary>
    public string CertificatePath { get; }

    public string TenantId => EmulatorConstants.TenantId;

    public string SubscriptionId => EmulatorConstants.SubscriptionId;

    public string OwnerClientId => EmulatorConstants.OwnerClientId;

    public string OwnerClientSecret => EmulatorConstants.OwnerClientSecret;

    public string OwnerObjectId => EmulatorConstants.OwnerObjectId;

    /// <summary>Endpoint without the trailing slash, the form used in READY and in every absolute URL the emulator emits.</summary>
    public string EndpointString => Endpoint.GetLeftPart(UriPartial.Authority);

    public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? tempDir = null;
        string certDir;
        X509Certificate2 cert;
        IResourceStore store;
        byte[] key;
        if (options.InMemory)
        {
            tempDir = string.IsNullOrWhiteSpace(options.DataDir)
                ? Path.Combine(Path.GetTempPath(), "rv-emulator-" + Guid.NewGuid().ToString("N")[..12])
                : null;
            certDir = tempDir ?? options.ResolveDataDir();
            cert = tempDir is null ? CertificateFactory.LoadOrCreate(certDir) : CertificateFactory.InMemory(certDir);
            store = new InMemoryResourceStore();
            key = TokenService.LoadOrCreateKey(null);
        }
        else
        {
            certDir = options.ResolveDataDir();
            PrivateFiles.PrepareDirectory(certDir);
            cert = CertificateFactory.LoadOrCreate(certDir);
            store = new SqliteResourceStore(Path.Combine(certDir, "emulator.db"));
            key = TokenService.LoadOrCreateKey(certDir);
        }

        var runtime = new EmulatorRuntime(store, new TokenService(key), options) { Thumbprint = cert.Thumbprint.ToUpperInvariant() };
        foreach (var register in HandlerTable.All)
        {
            register(runtime.Router);
        }
        runtime.EnsureSeed();
        Validation.ContractGate.Warm();

        WebApplication app;
        try
        {
            app = Build(options, cert, runtime);
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            store.Dispose();
            if (tempDir is not null && Directory.Exists(tempDir))
            {
                Directory.Delete(tempDir, recursive: true);
            }

            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        var endpoint = new Uri($"https://127.0.0.1:{port}");
        runtime.Endpoint = endpoint.GetLeftPart(UriPartial.Authority);
        runtime.Tokens.Issuer = $"{runtime.Endpoint}/{EmulatorConstants.TenantId}/v2.0";
        return new EmulatorServer(app, runtime, store, cert, Path.Combine(certDir, CertificateFactory.PemName), endpoint, tempDir);
    }

    private static WebApplication Build(EmulatorOptions options, X509Certificate2 cert, EmulatorRuntime runtime)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        // stdout belongs to the start lines; anything worth saying goes to stderr.
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddSingleton(runtime);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, options.Port, lo => lo.UseHttps(cert));
        });

        var app = builder.Build();
        runtime.Contract = new Validation.ContractGate(options.Strict, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RecoveryVault.Emulator.Contract"));
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<ServiceDateMiddleware>();
        app.UseMiddleware<DotSegmentMiddleware>();
        app.MapWhen(c => c.Request.Path.StartsWithSegments("/_emulator", StringComparison.OrdinalIgnoreCase),
            a => a.Run(c => AdminHandler.HandleAsync(c, runtime)));
        app.MapWhen(c => TokenHandler.IsTokenPath(c.Request.Path),
            a => a.Run(c => TokenHandler.HandleAsync(c, runtime)));
        app.UseMiddleware<RequestLogMiddleware>();
        app.UseMiddleware<ArmErrorMiddleware>();
        app.UseMiddleware<FaultInjectionMiddleware>();
        app.UseMiddleware<AuthenticationMiddleware>();
        app.UseMiddleware<ApiVersionMiddleware>();
        app.UseMiddleware<RoutingMiddleware>();
        app.UseMiddleware<RbacMiddleware>();
        app.UseMiddleware<ArmEndpointMiddleware>();
        return app;
    }

    /// <summary>The lines the CLI prints on start (EMULATOR.md), READY last.</summary>
    public IReadOnlyList<string> StartLines()
    {
        var ready = new JsonObject
        {
            ["endpoint"] = EndpointString,
            ["thumbprint"] = Thumbprint,
            ["certificatePath"] = CertificatePath,
            ["tenantId"] = TenantId,
            ["subscriptionId"] = SubscriptionId,
            ["ownerClientId"] = OwnerClientId,
            ["ownerClientSecret"] = OwnerClientSecret,
            ["pid"] = Environment.ProcessId,
        };
        return
        [
            $"RecoveryVault emulator listening on {EndpointString}",
            $"Certificate thumbprint: {Thumbprint}",
            $"Certificate PEM: {CertificatePath}",
            "READY " + Arm.Json.Serialize(ready),
        ];
    }

    /// <summary>Issues a token as the emulator would, with any lifetime (negative makes an expired one) — for client tests.</summary>
    public string IssueAccessToken(string clientId, TimeSpan? lifetime = null)
    {
        var principal = _runtime.Store.Transaction(s => Principals.ByClientId(s, clientId))
            ?? throw new ArgumentException($"Unknown client id '{clientId}'.", nameof(clientId));
        var life = lifetime ?? TimeSpan.FromSeconds(TokenHandler.LifetimeSeconds);
        var issuedAt = life < TimeSpan.Zero ? DateTimeOffset.UtcNow.Add(life).AddMinutes(-5) : DateTimeOffset.UtcNow;
        var effective = life < TimeSpan.Zero ? TimeSpan.FromMinutes(5) : life;
        return _runtime.Tokens.Issue(Arm.Json.Str(principal, "objectId")!, clientId, TenantId, TokenService.Audience, effective, issuedAt);
    }

    /// <summary>An HttpClientHandler that trusts exactly this emulator's certificate (pinned by thumbprint).</summary>
    public HttpClientHandler CreatePinnedHandler()
    {
        var thumbprint = Thumbprint;
        return new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                certificate is not null && string.Equals(certificate.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase),
        };
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C / SIGTERM for the CLI).</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _app.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _store.Dispose();
            Certificate.Dispose();
            if (_tempDir is not null)
            {
                try
                {
                    Directory.Delete(_tempDir, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Only the public PEM is ever written there (the key stays in memory), so a leftover is harmless.
                }
            }
        }
    }
}
