// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Text.Json.Nodes;
using RecoveryVault.Engine;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Internal;

/// <summary>
/// Turns Resource Graph rows into the module's own objects. A row carries the resource's id, name and the same
/// <c>properties</c> the backup API answers, so the objects are built by the same constructors as the per-vault
/// cmdlets' and pipe on the same way; only <c>type</c> differs (Resource Graph lower-cases it) and is put back.
/// </summary>
internal static class ResourceGraphRows
{
    public const string ItemType = "microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems";
    public const string JobType = "microsoft.recoveryservices/vaults/backupjobs";
    public const string PolicyType = "microsoft.recoveryservices/vaults/backuppolicies";
    public const string VaultType = "microsoft.recoveryservices/vaults";
    public const string VmType = "microsoft.compute/virtualmachines";

    private static readonly Dictionary<string, string> ArmTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [ItemType] = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems",
        [JobType] = "Microsoft.RecoveryServices/vaults/backupJobs",
        [PolicyType] = "Microsoft.RecoveryServices/vaults/backupPolicies",
        [VaultType] = "Microsoft.RecoveryServices/vaults",
    };

    /// <summary>The resource as the resource provider would answer it: the row without Resource Graph's own columns.</summary>
    public static JsonObject Resource(JsonObject row)
    {
        var resource = new JsonObject();
        foreach (var key in new[] { "id", "name", "type", "location", "tags", "sku", "identity", "etag", "properties" })
        {
            if (row[key] is { } value)
            {
                resource[key] = value.DeepClone();
            }
        }

        if (row["type"] is JsonValue t && t.TryGetValue<string>(out var type) && ArmTypes.TryGetValue(type, out var armType))
        {
            resource["type"] = armType;
        }

        return resource;
    }

    /// <summary>The vault a backup resource belongs to: the first eight segments of its id.</summary>
    public static string? VaultIdOf(string? id)
    {
        if (id is null)
        {
            return null;
        }

        var segments = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 8 && RecoveryVaultResourceId.TryParse("/" + string.Join('/', segments[..8]), out var vault, out _) ? vault!.ToString() : null;
    }

    public static BackupResourceData Backup(JsonObject row) => new(Resource(row));

    public static VaultData Vault(JsonObject row) => new(Resource(row));

    /// <summary>A row of a raw query as a PSObject: objects nest as PSObjects, arrays as object[], scalars as .NET values.</summary>
    public static object? ToPowerShell(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject o:
                {
                    var ps = new PSObject();
                    foreach (var (k, v) in o)
                    {
                        ps.Properties.Add(new PSNoteProperty(k, ToPowerShell(v)));
                    }

                    return ps;
                }

            case JsonArray a:
                return a.Select(ToPowerShell).ToArray();
            default:
                {
                    var v = node.AsValue();
                    if (v.TryGetValue<string>(out var s))
                    {
                        return s;
                    }

                    if (v.TryGetValue<bool>(out var b))
                    {
                        return b;
                    }

                    if (v.TryGetValue<long>(out var l))
                    {
                        return l;
                    }

                    if (v.TryGetValue<double>(out var d))
                    {
                        return d == Math.Floor(d) && Math.Abs(d) < 9e15 && !v.ToJsonString().Contains('.', StringComparison.Ordinal) ? (long)d : d;
                    }

                    return v.ToJsonString();
                }
        }
    }
}
