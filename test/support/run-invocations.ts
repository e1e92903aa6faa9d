import { Simulation } from "../../adapters/sim/engine/simulation.ts";
import { simPolicies, type SimPolicyName } from "../../adapters/sim/policies/index.ts";
import { simDefaults, type SimConfig } from "../../adapters/sim/sim-config.ts";
import type { Invocation } from "../../traces/invocation.ts";
import { RecordingSink } from "./recording-sink.ts";

/** Builds an invocation for hand-made scenarios; fields not given take small defaults. */
export function invocation(fields: Partial<Invocation> & Pick<Invocation, "id" | "arrivalMs" | "workMs">): Invocation {
  return { tenant: "t", app: "a", fn: "f", priceClass: 0, memStartMb: 100, memPeakMb: 100, ...fields };
}

/** Runs hand-made invocations through one policy and keeps every record. */
export function runInvocations(
  policy: SimPolicyName,
  invocations: readonly Invocation[],
  sim: Partial<SimConfig>,
  prices: readonly number[] = [1],
): RecordingSink {
  const sink = new RecordingSink();
  const config: SimConfig = { ...simDefaults, sampleIntervalMs: 0, seed: 1, ...sim };
  const simulation = new Simulation((ctx) => simPolicies[policy].create(ctx, config, prices), sink, {
    sampleIntervalMs: config.sampleIntervalMs,
    prices,
  });
  for (const inv of invocations) simulation.arrive(inv);
  simulation.finish();
  return sink;
}
