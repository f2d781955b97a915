// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Tests;

/// <summary>Replays every official vault / B1 backup-config example against the emulator and compares status + JSON shape.</summary>
public sealed class ContractReplayTests(ContractReplayTests.ReplayFixture fx) : IClassFixture<ContractReplayTests.ReplayFixture>
{
    private const string V = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/vaults/{vaultName}";
    private const string S = "/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices";

    // Paths from CONTRACT.md §2 and §3 B1, keyed by the example's operationId (or file name for the backup ones).
    private static readonly Dictionary<string, (string Method, string Path)> Operations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Vaults_Get"] = ("GET", V),
        ["Vaults_CreateOrUpdate"] = ("PUT", V),
        ["Vaults_Update"] = ("PATCH", V),
        ["Vaults_Delete"] = ("DELETE", V),
        ["Vaults_ListByResourceGroup"] = ("GET", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/vaults"),
        ["Vaults_ListBySubscriptionId"] = ("GET", S + "/vaults"),
        ["GetOperationStatus"] = ("GET", V + "/operationStatus/{operationId}"),
        ["GetOperationResult"] = ("GET", V + "/operationResults/{operationId}"),
        ["VaultExtendedInfo_Get"] = ("GET", V + "/extendedInformation/vaultExtendedInfo"),
        ["VaultExtendedInfo_CreateOrUpdate"] = ("PUT", V + "/extendedInformation/vaultExtendedInfo"),
        ["VaultExtendedInfo_Update"] = ("PATCH", V + "/extendedInformation/vaultExtendedInfo"),
        ["DeletedVaults_ListBySubscriptionId"] = ("GET", S + "/locations/{location}/deletedVaults"),
        ["DeletedVaults_Get"] = ("GET", S + "/locations/{location}/deletedVaults/{deletedVaultName}"),
        ["DeletedVaults_Undelete"] = ("POST", S + "/locations/{location}/deletedVaults/{deletedVaultName}/undelete"),
        ["DeletedVaults_GetOperationStatus"] = ("GET", S + "/locations/{location}/deletedVaults/{deletedVaultName}/operations/{operationId}"),
        ["Usages_ListByVaults"] = ("GET", V + "/usages"),
        ["BackupStorageConfig_Get"] = ("GET", V + "/backupstorageconfig/vaultstorageconfig"),
        ["BackupStorageConfig_Put"] = ("PUT", V + "/backupstorageconfig/vaultstorageconfig"),
        ["BackupStorageConfig_Patch"] = ("PATCH", V + "/backupstorageconfig/vaultstorageconfig"),
        ["BackupResourceVaultConfigs_Get"] = ("GET", V + "/backupconfig/vaultconfig"),
        ["BackupResourceVaultConfigs_Put"] = ("PUT", V + "/backupconfig/vaultconfig"),
        ["BackupResourceVaultConfigs_Patch"] = ("PATCH", V + "/backupconfig/vaultconfig"),
        ["RecoveryServices_CheckNameAvailability"] = ("POST", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/locations/{location}/checkNameAvailability"),
        ["RecoveryServices_Capabilities"] = ("POST", S + "/locations/{location}/capabilities"),
        ["Operations_List"] = ("GET", "/providers/Microsoft.RecoveryServices/operations"),
        ["ReplicationUsages_List"] = ("GET", V + "/replicationUsages"),
        ["RegisteredIdentities_Delete"] = ("DELETE", V + "/registeredIdentities/{identityName}"),
        ["VaultCertificates_Create"] = ("PUT", V + "/certificates/{certificateName}"),
    };

    /// <summary>
    /// Operations of the vaults API the emulator does not route (docs/ARCHITECTURE.md "What it does not reproduce":
    /// private endpoints, certificates and registered identities): their examples must get ARM's 404
    /// <c>InvalidResourceType</c>, never a success. Implementing one makes its test fail: move it to <see cref="Operations"/>.
    /// </summary>
    private static readonly Dictionary<string, (string Method, string Path, string Reason)> Unimplemented = new(StringComparer.Ordinal)
    {
        ["PrivateLinkResources_List"] = ("GET", V + "/privateLinkResources", "Private endpoints are not modelled."),
        ["PrivateLinkResources_Get"] = ("GET", V + "/privateLinkResources/{privateLinkResourceName}", "Private endpoints are not modelled."),
    };

    // Volatile or free-form parts of an example body that say nothing about the wire shape.
    private static readonly string[] IgnoredPaths = ["tags", "properties.privateEndpointConnections"];

    /// <summary>Every vault example plus the B1 backup-config ones: replayed, or listed in <see cref="Unimplemented"/>.</summary>
    public static TheoryData<string> Examples()
    {
        var root = Paths.Contract();
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(root, "examples", "recoveryservices", "2026-07-01"), "*.json").Order())
        {
            data.Add(Path.GetRelativePath(root, f));
        }

        foreach (var pattern in new[] { "BackupStorageConfig_*.json", "BackupResourceVaultConfigs_*.json" })
        {
            foreach (var f in Directory.GetFiles(Path.Combine(root, "examples", "recoveryservicesbackup", "2023-06-01", "Common"), pattern).Order())
            {
                data.Add(Path.GetRelativePath(root, f));
            }
        }

        return data;
    }

    public static TheoryData<string> ReplayedExamples() => new(((IEnumerable<object?[]>)Examples()).Select(r => (string)r[0]!).Where(f => !Unimplemented.ContainsKey(OperationOf(f))));

    public static TheoryData<string> UnimplementedExamples() => new(((IEnumerable<object?[]>)Examples()).Select(r => (string)r[0]!).Where(f => Unimplemented.ContainsKey(OperationOf(f))));

    /// <summary>The counts are those of the vendored files (Contract/PROVENANCE.md): 42 vault examples + 6 B1 config ones.</summary>
    [Fact]
    public void AllExamplesAreCovered()
    {
        var all = ((IEnumerable<object?[]>)Examples()).Select(r => (string)r[0]!).ToList();
        Assert.Equal(48, all.Count);
        Assert.Equal(42, all.Count(f => f.Contains("recoveryservices" + Path.DirectorySeparatorChar, StringComparison.Ordinal)));
        Assert.Equal(2, UnimplementedExamples().Count);
        Assert.Equal(46, ReplayedExamples().Count);
        Assert.All(all, f => Assert.True(Operations.ContainsKey(OperationOf(f)) ^ Unimplemented.ContainsKey(OperationOf(f)), $"{f}: replayed or unimplemented, exactly one"));
        Assert.Empty(Operations.Keys.Intersect(Unimplemented.Keys, StringComparer.OrdinalIgnoreCase));
        Assert.All(Unimplemented.Values, u => Assert.False(string.IsNullOrWhiteSpace(u.Reason)));
    }

    [Theory]
    [MemberData(nameof(UnimplementedExamples))]
    public async Task UnimplementedExample_AnswersArmError(string relativePath)
    {
        var example = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Paths.Contract(), relativePath)))!.AsObject();
        var parameters = example["parameters"]!.AsObject();
        var (method, template, _) = Unimplemented[OperationOf(relativePath)];
        using var arm = await Arm.ForOwnerAsync(fx.Server);
        Assert.Equal(200, (await arm.AdminAsync("POST", "/_emulator/reset")).Code);
        arm.Token = await arm.GetTokenAsync(fx.Server.OwnerClientId, fx.Server.OwnerClientSecret);
        var values = parameters.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.ToString());
        var sub = values["subscriptionId"];
        Assert.True((await arm.AdminAsync("POST", "/_emulator/subscriptions", new { subscriptionId = sub, displayName = "replay" })).Code is 200 or 201);
        await arm.CreateResourceGroupAsync(values["resourceGroupName"], "westus", sub);
        Assert.Equal(201, (await arm.SendAsync("PUT", arm.VaultPath(values["resourceGroupName"], values["vaultName"], sub) + "?api-version=2026-07-01", VaultSeedBody(null))).Code);
        var path = template;
        foreach (var (k, v) in values)
        {
            path = path.Replace("{" + k + "}", Uri.EscapeDataString(v), StringComparison.Ordinal);
        }

        var reply = await arm.SendAsync(method, path + "?api-version=" + values["api-version"], parameters.FirstOrDefault(p => p.Value is JsonObject).Value?.DeepClone());
        Assert.DoesNotContain(reply.Code.ToString(System.Globalization.CultureInfo.InvariantCulture), example["responses"]!.AsObject().Select(r => r.Key));
        Assert.Equal(404, reply.Code);
        Assert.Equal("InvalidResourceType", reply.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(reply.ErrorMessage));
    }

    [Theory]
    [MemberData(nameof(ReplayedExamples))]
    public async Task Example_ReplaysAgainstEmulator(string relativePath)
    {
        var example = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Paths.Contract(), relativePath)))!.AsObject();
        var parameters = example["parameters"]!.AsObject();
        var responses = example["responses"]!.AsObject();
        var opId = OperationOf(relativePath);
        Assert.True(Operations.TryGetValue(opId, out var op), $"no path mapping for {opId}");

        using var arm = await Arm.ForOwnerAsync(fx.Server);
        Assert.Equal(200, (await arm.AdminAsync("POST", "/_emulator/reset")).Code);
        arm.Token = await arm.GetTokenAsync(fx.Server.OwnerClientId, fx.Server.OwnerClientSecret);
        // Tenant-level calls (Operations_List) name no subscription; everything else is seeded into the example's.
        var sub = parameters["subscriptionId"]?.GetValue<string>() ?? fx.Server.SubscriptionId;
        Assert.True((await arm.AdminAsync("POST", "/_emulator/subscriptions", new { subscriptionId = sub, displayName = "replay" })).Code is 200 or 201);
        var values = parameters.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.ToString());
        if (values.TryGetValue("resourceGroupName", out var rgName))
        {
            await arm.CreateResourceGroupAsync(rgName, "westus", sub);
        }

        await SeedAsync(arm, opId, sub, values, responses, parameters["input"] as JsonObject);

        var path = op.Path;
        foreach (var (k, v) in values)
        {
            path = path.Replace("{" + k + "}", Uri.EscapeDataString(v), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("{", path);
        var query = "?api-version=" + values["api-version"];
        var body = parameters.FirstOrDefault(p => p.Value is JsonObject).Value;
        var reply = await arm.SendAsync(op.Method, path + query, body?.DeepClone());

        var allowed = responses.Select(r => r.Key).ToList();
        Assert.True(allowed.Contains(reply.Code.ToString()), $"{relativePath}: got {reply.Code} ({reply.Body}), example lists {string.Join(",", allowed)}");
        var expected = responses[reply.Code.ToString()]!.AsObject();
        if (expected["headers"] is JsonObject headers)
        {
            foreach (var (name, _) in headers)
            {
                Assert.True(reply.Header(name) is not null, $"{relativePath}: header {name} missing");
            }
        }

        if (expected["body"] is JsonNode expectedBody)
        {
            Assert.NotNull(reply.Body);
            var want = ShapeOf(expectedBody);
            var have = ShapeOf(reply.Body!);
            var missing = want.Where(p => !have.Contains(p)).ToList();
            Assert.True(missing.Count == 0, $"{relativePath}: emulator body lacks {string.Join(", ", missing)}\n{reply.Body}");
        }
    }

    private static string OperationOf(string relativePath) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Paths.Contract(), relativePath)))!["operationId"]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(relativePath);

    /// <summary>Puts in place what the example's request needs: the vault(s), a deleted vault, an operation.</summary>
    private static async Task SeedAsync(Arm arm, string opId, string sub, Dictionary<string, string> values, JsonObject responses, JsonObject? input)
    {
        var okBody = responses["200"]?["body"] as JsonObject;
        switch (opId)
        {
            case "Vaults_CreateOrUpdate":
            case "Operations_List":
            case "RecoveryServices_Capabilities":
                return;
            case "RecoveryServices_CheckNameAvailability":
                // The "not available" example asks about a vault that exists in that group; the other about a free name.
                if (okBody?["nameAvailable"]?.GetValue<bool>() == false)
                {
                    var name = input!["name"]!.GetValue<string>();
                    Assert.Equal(201, (await arm.SendAsync("PUT", arm.VaultPath(values["resourceGroupName"], name, sub) + "?api-version=2026-07-01", VaultSeedBody(null))).Code);
                }

                return;
            case "Vaults_ListByResourceGroup":
            case "Vaults_ListBySubscriptionId":
                foreach (var item in okBody!["value"]!.AsArray())
                {
                    await PutVaultFromIdAsync(arm, item!.AsObject());
                }

                return;
            case "DeletedVaults_ListBySubscriptionId":
            case "DeletedVaults_Get":
            case "DeletedVaults_Undelete":
            case "DeletedVaults_GetOperationStatus":
                {
                    var items = okBody?["value"] is JsonArray arr ? arr.Select(i => i!.AsObject()).ToList() : [];
                    if (items.Count == 0)
                    {
                        var name = values["deletedVaultName"];
                        items.Add(new JsonObject { ["properties"] = new JsonObject { ["vaultId"] = $"/subscriptions/{sub}/resourceGroups/Default-RecoveryServices-ResourceGroup/providers/Microsoft.RecoveryServices/vaults/{name}" } });
                    }

                    foreach (var item in items)
                    {
                        var vaultId = item["properties"]!["vaultId"]!.GetValue<string>();
                        var opUrl = await DeleteAfterCreateAsync(arm, vaultId, values.GetValueOrDefault("location", "westus"));
                        if (values.ContainsKey("operationId"))
                        {
                            values["operationId"] = opUrl.Split('?')[0].Split('/')[^1];
                        }
                    }

                    return;
                }

            default:
                {
                    // Everything else acts on one existing vault; seed it from the example's own vault body when it has one,
                    // so writable settings it shows (monitoring, cost management, identity...) round-trip.
                    var seed = okBody is not null && okBody["type"]?.GetValue<string>() == "Microsoft.RecoveryServices/vaults" ? okBody : null;
                    var vaultBody = VaultSeedBody(seed);
                    if (vaultBody["properties"]?["encryption"]?["kekIdentity"]?["useSystemAssignedIdentity"]?.GetValue<bool>() == true
                        && vaultBody["identity"] is JsonObject seedIdentity && seedIdentity["type"]?.GetValue<string>() == "UserAssigned")
                    {
                        // PatchVault_WithCMK2's answer has the key reached through the system-assigned identity of a
                        // vault whose identity is UserAssigned only (its own request asks for SystemAssigned): a state
                        // the emulator refuses (no identity to reach the key with), so the seed has both identities.
                        seedIdentity["type"] = "SystemAssigned, UserAssigned";
                    }

                    var create = await arm.SendAsync("PUT", arm.VaultPath(values["resourceGroupName"], values["vaultName"], sub) + "?api-version=2026-07-01", vaultBody);
                    Assert.Equal(201, create.Code);
                    if (values.ContainsKey("operationId"))
                    {
                        values["operationId"] = create.Header("Azure-AsyncOperation")!.Split('?')[0].Split('/')[^1];
                    }

                    return;
                }
        }
    }

    private static JsonObject VaultSeedBody(JsonObject? example)
    {
        var body = example is null ? new JsonObject { ["location"] = "westus", ["sku"] = new JsonObject { ["name"] = "Standard" } } : example.DeepClone().AsObject();
        foreach (var k in new[] { "id", "name", "type", "etag" })
        {
            body.Remove(k);
        }

        return body;
    }

    private static async Task PutVaultFromIdAsync(Arm arm, JsonObject item)
    {
        var segs = item["id"]!.GetValue<string>().Split('/', StringSplitOptions.RemoveEmptyEntries);
        await arm.CreateResourceGroupAsync(segs[3], "westus", segs[1]);
        var r = await arm.SendAsync("PUT", "/" + string.Join('/', segs) + "?api-version=2026-07-01", VaultSeedBody(item));
        Assert.Equal(201, r.Code);
    }

    private static async Task<string> DeleteAfterCreateAsync(Arm arm, string vaultId, string location)
    {
        var segs = vaultId.Split('/', StringSplitOptions.RemoveEmptyEntries);
        await arm.CreateResourceGroupAsync(segs[3], location, segs[1]);
        Assert.Equal(201, (await arm.SendAsync("PUT", vaultId + "?api-version=2026-07-01", new JsonObject { ["location"] = location })).Code);
        var del = await arm.SendAsync("DELETE", vaultId + "?api-version=2026-07-01");
        Assert.Equal(202, del.Code);
        return del.Header("Azure-AsyncOperation")!;
    }

    /// <summary>Property paths of a JSON value; arrays become <c>[]</c>, map keys of userAssignedIdentities become <c>*</c>.</summary>
    private static HashSet<string> ShapeOf(JsonNode node)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Walk(node, string.Empty, set);
        return set;
    }

    private static void Walk(JsonNode? node, string prefix, HashSet<string> set)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    var key = prefix.EndsWith("userAssignedIdentities", StringComparison.OrdinalIgnoreCase) ? "*" : k;
                    var p = prefix.Length == 0 ? key : prefix + "." + key;
                    if (IgnoredPaths.Any(i => p.Equals(i, StringComparison.OrdinalIgnoreCase) || p.EndsWith("]." + i, StringComparison.OrdinalIgnoreCase)))
                    {
                        continue;
                    }

                    set.Add(p);
                    Walk(v, p, set);
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Walk(item, prefix + "[]", set);
                }

                break;
        }
    }

    /// <summary>LROs finish at once here so seeded deletes/creates are complete before the replayed call.</summary>
    public sealed class ReplayFixture : EmulatorFixture
    {
        protected override EmulatorOptions Options => new() { InMemory = true, Port = 0, LroDurationMs = 0, RetryAfterSeconds = 0 };
    }
}
