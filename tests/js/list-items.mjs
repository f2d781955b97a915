// The official Azure SDK for JavaScript listing every protected item of every vault of a resource group, for
// bench/FanOut.Bench.ps1: vaults.listByResourceGroup (@azure/arm-recoveryservices 7.2.0), then
// backupProtectedItems.list per vault (@azure/arm-recoveryservicesbackup 12.0.0), either one vault after another or
// with N vaults in flight. The SDK builds every request and parses every response; only the timing is ours.
//
// Usage: node list-items.mjs <concurrency> <runs>  -> one JSON line {"concurrency","items","ms":[...]}
// Environment: as emulator-sdk.mjs (RV_ENDPOINT, RV_TENANT_ID, RV_SUBSCRIPTION_ID, RV_CLIENT_ID, RV_CLIENT_SECRET,
// RV_RESOURCE_GROUP); TLS: NODE_EXTRA_CA_CERTS=<the emulator's certificate PEM>, certificate checks stay on.
import { performance } from "node:perf_hooks";
import { emulatorClients } from "./emulator-sdk.mjs";

const concurrency = Number(process.argv[2] ?? "1");
const runs = Number(process.argv[3] ?? "3");
const { rg, rs, bk } = await emulatorClients();

async function itemsOf(vaultName) {
  let n = 0;
  for await (const _ of bk.backupProtectedItems.list(vaultName, rg)) n++;
  return n;
}

async function listAll() {
  if (concurrency <= 1) {
    let n = 0;
    for await (const v of rs.vaults.listByResourceGroup(rg)) n += await itemsOf(v.name);
    return n;
  }
  const names = [];
  for await (const v of rs.vaults.listByResourceGroup(rg)) names.push(v.name);
  let next = 0;
  let n = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++];
      // Not `n += await …`: that reads n before the await and loses the other workers' counts.
      const count = await itemsOf(name);
      n += count;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, names.length) }, worker));
  return n;
}

// One warm-up (token, TLS connection, JIT), as the module's side is connected and warm before it is timed.
await itemsOf((await rs.vaults.listByResourceGroup(rg).next()).value.name);
const ms = [];
let items = 0;
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  items = await listAll();
  ms.push(performance.now() - t);
}
console.log(JSON.stringify({ concurrency, items, ms }));
