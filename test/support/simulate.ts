import type { OutcomeSink, RunSummary } from "../../adapters/backend.ts";
import { SimBackend } from "../../adapters/sim/sim-backend.ts";
import { simDefaults, type SimConfig } from "../../adapters/sim/sim-config.ts";
import type { SimPolicyName } from "../../adapters/sim/policies/index.ts";
import { bimodalWeights, syntheticDefaults, type SyntheticConfig } from "../../traces/synthetic/synthetic-config.ts";
import { syntheticTrace } from "../../traces/synthetic/synthetic-trace.ts";
import { RecordingSink } from "./recording-sink.ts";

export interface Scenario {
  readonly policy: SimPolicyName;
  readonly trace: Partial<SyntheticConfig>;
  readonly sim: Partial<SimConfig>;
  readonly seed: number;
}

/** Runs one policy on a synthetic trace and keeps every outcome. */
export async function simulate(s: Scenario): Promise<{ sink: RecordingSink; summary: RunSummary }> {
  const sink = new RecordingSink();
  const summary = await simulateInto(s, sink);
  return { sink, summary };
}

/** Runs one policy on a synthetic trace into the given sink. */
export async function simulateInto(s: Scenario, sink: OutcomeSink): Promise<RunSummary> {
  const sim: SimConfig = { ...simDefaults, sampleIntervalMs: 0, seed: s.seed, ...s.sim };
  const prices = s.trace.prices ?? syntheticDefaults.prices;
  const trace = syntheticTrace({
    ...syntheticDefaults,
    classWeights: bimodalWeights(prices.length),
    cores: sim.machines * sim.cores,
    seed: s.seed,
    ...s.trace,
  });
  return new SimBackend(s.policy, sim, trace.prices).run(trace.open(), sink, new AbortController().signal);
}

/** Mean of (end − arrival) over outcomes after discarding the first `warmup` fraction by arrival. */
export function meanResponse(sink: RecordingSink, warmup = 0.1, filter?: (cls: number) => boolean): number {
  const cut = Math.floor(sink.outcomes.length * warmup);
  let sum = 0;
  let n = 0;
  for (const { inv, outcome } of sink.outcomes) {
    if (inv.id < cut) continue;
    if (filter && !filter(inv.priceClass)) continue;
    sum += outcome.endMs! - inv.arrivalMs;
    n++;
  }
  return sum / n;
}
