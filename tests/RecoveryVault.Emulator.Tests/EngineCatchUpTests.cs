// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Tests;

/// <summary>
/// Issue 9 keeps the backup engine's full catch-up out of most requests: a request skips it while nothing is due
/// and nothing it read has changed. These cases check that no scheduled backup, job completion or expiry is lost or
/// delayed by a skip, with both stores, whose change stamps are implemented separately.
/// </summary>
public sealed class EngineCatchUpTests
{
    private const string Api = "?api-version=2023-06-01";

    public static TheoryData<bool> Stores => new() { false, true };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ScheduledBackups_JobsAndExpiry_HappenWhenDue_AcrossSkippedCatchUps(bool sqlite)
    {
        var dir = Paths.NewTempDir();
        try
        {
            var options = new EmulatorOptions { LroDurationMs = 0, ClockRate = 0, ClockStart = TestClock.Start };
            if (sqlite)
            {
                options.DataDir = dir;
            }
            else
            {
                options.InMemory = true;
            }

            await using var server = await EmulatorServer.StartAsync(options);
            using var arm = await Arm.ForOwnerAsync(server);
            await arm.CreateResourceGroupAsync("rg-due", "westus");
            Assert.Equal(201, (await arm.CreateVaultAsync("rg-due", "due-vault")).Code);
            var vault = arm.VaultPath("rg-due", "due-vault");
            Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/virtualMachines", new { resourceGroup = "rg-due", name = "vm1", location = "westus" })).Code);
            await arm.RefreshContainersAsync(vault);
            var item = $"{vault}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-due;vm1/protectedItems/VM;iaasvmcontainerv2;rg-due;vm1";
            var put = await arm.SendAsync("PUT", item + Api, new JsonObject
            {
                ["properties"] = new JsonObject
                {
                    ["protectedItemType"] = "Microsoft.Compute/virtualMachines",
                    ["sourceResourceId"] = $"/subscriptions/{server.SubscriptionId}/resourceGroups/rg-due/providers/Microsoft.Compute/virtualMachines/vm1",
                    ["policyId"] = vault + "/backupPolicies/DefaultPolicy",
                },
            });
            Assert.Equal(200, put.Code);

            // TestClock.Start is 12:00 UTC and DefaultPolicy runs daily at 02:30 UTC: ten hours pass without a backup,
            // one request at a time (every one of them after the first may skip the full run)…
            for (var h = 0; h < 10; h++)
            {
                var quiet = await AdvanceAsync(arm, minutes: 60);
                Assert.Equal(0, quiet["jobsStarted"]!.GetValue<int>());
                Assert.Empty((await arm.SendAsync("GET", item + "/recoveryPoints" + Api)).Body!["value"]!.AsArray());
            }

            // …and the step that crosses 02:30 starts the backup, which completes within the same step (10 minutes).
            var crossing = await AdvanceAsync(arm, minutes: 5 * 60);
            Assert.Equal(1, crossing["jobsStarted"]!.GetValue<int>());
            Assert.Equal(1, crossing["jobsCompleted"]!.GetValue<int>());
            Assert.Equal(1, crossing["recoveryPointsCreated"]!.GetValue<int>());

            // An on-demand backup is a new job between two quiet steps: it completes after its 10 minutes, not later.
            var expiry = Json(TestClock.Start.AddHours(15).AddDays(2));
            var backup = await arm.SendAsync("POST", item + "/backup" + Api, new JsonObject
            {
                ["properties"] = new JsonObject { ["objectType"] = "IaasVMBackupRequest", ["recoveryPointExpiryTimeInUTC"] = expiry },
            });
            Assert.Equal(202, backup.Code);
            Assert.Equal(0, (await AdvanceAsync(arm, minutes: 5))["jobsCompleted"]!.GetValue<int>());
            var done = await AdvanceAsync(arm, minutes: 6);
            Assert.Equal(1, done["jobsCompleted"]!.GetValue<int>());
            Assert.Equal(1, done["recoveryPointsCreated"]!.GetValue<int>());
            Assert.Equal(2, (await arm.SendAsync("GET", item + "/recoveryPoints" + Api)).Body!["value"]!.AsArray().Count);

            // The on-demand point expires two days after it was asked for, through steps that skip in between; the
            // daily points (30 days' retention) stay.
            var expired = 0;
            for (var h = 0; h < 60; h++)
            {
                expired += (await AdvanceAsync(arm, minutes: 60))["recoveryPointsExpired"]!.GetValue<int>();
            }

            Assert.Equal(1, expired);
            var points = (await arm.SendAsync("GET", item + "/recoveryPoints" + Api)).Body!["value"]!.AsArray();
            Assert.Equal(3, points.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Json(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<JsonNode> AdvanceAsync(Arm arm, double minutes)
    {
        var r = await arm.AdminAsync("POST", "/_emulator/clock/advance", new { minutes });
        Assert.Equal(200, r.Code);
        return r.Body!;
    }
}
