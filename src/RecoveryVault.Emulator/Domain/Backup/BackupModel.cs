// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>Document kinds of the backup surface (protected items reuse <see cref="DocumentKinds.ProtectedItem"/>).</summary>
internal static class BackupDocKinds
{
    public const string Policy = "backupPolicy";
    public const string Container = "backupContainer";
    public const string RecoveryPoint = "recoveryPoint";
    public const string Job = "backupJob";
    public const string PendingJob = "backupPendingJob";
    public const string VirtualMachine = "virtualMachine";
    public const string StorageAccount = "storageAccount";
    public const string Engine = "backupEngineState";
    public const string VaultMarker = "backupVaultMarker";
}

/// <summary>Names, ids and small shared rules of the backup surface.</summary>
internal static partial class BackupModel
{
    public const string Fabric = "Azure";
    public const string PolicyType = "Microsoft.RecoveryServices/vaults/backupPolicies";
    public const string ContainerType = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers";
    public const string ItemType = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems";
    public const string ProtectableItemType = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectableItems";
    public const string WorkloadItemType = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/items";
    public const string RecoveryPointType = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints";
    public const string JobType = "Microsoft.RecoveryServices/vaults/backupJobs";

    public static string PolicyId(string vaultId, string name) => $"{vaultId}/backupPolicies/{name}";

    public static string ContainerId(string vaultId, string containerName) => $"{vaultId}/backupFabrics/{Fabric}/protectionContainers/{containerName}";

    public static string ItemId(string containerId, string itemName) => $"{containerId}/protectedItems/{itemName}";

    public static string JobId(string vaultId, string jobName) => $"{vaultId}/backupJobs/{jobName}";


    public static void EnsureVaultSeeded(IStoreSession s, ResourceDoc v, DateTimeOffset now)
    {
        var marker = v.Id + "/_backupSeeded";
        if (s.Get(marker) is not null)
        {
            return;
        }

        foreach (var (name, props) in PolicyRules.Defaults(now))
        {
            PolicyStore.Save(s, v.Id, name, props);
        }

        s.Put(new StoredDocument(marker, BackupDocKinds.VaultMarker, v.Id, "{}"));
    }

    public static int SoftDeleteDaysOf(ResourceDoc item) => Json.Int(item.Meta["softDeleteDays"]) ?? 14;

    public static string Location(ResourceDoc v) => Json.Str(v.Body, "location") ?? "westus";

    /// <summary>
    /// The item that protects a source (its source key: VM id, share, database...) in any vault of a subscription, soft-deleted
    /// ones included; a source is protected by one vault at most.
    /// </summary>
    public static ResourceDoc? ItemProtecting(IStoreSession s, string subscriptionId, string sourceKey) =>
        ResourceDoc.List(s, DocumentKinds.ProtectedItem, "/subscriptions/" + subscriptionId)
            .FirstOrDefault(i => Eq(Json.Str(i.Meta, "sourceKey"), sourceKey));

    public static string SoftDeleteState(ResourceDoc v) =>
        Json.Str(v.Body["properties"]?["securitySettings"]?["softDeleteSettings"] as JsonObject, "softDeleteState") ?? "Enabled";

    public static int SoftDeleteDays(ResourceDoc v) =>
        Json.Int(v.Body["properties"]?["securitySettings"]?["softDeleteSettings"]?["softDeleteRetentionPeriodInDays"]) ?? 14;

    /// <summary>Resource-id parts: subscription, resource group, provider type, name.</summary>
    public static (string Sub, string Rg, string Name)? ParseResourceId(string? id, string providerType)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        var segs = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var typeSegs = providerType.Split('/');
        if (segs.Length != 8 || !segs[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
            || !segs[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase)
            || !segs[4].Equals("providers", StringComparison.OrdinalIgnoreCase)
            || !segs[5].Equals(typeSegs[0], StringComparison.OrdinalIgnoreCase)
            || !segs[6].Equals(typeSegs[1], StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return (segs[1], segs[3], segs[7]);
    }

    /// <summary>OData-ish <c>a eq 'x' and b eq 'y'</c> → case-insensitive map (only <c>eq</c> and <c>and</c>, as Azure Backup takes).</summary>
    public static Dictionary<string, string> ParseFilter(string? filter)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(filter))
        {
            return map;
        }

        var matched = false;
        foreach (Match m in FilterClause().Matches(filter))
        {
            matched = true;
            map[m.Groups[1].Value] = m.Groups[2].Success && m.Groups[2].Length > 0 ? m.Groups[2].Value : m.Groups[3].Value;
        }

        if (!matched)
        {
            throw ArmErrors.BadRequest("BMSUserErrorInvalidFilter", $"The filter '{filter}' is invalid. Use clauses like \"name eq 'value'\" joined by 'and'.");
        }

        return map;
    }

    /// <summary>
    /// The whole <c>$filter</c> must be <c>field eq 'value'</c> clauses joined by <c>and</c>, over the fields the
    /// operation knows. Azure answers 400 BMSUserErrorInvalidInput to a filter on an unsupported field
    /// (Azure/azure-sdk-for-net#41075: protectable item filters on <c>name</c> or a wrong <c>workloadType</c> combination).
    /// </summary>
    public static Dictionary<string, string> ParseStrictFilter(string? filter, params string[] fields)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(filter))
        {
            return map;
        }

        var m = StrictFilter().Match(filter);
        if (!m.Success)
        {
            throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"Input provided for the call is invalid: the filter '{filter}' is not a list of \"field eq 'value'\" clauses joined by 'and'.");
        }

        var names = m.Groups["f"].Captures;
        var values = m.Groups["v"].Captures;
        for (var i = 0; i < names.Count; i++)
        {
            var field = fields.FirstOrDefault(f => Eq(f, names[i].Value))
                ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"Input provided for the call is invalid: '{names[i].Value}' cannot be used in this filter; supported: {string.Join(", ", fields)}.");
            map[field] = values[i].Value;
        }

        return map;
    }

    /// <summary>Job and recovery point filter times: the SDK's <c>yyyy-MM-dd hh:mm:ss tt</c> (UTC) or ISO 8601.</summary>
    public static DateTimeOffset ParseFilterTime(string value, string name)
    {
        var m = SdkTime().Match(value.Trim());
        if (m.Success)
        {
            var date = DateTime.ParseExact(m.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var h = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            var ampm = m.Groups[5].Value.ToUpperInvariant();
            if (ampm == "PM" && h < 12)
            {
                h += 12;
            }
            else if (ampm == "AM" && h == 12)
            {
                h = 0;
            }

            return new DateTimeOffset(date, TimeSpan.Zero).AddHours(h)
                .AddMinutes(int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture))
                .AddSeconds(int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture));
        }

        return Json.ParseTime(value) ?? throw ArmErrors.BadRequest("BMSUserErrorInvalidFilter",
            $"The value '{value}' of '{name}' in the filter is not a valid time. Use 'yyyy-MM-dd hh:mm:ss tt' (UTC) or ISO 8601.");
    }

    public static bool Eq(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    public static string Duration(TimeSpan t) => System.Xml.XmlConvert.ToString(t < TimeSpan.Zero ? TimeSpan.Zero : t);

    /// <summary>Azure's numeric recovery point ids, derived from the seed and a counter so runs repeat.</summary>
    public static string NumericId(int seed, long counter)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{seed}:rp:{counter}"));
        var n = BitConverter.ToUInt64(hash, 0) % 90_000_000_000_000UL + 10_000_000_000_000UL;
        return n.ToString(CultureInfo.InvariantCulture);
    }

    public static string Guid(int seed, string what, long counter) => Subscriptions.DeterministicGuid($"{seed}:{what}:{counter}");

    [GeneratedRegex(@"^\s*(?<f>\w+)\s+eq\s+'(?<v>[^']*)'\s*(?:\s+and\s+(?<f>\w+)\s+eq\s+'(?<v>[^']*)'\s*)*$", RegexOptions.IgnoreCase)]
    private static partial Regex StrictFilter();

    [GeneratedRegex(@"(\w+)\s+eq\s+(?:'([^']*)'|(\S+))", RegexOptions.IgnoreCase)]
    private static partial Regex FilterClause();

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2}):(\d{2})\s*(AM|PM)$", RegexOptions.IgnoreCase)]
    private static partial Regex SdkTime();
}

