// Copyright (c) RecoveryVault contributors. MIT License.
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Tests;

public sealed class DurabilityTests
{
    [Fact]
    public async Task Sqlite_StateAndTokens_SurviveRestart()
    {
        var dir = Paths.NewTempDir();
        try
        {
            string token;
            string thumbprint;
            await using (var server = await EmulatorServer.StartAsync(new EmulatorOptions { Strict = true, DataDir = dir, LroDurationMs = 0 }))
            {
                using var arm = await Arm.ForOwnerAsync(server);
                await arm.CreateResourceGroupAsync("rg-dur");
                for (var i = 0; i < 3; i++)
                {
                    Assert.Equal(HttpStatusCode.Created, (await arm.CreateVaultAsync("rg-dur", $"dvault{i}")).Status);
                }

                token = arm.Token!;
                thumbprint = server.Thumbprint;
                Assert.True(File.Exists(Path.Combine(dir, "emulator.db")));
                Assert.True(File.Exists(Path.Combine(dir, "emulator.pfx")));
            }

            await using (var again = await EmulatorServer.StartAsync(new EmulatorOptions { Strict = true, DataDir = dir }))
            {
                Assert.Equal(thumbprint, again.Thumbprint);
                using var arm = new Arm(again, token);
                var list = await arm.SendAsync("GET", $"/subscriptions/{again.SubscriptionId}/resourceGroups/rg-dur/providers/Microsoft.RecoveryServices/vaults?api-version=2026-07-01");
                Assert.Equal(HttpStatusCode.OK, list.Status);
                Assert.Equal(3, list.Body!["value"]!.AsArray().Count);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Issue 14, durability: an emulator restarted while a backup runs resumes it. The job finishes on the restarted
    /// emulator, its operation monitor (Azure-AsyncOperation, same path) answers Succeeded, and the point exists.
    /// </summary>
    [Fact]
    public async Task Sqlite_RestartDuringLro_ResumesIt()
    {
        var dir = Paths.NewTempDir();
        try
        {
            string token;
            string item;
            string statusPath;
            string jobId;
            // A fixed start (noon): started at the real time of day, the clock could reach the DefaultPolicy's 02:30
            // backup mid-test, and the on-demand backup was then refused as UserErrorBackupOperationInProgress.
            await using (var server = await EmulatorServer.StartAsync(new EmulatorOptions { Strict = true, DataDir = dir, LroDurationMs = 3000, ClockRate = 60, ClockStart = TestClock.Start }))
            {
                using var arm = await Arm.ForOwnerAsync(server);
                await arm.CreateResourceGroupAsync("rg-lro");
                var created = await arm.CreateVaultAsync("rg-lro", "lrovault");
                Assert.True(created.Code is 200 or 201 or 202, $"{created.Code} {created.Body}");
                var vault = arm.VaultPath("rg-lro", "lrovault");
                await WaitVaultAsync(arm, vault);
                var vm = await arm.AdminAsync("POST", "/_emulator/virtualMachines", new { resourceGroup = "rg-lro", name = "vm1", location = "westus", osType = "Linux", disks = Array.Empty<object>() });
                Assert.Equal(201, vm.Code);
                await arm.RefreshContainersAsync(vault);
                item = $"{vault}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-lro;vm1/protectedItems/VM;iaasvmcontainerv2;rg-lro;vm1";
                var protect = await arm.SendAsync("PUT", item + "?api-version=2023-06-01", new JsonObject
                {
                    ["properties"] = new JsonObject { ["protectedItemType"] = "Microsoft.Compute/virtualMachines", ["sourceResourceId"] = vm.Body!["id"]!.GetValue<string>(), ["policyId"] = vault + "/backupPolicies/DefaultPolicy" },
                });
                Assert.Equal(202, protect.Code);
                Assert.Equal("Succeeded", (await arm.WaitAsync(protect.Header("Azure-AsyncOperation")!, 20_000))["status"]!.GetValue<string>());

                var backup = await arm.SendAsync("POST", item + "/backup?api-version=2023-06-01", new JsonObject { ["properties"] = new JsonObject { ["objectType"] = "IaasVMBackupRequest" } });
                Assert.Equal(202, backup.Code);
                statusPath = new Uri(backup.Header("Azure-AsyncOperation")!).PathAndQuery;
                var running = await arm.SendAsync("GET", statusPath);
                Assert.Equal("InProgress", running.Body!["status"]!.GetValue<string>());
                jobId = running.Body!["properties"]?["jobId"]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"no job id in {running.Body}");
                token = arm.Token!;
            }

            await using (var again = await EmulatorServer.StartAsync(new EmulatorOptions { Strict = true, DataDir = dir, LroDurationMs = 3000, ClockRate = 60, ClockStart = TestClock.Start }))
            {
                using var arm = new Arm(again, token);
                var done = await arm.WaitAsync(statusPath, 30_000);
                Assert.Equal("Succeeded", done["status"]!.GetValue<string>());
                var vault = arm.VaultPath("rg-lro", "lrovault");
                JsonNode? job = null;
                for (var i = 0; i < 300; i++)
                {
                    job = (await arm.SendAsync("GET", $"{vault}/backupJobs/{jobId}?api-version=2023-06-01")).Body;
                    if (job?["properties"]?["status"]?.GetValue<string>() != "InProgress")
                    {
                        break;
                    }

                    await Task.Delay(100);
                }

                Assert.Equal("Completed", job!["properties"]!["status"]!.GetValue<string>());
                var points = await arm.SendAsync("GET", item + "/recoveryPoints?api-version=2023-06-01");
                Assert.NotEmpty(points.Body!["value"]!.AsArray());
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task WaitVaultAsync(Arm arm, string vault)
    {
        for (var i = 0; i < 100; i++)
        {
            var v = await arm.SendAsync("GET", vault + "?api-version=" + Arm.VaultApi);
            if (v.Code == 200 && v.Body!["properties"]?["provisioningState"]?.GetValue<string>() == "Succeeded")
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException("the vault did not finish provisioning");
    }

    [Fact]
    public async Task Sqlite_AcknowledgedWrite_SurvivesKill9()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "RecoveryVault.Emulator.dll");
        Assert.True(File.Exists(dll), dll);
        var dir = Paths.NewTempDir();
        try
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { dll, "--port", "0", "--data-dir", dir, "--lro-duration-ms", "0" })
            {
                psi.ArgumentList.Add(a);
            }

            using var proc = Process.Start(psi)!;
            var lines = new List<string>();
            string? ready = null;
            using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                while (ready is null)
                {
                    var line = await proc.StandardOutput.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException("emulator exited: " + await proc.StandardError.ReadToEndAsync());
                    lines.Add(line);
                    if (line.StartsWith("READY ", StringComparison.Ordinal))
                    {
                        ready = line["READY ".Length..];
                    }
                }
            }

            Assert.StartsWith("RecoveryVault emulator listening on https://127.0.0.1:", lines[0]);
            Assert.StartsWith("Certificate thumbprint: ", lines[1]);
            Assert.StartsWith("Certificate PEM: ", lines[2]);
            var info = JsonNode.Parse(ready)!;
            var endpoint = info["endpoint"]!.GetValue<string>();
            var thumb = info["thumbprint"]!.GetValue<string>();
            Assert.Equal(proc.Id, info["pid"]!.GetValue<int>());

            using (var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.Thumbprint == thumb })
            using (var http = new HttpClient(handler) { BaseAddress = new Uri(endpoint) })
            {
                var tokenResp = await http.PostAsync($"/{info["tenantId"]}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["client_id"] = info["ownerClientId"]!.GetValue<string>(),
                    ["client_secret"] = info["ownerClientSecret"]!.GetValue<string>(),
                    ["scope"] = "https://management.azure.com/.default",
                }));
                var token = JsonNode.Parse(await tokenResp.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                var sub = info["subscriptionId"]!.GetValue<string>();
                var rg = await http.PutAsync($"/subscriptions/{sub}/resourcegroups/rg-kill?api-version=2021-04-01", new StringContent("""{"location":"westus"}""", System.Text.Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Created, rg.StatusCode);
                var vault = await http.PutAsync($"/subscriptions/{sub}/resourceGroups/rg-kill/providers/Microsoft.RecoveryServices/vaults/kvault?api-version=2026-07-01", new StringContent("""{"location":"westus"}""", System.Text.Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Created, vault.StatusCode);
            }

            proc.Kill(entireProcessTree: true);
            await proc.WaitForExitAsync();

            await using var again = await EmulatorServer.StartAsync(new EmulatorOptions { Strict = true, DataDir = dir });
            using var arm = await Arm.ForOwnerAsync(again);
            var get = await arm.SendAsync("GET", arm.VaultPath("rg-kill", "kvault") + "?api-version=2026-07-01");
            Assert.Equal(HttpStatusCode.OK, get.Status);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
