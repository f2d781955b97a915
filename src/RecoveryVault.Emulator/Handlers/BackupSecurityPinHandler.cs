// Copyright (c) RecoveryVault contributors. MIT License.
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// SecurityPINs_Get (POST backupSecurityPIN, 2023-06-01; example Common/BackupSecurityPin_Get.json): a PIN for the
/// critical operations of hybrid backups (Azure Backup "security features for hybrid backups": valid for 5 minutes).
/// The current PIN is kept with its expiry so the operations that require one can check it.
/// </summary>
internal static class BackupSecurityPinHandler
{
    public const string Kind = "backupSecurityPin";

    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(5);

    public static void Register(ArmRouter router) =>
        router.Map("POST", VaultHandler.VaultPath + "/backupSecurityPIN", ApiFamily.Backup, "Microsoft.RecoveryServices/vaults/backupSecurityPIN", Get);

    public static string IdOf(string vaultId) => vaultId + "/backupSecurityPIN";

    /// <summary>True when <paramref name="pin"/> is the vault's current PIN and has not expired.</summary>
    public static bool IsValid(IStoreSession s, string vaultId, string? pin, DateTimeOffset now)
    {
        var doc = s.Get(IdOf(vaultId));
        if (doc is null || pin is null)
        {
            return false;
        }

        var body = Json.ParseObject(doc.Body);
        return CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(Json.Str(body, "pin") ?? string.Empty), System.Text.Encoding.UTF8.GetBytes(pin))
            && Json.ParseTime(Json.Str(body, "expiry")) is { } expiry && expiry > now;
    }

    private static ArmResponse Get(ArmContext ctx)
    {
        // SecurityPinBase: an optional body whose only field lists resource guard operations (MUA).
        var body = ctx.BodyObjectOrEmpty();
        if (body["resourceGuardOperationRequests"] is { } ops && ops is not JsonArray)
        {
            throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "resourceGuardOperationRequests must be an array of strings.", "resourceGuardOperationRequests");
        }

        return ctx.Store.Transaction(s =>
        {
            var v = BackupRequest.RequireVault(ctx, s);
            // MUA: "Get backup security PIN" is an optional critical operation of Recovery Services vaults.
            ResourceGuardCheck.Authorize(ctx, s, v.Id, ResourceGuards.GetSecurityPin, body["resourceGuardOperationRequests"]);
            var pin = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            var expiry = ctx.Now.Add(Validity);
            s.Put(new StoredDocument(IdOf(v.Id), Kind, v.Id, new JsonObject { ["pin"] = pin, ["expiry"] = Json.Timestamp(expiry) }.ToJsonString()));
            return ArmResponse.Ok(new JsonObject
            {
                ["token"] = pin,
                ["expiryTimeInUtcTicks"] = expiry.UtcTicks,
                ["securityPIN"] = pin,
            });
        });
    }
}
