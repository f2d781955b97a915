// Copyright (c) RecoveryVault contributors. MIT License.
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain;

/// <summary>Resource groups.</summary>
internal static class ResourceGroups
{
    public static string IdOf(string subscriptionId, string name) => $"/subscriptions/{subscriptionId}/resourceGroups/{name}";

    public static JsonObject? Get(IStoreSession s, string subscriptionId, string name)
    {
        var doc = s.Get(IdOf(subscriptionId, name));
        return doc is null ? null : Json.ParseObject(doc.Body);
    }

    public static JsonObject Put(IStoreSession s, string subscriptionId, string name, string location, JsonObject? tags)
    {
        var existing = Get(s, subscriptionId, name);
        var canonicalName = Json.Str(existing, "name") ?? name;
        var body = new JsonObject
        {
            ["id"] = IdOf(subscriptionId, canonicalName),
            ["name"] = canonicalName,
            ["type"] = "Microsoft.Resources/resourceGroups",
            ["location"] = Locations.Normalize(location),
            ["tags"] = tags?.DeepClone() ?? existing?["tags"]?.DeepClone() ?? new JsonObject(),
            ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" },
        };
        s.Put(new StoredDocument(IdOf(subscriptionId, canonicalName), DocumentKinds.ResourceGroup, Subscriptions.IdOf(subscriptionId), body.ToJsonString()));
        return body;
    }
}
