// Copyright (c) RecoveryVault contributors. MIT License.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Hosting;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// VaultCertificates_Create (vaults spec 2026-07-01; example PUTVaultCred.json): the public certificate of a vault
/// credentials file is uploaded, and the answer carries the AAD details a MARS agent or backup server registers with.
/// The certificate travels as base64 of its base64 text (as the official example and Az send it); plain base64 DER is
/// accepted too. The vault's agent identity (one service principal per vault) is made on the first upload.
/// </summary>
internal static class VaultCertificateHandler
{
    public const string Kind = VaultCredentials.CertificateKind;
    private const string Type = "Microsoft.RecoveryServices/vaults/certificates";

    public static void Register(ArmRouter router) =>
        router.Map("PUT", VaultHandler.VaultPath + "/certificates/{certificateName}", ApiFamily.Vaults, Type, Put);

    private static ArmResponse Put(ArmContext ctx)
    {
        var props = ctx.RequireBodyObject()["properties"] as JsonObject ?? throw ArmErrors.BadRequest("BadRequest", "properties is required.", "properties");
        var authType = Json.Str(props, "authType") ?? "AAD";
        if (!BackupModel.Eq(authType, "AAD") && !BackupModel.Eq(authType, "AzureActiveDirectory"))
        {
            throw ArmErrors.BadRequest("BadRequest", $"authType '{authType}' is not supported; vault credentials use AAD.", "properties.authType");
        }

        var encoded = Json.Str(props, "certificate");
        using var certificate = VaultCredentials.DecodeUploaded(encoded) ?? throw ArmErrors.BadRequest("BadRequest", "properties.certificate is not a base64-encoded X.509 certificate.", "properties.certificate");
        if (certificate.HasPrivateKey)
        {
            throw ArmErrors.BadRequest("BadRequest", "properties.certificate must carry the public certificate only, never its private key.", "properties.certificate");
        }

        return ctx.Store.Transaction(s =>
        {
            var v = VaultModel.Load(s, VaultModel.IdOf(ctx.Value("subscriptionId"), ctx.Value("resourceGroupName"), ctx.Value("vaultName")), ctx.Now)
                ?? throw ArmErrors.ResourceNotFound(VaultModel.Type, ctx.Value("vaultName"), ctx.Value("resourceGroupName"));
            var agent = AgentIdentity(s, v);
            var name = ctx.Value("certificateName");
            var resourceId = agent["resourceId"]!.GetValue<long>();
            var region = BackupModel.Location(v);
            var body = new JsonObject
            {
                ["name"] = name,
                ["type"] = Type,
                ["id"] = $"{v.Id}/certificates/{name}",
                ["properties"] = new JsonObject
                {
                    ["authType"] = "AzureActiveDirectory",
                    ["certificate"] = encoded,
                    ["friendlyName"] = certificate.FriendlyName ?? string.Empty,
                    ["issuer"] = certificate.Issuer,
                    ["resourceId"] = resourceId,
                    ["subject"] = certificate.Subject,
                    ["thumbprint"] = certificate.Thumbprint,
                    ["validFrom"] = certificate.NotBefore.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                    ["validTo"] = certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                    ["aadAuthority"] = ctx.BaseUrl,
                    ["aadTenantId"] = EmulatorConstants.TenantId,
                    ["servicePrincipalClientId"] = Json.Str(agent, "clientId"),
                    ["servicePrincipalObjectId"] = Json.Str(agent, "objectId"),
                    ["azureManagementEndpointAudience"] = ctx.BaseUrl + "/restapi/",
                    ["aadAudience"] = $"api://{EmulatorConstants.TenantId}/RecoveryServiceVault/{region}/{Json.Str(v.Body, "name")}/{resourceId}",
                },
            };
            s.Put(new StoredDocument($"{v.Id}/certificates/{name}", Kind, v.Id, body.ToJsonString()));
            return ArmResponse.Ok(body);
        });
    }

    /// <summary>The vault's agent identity: the service principal agents registered with the vault act as.</summary>
    private static JsonObject AgentIdentity(IStoreSession s, ResourceDoc v)
    {
        if (v.Meta["agentIdentity"] is JsonObject existing)
        {
            return existing;
        }

        var identity = new JsonObject
        {
            ["clientId"] = Guid.NewGuid().ToString(),
            ["objectId"] = Guid.NewGuid().ToString(),
            ["resourceId"] = RandomNumberGenerator.GetInt32(1, int.MaxValue) * 1_000_000L + RandomNumberGenerator.GetInt32(0, 1_000_000),
        };
        v.Meta["agentIdentity"] = identity;
        VaultModel.Save(s, v);
        return identity;
    }
}
