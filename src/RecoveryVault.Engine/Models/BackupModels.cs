// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Engine.Models;

/// <summary>
/// Any backup resource (policy, container, protectable item, protected item, recovery point, job). The backup API is
/// polymorphic (CONTRACT.md §3.1): the discriminators and common properties are typed here, the rest stays in the
/// document and is read with <see cref="Read"/>.
/// </summary>
public sealed class BackupResourceData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public BackupResourceData(JsonObject raw) : base(raw) { }

    /// <summary>Reads a string at a property path under <c>properties</c>.</summary>
    public string? Read(params string[] path) => GetString(["properties", .. path]);

    /// <summary>The <c>properties</c> object.</summary>
    public JsonObject Properties => Raw["properties"] as JsonObject ?? new JsonObject();

    /// <summary>backupManagementType (AzureIaasVM, AzureStorage, AzureWorkload, MAB…).</summary>
    public string? BackupManagementType => Read("backupManagementType");

    /// <summary>workloadType (VM, AzureFileShare, SQLDataBase, FileFolder…).</summary>
    public string? WorkloadType => Read("workloadType") ?? Read("workLoadType");

    /// <summary>friendlyName.</summary>
    public string? FriendlyName => Read("friendlyName");

    /// <summary>The polymorphic discriminator, whichever this type uses.</summary>
    public string? ObjectType => Read("objectType") ?? Read("protectedItemType") ?? Read("protectableItemType") ?? Read("containerType") ?? Read("jobType");
}

/// <summary>A document of the classic Backup vault surface (vault, server, item, policy, point, job, upgrade operation).</summary>
public sealed class ClassicResourceData : ArmResourceData
{
    /// <summary>Wraps the document.</summary>
    public ClassicResourceData(JsonObject raw) : base(raw) { }

    /// <summary>Reads a string at a property path under <c>properties</c>.</summary>
    public string? Read(params string[] path) => GetString(["properties", .. path]);

    /// <summary>The <c>properties</c> object.</summary>
    public JsonObject Properties => Raw["properties"] as JsonObject ?? new JsonObject();
}
