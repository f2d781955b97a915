// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain;

/// <summary>
/// Entra tenants (directories). The fixed seed has one, <see cref="EmulatorConstants.TenantId"/>; tests add others
/// (<c>POST /_emulator/tenants</c>) to hold a resource guard out of the backup admin's reach, as the MUA docs recommend
/// ("you can place Resource Guard in a subscription or tenant different from the one containing the vaults").
/// A principal belongs to its home tenant and to every tenant it was invited to as a guest (Azure Resource Manager
/// "authenticate requests across tenants": the application "must have been invited as a guest to the other tenants").
/// The emulator keeps one object id per principal across tenants, where Entra gives a guest its own object id in each.
/// </summary>
internal static class Tenants
{
    private const string Prefix = "/_tenants/";
    public const string Kind = "tenant";

    public static bool Exists(IStoreSession s, string tenantId) =>
        string.Equals(tenantId, EmulatorConstants.TenantId, StringComparison.OrdinalIgnoreCase) || s.Get(Prefix + tenantId) is not null;

    public static JsonObject Create(IStoreSession s, string tenantId, string displayName)
    {
        var body = new JsonObject { ["tenantId"] = tenantId, ["displayName"] = displayName };
        s.Put(new StoredDocument(Prefix + tenantId, Kind, null, body.ToJsonString()));
        return body;
    }

    public static List<JsonObject> List(IStoreSession s)
    {
        var list = new List<JsonObject> { new() { ["tenantId"] = EmulatorConstants.TenantId, ["displayName"] = "Emulator Tenant" } };
        list.AddRange(s.ListByKind(Kind).Select(d => Json.ParseObject(d.Body)));
        return list;
    }

    /// <summary>The principal's home tenant (principals made before tenants existed belong to the seed tenant).</summary>
    public static string HomeOf(JsonObject principal) => Json.Str(principal, "tenantId") ?? EmulatorConstants.TenantId;

    public static bool IsMember(JsonObject principal, string tenantId) =>
        string.Equals(HomeOf(principal), tenantId, StringComparison.OrdinalIgnoreCase)
        || (principal["guestOf"] is JsonArray guests && guests.Any(g => string.Equals(Json.Str(g), tenantId, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The tenant a subscription belongs to.</summary>
    public static string OfSubscription(IStoreSession s, string subscriptionId) =>
        Json.Str(Subscriptions.Get(s, subscriptionId), "tenantId") ?? EmulatorConstants.TenantId;
}
