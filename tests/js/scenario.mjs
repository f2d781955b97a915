// The official Azure SDK for JavaScript (@azure/arm-recoveryservices, @azure/arm-recoveryservicesbackup) driving
// the emulator end to end: every request is built and every response parsed by Microsoft's code, so a wire shape the
// SDK cannot read (status code, LRO header, polymorphic body) fails here even when our own client copes with it.
//
// Usage: node scenario.mjs --list            -> one JSON array of step names (no emulator needed)
//        node scenario.mjs                   -> one JSON line per step: {"step","ok","detail"|"error"}
// Environment: as emulator-sdk.mjs (RV_ENDPOINT, RV_TENANT_ID, RV_SUBSCRIPTION_ID, RV_CLIENT_ID, RV_CLIENT_SECRET,
// RV_RESOURCE_GROUP), and RV_VM_NAME (a seeded Windows VM in the group's region), RV_STORAGE_ACCOUNT (a seeded
// staging account), RV_LOCATION.
// TLS: run with NODE_EXTRA_CA_CERTS=<the emulator's certificate PEM>; certificate checks stay on.
import assert from "node:assert/strict";
import { emulatorClients, env } from "./emulator-sdk.mjs";

const STEPS = [
  "operations.list (both providers)",
  "vaults.createOrUpdate (LRO)",
  "vaults.update (LRO PATCH)",
  "backupResourceStorageConfigsNonCRR.update/get",
  "backupResourceVaultConfigs.update/get (soft delete)",
  "protectionPolicies.createOrUpdate/get",
  "protectionContainers.refresh + refresh operation result",
  "backupProtectableItems.list (discovered VM)",
  "protectedItems.createOrUpdate + operation result",
  "protectionPolicies.createOrUpdate on a policy in use + operation status/result",
  "backups.trigger + operation status + jobDetails.get",
  "backupJobs.list (filter operation eq Backup)",
  "recoveryPoints.list/get",
  "restores.beginTriggerAndWait + restore job",
  "itemLevelRecoveryConnections.provision (script url + password)",
  "itemLevelRecoveryConnections.revoke",
  "protectedItems.delete (stop protection, delete data)",
  "protectionPolicies.beginDeleteAndWait",
  "vaults.delete (LRO)",
];

if (process.argv.includes("--list")) {
  console.log(JSON.stringify(STEPS));
  process.exit(0);
}

const { subscriptionId, rg, rs, bk } = await emulatorClients();
const vmName = env("RV_VM_NAME");
const location = env("RV_LOCATION");
const storageAccount = env("RV_STORAGE_ACCOUNT");
const vaultName = process.env.RV_VAULT_NAME ?? "js-sdk-vault";

const fabric = "Azure";
const containerName = `IaasVMContainer;iaasvmcontainerv2;${rg};${vmName}`;
const itemName = `VM;iaasvmcontainerv2;${rg};${vmName}`;
const vmId = `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${vmName}`;
const storageId = `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${storageAccount}`;
const policyName = "js-sdk-daily";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Calls fn until pred holds on its result (the SDK has no poller for these monitors: Az polls them the same way). */
async function until(what, fn, pred, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await fn();
    if (pred(r)) return r;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(r)}`);
    await sleep(250);
  }
}

/** Options that capture the raw response, for the 202s whose only payload is their monitor headers. */
function capture() {
  const box = { raw: undefined };
  box.options = { onResponse: (raw) => { box.raw = raw; } };
  return box;
}

/** The last path segment of a monitor URL: the operation id the SDK's monitor calls take. */
function operationIdOf(url) {
  assert.ok(url, "the 202 named no monitor URL");
  return decodeURIComponent(new URL(url).pathname.split("/").pop());
}

async function collect(iter) {
  const out = [];
  for await (const x of iter) out.push(x);
  return out;
}

async function expect404(what, fn) {
  await assert.rejects(fn, (e) => {
    assert.equal(e.statusCode, 404, `${what}: expected 404, got ${e.statusCode} ${e.message}`);
    return true;
  });
}

async function jobDone(jobId) {
  return until(`job ${jobId}`, () => bk.jobDetails.get(vaultName, rg, jobId),
    (j) => j.properties?.status !== "InProgress");
}

const state = {};

const steps = {
  async "operations.list (both providers)"() {
    const vaultOps = await collect(rs.operations.list());
    assert.ok(vaultOps.some((o) => /^Microsoft\.RecoveryServices\//i.test(o.name)), "vaults provider lists no operation");
    // The backup SDK asks under its own api-version (2023-06-01): bms.json declares the same path.
    const backupOps = await collect(bk.operations.list());
    assert.ok(backupOps.length > 0, "backup provider lists no operation");
    return `${vaultOps.length} / ${backupOps.length} operations`;
  },

  async "vaults.createOrUpdate (LRO)"() {
    const c = capture();
    const vault = await rs.vaults.createOrUpdate(rg, vaultName, {
      location,
      sku: { name: "Standard" },
      properties: { publicNetworkAccess: "Enabled" },
      tags: { purpose: "js-sdk" },
    }, c.options);
    assert.equal(vault.name, vaultName);
    assert.equal(vault.location, location);
    assert.equal(vault.type, "Microsoft.RecoveryServices/vaults");
    assert.equal(vault.properties?.provisioningState, "Succeeded");
    assert.equal(vault.sku?.name, "Standard");
    // The monitors the poller followed, read again through the SDK's own operation-status/result methods.
    assert.equal(c.raw.status, 201);
    const opId = operationIdOf(c.raw.headers.get("azure-asyncoperation"));
    const status = await rs.getOperationStatus(rg, vaultName, opId);
    assert.equal(status.status, "Succeeded");
    const result = await rs.getOperationResult(rg, vaultName, opId);
    assert.equal(result?.name, vaultName);
    const got = await rs.vaults.get(rg, vaultName);
    assert.equal(got.id.toLowerCase(), `/subscriptions/${subscriptionId}/resourcegroups/${rg}/providers/microsoft.recoveryservices/vaults/${vaultName}`.toLowerCase());
    state.vaultId = got.id;
    return got.id;
  },

  async "vaults.update (LRO PATCH)"() {
    const vault = await rs.vaults.update(rg, vaultName, { tags: { purpose: "js-sdk", stage: "patched" } });
    assert.equal(vault.tags?.stage, "patched");
    assert.equal(vault.properties?.provisioningState, "Succeeded");
    return JSON.stringify(vault.tags);
  },

  async "backupResourceStorageConfigsNonCRR.update/get"() {
    const put = await bk.backupResourceStorageConfigsNonCRR.update(vaultName, rg, {
      properties: { storageModelType: "LocallyRedundant", storageType: "LocallyRedundant" },
    });
    assert.equal(put.properties?.storageType, "LocallyRedundant");
    const got = await bk.backupResourceStorageConfigsNonCRR.get(vaultName, rg);
    assert.equal(got.properties?.storageModelType, "LocallyRedundant");
    // backupstorageconfig is a view of the vault's redundancySettings (docs/EMULATOR.md): both must agree.
    const vault = await rs.vaults.get(rg, vaultName);
    assert.equal(vault.properties?.redundancySettings?.standardTierStorageRedundancy, "LocallyRedundant");
    return got.properties.storageType;
  },

  async "backupResourceVaultConfigs.update/get (soft delete)"() {
    // Off, so that stop-with-delete removes the item at once (with it on, the item would stay soft-deleted).
    const upd = await bk.backupResourceVaultConfigs.update(vaultName, rg, {
      properties: { softDeleteFeatureState: "Disabled" },
    });
    assert.equal(upd.properties?.softDeleteFeatureState, "Disabled");
    const got = await bk.backupResourceVaultConfigs.get(vaultName, rg);
    assert.equal(got.properties?.softDeleteFeatureState, "Disabled");
    const vault = await rs.vaults.get(rg, vaultName);
    assert.equal(vault.properties?.securitySettings?.softDeleteSettings?.softDeleteState, "Disabled");
    return got.properties.softDeleteFeatureState;
  },

  async "protectionPolicies.createOrUpdate/get"() {
    const runTime = new Date(Date.UTC(2024, 0, 1, 2, 30, 0));
    const created = await bk.protectionPolicies.createOrUpdate(vaultName, rg, policyName, {
      properties: {
        backupManagementType: "AzureIaasVM",
        policyType: "V1",
        instantRpRetentionRangeInDays: 2,
        timeZone: "UTC",
        schedulePolicy: { schedulePolicyType: "SimpleSchedulePolicy", scheduleRunFrequency: "Daily", scheduleRunTimes: [runTime] },
        retentionPolicy: {
          retentionPolicyType: "LongTermRetentionPolicy",
          dailySchedule: { retentionTimes: [runTime], retentionDuration: { count: 14, durationType: "Days" } },
          weeklySchedule: { daysOfTheWeek: ["Sunday"], retentionTimes: [runTime], retentionDuration: { count: 8, durationType: "Weeks" } },
        },
      },
    });
    assert.equal(created.name, policyName);
    assert.equal(created.properties?.backupManagementType, "AzureIaasVM");
    const got = await bk.protectionPolicies.get(vaultName, rg, policyName);
    assert.equal(got.properties.retentionPolicy.retentionPolicyType, "LongTermRetentionPolicy");
    assert.equal(got.properties.retentionPolicy.dailySchedule.retentionDuration.count, 14);
    assert.equal(got.properties.retentionPolicy.weeklySchedule.retentionDuration.count, 8);
    assert.ok(got.properties.schedulePolicy.scheduleRunTimes[0] instanceof Date, "run time not parsed as a date");
    assert.equal(got.properties.schedulePolicy.scheduleRunTimes[0].getUTCHours(), 2);
    const listed = await collect(bk.backupPolicies.list(vaultName, rg, { filter: "backupManagementType eq 'AzureIaasVM'" }));
    assert.ok(listed.some((p) => p.name === policyName), "the new policy is not in the list");
    state.policyId = got.id;
    return `daily 14 days, weekly 8 weeks; ${listed.length} IaaS VM policies`;
  },

  async "protectionContainers.refresh + refresh operation result"() {
    const c = capture();
    await bk.protectionContainers.refresh(vaultName, rg, fabric, { filter: "backupManagementType eq 'AzureIaasVM'", ...c.options });
    assert.equal(c.raw.status, 202);
    const opId = operationIdOf(c.raw.headers.get("location"));
    // RefreshContainers_OperationResults.json: 202 while it runs, 204 once done.
    const r = capture();
    await until("refresh", async () => { await bk.protectionContainerRefreshOperationResults.get(vaultName, rg, fabric, opId, r.options); return r.raw.status; }, (s) => s === 204);
    return `operation ${opId} done`;
  },

  async "backupProtectableItems.list (discovered VM)"() {
    const items = await collect(bk.backupProtectableItems.list(vaultName, rg, { filter: "backupManagementType eq 'AzureIaasVM'" }));
    const vm = items.find((i) => i.properties?.friendlyName === vmName);
    assert.ok(vm, `${vmName} was not discovered: ${items.map((i) => i.properties?.friendlyName).join(", ")}`);
    assert.equal(vm.properties.protectableItemType, "Microsoft.Compute/virtualMachines");
    assert.equal(vm.properties.virtualMachineId.toLowerCase(), vmId.toLowerCase());
    assert.equal(vm.properties.protectionState, "NotProtected");
    return vm.name;
  },

  async "protectedItems.createOrUpdate + operation result"() {
    const c = capture();
    await bk.protectedItems.createOrUpdate(vaultName, rg, fabric, containerName, itemName, {
      properties: { protectedItemType: "Microsoft.Compute/virtualMachines", policyId: state.policyId, sourceResourceId: vmId },
    }, c.options);
    let item;
    if (c.raw.status === 202) {
      const opId = operationIdOf(c.raw.headers.get("location"));
      item = await until("configure protection", () => bk.protectedItemOperationResults.get(vaultName, rg, fabric, containerName, itemName, opId), (r) => r.properties);
    }
    item = await bk.protectedItems.get(vaultName, rg, fabric, containerName, itemName);
    assert.equal(item.properties.protectedItemType, "Microsoft.Compute/virtualMachines");
    assert.equal(item.properties.policyId.toLowerCase(), state.policyId.toLowerCase());
    assert.equal(item.properties.virtualMachineId.toLowerCase(), vmId.toLowerCase());
    assert.ok(["IRPending", "Protected"].includes(item.properties.protectionState), `state ${item.properties.protectionState}`);
    return `${item.name} ${item.properties.protectionState}`;
  },

  async "protectionPolicies.createOrUpdate on a policy in use + operation status/result"() {
    const policy = await bk.protectionPolicies.get(vaultName, rg, policyName);
    policy.properties.retentionPolicy.dailySchedule.retentionDuration.count = 21;
    const c = capture();
    await bk.protectionPolicies.createOrUpdate(vaultName, rg, policyName, { properties: policy.properties }, c.options);
    // Updating a policy that protects items re-configures each one: 202 and a job per item.
    assert.equal(c.raw.status, 202);
    const opId = operationIdOf(c.raw.headers.get("azure-asyncoperation"));
    // ProtectionPolicyOperationResults_Get: 200 + the policy (the spec declares no other success code).
    const early = await bk.protectionPolicyOperationResults.get(vaultName, rg, policyName, opId);
    assert.equal(early.properties.retentionPolicy.dailySchedule.retentionDuration.count, 21);
    const status = await until("policy update", () => bk.protectionPolicyOperationStatuses.get(vaultName, rg, policyName, opId), (s) => s.status !== "InProgress");
    assert.equal(status.status, "Succeeded");
    assert.equal(status.properties?.objectType, "OperationStatusJobsExtendedInfo");
    assert.equal(status.properties.jobIds.length, 1);
    const job = await jobDone(status.properties.jobIds[0]);
    assert.equal(job.properties.operation, "ConfigureBackup");
    assert.equal(job.properties.status, "Completed");
    const result = await bk.protectionPolicyOperationResults.get(vaultName, rg, policyName, opId);
    assert.equal(result.name, policyName);
    assert.equal(result.properties.retentionPolicy.dailySchedule.retentionDuration.count, 21);
    return `job ${job.name} ${job.properties.status}`;
  },

  async "backups.trigger + operation status + jobDetails.get"() {
    const c = capture();
    await bk.backups.trigger(vaultName, rg, fabric, containerName, itemName, {
      properties: { objectType: "IaasVMBackupRequest", recoveryPointExpiryTimeInUTC: new Date(Date.now() + 30 * 86400_000) },
    }, c.options);
    assert.equal(c.raw.status, 202);
    const opId = operationIdOf(c.raw.headers.get("azure-asyncoperation"));
    const status = await until("backup operation", () => bk.protectedItemOperationStatuses.get(vaultName, rg, fabric, containerName, itemName, opId), (s) => s.status !== "InProgress");
    assert.equal(status.status, "Succeeded");
    assert.equal(status.properties?.objectType, "OperationStatusJobExtendedInfo");
    const jobId = status.properties.jobId;
    assert.ok(jobId, "no job id in the operation status");
    const job = await jobDone(jobId);
    assert.equal(job.properties.jobType, "AzureIaaSVMJob");
    assert.equal(job.properties.operation, "Backup");
    assert.equal(job.properties.status, "Completed");
    assert.equal(job.properties.entityFriendlyName, vmName);
    assert.ok(job.properties.endTime instanceof Date, "endTime not parsed as a date");
    state.backupJobId = jobId;
    return `job ${jobId} ${job.properties.status}`;
  },

  async "backupJobs.list (filter operation eq Backup)"() {
    const jobs = await collect(bk.backupJobs.list(vaultName, rg, { filter: "operation eq 'Backup'" }));
    assert.ok(jobs.length > 0, "no backup job listed");
    assert.ok(jobs.every((j) => j.properties.operation === "Backup"), "the filter let another operation through");
    const mine = jobs.find((j) => j.name === state.backupJobId);
    assert.ok(mine, "the triggered job is not listed");
    assert.equal(mine.properties.status, "Completed");
    return `${jobs.length} backup job(s)`;
  },

  async "recoveryPoints.list/get"() {
    const points = await collect(bk.recoveryPoints.list(vaultName, rg, fabric, containerName, itemName));
    assert.ok(points.length > 0, "no recovery point after a completed backup");
    const p = await bk.recoveryPoints.get(vaultName, rg, fabric, containerName, itemName, points[0].name);
    assert.equal(p.properties.objectType, "IaasVMRecoveryPoint");
    assert.ok(p.properties.recoveryPointTime instanceof Date, "recoveryPointTime not parsed as a date");
    state.pointId = p.name;
    return `${points.length} point(s), first ${p.name} ${p.properties.recoveryPointType}`;
  },

  async "restores.beginTriggerAndWait + restore job"() {
    await bk.restores.beginTriggerAndWait(vaultName, rg, fabric, containerName, itemName, state.pointId, {
      properties: {
        objectType: "IaasVMRestoreRequest",
        recoveryPointId: state.pointId,
        recoveryType: "RestoreDisks",
        sourceResourceId: vmId,
        storageAccountId: storageId,
        region: location,
        createNewCloudService: false,
        originalStorageAccountOption: false,
        encryptionDetails: { encryptionEnabled: false },
      },
    }, { updateIntervalInMs: 250 });
    const jobs = await collect(bk.backupJobs.list(vaultName, rg, { filter: "operation eq 'Restore'" }));
    assert.equal(jobs.length, 1, `expected one restore job, got ${jobs.length}`);
    const job = await jobDone(jobs[0].name);
    assert.equal(job.properties.operation, "Restore");
    assert.equal(job.properties.status, "Completed");
    return `job ${job.name} ${job.properties.status}`;
  },

  async "itemLevelRecoveryConnections.provision (script url + password)"() {
    const c = capture();
    await bk.itemLevelRecoveryConnections.provision(vaultName, rg, fabric, containerName, itemName, state.pointId, {
      properties: { objectType: "IaasVMILRRegistrationRequest", recoveryPointId: state.pointId, virtualMachineId: vmId, renewExistingRegistration: false },
    }, c.options);
    assert.equal(c.raw.status, 202);
    const opId = operationIdOf(c.raw.headers.get("azure-asyncoperation"));
    const status = await until("ILR provision", () => bk.protectedItemOperationStatuses.get(vaultName, rg, fabric, containerName, itemName, opId), (s) => s.status !== "InProgress");
    assert.equal(status.status, "Succeeded");
    assert.equal(status.properties?.objectType, "OperationStatusProvisionILRExtendedInfo");
    const scripts = status.properties.recoveryTarget?.clientScripts ?? [];
    const exe = scripts.find((s) => s.scriptExtension === ".exe");
    assert.ok(exe, `no .exe script among ${scripts.map((s) => s.scriptExtension).join(", ")}`);
    assert.match(exe.url, /^https:\/\//);
    // Az's Get-AzRecoveryServicesBackupRPMountScript reads the password 33 characters after the suffix's last '_'.
    const suffix = exe.scriptNameSuffix;
    const password = suffix.substring(suffix.lastIndexOf("_") + 33);
    assert.equal(password.length, 15, `password '${password}' from suffix '${suffix}'`);
    const download = await fetch(exe.url);
    assert.equal(download.status, 200, "the script url does not download");
    return `${scripts.length} script(s), url ${new URL(exe.url).pathname}`;
  },

  async "itemLevelRecoveryConnections.revoke"() {
    const c = capture();
    await bk.itemLevelRecoveryConnections.revoke(vaultName, rg, fabric, containerName, itemName, state.pointId, c.options);
    assert.equal(c.raw.status, 202);
    const monitor = c.raw.headers.get("azure-asyncoperation") ?? c.raw.headers.get("location");
    const opId = operationIdOf(monitor);
    const status = await until("ILR revoke", () => bk.protectedItemOperationStatuses.get(vaultName, rg, fabric, containerName, itemName, opId), (s) => s.status !== "InProgress");
    assert.equal(status.status, "Succeeded");
    return `operation ${opId} ${status.status}`;
  },

  async "protectedItems.delete (stop protection, delete data)"() {
    const c = capture();
    await bk.protectedItems.delete(vaultName, rg, fabric, containerName, itemName, c.options);
    if (c.raw.status === 202) {
      const opId = operationIdOf(c.raw.headers.get("location"));
      const r = capture();
      await until("stop protection", async () => { await bk.protectedItemOperationResults.get(vaultName, rg, fabric, containerName, itemName, opId, r.options); return r.raw.status; }, (s) => s !== 202);
    }
    await expect404("the deleted item", () => bk.protectedItems.get(vaultName, rg, fabric, containerName, itemName));
    const items = await collect(bk.backupProtectedItems.list(vaultName, rg));
    assert.equal(items.length, 0, `items left: ${items.map((i) => i.name).join(", ")}`);
    return `delete answered ${c.raw.status}; item gone`;
  },

  async "protectionPolicies.beginDeleteAndWait"() {
    await bk.protectionPolicies.beginDeleteAndWait(vaultName, rg, policyName, { updateIntervalInMs: 250 });
    await expect404("the deleted policy", () => bk.protectionPolicies.get(vaultName, rg, policyName));
    return "policy gone";
  },

  async "vaults.delete (LRO)"() {
    const c = capture();
    await rs.vaults.delete(rg, vaultName, c.options);
    assert.equal(c.raw.status, 202);
    await expect404("the deleted vault", () => rs.vaults.get(rg, vaultName));
    const opId = operationIdOf(c.raw.headers.get("location"));
    const status = await rs.getOperationStatus(rg, vaultName, opId);
    assert.equal(status.status, "Succeeded");
    // GetOperationResult declares 200 and 202 only: a finished delete has no vault to return.
    const result = await rs.getOperationResult(rg, vaultName, opId);
    assert.equal(result, undefined);
    return "vault gone";
  },
};

let failed = false;
for (const name of STEPS) {
  if (failed) {
    console.log(JSON.stringify({ step: name, ok: false, error: "not run: an earlier step failed" }));
    continue;
  }
  const t0 = Date.now();
  try {
    const detail = await steps[name]();
    console.log(JSON.stringify({ step: name, ok: true, ms: Date.now() - t0, detail }));
  } catch (e) {
    failed = true;
    const error = e?.statusCode
      ? `${e.request?.method ?? ""} ${e.request?.url ?? ""} -> ${e.statusCode} ${e.code ?? ""}: ${e.message || "(the SDK rejected the status code)"}`
      : (e?.stack ?? String(e));
    console.log(JSON.stringify({ step: name, ok: false, ms: Date.now() - t0, error }));
  }
}
process.exit(failed ? 1 : 0);
