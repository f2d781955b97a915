// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RecoveryVault.Emulator;

namespace RecoveryVault.Engine.Tests;

/// <summary>
/// A loopback HTTPS proxy in front of an emulator that forwards every request and, for a share of the writes (PUT,
/// POST, PATCH, DELETE on Resource Manager paths), lets the emulator carry it out and then drops the connection
/// instead of passing the answer on: a response lost in transit, as seen by a client on any network. It serves the
/// emulator's own certificate, so a client pinned to the emulator trusts it.
/// </summary>
internal sealed class LostResponseProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Random _random;
    private readonly double _rate;
    private int _lost;

    private LostResponseProxy(EmulatorServer server, double rate, int seed)
    {
        _rate = rate;
        _random = new Random(seed);
        _upstream = new HttpClient(server.CreatePinnedHandler()) { BaseAddress = server.Endpoint };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(server.Certificate)));
        _app = builder.Build();
        _app.Run(ForwardAsync);
    }

    /// <summary>The proxy's endpoint.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>How many answers it has lost.</summary>
    public int Lost => Volatile.Read(ref _lost);

    public static async Task<LostResponseProxy> StartAsync(EmulatorServer server, double rate, int seed)
    {
        var proxy = new LostResponseProxy(server, rate, seed);
        await proxy._app.StartAsync();
        var address = proxy._app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy.Endpoint = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        return proxy;
    }

    private async Task ForwardAsync(HttpContext http)
    {
        var request = new HttpRequestMessage(new HttpMethod(http.Request.Method), http.Request.Path + http.Request.QueryString);
        if (http.Request.ContentLength > 0 || http.Request.Headers.ContainsKey("Transfer-Encoding"))
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            request.Content = new ByteArrayContent(buffer.ToArray());
        }
        foreach (var (name, value) in http.Request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
            }
        }
        using var response = await _upstream.SendAsync(request, http.RequestAborted);
        var body = await response.Content.ReadAsByteArrayAsync(http.RequestAborted);
        var write = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
        bool lose;
        lock (_random)
        {
            lose = write && http.Request.Path.StartsWithSegments("/subscriptions") && _random.NextDouble() < _rate;
        }
        if (lose)
        {
            // Carried out upstream; the answer goes nowhere.
            Interlocked.Increment(ref _lost);
            http.Abort();
            return;
        }
        http.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                http.Response.Headers[name] = values.ToArray();
            }
        }
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
