/**
 * Prints the digest of every identity scenario, for pinning them in
 * test/adapters/scheduling/xx-refactor-identity.test.ts: `npx tsx test/support/print-xx-identity-digests.ts`.
 */
import { xxIdentityDigest, xxIdentityScenarios } from "./xx-identity-digest.ts";

for (const scenario of xxIdentityScenarios) {
  const d = await xxIdentityDigest(scenario);
  console.log(JSON.stringify({ name: scenario.name, ...d }));
}
