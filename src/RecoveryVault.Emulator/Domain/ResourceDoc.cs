// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain;

/// <summary>
/// The one typed view of a stored document the domain works with (vaults, backup items, policies, jobs...): the wire
/// body, the emulator-only meta (LRO timers, discovery, secrets' hashes) that never reaches the wire, and where it
/// sits in the store (kind, parent). <see cref="Id"/> keeps the body's own casing where the body has an id.
/// </summary>
internal sealed record ResourceDoc(string Id, string Kind, string? ParentId, JsonObject Body, JsonObject Meta)
{
    public JsonObject Props => Json.Obj(Body, "properties");

    /// <summary>The id as the client sent and sees it: the body's own (the store keys ids in lower case), else the store id.</summary>
    public string ArmId => Json.Str(Body, "id") ?? Id;

    public static ResourceDoc? Load(IStoreSession s, string id, string? kind = null)
    {
        var d = s.Get(id);
        return d is null || (kind is not null && d.Kind != kind) ? null : From(d);
    }

    public static ResourceDoc From(StoredDocument d) =>
        new(d.Id, d.Kind, d.ParentId, Json.ParseObject(d.Body), d.Meta is null ? Json.Object() : Json.ParseObject(d.Meta));

    public static List<ResourceDoc> List(IStoreSession s, string kind, string? prefix = null) =>
        s.ListByKind(kind, prefix).Select(From).ToList();

    /// <summary>A vault: its resource group is its parent.</summary>
    public static ResourceDoc Vault(string id, string? resourceGroupId, JsonObject body, JsonObject meta) =>
        new(id, DocumentKinds.Vault, resourceGroupId, body, meta);

    public void Save(IStoreSession s) =>
        s.Put(new StoredDocument(ArmId, Kind, ParentId, Body.ToJsonString(), Meta.ToJsonString()));
}
