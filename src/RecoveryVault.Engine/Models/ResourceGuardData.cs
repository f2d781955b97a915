// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Engine.Models;

/// <summary>A Microsoft.DataProtection resource guard (dataprotection.json 2026-06-01, ResourceGuardResource).</summary>
public sealed class ResourceGuardData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public ResourceGuardData(JsonObject raw) : base(raw) { }

    /// <summary>The critical operations the guard protects (<c>properties.resourceGuardOperations[].vaultCriticalOperation</c>).</summary>
    public IReadOnlyList<string> ProtectedOperations =>
        (Raw["properties"]?["resourceGuardOperations"] as JsonArray ?? []).Select(o => o?["vaultCriticalOperation"]?.GetValue<string>()).OfType<string>().ToList();

    /// <summary><c>properties.vaultCriticalOperationExclusionList</c>.</summary>
    public IReadOnlyList<string> ExcludedOperations =>
        (Raw["properties"]?["vaultCriticalOperationExclusionList"] as JsonArray ?? []).Select(o => o?.GetValue<string>()).OfType<string>().ToList();

    /// <summary><c>properties.provisioningState</c>.</summary>
    public string? ProvisioningState => StringAt("properties", "provisioningState");
}

/// <summary>A vault's mapping to a resource guard (bms.json 2023-06-01, ResourceGuardProxyBaseResource).</summary>
public sealed class ResourceGuardMappingData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public ResourceGuardMappingData(JsonObject raw) : base(raw) { }

    /// <summary><c>properties.resourceGuardResourceId</c>.</summary>
    public string? ResourceGuardId => StringAt("properties", "resourceGuardResourceId");

    /// <summary><c>properties.lastUpdatedTime</c>.</summary>
    public string? LastUpdatedTime => StringAt("properties", "lastUpdatedTime");

    /// <summary>Critical operation → the guard request that authorizes it (<c>resourceGuardOperationDetails</c>).</summary>
    public IReadOnlyDictionary<string, string> OperationRequests =>
        (Raw["properties"]?["resourceGuardOperationDetails"] as JsonArray ?? [])
            .Select(d => (Op: d?["vaultCriticalOperation"]?.GetValue<string>(), Request: d?["defaultResourceRequest"]?.GetValue<string>()))
            .Where(d => d.Op is not null && d.Request is not null)
            .GroupBy(d => d.Op!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Request!, StringComparer.OrdinalIgnoreCase);
}
