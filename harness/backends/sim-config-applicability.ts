import type { SimPolicyName } from "../../adapters/sim/policies/index.ts";
import type { SimConfig } from "../../adapters/sim/sim-config.ts";

/** Every policy that simulates a fleet of machines reads these: its shape, the sample clock and the run seed. */
const everyPolicy = ["machines", "cores", "sampleIntervalMs", "seed"] as const satisfies readonly (keyof SimConfig)[];

/** What the Lambda-modelling policies read. */
const lambdaKeys = ["memoryMb", "concurrencyCap", "timeoutMs", "coldStartMs", "keepAliveMs"] as const satisfies readonly (keyof SimConfig)[];

/**
 * Which SimConfig keys each simulator policy applies. An option no chosen backend applies is
 * refused rather than silently ignored, and a run's stored config holds only the keys its
 * backend applied (an `sim:edf` run must not claim a RAM size it never modelled).
 *
 * Keep in step with what `adapters/sim/policies/<name>.ts` reads from its config; a test
 * perturbs every key a policy is said not to apply and checks its outcomes do not move.
 */
export const simConfigKeysApplied = {
  xx: [
    ...everyPolicy,
    "shards",
    "k",
    "shardCostMs",
    "strict",
    "ramMb",
    "swapMb",
    "swapMbPerMs",
    "idleList",
    "idleFreeShare",
    "idleStepShare",
    "budgetsUsd",
  ],
  hermod: [...everyPolicy, "k", "ramMb"],
  edf: [...everyPolicy],
  openwhisk: [...everyPolicy],
  knative: [...everyPolicy],
  // Lambda has no machines or cores to size: an instance's vCPUs follow its memory.
  faas: ["sampleIntervalMs", "seed", ...lambdaKeys],
  mu: ["sampleIntervalMs", "seed", ...lambdaKeys],
} as const satisfies Record<SimPolicyName, readonly (keyof SimConfig)[]>;

export function appliesSimConfigKey(policy: SimPolicyName, key: keyof SimConfig): boolean {
  return (simConfigKeysApplied[policy] as readonly (keyof SimConfig)[]).includes(key);
}

/** Whether backend `id` (`sim:<policy>`) applies `key`; unknown ids apply nothing. */
export function backendAppliesSimConfigKey(id: string, key: keyof SimConfig): boolean {
  const policy = id.startsWith("sim:") ? id.slice(4) : "";
  return Object.hasOwn(simConfigKeysApplied, policy) && appliesSimConfigKey(policy as SimPolicyName, key);
}

/** The part of `sim` that `policy` applies, for its stored config. */
export function appliedSimConfig(policy: SimPolicyName, sim: SimConfig): Partial<SimConfig> {
  const out: Partial<Record<keyof SimConfig, unknown>> = {};
  for (const key of simConfigKeysApplied[policy]) out[key] = sim[key];
  return out as Partial<SimConfig>;
}
