// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net;

namespace RecoveryVault.Emulator.Tests;

/// <summary>
/// dropResponse: the emulator carries the request out, then cuts the connection before any of the answer leaves, as
/// when Azure's 200 is lost in transit. The client sees a transport failure; the state has changed.
/// </summary>
public sealed class DropResponseTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private EmulatorServer Server => fx.Server;

    [Fact]
    public async Task QueuedDropResponse_CommitsThenCutsTheConnection()
    {
        using var arm = await Arm.ForOwnerAsync(Server);
        await arm.CreateResourceGroupAsync("rg-dropresponse");
        Assert.Equal(HttpStatusCode.OK, (await arm.AdminAsync("POST", "/_emulator/faults/next",
            new { kind = "dropResponse", count = 1, method = "PUT", pathContains = "/vaults/lost-answer?" })).Status);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => arm.CreateVaultAsync("rg-dropresponse", "lost-answer"));

        // Carried out all the same.
        var vault = await arm.SendAsync("GET", $"/subscriptions/{Server.SubscriptionId}/resourceGroups/rg-dropresponse/providers/Microsoft.RecoveryServices/vaults/lost-answer?api-version=2026-07-01");
        Assert.Equal(HttpStatusCode.OK, vault.Status);
        var log = await arm.AdminAsync("GET", "/_emulator/requests?last=20");
        Assert.Contains(log.Body!.AsArray(), x => x!["fault"]?.GetValue<string>() == "dropresponse");
    }

    [Fact]
    public async Task RandomFaults_CanBeLimitedToWrites()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { InMemory = true });
        using var arm = await Arm.ForOwnerAsync(server);
        await arm.CreateResourceGroupAsync("rg-lost");
        var set = await arm.AdminAsync("PUT", "/_emulator/faults", new { rate = 1.0, seed = 3, kinds = new[] { "dropResponse" }, methods = new[] { "PUT" } });
        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal("PUT", set.Body!["methods"]![0]!.GetValue<string>());

        // Every read answers; every PUT is carried out and its answer lost.
        Assert.Equal(HttpStatusCode.OK, (await arm.SendAsync("GET", $"/subscriptions/{server.SubscriptionId}/resourcegroups?api-version=2021-04-01")).Status);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => arm.CreateVaultAsync("rg-lost", "v-lost"));
        Assert.Equal(HttpStatusCode.OK, (await arm.SendAsync("GET", $"/subscriptions/{server.SubscriptionId}/resourceGroups/rg-lost/providers/Microsoft.RecoveryServices/vaults/v-lost?api-version=2026-07-01")).Status);

        var bad = await arm.AdminAsync("PUT", "/_emulator/faults", new { rate = 0.5, kinds = new[] { "dropResponse" }, methods = new[] { "FETCH" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
    }
}
