// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Engine.Backup;
using Xunit;

namespace RecoveryVault.Engine.Tests;

/// <summary>SecurityPINs_Get's answer (TokenInformation) as the official example has it.</summary>
public class SecurityPinTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ReadsThePinAndItsTickExpiryFromTheExample()
    {
        // Common/BackupSecurityPin_Get.json: token = securityPIN = "200432", expiryTimeInUtcTicks 636495150137443121.
        var body = Examples.Load("Common/BackupSecurityPin_Get.json")["responses"]!["200"]!["body"]!.AsObject();
        var pin = SecurityPin.From(body, Now);
        Assert.Equal("200432", pin.Pin);
        Assert.Equal(new DateTimeOffset(636495150137443121, TimeSpan.Zero), pin.ExpiresOn);
    }

    [Fact]
    public void WithoutAnExpiryTheDocumentedFiveMinutesOnTheServiceClockApply()
    {
        var pin = SecurityPin.From(new JsonObject { ["token"] = "123456" }, Now);
        Assert.Equal("123456", pin.Pin);
        Assert.Equal(Now.AddMinutes(5), pin.ExpiresOn);
    }

    [Fact]
    public void NeverPrintsThePin() =>
        Assert.DoesNotContain("987654", SecurityPin.From(new JsonObject { ["securityPIN"] = "987654", ["expiryTimeInUtcTicks"] = Now.UtcTicks }, Now).ToString(), StringComparison.Ordinal);

    [Fact]
    public void AnAnswerWithoutAPinIsAnError() =>
        Assert.Throws<FormatException>(() => SecurityPin.From(new JsonObject { ["expiryTimeInUtcTicks"] = Now.UtcTicks }, Now));
}
