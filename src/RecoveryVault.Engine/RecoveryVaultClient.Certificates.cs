// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Engine;

public partial class RecoveryVaultClient
{
    /// <summary>
    /// Uploads the public certificate of a vault credentials file (VaultCertificates_Create, vaults spec). The name is
    /// the client's, and a second PUT of the same certificate changes nothing, so the transport may re-send it.
    /// </summary>
    public virtual async Task<Response<VaultCertificateData>> CreateVaultCertificateAsync(string subscriptionId, string resourceGroupName, string vaultName,
        VaultCertificateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = VaultUri(subscriptionId, resourceGroupName, vaultName, "/certificates/" + Uri.EscapeDataString(request.Name));
        var response = await SendAsync(true, RequestMethod.Put, uri, request.ToJson(), cancellationToken, safeToResend: true).ConfigureAwait(false);
        return Response.FromValue(new VaultCertificateData(ArmResourceData.ParseObject(response.Content)), response);
    }
}
