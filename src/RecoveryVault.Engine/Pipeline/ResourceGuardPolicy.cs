// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;

namespace RecoveryVault.Engine.Pipeline;

/// <summary>
/// What a critical operation on a vault protected by a resource guard sends, for the calls of one async flow: the
/// auxiliary token for the guard's tenant and the guard requests the mapping names for each critical operation.
/// </summary>
/// <param name="VaultId">Only requests under this vault get them.</param>
/// <param name="AuxiliaryToken">Token for the guard's tenant, sent as <c>x-ms-authorization-auxiliary: Bearer …</c>; null to send none.</param>
/// <param name="OperationRequests">Critical operation → <c>{guard}/{request}/default</c>, from the mapping's <c>resourceGuardOperationDetails</c>.</param>
public sealed record ResourceGuardContext(string VaultId, string? AuxiliaryToken, IReadOnlyDictionary<string, string> OperationRequests)
{
    private static readonly AsyncLocal<ResourceGuardContext?> s_current = new();

    /// <summary>The context of the calling flow, if any.</summary>
    public static ResourceGuardContext? Current => s_current.Value;

    /// <summary>Makes <paramref name="context"/> current for this flow (and what it awaits) until disposed.</summary>
    public static IDisposable Enter(ResourceGuardContext context)
    {
        var previous = s_current.Value;
        s_current.Value = context;
        return new Restore(() => s_current.Value = previous);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    // Which critical operations a write may be, by the path under the vault (names as the guard lists them; the
    // vault's own PATCH can turn soft delete off or take immutability down, so it names both).
    internal IEnumerable<string> RequestsFor(string method, string pathUnderVault)
    {
        var ops = new List<string>();
        if (method is "PUT" or "PATCH")
        {
            if (pathUnderVault.Length == 0)
            {
                ops.Add("Microsoft.RecoveryServices/vaults/backupconfig/write");
                ops.Add("Microsoft.RecoveryServices/vaults/write#reduceImmutabilityState");
                ops.Add("Microsoft.RecoveryServices/vaults/write#modifyEncryptionSettings");
            }
            else if (pathUnderVault.StartsWith("/backupconfig/", StringComparison.OrdinalIgnoreCase))
            {
                ops.Add("Microsoft.RecoveryServices/vaults/backupconfig/write");
            }
            else if (pathUnderVault.StartsWith("/backupPolicies/", StringComparison.OrdinalIgnoreCase))
            {
                ops.Add("Microsoft.RecoveryServices/vaults/backupPolicies/write");
            }
            else if (pathUnderVault.Contains("/protectedItems/", StringComparison.OrdinalIgnoreCase))
            {
                ops.Add("Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/write");
            }
        }
        else if (method == "POST" && pathUnderVault.Equals("/backupSecurityPIN", StringComparison.OrdinalIgnoreCase))
        {
            ops.Add("Microsoft.RecoveryServices/vaults/backupSecurityPIN/action");
        }
        return ops.Select(o => OperationRequests.TryGetValue(o, out var r) ? r : null).OfType<string>();
    }

    // SecurityPinBase carries the list at its top level; every other body under properties.
    internal static bool TopLevel(string pathUnderVault) => pathUnderVault.Equals("/backupSecurityPIN", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Adds what <see cref="ResourceGuardContext.Current"/> holds to the requests under its vault: the auxiliary token
/// header (Azure Resource Manager "Authenticate requests across tenants"; Az.RecoveryServices sends
/// <c>x-ms-authorization-auxiliary: Bearer &lt;token&gt;</c> the same way) and, on writes that may be critical,
/// <c>properties.resourceGuardOperationRequests</c> (as Az.RecoveryServices fills it from the mapping's
/// <c>defaultResourceRequest</c>). The body the caller built is untouched; only the wire copy gets the list.
/// </summary>
internal sealed class ResourceGuardPolicy : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        if (ResourceGuardContext.Current is not { } context)
        {
            return;
        }
        var path = message.Request.Uri.Path;
        if (!path.StartsWith(context.VaultId, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        var under = path[context.VaultId.Length..];
        if (under.Length > 0 && under[0] != '/')
        {
            return;
        }
        if (context.AuxiliaryToken is { } token)
        {
            message.Request.Headers.SetValue("x-ms-authorization-auxiliary", "Bearer " + token);
        }
        var requests = context.RequestsFor(message.Request.Method.Method, under).ToList();
        if (requests.Count == 0)
        {
            return;
        }
        var body = new JsonObject();
        if (message.Request.Content is { } content)
        {
            using var buffer = new MemoryStream();
            content.WriteTo(buffer, default);
            if (buffer.Length > 0)
            {
                if (JsonNode.Parse(buffer.ToArray()) is not JsonObject parsed)
                {
                    return;
                }
                body = parsed;
            }
        }
        var target = body;
        if (!ResourceGuardContext.TopLevel(under))
        {
            if (body["properties"] is not JsonObject properties)
            {
                body["properties"] = properties = new JsonObject();
            }
            target = properties;
        }
        target["resourceGuardOperationRequests"] = new JsonArray([.. requests.Select(r => (JsonNode?)r)]);
        message.Request.Headers.SetValue("Content-Type", "application/json");
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToJsonString()));
    }
}
