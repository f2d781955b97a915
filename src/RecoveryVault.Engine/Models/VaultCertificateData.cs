// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Engine.Models;

/// <summary>
/// The body of VaultCertificates_Create (spec CertificateRequest / RawCertificateData, example PUTVaultCred.json):
/// the public certificate only, never its key. Az sends the certificate as the base64 of its base64 text (the SDK
/// serialises the byte[] RawData once more), and so does this request, so Azure sees what it sees from Az.
/// </summary>
public sealed class VaultCertificateRequest
{
    /// <summary>Makes a request for a DER-encoded public certificate.</summary>
    public VaultCertificateRequest(string name, byte[] certificateDer)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(certificateDer);
        Name = name;
        CertificateDer = certificateDer;
    }

    /// <summary>The certificate resource's name.</summary>
    public string Name { get; }

    /// <summary>The public certificate (DER).</summary>
    public byte[] CertificateDer { get; }

    /// <summary>The wire form.</summary>
    public JsonObject ToJson() => new()
    {
        ["properties"] = new JsonObject
        {
            ["authType"] = "AAD",
            ["certificate"] = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(CertificateDer))),
        },
    };
}

/// <summary>The answer of VaultCertificates_Create: ResourceCertificateAndAadDetails.</summary>
public sealed class VaultCertificateData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public VaultCertificateData(JsonObject raw) : base(raw) { }

    /// <summary>AzureActiveDirectory (or AccessControlService on very old vaults).</summary>
    public string? AuthType => GetString("properties", "authType");

    /// <summary>Thumbprint of the uploaded certificate.</summary>
    public string? Thumbprint => GetString("properties", "thumbprint");

    /// <summary>The vault's numeric resource id the agents use.</summary>
    public long? ResourceId => long.TryParse(GetString("properties", "resourceId"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>AAD authority.</summary>
    public string? AadAuthority => GetString("properties", "aadAuthority");

    /// <summary>AAD tenant id.</summary>
    public string? AadTenantId => GetString("properties", "aadTenantId");

    /// <summary>The vault's agent service principal (client id).</summary>
    public string? ServicePrincipalClientId => GetString("properties", "servicePrincipalClientId");

    /// <summary>The management endpoint audience (the file's IdMgmtRestEndpoint).</summary>
    public string? AzureManagementEndpointAudience => GetString("properties", "azureManagementEndpointAudience");
}
