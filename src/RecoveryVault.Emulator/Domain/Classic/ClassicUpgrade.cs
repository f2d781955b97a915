// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Domain.Backup;
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Domain.Classic;

/// <summary>What an upgrade request asks for.</summary>
internal sealed record UpgradeTarget(string SubscriptionId, string ResourceGroup, string VaultName, bool AcceptBillingChange);

/// <summary>
/// The upgrade of a classic vault to a Recovery Services vault: the prerequisite check and an operation that runs over
/// simulated time. Everything moves in one store transaction (the commit, at the end of the moving phases), so a
/// failure before it leaves the classic vault untouched and a failure after it leaves only finalisation to resume:
/// never a half-moved vault.
/// </summary>
internal static class ClassicUpgrade
{
    public const string OperationKind = "classicUpgrade";
    private const string FaultId = "/_emulator/classicUpgradeFault";

    /// <summary>The phases and their simulated durations; the commit happens at the end of MovingRecoveryPoints.</summary>
    public static readonly (string Name, TimeSpan Duration)[] Phases =
    [
        ("Validating", TimeSpan.FromMinutes(1)),
        ("MovingPolicies", TimeSpan.FromMinutes(2)),
        ("MovingServers", TimeSpan.FromMinutes(3)),
        ("MovingItems", TimeSpan.FromMinutes(4)),
        ("MovingRecoveryPoints", TimeSpan.FromMinutes(10)),
        ("Finalizing", TimeSpan.FromMinutes(5)),
    ];

    private const int CommitPhase = 4;

    public static UpgradeTarget ReadTarget(JsonObject body, string classicSubscription, string classicName)
    {
        var rg = Json.Str(body, "targetResourceGroupName");
        if (string.IsNullOrWhiteSpace(rg))
        {
            throw ArmErrors.BadRequest("InvalidParameter", "targetResourceGroupName is required.", "targetResourceGroupName");
        }

        var name = Json.Str(body, "targetVaultName") ?? classicName;
        VaultModel.ValidateName(name);
        return new UpgradeTarget(Json.Str(body, "targetSubscriptionId") ?? classicSubscription, rg, name, Json.Bool(body["acceptBillingChange"]) == true);
    }

    public static string TargetVaultId(UpgradeTarget t) => VaultModel.IdOf(t.SubscriptionId, t.ResourceGroup, t.VaultName);

    private static JsonObject Finding(string severity, string code, string message, string action, params string[] targets) => new()
    {
        ["severity"] = severity,
        ["code"] = code,
        ["message"] = message,
        ["recommendedAction"] = action,
        ["targets"] = new JsonArray([.. targets.Select(x => (JsonNode)x)]),
    };

    /// <summary>Every prerequisite, each a finding; nothing changes.</summary>
    public static JsonArray Check(IStoreSession s, ResourceDoc vault, UpgradeTarget t, string callerObjectId, DateTimeOffset now)
    {
        var findings = new JsonArray();
        var name = Json.Str(vault.Body, "name")!;
        if (ClassicVaults.State(vault) == "Upgraded")
        {
            findings.Add(Finding("Error", "VaultAlreadyUpgraded", $"The classic vault '{name}' was already upgraded to {Json.Str(vault.Props, "upgradedVaultId")}.",
                "Use the Recovery Services vault; Get-RecoveryVaultUpgrade shows the upgrade."));
            return findings;
        }

        if (Latest(s, vault.Id) is { } op && Json.Str(op.Props, "status") is "InProgress")
        {
            findings.Add(Finding("Information", "UpgradeInProgress", $"An upgrade of '{name}' is already running (operation {Json.Str(op.Body, "name")}).",
                "Start-RecoveryVaultUpgrade picks up this operation instead of starting another; Get-RecoveryVaultUpgrade shows it."));
        }

        var servers = ClassicVaults.Servers(s, vault.Id);
        var old = servers.Where(sv => Json.Str(sv.Props, "serverType") == "MARS"
            && Version.TryParse(Json.Str(sv.Props, "agentVersion"), out var v) && v < ClassicVaults.MinimumMarsAgent).ToList();
        if (old.Count > 0)
        {
            findings.Add(Finding("Error", "MarsAgentTooOld",
                $"{old.Count} registered server(s) run a MARS agent older than {ClassicVaults.MinimumMarsAgent}, the oldest the upgrade supports: "
                + string.Join(", ", old.Select(sv => $"{Json.Str(sv.Body, "name")} ({Json.Str(sv.Props, "agentVersion")})")) + ".",
                $"Update the MARS agent on each named server to {ClassicVaults.MinimumMarsAgent} or later, then check again.",
                [.. old.Select(d => d.ArmId)]));
        }

        foreach (var sv in servers)
        {
            var seen = Json.ParseTime(Json.Str(sv.Props, "lastSeen")) ?? now;
            if (now - seen > ClassicVaults.StaleAfter)
            {
                findings.Add(Finding("Warning", "ServerNotReporting",
                    $"Server '{Json.Str(sv.Body, "name")}' has not contacted the vault for {(int)(now - seen).TotalDays} days. Its backup data moves with the vault, but its agent cannot take part in the upgrade: the server stays unable to back up until it is registered again with the new vault.",
                    "Unregister the server from the classic vault first if it is retired; otherwise register it with the new vault after the upgrade.",
                    sv.ArmId));
            }
        }

        var blocking = ClassicVaults.Jobs(s, vault.Id).Where(j => Json.Str(j.Props, "status") == "InProgress" && Json.Str(j.Props, "operation") is "ConfigureBackup" or "Register").ToList();
        if (blocking.Count > 0)
        {
            findings.Add(Finding("Error", "ConfigurationJobInProgress",
                $"{blocking.Count} configuration or registration job(s) are running: "
                + string.Join(", ", blocking.Select(j => $"{Json.Str(j.Props, "operation")} on {Json.Str(j.Props, "serverName")}")) + ". The vault's configuration cannot move while it changes.",
                "Wait for these jobs to finish, then check again.",
                [.. blocking.Select(d => d.ArmId)]));
        }

        var backups = ClassicVaults.Jobs(s, vault.Id).Count(j => Json.Str(j.Props, "status") == "InProgress" && Json.Str(j.Props, "operation") == "Backup");
        if (backups > 0)
        {
            findings.Add(Finding("Information", "BackupJobsRunning",
                $"{backups} backup job(s) are running. They are not stopped: they finish during or after the upgrade and their recovery points land in the new vault.",
                "None."));
        }

        if (Json.Str(vault.Props, "billingModel") == "StorageBased")
        {
            findings.Add(t.AcceptBillingChange
                ? Finding("Information", "BillingModelChange", "The vault uses storage-based billing; the upgrade converts it to instance-based billing, as accepted.", "None.")
                : Finding("Error", "BillingModelChange",
                    "The vault uses storage-based billing, which Recovery Services vaults do not have; the upgrade converts it to instance-based billing (a protected instance fee plus storage).",
                    "Review the pricing, then run again with -AcceptBillingChange."));
        }

        if (Json.Bool(vault.Props["managedByCsp"]) == true)
        {
            findings.Add(Finding("Error", "CspVaultNotSupported",
                $"The classic vault '{name}' belongs to a Cloud Solution Provider (CSP) subscription; such vaults cannot be upgraded.",
                "Ask the CSP partner to create a Recovery Services vault and protect the servers there."));
        }

        var rgExists = ResourceGroups.Get(s, t.SubscriptionId, t.ResourceGroup) is not null;
        var rgScope = ResourceGroups.IdOf(t.SubscriptionId, t.ResourceGroup);
        if (Subscriptions.Get(s, t.SubscriptionId) is null)
        {
            findings.Add(Finding("Error", "TargetSubscriptionNotFound", $"Subscription '{t.SubscriptionId}' does not exist or is not visible to you.", "Check -TargetSubscriptionId."));
        }
        else if (rgExists)
        {
            findings.Add(Finding("Information", "TargetResourceGroupExists", $"The vault will be created in the existing resource group '{t.ResourceGroup}'.", "None.", rgScope));
            var existing = VaultModel.Load(s, TargetVaultId(t), now);
            // The vault this upgrade already made is no obstacle to finishing it.
            var ours = Latest(s, vault.Id) is { } op2 && Json.Bool(op2.Meta["committed"]) == true;
            if (existing is not null && !ours)
            {
                findings.Add(Finding("Error", "TargetVaultNameTaken",
                    $"A Recovery Services vault named '{t.VaultName}' already exists in resource group '{t.ResourceGroup}'.",
                    "Choose another resource group, or another name with -TargetVaultName.", TargetVaultId(t)));
            }
        }
        else
        {
            findings.Add(Finding("Warning", "TargetResourceGroupWillBeCreated",
                $"Resource group '{t.ResourceGroup}' does not exist in subscription '{t.SubscriptionId}'; the upgrade will create it in {Json.Str(vault.Body, "location")}. Check the name for typos.",
                "Continue if the name is right; otherwise fix -TargetResourceGroupName.", rgScope));
        }

        var missing = new List<string>();
        if (!RoleAssignments.IsAllowed(s, callerObjectId, "Microsoft.RecoveryServices/vaults/write", rgScope))
        {
            missing.Add("Microsoft.RecoveryServices/vaults/write");
        }

        if (!rgExists && !RoleAssignments.IsAllowed(s, callerObjectId, "Microsoft.Resources/subscriptions/resourceGroups/write", rgScope))
        {
            missing.Add("Microsoft.Resources/subscriptions/resourceGroups/write");
        }

        if (missing.Count > 0)
        {
            findings.Add(Finding("Error", "InsufficientPermissions",
                $"You (object id {callerObjectId}) are not allowed to perform {string.Join(" and ", missing)} at scope '{rgScope}'.",
                "Ask an Owner for Contributor (or Owner) on the target resource group or subscription, then reconnect.", rgScope));
        }

        return findings;
    }

    public static bool CanUpgrade(JsonArray findings) => findings.OfType<JsonObject>().All(f => Json.Str(f, "severity") != "Error");

    public static ResourceDoc? Latest(IStoreSession s, string classicVaultId) =>
        ResourceDoc.List(s, OperationKind, classicVaultId + "/upgradeOperations/")
            .OrderByDescending(o => Json.ParseTime(Json.Str(o.Props, "startTime")) ?? DateTimeOffset.MinValue).FirstOrDefault();

    /// <summary>
    /// Starts the upgrade, or returns the operation that already runs (or resumes a failed one): a client that was
    /// interrupted and asks again gets the same operation, never a second one.
    /// </summary>
    public static ResourceDoc Start(IStoreSession s, BackupRuntime rt, ResourceDoc vault, UpgradeTarget t, string callerObjectId, DateTimeOffset now)
    {
        if (Latest(s, vault.Id) is { } existing)
        {
            var status = Json.Str(existing.Props, "status");
            var resumable = status == "Failed" && Json.Bool(existing.Props["resumable"]) == true;
            if ((status == "InProgress" || resumable) && !SameTarget(existing, t))
            {
                throw ArmErrors.Conflict("UpgradeInProgress",
                    $"An upgrade of this vault to '{Json.Str(existing.Props, "targetVaultId")}' is {status}; it must finish (or be resumed) before another target can be used.");
            }

            if (status == "InProgress")
            {
                return existing;
            }

            if (status == "Failed" && Json.Bool(existing.Props["resumable"]) == true)
            {
                var committed = Json.Bool(existing.Meta["committed"]) == true;
                if (!committed)
                {
                    // Nothing moved: the check runs again, as the first attempt's did.
                    Refuse(Check(s, vault, t, callerObjectId, now));
                }

                existing.Props["status"] = "InProgress";
                existing.Props["error"] = null;
                existing.Props["endTime"] = null;
                existing.Props["attempt"] = (Json.Int(existing.Props["attempt"]) ?? 1) + 1;
                existing.Meta["phaseIndex"] = committed ? CommitPhase + 1 : 0;
                existing.Meta["phaseStart"] = Json.Timestamp(now);
                Describe(existing, now);
                existing.Save(s);
                if (!committed)
                {
                    vault.Props["state"] = "Upgrading";
                    vault.Save(s);
                }

                return existing;
            }
        }

        Refuse(Check(s, vault, t, callerObjectId, now));
        var name = BackupModel.Guid(rt.Seed, "upgrade", BackupEngine.Next(s));
        var id = $"{vault.ArmId}/upgradeOperations/{name}";
        var op = new ResourceDoc(id, OperationKind, vault.Id, new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["properties"] = new JsonObject
            {
                ["classicVaultId"] = vault.ArmId,
                ["status"] = "InProgress",
                ["phase"] = Phases[0].Name,
                ["percentComplete"] = 0,
                ["startTime"] = Json.Timestamp(now),
                ["lastUpdatedTime"] = Json.Timestamp(now),
                ["endTime"] = null,
                ["attempt"] = 1,
                ["targetVaultId"] = TargetVaultId(t),
                ["targetResourceGroupName"] = t.ResourceGroup,
                ["resourceGroupCreated"] = false,
                ["billingModelChanged"] = Json.Str(vault.Props, "billingModel") == "StorageBased",
                ["classicVaultUntouched"] = true,
                ["resumable"] = false,
                ["moved"] = null,
                ["error"] = null,
            },
        }, new JsonObject
        {
            ["phaseIndex"] = 0,
            ["phaseStart"] = Json.Timestamp(now),
            ["committed"] = false,
            ["target"] = new JsonObject { ["subscriptionId"] = t.SubscriptionId, ["resourceGroup"] = t.ResourceGroup, ["vaultName"] = t.VaultName },
            ["callerObjectId"] = callerObjectId,
        });
        op.Save(s);
        vault.Props["state"] = "Upgrading";
        vault.Save(s);
        return op;
    }

    private static bool SameTarget(ResourceDoc op, UpgradeTarget t) =>
        string.Equals(Json.Str(op.Props, "targetVaultId"), TargetVaultId(t), StringComparison.OrdinalIgnoreCase);

    private static void Refuse(JsonArray findings)
    {
        var errors = findings.OfType<JsonObject>().Where(f => Json.Str(f, "severity") == "Error").ToList();
        if (errors.Count == 0)
        {
            return;
        }

        var ex = ArmErrors.BadRequest("UpgradePrerequisitesNotMet",
            $"The upgrade cannot start: {errors.Count} prerequisite(s) are not met: " + string.Join("; ", errors.Select(e => Json.Str(e, "code"))) + ".");
        foreach (var e in errors)
        {
            ex.Details.Add(new JsonObject { ["code"] = Json.Str(e, "code"), ["message"] = Json.Str(e, "message") });
        }

        throw ex;
    }

    /// <summary>Queues a failure for the next upgrade that reaches <paramref name="phase"/>.</summary>
    public static JsonObject QueueFault(IStoreSession s, string phase)
    {
        var match = Phases.Select(p => p.Name).FirstOrDefault(p => p.Equals(phase, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"phase must be one of {string.Join(", ", Phases.Select(p => p.Name))}.");
        s.Put(new StoredDocument(FaultId, "emulatorFault", null, new JsonObject { ["phase"] = match }.ToJsonString()));
        return new JsonObject { ["upgradeFailure"] = match };
    }

    /// <summary>Runs every upgrade (and classic job) forward to <paramref name="now"/>.</summary>
    public static void Advance(IStoreSession s, BackupRuntime rt, DateTimeOffset now)
    {
        ClassicVaults.CompleteDueJobs(s, rt, now);
        foreach (var op in ResourceDoc.List(s, OperationKind).Where(o => Json.Str(o.Props, "status") == "InProgress"))
        {
            var phase = Json.Int(op.Meta["phaseIndex"]) ?? 0;
            var phaseStart = Json.ParseTime(Json.Str(op.Meta, "phaseStart")) ?? now;
            while (phase < Phases.Length && phaseStart + Phases[phase].Duration <= now)
            {
                var doneAt = phaseStart + Phases[phase].Duration;
                if (TakeFault(s, Phases[phase].Name))
                {
                    Fail(s, op, phase, doneAt);
                    break;
                }

                if (phase == CommitPhase && !TryCommit(s, rt, op, doneAt))
                {
                    break;
                }

                if (phase == Phases.Length - 1)
                {
                    FinalizeUpgrade(s, op, doneAt);
                }

                phase++;
                phaseStart = doneAt;
                op.Meta["phaseIndex"] = phase;
                op.Meta["phaseStart"] = Json.Timestamp(phaseStart);
            }

            if (Json.Str(op.Props, "status") == "InProgress")
            {
                Describe(op, now);
            }

            op.Save(s);
        }
    }

    private static bool TakeFault(IStoreSession s, string phase)
    {
        var fault = s.Get(FaultId);
        if (fault is null || Json.Str(Json.ParseObject(fault.Body), "phase") != phase)
        {
            return false;
        }

        s.Delete(FaultId);
        return true;
    }

    private static void Fail(IStoreSession s, ResourceDoc op, int phase, DateTimeOffset at)
    {
        var committed = Json.Bool(op.Meta["committed"]) == true;
        op.Props["status"] = "Failed";
        op.Props["phase"] = Phases[phase].Name;
        op.Props["endTime"] = Json.Timestamp(at);
        op.Props["lastUpdatedTime"] = Json.Timestamp(at);
        op.Props["resumable"] = true;
        op.Props["classicVaultUntouched"] = !committed;
        op.Props["error"] = new JsonObject
        {
            ["code"] = "UpgradeInterrupted",
            ["message"] = committed
                ? $"The upgrade was interrupted while {Phases[phase].Name}, after the backup data had moved. The new vault holds everything; starting the upgrade again finishes it."
                : $"The upgrade was interrupted while {Phases[phase].Name}, before anything moved. The classic vault is untouched; starting the upgrade again retries it.",
        };
        if (!committed && ClassicVaults.Load(s, Json.Str(op.Props, "classicVaultId")!) is { } vault)
        {
            vault.Props["state"] = "Active";
            vault.Save(s);
        }
    }

    private static void Describe(ResourceDoc op, DateTimeOffset now)
    {
        var phase = Math.Min(Json.Int(op.Meta["phaseIndex"]) ?? 0, Phases.Length - 1);
        var phaseStart = Json.ParseTime(Json.Str(op.Meta, "phaseStart")) ?? now;
        var total = Phases.Sum(p => p.Duration.TotalSeconds);
        var done = Phases.Take(phase).Sum(p => p.Duration.TotalSeconds) + Math.Clamp((now - phaseStart).TotalSeconds, 0, Phases[phase].Duration.TotalSeconds);
        op.Props["phase"] = Phases[phase].Name;
        op.Props["percentComplete"] = (int)Math.Floor(100 * done / total);
        op.Props["lastUpdatedTime"] = Json.Timestamp(now);
    }

    private static bool TryCommit(IStoreSession s, BackupRuntime rt, ResourceDoc op, DateTimeOffset at)
    {
        var vault = ClassicVaults.Load(s, Json.Str(op.Props, "classicVaultId")!)!;
        var target = (JsonObject)op.Meta["target"]!;
        var sub = Json.Str(target, "subscriptionId")!;
        var rgName = Json.Str(target, "resourceGroup")!;
        var vaultName = Json.Str(target, "vaultName")!;
        var newId = VaultModel.IdOf(sub, rgName, vaultName);
        var location = Json.Str(vault.Body, "location")!;
        if (VaultModel.Load(s, newId, DateTimeOffset.UtcNow) is not null)
        {
            // Someone created a vault of that name while the upgrade ran: nothing moves.
            op.Props["status"] = "Failed";
            op.Props["phase"] = Phases[CommitPhase].Name;
            op.Props["endTime"] = Json.Timestamp(at);
            op.Props["resumable"] = false;
            op.Props["classicVaultUntouched"] = true;
            op.Props["error"] = new JsonObject { ["code"] = "TargetVaultNameTaken", ["message"] = $"A vault '{vaultName}' appeared in '{rgName}' during the upgrade; nothing was moved. Choose another target and start again." };
            vault.Props["state"] = "Active";
            vault.Save(s);
            return false;
        }

        var rg = ResourceGroups.Get(s, sub, rgName);
        if (rg is null)
        {
            rg = ResourceGroups.Put(s, sub, rgName, location, null);
            op.Props["resourceGroupCreated"] = true;
        }

        var opName = Json.Str(op.Body, "name")!;
        var body = new JsonObject
        {
            ["location"] = location,
            ["sku"] = new JsonObject { ["name"] = "Standard" },
            ["tags"] = new JsonObject(),
            ["properties"] = new JsonObject
            {
                // Azure turned soft delete and enhanced security on for every upgraded vault.
                ["securitySettings"] = new JsonObject
                {
                    ["softDeleteSettings"] = new JsonObject { ["softDeleteState"] = "Enabled", ["enhancedSecurityState"] = "Enabled", ["softDeleteRetentionPeriodInDays"] = 14 },
                },
                ["redundancySettings"] = new JsonObject { ["standardTierStorageRedundancy"] = Json.Str(vault.Props, "storageType") ?? "GeoRedundant", ["crossRegionRestore"] = "Disabled" },
            },
        };
        VaultModel.Normalize(body, null, newId, vaultName, location, DateTimeOffset.UtcNow, Json.Str(op.Meta, "callerObjectId") ?? string.Empty, 0);
        Json.Obj(body, "properties")["upgradeDetails"] = new JsonObject
        {
            ["operationId"] = opName,
            ["startTimeUtc"] = Json.Str(op.Props, "startTime"),
            ["lastUpdatedTimeUtc"] = Json.Timestamp(at),
            ["endTimeUtc"] = null,
            ["status"] = "InProgress",
            ["message"] = "Finalizing the upgrade from the classic Backup vault.",
            ["triggerType"] = "UserTriggered",
            ["upgradedResourceId"] = newId,
            ["previousResourceId"] = vault.ArmId,
        };
        var record = ResourceDoc.Vault(newId, Json.Str(rg, "id")!, body, Json.Object());
        VaultModel.Save(s, record);
        BackupModel.EnsureVaultSeeded(s, record, at);

        var map = new JsonObject();
        var policyNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in ClassicVaults.Policies(s, vault.Id))
        {
            var name = Json.Str(p.Body, "name")!;
            var newName = PolicyStore.Load(s, newId, name) is null ? name : name + "-classic";
            policyNames[name] = newName;
            var runTime = Json.Str(p.Props, "scheduleRunTime") ?? "22:00";
            var runAt = Json.Timestamp(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero) + TimeSpan.Parse(runTime, System.Globalization.CultureInfo.InvariantCulture));
            var saved = PolicyStore.Save(s, newId, newName, new JsonObject
            {
                ["backupManagementType"] = WorkloadCatalogue.MarsServer.ManagementType,
                ["protectedItemsCount"] = 0,
                ["schedulePolicy"] = new JsonObject { ["schedulePolicyType"] = "SimpleSchedulePolicy", ["scheduleRunFrequency"] = "Daily", ["scheduleRunTimes"] = new JsonArray(runAt) },
                ["retentionPolicy"] = new JsonObject
                {
                    ["retentionPolicyType"] = "LongTermRetentionPolicy",
                    ["dailySchedule"] = new JsonObject
                    {
                        ["retentionTimes"] = new JsonArray(runAt),
                        ["retentionDuration"] = new JsonObject { ["count"] = Json.Int(p.Props["retentionDays"]) ?? 180, ["durationType"] = "Days" },
                    },
                },
            });
            map[p.ArmId] = Json.Str(saved.Body, "id");
        }

        int servers = 0, items = 0, points = 0, jobs = 0;
        // DPM and Azure Backup Servers are carried over as backup servers (backupEngines with a DPMContainer /
        // AzureBackupServerContainer and a DPMProtectedItem per data source), not as MARS agents: Azure Backup registers
        // them so after an upgrade. The classic model does not know which production server a data source is on, so
        // each backup server protects one server of its own name.
        var classicItems = ClassicVaults.Items(s, vault.Id);
        var backupServerNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var sv in ClassicVaults.Servers(s, vault.Id).Where(sv => Json.Str(sv.Props, "serverType") is "DPM" or "MABS"))
        {
            var serverName = Json.Str(sv.Body, "name")!;
            var kind = Json.Str(sv.Props, "serverType") == "DPM" ? WorkloadCatalogue.DpmServer : WorkloadCatalogue.AzureBackupServer;
            var sources = classicItems.Where(it => BackupModel.Eq(Json.Str(it.Props, "serverName"), serverName))
                .Select(it => new BackupServers.DataSource(Json.Str(it.Props, "path")!, "FileFolder")).ToList();
            var engine = BackupServers.Register(s, newId, serverName, kind, null, Json.Str(sv.Props, "agentVersion"), [new BackupServers.ProtectedServer(serverName, sources)], at);
            engine.Meta["classicId"] = sv.ArmId;
            engine.Meta["lastContact"] = Json.Str(sv.Props, "lastSeen") ?? Json.Timestamp(at);
            engine.Save(s);
            map[sv.ArmId] = Json.Str(engine.Body, "id");
            backupServerNames.Add(serverName);
            servers++;
        }

        foreach (var sv in ClassicVaults.Servers(s, vault.Id).Where(sv => !backupServerNames.Contains(Json.Str(sv.Body, "name")!)))
        {
            var serverName = Json.Str(sv.Body, "name")!;
            var lastSeen = Json.ParseTime(Json.Str(sv.Props, "lastSeen")) ?? at;
            var container = Sources.MarsContainer(s, newId, serverName, Json.Str(sv.Props, "agentVersion"), lastSeen, healthy: at - lastSeen <= ClassicVaults.StaleAfter);
            container.Meta["classicId"] = sv.ArmId;
            container.Save(s);
            var containerId = Json.Str(container.Body, "id")!;
            map[sv.ArmId] = containerId;
            servers++;
        }

        var newItemIds = new Dictionary<(string Server, string Path), string>();
        foreach (var it in classicItems)
        {
            var serverName = Json.Str(it.Props, "serverName")!;
            var path = Json.Str(it.Props, "path")!;
            var containerId = BackupModel.ContainerId(newId, serverName);
            var policyName = policyNames.GetValueOrDefault(Json.Str(it.Props, "policyName") ?? string.Empty);
            var classicPoints = ResourceDoc.List(s, ClassicVaults.PointKind, it.Id + "/recoveryPoints/");
            var latest = classicPoints.Select(p => Json.ParseTime(Json.Str(p.Props, "recoveryPointTime"))).OfType<DateTimeOffset>().DefaultIfEmpty().Max();
            ResourceDoc item;
            if (backupServerNames.Contains(serverName))
            {
                // Its backups are scheduled on the backup server, not by an ARM policy.
                item = ResourceDoc.Load(s, BackupServers.ItemIdOf(newId, serverName, path), DocumentKinds.ProtectedItem)!;
                var ext = Json.Obj(item.Props, "extendedInfo");
                ext["recoveryPointCount"] = classicPoints.Count;
                if (classicPoints.Count > 0)
                {
                    ext["oldestRecoveryPoint"] = Json.Timestamp(classicPoints.Select(p => Json.ParseTime(Json.Str(p.Props, "recoveryPointTime"))).OfType<DateTimeOffset>().Min());
                }
            }
            else
            {
                item = Sources.MarsItem(newId, containerId, serverName, path, classicPoints.Count > 0 ? latest : null, at, classicPoints.Count);
                item.Props["policyId"] = policyName is null ? null : BackupModel.PolicyId(newId, policyName);
                item.Props["policyName"] = policyName;
            }

            var itemId = Json.Str(item.Body, "id")!;
            newItemIds[(serverName.ToLowerInvariant(), path.ToLowerInvariant())] = item.Id;
            item.Meta["classicId"] = it.ArmId;
            item.Meta["agentManaged"] = true;
            item.Save(s);
            map[it.ArmId] = itemId;
            items++;
            foreach (var cp in classicPoints)
            {
                var rpName = Json.Str(cp.Body, "name")!;
                var rpId = RecoveryPoints.IdOf(itemId, rpName);
                new ResourceDoc(rpId, BackupDocKinds.RecoveryPoint, itemId, new JsonObject
                {
                    ["id"] = rpId,
                    ["name"] = rpName,
                    ["type"] = BackupModel.RecoveryPointType,
                    ["properties"] = RecoveryPoints.GenericPoint(path, Json.ParseTime(Json.Str(cp.Props, "recoveryPointTime"))!.Value),
                }, new JsonObject { ["expiry"] = Json.Str(cp.Props, "expiryTime"), ["classicId"] = cp.ArmId }).Save(s);
                points++;
            }
        }

        // Running backups are not stopped: the new vault takes them over, and their points land there.
        foreach (var job in ClassicVaults.Jobs(s, vault.Id).Where(j => Json.Str(j.Props, "status") == "InProgress" && Json.Str(j.Props, "operation") == "Backup"))
        {
            var serverName = Json.Str(job.Props, "serverName")!;
            var path = Json.Str(job.Props, "path")!;
            var item = ResourceDoc.Load(s, newItemIds[(serverName.ToLowerInvariant(), path.ToLowerInvariant())], DocumentKinds.ProtectedItem)!;
            var start = Json.ParseTime(Json.Str(job.Props, "startTime")) ?? at;
            var end = Json.ParseTime(Json.Str(job.Meta, "end")) ?? at;
            var policy = PolicyStore.ByPolicyId(s, newId, Json.Str(item.Props, "policyId"));
            var retention = Json.Int(policy?.Props["retentionPolicy"]?["dailySchedule"]?["retentionDuration"]?["count"]) ?? 180;
            var newJob = BackupEngine.NewJob(s, rt, newId, item, "Backup", start, end > start ? end - start : TimeSpan.FromMinutes(1));
            newJob.Meta["expiry"] = Json.Timestamp(end.AddDays(retention));
            newJob.Meta["classicJobId"] = job.ArmId;
            newJob.Save(s);
            job.Meta["handedOver"] = true;
            job.Props["status"] = "HandedOver";
            job.Props["handedOverTo"] = Json.Str(newJob.Body, "id");
            job.Save(s);
            map[job.ArmId] = Json.Str(newJob.Body, "id");
            jobs++;
        }

        vault.Props["state"] = "Upgrading";
        vault.Props["upgradedVaultId"] = newId;
        if (Json.Str(vault.Props, "billingModel") == "StorageBased")
        {
            vault.Props["billingModel"] = "InstanceBased";
        }

        vault.Save(s);
        op.Meta["committed"] = true;
        op.Meta["idMap"] = map;
        op.Props["classicVaultUntouched"] = false;
        op.Props["moved"] = new JsonObject { ["policies"] = policyNames.Count, ["servers"] = servers, ["items"] = items, ["recoveryPoints"] = points, ["runningJobs"] = jobs };
        return true;
    }

    private static void FinalizeUpgrade(IStoreSession s, ResourceDoc op, DateTimeOffset at)
    {
        var vault = ClassicVaults.Load(s, Json.Str(op.Props, "classicVaultId")!)!;
        var newId = Json.Str(vault.Props, "upgradedVaultId")!;
        vault.Props["state"] = "Upgraded";
        vault.Save(s);
        if (VaultModel.Load(s, newId, DateTimeOffset.UtcNow) is { } record)
        {
            var details = Json.Obj(Json.Obj(record.Body, "properties"), "upgradeDetails");
            details["status"] = "Upgraded";
            details["endTimeUtc"] = Json.Timestamp(at);
            details["lastUpdatedTimeUtc"] = Json.Timestamp(at);
            details["message"] = "Upgraded from the classic Backup vault.";
            VaultModel.Save(s, record);
        }

        op.Props["status"] = "Succeeded";
        op.Props["phase"] = "Completed";
        op.Props["percentComplete"] = 100;
        op.Props["endTime"] = Json.Timestamp(at);
        op.Props["lastUpdatedTime"] = Json.Timestamp(at);
        op.Props["resumable"] = false;
    }

    /// <summary>The id map (classic id → new id) of a committed upgrade, for verification.</summary>
    public static JsonObject? IdMap(ResourceDoc op) => op.Meta["idMap"] as JsonObject;
}
