// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Engine.Backup;

/// <summary>Which count BackupUsageSummaries answers (spec: the <c>type</c> of BMSBackupSummariesQueryObject).</summary>
public enum UsageSummaryType
{
    /// <summary>Protected items per backup management type.</summary>
    ProtectedItems,

    /// <summary>Registered containers (servers) per backup management type.</summary>
    Containers,
}

/// <summary>Paths and names of the hybrid (MARS, Azure Backup Server, DPM) surface.</summary>
public static class HybridPaths
{
    /// <summary>The backup engines collection under a vault.</summary>
    public const string BackupEngines = "backupEngines";

    /// <summary>The registered identity of a server, under a vault.</summary>
    public static string RegisteredIdentity(string name) => "registeredIdentities/" + Uri.EscapeDataString(name);

    /// <summary>The wire value of a usage summary type.</summary>
    public static string SummaryType(UsageSummaryType type) => type switch
    {
        UsageSummaryType.ProtectedItems => "BackupProtectedItemCountSummary",
        UsageSummaryType.Containers => "BackupProtectionContainerCountSummary",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The name of a backup engine from its id (…/backupEngines/{name}).</summary>
    public static string? EngineName(string id)
    {
        var parts = id.TrimEnd('/').Split('/');
        return parts.Length >= 2 && parts[^2].Equals(BackupEngines, StringComparison.OrdinalIgnoreCase) ? parts[^1] : null;
    }
}

/// <summary>
/// The question "is this protected?" for one source (BackupStatus_Get body BackupStatusRequest: resourceType VM or
/// AzureFileShare, resourceId, and for a share poLogicalName, the share's name).
/// </summary>
/// <param name="SubscriptionId">The subscription of the source (the request is per subscription and region).</param>
/// <param name="Region">The source's region.</param>
/// <param name="ResourceId">The VM or storage account id.</param>
/// <param name="FileShareName">The share's name, for a storage account.</param>
public sealed record BackupStatusRequest(string SubscriptionId, string Region, string ResourceId, string? FileShareName)
{
    /// <summary>Microsoft.Compute/virtualMachines ARM GETs (the api-version the Az module uses for VMs).</summary>
    public const string ComputeApiVersion = "2023-03-01";

    /// <summary>Microsoft.Storage/storageAccounts ARM GETs.</summary>
    public const string StorageApiVersion = "2023-01-01";

    /// <summary>What kind of source an id names: VM, AzureFileShare, or null when neither.</summary>
    public static string? ResourceTypeOf(string resourceId) =>
        resourceId.Contains("/providers/Microsoft.Compute/virtualMachines/", StringComparison.OrdinalIgnoreCase) ? "VM"
        : resourceId.Contains("/providers/Microsoft.Storage/storageAccounts/", StringComparison.OrdinalIgnoreCase) ? "AzureFileShare"
        : null;

    /// <summary>The api-version to read the source's own resource with.</summary>
    public static string ApiVersionOf(string resourceId) => ResourceTypeOf(resourceId) == "VM" ? ComputeApiVersion : StorageApiVersion;

    /// <summary>The request path.</summary>
    public string Path => $"/subscriptions/{Uri.EscapeDataString(SubscriptionId)}/providers/Microsoft.RecoveryServices/locations/{Uri.EscapeDataString(Region)}/backupStatus";

    /// <summary>The request body.</summary>
    public JsonObject ToBody()
    {
        var type = ResourceTypeOf(ResourceId) ?? throw new ArgumentException($"'{ResourceId}' is not a VM or a storage account.", nameof(ResourceId));
        var body = new JsonObject { ["resourceType"] = type, ["resourceId"] = ResourceId };
        if (type == "AzureFileShare")
        {
            body["poLogicalName"] = FileShareName ?? throw new ArgumentException("A storage account's status is asked per file share: the share name is required.", nameof(FileShareName));
        }
        return body;
    }
}

/// <summary>The answer of BackupStatus_Get (spec BackupStatusResponse).</summary>
/// <param name="ProtectionStatus">Protected, NotProtected, ProtectionFailed… (spec enum ProtectionStatus).</param>
/// <param name="VaultId">The protecting vault.</param>
/// <param name="FabricName">The fabric (Azure).</param>
/// <param name="ContainerName">The protection container.</param>
/// <param name="ProtectedItemName">The protected item.</param>
/// <param name="PolicyName">The backup policy.</param>
/// <param name="ErrorCode">The service's code for the answer (Success when it could answer).</param>
/// <param name="ErrorMessage">The service's message, when it gave one.</param>
public sealed record BackupStatusResult(string ProtectionStatus, string? VaultId, string? FabricName, string? ContainerName, string? ProtectedItemName,
    string? PolicyName, string? ErrorCode, string? ErrorMessage)
{
    /// <summary>Reads the response body.</summary>
    public static BackupStatusResult From(JsonObject body)
    {
        string? S(string name) => body[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        // protectionStatus is optional in the spec; without one nothing was found protecting the source.
        return new(S("protectionStatus") ?? "NotProtected", S("vaultId"), S("fabricName"), S("containerName"), S("protectedItemName"),
            S("policyName"), S("errorCode"), S("errorMessage"));
    }
}

/// <summary>One usage of a vault (spec VaultUsage) or of a usage summary (spec BackupManagementUsage).</summary>
/// <param name="Name">name.value: a usage name (LRSStorageUsage…) or a backup management type (AzureIaasVM…).</param>
/// <param name="LocalizedName">name.localizedValue.</param>
/// <param name="Unit">Count, Bytes…</param>
/// <param name="CurrentValue">The value now.</param>
/// <param name="Limit">The limit (-1: none).</param>
public sealed record UsageCount(string Name, string? LocalizedName, string? Unit, long CurrentValue, long Limit)
{
    /// <summary>Reads one entry; null when it has no name.</summary>
    public static UsageCount? From(JsonObject entry)
    {
        if (entry["name"]?["value"] is not JsonValue nameValue || !nameValue.TryGetValue<string>(out var name))
        {
            return null;
        }
        return new(name, entry["name"]?["localizedValue"]?.ToString(), entry["unit"]?.ToString(), Number(entry["currentValue"]), Number(entry["limit"]));
    }

    // The spec types both as int64; a byte count beyond that is capped rather than wrapped.
    private static long Number(JsonNode? node) =>
        node is JsonValue v && double.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? (long)Math.Clamp(d, long.MinValue, long.MaxValue) : 0;
}

/// <summary>
/// A security PIN for the critical operations of hybrid backups (SecurityPINs_Get answers TokenInformation: the PIN in
/// <c>securityPIN</c> and <c>token</c>, its expiry in UTC ticks; example Common/BackupSecurityPin_Get.json). Azure Backup
/// "security features for hybrid backups": the PIN is typed into the MARS agent, Azure Backup Server or DPM and is valid
/// for five minutes.
/// </summary>
/// <param name="Pin">The PIN.</param>
/// <param name="ExpiresOn">When it stops being accepted.</param>
public sealed record SecurityPin(string Pin, DateTimeOffset ExpiresOn)
{
    /// <summary>How long Azure documents a PIN to be valid; the expiry used when the answer carries none.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(5);

    /// <summary>Reads the TokenInformation answer; <paramref name="now"/> (the service's clock) stands in for a missing expiry.</summary>
    public static SecurityPin From(JsonObject body, DateTimeOffset now)
    {
        var pin = (body["securityPIN"] as JsonValue)?.GetValue<string>() ?? (body["token"] as JsonValue)?.GetValue<string>()
            ?? throw new FormatException("The service answered backupSecurityPIN without a securityPIN.");
        var ticks = body["expiryTimeInUtcTicks"] is JsonValue t && t.TryGetValue<long>(out var v) ? v : (long?)null;
        var expires = ticks is { } x && x > 0 && x <= DateTimeOffset.MaxValue.UtcTicks ? new DateTimeOffset(x, TimeSpan.Zero) : now + Validity;
        return new SecurityPin(pin, expires);
    }

    /// <summary>Never the PIN: a record's generated ToString would print it into logs and transcripts.</summary>
    public override string ToString() => $"SecurityPin (expires {ExpiresOn:u})";
}
