// Copyright (c) RecoveryVault contributors. MIT License.
using System.Diagnostics;
using System.Net;
using RecoveryVault.Engine.Models;
using Xunit;

namespace RecoveryVault.Engine.Tests;

/// <summary>
/// The transport's retry never re-sends a write the service may have carried out (a lost connection, a 5xx); it does
/// re-send what was refused before any work (429), and waits out throttling beyond the retry count within the budget,
/// holding every request of the client at the shared gate. ARM throttling answers 429 with Retry-After
/// (learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling).
/// </summary>
public class WriteSafeRetryTests
{
    private static VaultData NewVault() => new(System.Text.Json.Nodes.JsonNode.Parse(Stub.Vault("v1"))!.AsObject());

    [Fact]
    public async Task WriteIsNotResentAfterALostConnection()
    {
        var (client, handler, _) = Stub.Create((_, _) => throw new HttpRequestException("connection reset"));
        await Assert.ThrowsAnyAsync<Exception>(() => client.CreateOrUpdateVaultAsync(Azure.WaitUntil.Started, Stub.Sub, "rg", "v1", NewVault()));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task WriteIsNotResentAfterA500()
    {
        var (client, handler, _) = Stub.Create((_, _) => StubHandler.Json(HttpStatusCode.InternalServerError, """{"error":{"code":"InternalServerError","message":"x"}}"""));
        var ex = await Assert.ThrowsAsync<RecoveryVaultRequestFailedException>(() => client.DeleteVaultAsync(Azure.WaitUntil.Started, Stub.Sub, "rg", "v1"));
        Assert.Equal(500, ex.Status);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task ThrottledWriteIsResentBecauseNothingWasDone()
    {
        var calls = 0;
        var (client, handler, _) = Stub.Create((_, _) => ++calls == 1
            ? StubHandler.Json(HttpStatusCode.TooManyRequests, """{"error":{"code":"TooManyRequests","message":"slow down"}}""", ("retry-after-ms", "20"))
            : StubHandler.Json(HttpStatusCode.OK, Stub.Vault("v1")));
        var op = await client.CreateOrUpdateVaultAsync(Azure.WaitUntil.Started, Stub.Sub, "rg", "v1", NewVault());
        Assert.Equal(2, handler.Requests.Count);
        Assert.True(op.HasCompleted);
    }

    [Fact]
    public async Task ThrottlingIsWaitedOutBeyondTheRetryCountWithinTheBudget()
    {
        var calls = 0;
        var (client, handler, _) = Stub.Create((_, _) => ++calls <= 6
            ? StubHandler.Json(HttpStatusCode.TooManyRequests, """{"error":{"code":"TooManyRequests","message":"slow down"}}""", ("retry-after-ms", "30"))
            : StubHandler.Json(HttpStatusCode.OK, Stub.Vault("v1")));
        Assert.Equal("v1", (await client.GetVaultAsync(Stub.Sub, "rg", "v1")).Value.Name);
        Assert.Equal(7, handler.Requests.Count); // six throttled answers: more than the three retries
    }

    [Fact]
    public async Task ThrottlingFailsOnceTheBudgetIsSpent()
    {
        var (client, handler, _) = Stub.Create((_, _) =>
            StubHandler.Json(HttpStatusCode.TooManyRequests, """{"error":{"code":"TooManyRequests","message":"slow down"}}""", ("retry-after-ms", "60")),
            o => o.RetryBudget = TimeSpan.FromMilliseconds(100));
        var ex = await Assert.ThrowsAsync<RecoveryVaultRequestFailedException>(() => client.GetVaultAsync(Stub.Sub, "rg", "v1"));
        Assert.Equal(429, ex.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(60), ex.RetryAfter);
        Assert.Equal(2, handler.Requests.Count); // one wait of 60 ms fits in 100 ms, a second does not
    }

    [Fact]
    public async Task OneThrottledCallHoldsTheOthersOfTheClient()
    {
        var watch = Stopwatch.StartNew();
        var arrivals = new List<(string Path, TimeSpan At)>();
        var throttled = 0;
        var (client, _, _) = Stub.Create((request, _) =>
        {
            var path = request.RequestUri!.AbsolutePath;
            lock (arrivals)
            {
                arrivals.Add((path, watch.Elapsed));
            }
            return path.EndsWith("/v1", StringComparison.Ordinal) && Interlocked.Increment(ref throttled) == 1
                ? StubHandler.Json(HttpStatusCode.TooManyRequests, """{"error":{"code":"TooManyRequests","message":"slow down"}}""", ("retry-after-ms", "400"))
                : StubHandler.Json(HttpStatusCode.OK, Stub.Vault(path[(path.LastIndexOf('/') + 1)..]));
        });
        var first = client.GetVaultAsync(Stub.Sub, "rg", "v1");
        await Task.Delay(100);
        var second = await client.GetVaultAsync(Stub.Sub, "rg", "v2");
        await first;
        // v2 was asked for 100 ms in, while the service had asked the client to hold off for 400 ms: it waited.
        var v2 = arrivals.Single(a => a.Path.EndsWith("/v2", StringComparison.Ordinal)).At;
        Assert.True(v2 >= TimeSpan.FromMilliseconds(350), $"v2 sent at {v2}");
        Assert.Equal("v2", second.Value.Name);
    }

    [Fact]
    public async Task CancellationStopsAThrottlingWait()
    {
        var (client, handler, _) = Stub.Create((_, _) =>
            StubHandler.Json(HttpStatusCode.TooManyRequests, """{"error":{"code":"TooManyRequests","message":"slow down"}}""", ("Retry-After", "30")));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetVaultAsync(Stub.Sub, "rg", "v1", cts.Token));
        // Ctrl+C (the cmdlets' token) ends a 30 s wait at once.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Single(handler.Requests);
    }
}
