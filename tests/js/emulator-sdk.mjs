// What the official-SDK scripts (scenario.mjs, list-items.mjs) share: their environment and the two SDK clients signed
// in to the emulator. Nothing here runs on import, so `scenario.mjs --list` still needs neither the SDK nor an emulator.
//
// Environment: RV_ENDPOINT, RV_TENANT_ID, RV_SUBSCRIPTION_ID, RV_CLIENT_ID, RV_CLIENT_SECRET, RV_RESOURCE_GROUP.
// TLS: run with NODE_EXTRA_CA_CERTS=<the emulator's certificate PEM>; certificate checks stay on.

export function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

// A TokenCredential that gets its token the way the module's Pester helper Get-EmulatorToken does: the
// client-credentials grant on the emulator's tenant token endpoint (docs/EMULATOR.md "Tokens"), cached as the SDK's own
// credentials cache tokens.
function emulatorCredential(endpoint, tenantId) {
  return {
    cached: undefined,
    async getToken(scopes) {
      if (this.cached && this.cached.expiresOnTimestamp - Date.now() > 60_000) return this.cached;
      const scope = Array.isArray(scopes) ? scopes[0] : scopes;
      const res = await fetch(`${endpoint}/${tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: env("RV_CLIENT_ID"),
          client_secret: env("RV_CLIENT_SECRET"),
          scope,
        }),
      });
      if (!res.ok) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
      const body = await res.json();
      this.cached = { token: body.access_token, expiresOnTimestamp: Date.now() + body.expires_in * 1000 };
      return this.cached;
    },
  };
}

/**
 * The SDK packages (@azure/arm-recoveryservices as rs, @azure/arm-recoveryservicesbackup as bk) pointed at the
 * emulator, with the environment they were built from. The pollers wait Retry-After between polls; the emulator's is
 * 1 s, so scenarios stay short.
 */
export async function emulatorClients() {
  const { RecoveryServicesClient } = await import("@azure/arm-recoveryservices");
  const { RecoveryServicesBackupClient } = await import("@azure/arm-recoveryservicesbackup");
  const endpoint = env("RV_ENDPOINT");
  const tenantId = env("RV_TENANT_ID");
  const subscriptionId = env("RV_SUBSCRIPTION_ID");
  const rg = env("RV_RESOURCE_GROUP");
  const credential = emulatorCredential(endpoint, tenantId);
  return {
    endpoint,
    subscriptionId,
    rg,
    rs: new RecoveryServicesClient(credential, subscriptionId, { endpoint }),
    bk: new RecoveryServicesBackupClient(credential, subscriptionId, { endpoint }),
  };
}
