// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Tests;

/// <summary>
/// Issue 10: the vault security settings the emulator enforces beyond immutability (AzureStrictnessTests has those):
/// the security settings for hybrid backups, soft delete, customer-managed keys and the vault's security level. Each
/// test names the Azure source of the rule it checks.
/// </summary>
public sealed class SecurityTests(SecurityTests.Fixture fx) : IClassFixture<SecurityTests.Fixture>
{
    private const string Api = "?api-version=2023-06-01";

    private async Task<(Arm Arm, string Vault)> NewVaultAsync(string rg, JsonObject? vaultProperties = null, JsonObject? identity = null)
    {
        var arm = await Arm.ForOwnerAsync(fx.Server);
        await arm.CreateResourceGroupAsync(rg);
        var body = new JsonObject { ["location"] = "westus", ["sku"] = new JsonObject { ["name"] = "Standard" }, ["properties"] = vaultProperties ?? new JsonObject() };
        if (identity is not null)
        {
            body["identity"] = identity;
        }

        var r = await arm.CreateVaultAsync(rg, "rsv", body);
        Assert.True(r.Code == 201, $"{r.Code} {r.Body}");
        return (arm, arm.VaultPath(rg, "rsv"));
    }

    private static JsonObject SoftDelete(string? state = null, string? enhanced = null)
    {
        var sd = new JsonObject();
        if (state is not null)
        {
            sd["softDeleteState"] = state;
        }

        if (enhanced is not null)
        {
            sd["enhancedSecurityState"] = enhanced;
        }

        return new JsonObject { ["securitySettings"] = new JsonObject { ["softDeleteSettings"] = sd } };
    }

    /// <summary>A MARS (MabProtectionPolicy) policy with the given counts per rule (null: rule left out).</summary>
    private static JsonObject MarsPolicy(int daily, int? weekly = null, int? monthly = null, int? yearly = null)
    {
        var at = new JsonArray("2026-01-01T22:00:00Z");
        var retention = new JsonObject
        {
            ["retentionPolicyType"] = "LongTermRetentionPolicy",
            ["dailySchedule"] = new JsonObject { ["retentionTimes"] = at.DeepClone(), ["retentionDuration"] = new JsonObject { ["count"] = daily, ["durationType"] = "Days" } },
        };
        if (weekly is { } w)
        {
            retention["weeklySchedule"] = new JsonObject { ["daysOfTheWeek"] = new JsonArray("Sunday"), ["retentionTimes"] = at.DeepClone(), ["retentionDuration"] = new JsonObject { ["count"] = w, ["durationType"] = "Weeks" } };
        }

        if (monthly is { } m)
        {
            retention["monthlySchedule"] = new JsonObject
            {
                ["retentionScheduleFormatType"] = "Weekly",
                ["retentionScheduleWeekly"] = new JsonObject { ["daysOfTheWeek"] = new JsonArray("Sunday"), ["weeksOfTheMonth"] = new JsonArray("First") },
                ["retentionTimes"] = at.DeepClone(),
                ["retentionDuration"] = new JsonObject { ["count"] = m, ["durationType"] = "Months" },
            };
        }

        if (yearly is { } y)
        {
            retention["yearlySchedule"] = new JsonObject
            {
                ["retentionScheduleFormatType"] = "Weekly",
                ["monthsOfYear"] = new JsonArray("January"),
                ["retentionScheduleWeekly"] = new JsonObject { ["daysOfTheWeek"] = new JsonArray("Sunday"), ["weeksOfTheMonth"] = new JsonArray("First") },
                ["retentionTimes"] = at.DeepClone(),
                ["retentionDuration"] = new JsonObject { ["count"] = y, ["durationType"] = "Years" },
            };
        }

        return new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["backupManagementType"] = "MAB",
                ["schedulePolicy"] = new JsonObject { ["schedulePolicyType"] = "SimpleSchedulePolicy", ["scheduleRunFrequency"] = "Daily", ["scheduleRunTimes"] = at.DeepClone() },
                ["retentionPolicy"] = retention,
            },
        };
    }

    /// <summary>
    /// Source: Azure Backup "security features to help protect hybrid backups", "Maintain a minimum retention range":
    /// with the security settings on, a MARS policy keeps at least 7 days daily, 4 weeks weekly, 3 months monthly and
    /// 1 year yearly. Azure documents no ARM code for the refusal, only the agent's [0x29834]; the emulator answers with
    /// the retention-range code it uses for every minimum (documented in docs/EMULATOR.md). Daily 7 and yearly 1 are
    /// every MARS policy's minimums anyway; weekly and monthly are where the security settings ask for more.
    /// </summary>
    [Theory]
    [InlineData(7, 1, null, null, "weekly")]
    [InlineData(7, 3, null, null, "weekly")]
    [InlineData(7, 4, 2, null, "monthly")]
    public async Task HybridSecurity_RefusesMarsPolicyBelowMinimumRetention(int daily, int? weekly, int? monthly, int? yearly, string rule)
    {
        var (arm, vault) = await NewVaultAsync($"hyb-min-{rule}-{weekly}-{monthly}", SoftDelete(enhanced: "Enabled"));
        var refused = await arm.SendAsync("PUT", vault + "/backupPolicies/mars" + Api, MarsPolicy(daily, weekly, monthly, yearly));
        Assert.Equal(400, refused.Code);
        Assert.Equal("UserErrorInvalidRetentionRange", refused.ErrorCode);
        Assert.Contains(rule + " retention", refused.ErrorMessage);
        Assert.Contains("security settings for hybrid backups", refused.ErrorMessage);
        Assert.Equal(404, (await arm.SendAsync("GET", vault + "/backupPolicies/mars" + Api)).Code);

        Assert.Equal(200, (await arm.SendAsync("PUT", vault + "/backupPolicies/mars" + Api, MarsPolicy(7, 4, 3, 1))).Code);
    }

    /// <summary>Same source: the minimums belong to the security settings; with them off a MARS policy may keep 1 weekly point.</summary>
    [Fact]
    public async Task HybridSecurity_Off_AllowsShorterMarsRetention_AndDoesNotTouchVmPolicies()
    {
        var (arm, vault) = await NewVaultAsync("hyb-off", SoftDelete(enhanced: "Disabled"));
        Assert.Equal(200, (await arm.SendAsync("PUT", vault + "/backupPolicies/mars" + Api, MarsPolicy(7, 1, 1))).Code);
        var config = await arm.SendAsync("GET", vault + "/backupconfig/vaultconfig" + Api);
        Assert.Equal("Disabled", config.Body!["properties"]!["enhancedSecurityState"]!.GetValue<string>());

        // Turned on through backupconfig (the portal's hybrid "Security Settings"), the rule applies to the next write.
        var on = await arm.SendAsync("PATCH", vault + "/backupconfig/vaultconfig" + Api, new JsonObject { ["properties"] = new JsonObject { ["enhancedSecurityState"] = "Enabled" } });
        Assert.Equal(200, on.Code);
        Assert.Equal("UserErrorInvalidRetentionRange", (await arm.SendAsync("PUT", vault + "/backupPolicies/mars" + Api, MarsPolicy(7, 1, 1))).ErrorCode);
    }

    /// <summary>
    /// Source: "security features to help protect hybrid backups", "Recover deleted backup data": with the security
    /// settings on, deleted hybrid backup data is kept an additional 14 days instead of being deleted at once, also
    /// when soft delete is off. A cloud item on the same vault is deleted at once.
    /// </summary>
    [Fact]
    public async Task HybridSecurity_KeepsDeletedMarsDataFourteenDays_EvenWithSoftDeleteOff()
    {
        var (arm, vault) = await NewVaultAsync("hyb-del", SoftDelete("Disabled", "Enabled"));
        Assert.Equal(201, (await arm.AdminAsync("POST", "/_emulator/marsServers", new { vaultId = vault, name = "fs01", items = new[] { "C:\\Data" } })).Code);
        var item = vault + "/backupFabrics/Azure/protectionContainers/fs01/protectedItems/FileFolder;C:\\Data";
        var deleted = await arm.SendAsync("DELETE", item.Replace("\\", "%5C", StringComparison.Ordinal) + Api);
        Assert.True(deleted.Code is 200 or 202 or 204, $"{deleted.Code} {deleted.Body}");

        var kept = await arm.SendAsync("GET", item.Replace("\\", "%5C", StringComparison.Ordinal) + Api);
        Assert.Equal(200, kept.Code);
        var p = kept.Body!["properties"]!;
        Assert.True(p["isScheduledForDeferredDelete"]!.GetValue<bool>());
        var deletedAt = DateTimeOffset.Parse(p["deferredDeleteTimeInUTC"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith("14.", p["deferredDeleteTimeRemaining"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(TestClock.Start.UtcDateTime.Date, deletedAt.UtcDateTime.Date);
    }

    private const string Key = "https://contoso-kv.vault.azure.net/keys/backup-key/0123456789abcdef0123456789abcdef";

    private static string Uai(string sub, string name) => $"/subscriptions/{sub}/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}";

    private static JsonObject Cmk(string? keyUri, bool? useSystem = null, string? userAssigned = null, string? infrastructure = null)
    {
        var kek = new JsonObject();
        if (useSystem is not null)
        {
            kek["useSystemAssignedIdentity"] = useSystem.Value;
        }

        if (userAssigned is not null)
        {
            kek["userAssignedIdentity"] = userAssigned;
        }

        var encryption = new JsonObject { ["keyVaultProperties"] = new JsonObject { ["keyUri"] = keyUri }, ["kekIdentity"] = kek };
        if (infrastructure is not null)
        {
            encryption["infrastructureEncryption"] = infrastructure;
        }

        return new JsonObject { ["properties"] = new JsonObject { ["encryption"] = encryption } };
    }

    /// <summary>
    /// Source: vaults spec VaultPropertiesEncryption / CmkKekIdentity ("mutually exclusive" system and user identity),
    /// Azure Backup "encryption of backup data using customer-managed keys" (the vault's managed identity reaches the
    /// key; no way back to platform-managed keys; infrastructure encryption chosen with the key), and the code Azure
    /// answers for a bad kekIdentity, InvalidRestApiParameter "cmkIdentity parameter is invalid."
    /// (hashicorp/terraform-provider-azurerm#24087).
    /// </summary>
    [Fact]
    public async Task CustomerManagedKey_NeedsAKeyUriAndAnIdentityOfTheVault_AndHasNoWayBack()
    {
        var (arm, vault) = await NewVaultAsync("cmk");
        var url = vault + "?api-version=" + Arm.VaultApi;

        async Task<Reply> Patch(JsonObject body) => await arm.SendAsync("PATCH", url, body);

        var noIdentity = await Patch(Cmk(Key, useSystem: true));
        Assert.Equal(400, noIdentity.Code);
        Assert.Equal("InvalidRestApiParameter", noIdentity.ErrorCode);
        Assert.Contains("system-assigned", noIdentity.ErrorMessage);

        Assert.Equal(200, (await Patch(new JsonObject { ["identity"] = new JsonObject { ["type"] = "SystemAssigned" } })).Code);
        var badKey = await Patch(Cmk("https://contoso-kv.vault.azure.net/secrets/backup-key", useSystem: true));
        Assert.Equal("InvalidRestApiParameter", badKey.ErrorCode);
        Assert.Contains("keyUri", badKey.ErrorMessage);
        Assert.Equal("InvalidRestApiParameter", (await Patch(Cmk("http://contoso-kv.vault.azure.net/keys/k", useSystem: true))).ErrorCode);

        var uai = Uai(fx.Server.SubscriptionId, "backup-id");
        var both = await Patch(Cmk(Key, useSystem: true, userAssigned: uai));
        Assert.Equal("InvalidRestApiParameter", both.ErrorCode);
        var notOnVault = await Patch(Cmk(Key, useSystem: false, userAssigned: uai));
        Assert.Equal("InvalidRestApiParameter", notOnVault.ErrorCode);
        Assert.Contains("not assigned to the vault", notOnVault.ErrorMessage);

        var set = await Patch(Cmk(Key, useSystem: true, infrastructure: "Enabled"));
        Assert.Equal(200, set.Code);
        var encryption = set.Body!["properties"]!["encryption"]!;
        Assert.Equal(Key, encryption["keyVaultProperties"]!["keyUri"]!.GetValue<string>());
        Assert.Equal("Enabled", encryption["infrastructureEncryption"]!.GetValue<string>());
        var config = await arm.SendAsync("GET", vault + "/backupEncryptionConfigs/backupResourceEncryptionConfig" + Api);
        Assert.Equal("CustomerManaged", config.Body!["properties"]!["encryptionAtRestType"]!.GetValue<string>());

        // No way back, no change of infrastructure encryption, and the identity the key is reached with stays.
        var back = await Patch(new JsonObject { ["properties"] = new JsonObject { ["encryption"] = null } });
        Assert.Equal("InvalidRestApiParameter", back.ErrorCode);
        Assert.Contains("platform-managed", back.ErrorMessage);
        Assert.Equal("InvalidRestApiParameter", (await Patch(Cmk(Key, useSystem: true, infrastructure: "Disabled"))).ErrorCode);
        Assert.Equal("InvalidRestApiParameter", (await Patch(new JsonObject { ["identity"] = new JsonObject { ["type"] = "None" } })).ErrorCode);

        // Moving the key to a user-assigned identity the vault has is a change of identity, allowed.
        var withUai = new JsonObject { ["identity"] = new JsonObject { ["type"] = "SystemAssigned, UserAssigned", ["userAssignedIdentities"] = new JsonObject { [uai] = new JsonObject() } } };
        Assert.Equal(200, (await Patch(withUai)).Code);
        var moved = await Patch(Cmk(Key + "0", useSystem: false, userAssigned: uai));
        Assert.True(moved.Code == 200, $"{moved.Code} {moved.Body}");
        Assert.Equal(uai, moved.Body!["properties"]!["encryption"]!["kekIdentity"]!["userAssignedIdentity"]!.GetValue<string>());
        Assert.NotNull(moved.Body!["identity"]!["userAssignedIdentities"]![uai]!["principalId"]);

        // An identity type without UserAssigned leaves the key without the identity it is reached with: refused.
        var drop = await Patch(new JsonObject { ["identity"] = new JsonObject { ["type"] = "SystemAssigned" } });
        Assert.Equal("InvalidRestApiParameter", drop.ErrorCode);
    }

    /// <summary>
    /// Source: Azure Business Continuity center "security levels" (Maximum/Excellent: irreversible immutability or soft
    /// delete plus MUA; Adequate/Good: the irreversible setting; Minimum/Fair: MUA; None/Poor: reversible settings only)
    /// and "Secure by default" (an always-on soft delete vault is Good). The vault spec's SecureScoreLevel and
    /// BCDRSecurityLevel name that scale.
    /// </summary>
    [Fact]
    public async Task SecurityLevel_FollowsIrreversibleProtection()
    {
        var (arm, vault) = await NewVaultAsync("levels");
        var url = vault + "?api-version=" + Arm.VaultApi;
        async Task<(string, string)> Level()
        {
            var p = (await arm.SendAsync("GET", url)).Body!["properties"]!;
            return (p["secureScore"]!.GetValue<string>(), p["bcdrSecurityLevel"]!.GetValue<string>());
        }

        // Reversible soft delete and unlocked immutability are still Poor.
        Assert.Equal(("None", "Poor"), await Level());
        var unlocked = new JsonObject { ["properties"] = new JsonObject { ["securitySettings"] = new JsonObject { ["immutabilitySettings"] = new JsonObject { ["state"] = "Unlocked" } } } };
        Assert.Equal(200, (await arm.SendAsync("PATCH", url, unlocked)).Code);
        Assert.Equal(("None", "Poor"), await Level());

        Assert.Equal(200, (await arm.SendAsync("PATCH", url, new JsonObject { ["properties"] = SoftDelete("AlwaysON") })).Code);
        Assert.Equal(("Adequate", "Good"), await Level());
    }

    public sealed class Fixture : EmulatorFixture
    {
        protected override EmulatorOptions Options => new() { InMemory = true, Port = 0, LroDurationMs = 0, PageSize = 100, RetryAfterSeconds = 0, ClockRate = 0, ClockStart = TestClock.Start };
    }
}
