// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Engine.Models;
using Xunit;

namespace RecoveryVault.Engine.Tests;

/// <summary>
/// The Engine's writes through a proxy that loses the answers of a third of the writes after the emulator carried
/// them out (issue 14: "a loopback proxy that forwards the request and then drops the connection"): every write is
/// reported done, and each left exactly its one effect.
/// </summary>
public class LostResponseTests
{
    [Fact]
    public async Task WritesWhoseAnswersAreLostAreDoneOnceAndReportedDone()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { InMemory = true, LroDurationMs = 20 });
        using (var admin = new HttpClient(server.CreatePinnedHandler()) { BaseAddress = server.Endpoint })
        {
            (await admin.PostAsJsonAsync("/_emulator/resourceGroups", new { name = "rg-lost", location = "westeurope" })).EnsureSuccessStatusCode();
        }
        await using var proxy = await LostResponseProxy.StartAsync(server, rate: 0.35, seed: 14);
        var session = await RecoveryVaultSession.ConnectAsync(new ConnectRequest
        {
            Kind = AuthKind.Emulator,
            Endpoint = proxy.Endpoint,
            Thumbprint = server.Thumbprint,
            TenantId = server.TenantId,
            SubscriptionId = server.SubscriptionId,
            ClientId = server.OwnerClientId,
            ClientSecret = server.OwnerClientSecret,
            MinimumPollInterval = TimeSpan.FromMilliseconds(20),
            RetryDelay = TimeSpan.FromMilliseconds(20),
        }, CancellationToken.None);

        for (var i = 0; i < 8; i++)
        {
            var name = $"lost-{i}";
            var body = new VaultData(JsonNode.Parse("""{"location":"westeurope","sku":{"name":"RS0","tier":"Standard"},"properties":{"publicNetworkAccess":"Enabled"}}""")!.AsObject());
            Assert.Equal(name, (await session.PutVaultAsync(null, "rg-lost", name, body, CancellationToken.None)).Name);
            var patched = await session.PatchVaultAsync(null, "rg-lost", name, JsonNode.Parse("""{"tags":{"run":"14"}}""")!.AsObject(), CancellationToken.None);
            Assert.Equal("14", patched.Raw["tags"]?["run"]?.GetValue<string>());
            Assert.True(await session.DeleteVaultAsync(null, "rg-lost", name, noWait: false, CancellationToken.None));
        }

        // Writes that start jobs: protecting a VM and backing it up leave one ConfigureBackup and one Backup job each,
        // and the job the call returned is that one.
        for (var i = 0; i < 4; i++)
        {
            var vm = $"vm-{i}";
            using (var admin = new HttpClient(server.CreatePinnedHandler()) { BaseAddress = server.Endpoint })
            {
                (await admin.PostAsJsonAsync("/_emulator/virtualMachines", new { resourceGroup = "rg-lost", name = vm, location = "westeurope" })).EnsureSuccessStatusCode();
            }
            var body = new VaultData(JsonNode.Parse("""{"location":"westeurope","sku":{"name":"RS0","tier":"Standard"},"properties":{"publicNetworkAccess":"Enabled"}}""")!.AsObject());
            var vault = RecoveryVaultResourceId.Parse((await session.PutVaultAsync(null, "rg-lost", $"jobs-{i}", body, CancellationToken.None)).Id!);
            var kind = Backup.WorkloadCatalogue.AzureVM;
            await session.RefreshContainersAsync(vault, kind, CancellationToken.None);
            var vmId = $"/subscriptions/{server.SubscriptionId}/resourceGroups/rg-lost/providers/Microsoft.Compute/virtualMachines/{vm}";
            var itemPath = Backup.BackupPath.Item(Backup.BackupPath.AzureFabric, kind.ContainerName("rg-lost", vm), kind.ItemName("rg-lost", vm));
            var enable = await session.BackupOperationAsync(vault, "PUT", itemPath,
                new Backup.ProtectionRequest(kind, vmId, $"{vault}/backupPolicies/DefaultPolicy").ToBody(), wait: true, CancellationToken.None);
            var backup = await session.BackupOperationAsync(vault, "POST", itemPath + "/backup",
                new Backup.OnDemandBackupRequest(kind).ToBody(session.ServiceNow), wait: false, CancellationToken.None);
            foreach (var (operation, result) in new[] { ("ConfigureBackup", enable), ("Backup", backup) })
            {
                var jobs = new List<string>();
                await foreach (var job in session.ListJobsAsync(vault, new Backup.JobQuery { Operation = operation }, CancellationToken.None))
                {
                    if (job.Read("entityFriendlyName") == vm)
                    {
                        jobs.Add(job.Name!);
                    }
                }
                Assert.Equal([result.JobId!], jobs);
            }
        }

        Assert.True(proxy.Lost >= 5, $"only {proxy.Lost} answers were lost");
        await foreach (var left in session.ListVaultsAsync(null, "rg-lost", CancellationToken.None))
        {
            Assert.StartsWith("jobs-", left.Name, StringComparison.Ordinal);
        }
    }
}
