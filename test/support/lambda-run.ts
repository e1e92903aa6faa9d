import type { Outcome, RunSummary } from "../../adapters/backend.ts";
import type { SimPolicyName } from "../../adapters/sim/policies/index.ts";
import { SimBackend } from "../../adapters/sim/sim-backend.ts";
import { simDefaults, type SimConfig } from "../../adapters/sim/sim-config.ts";
import type { Invocation } from "../../traces/invocation.ts";
import { RecordingSink } from "./recording-sink.ts";

/** Runs hand-made invocations through sim:faas or sim:mu and keeps every outcome and the summary. */
export async function lambdaRun(
  policy: Extract<SimPolicyName, "faas" | "mu">,
  invocations: readonly Invocation[],
  sim: Partial<SimConfig>,
): Promise<{ byId: Map<number, Outcome>; rows: { inv: Invocation; outcome: Outcome }[]; summary: RunSummary }> {
  const sink = new RecordingSink();
  const config: SimConfig = { ...simDefaults, sampleIntervalMs: 0, seed: 1, ...sim };
  async function* stream() {
    yield invocations;
  }
  const summary = await new SimBackend(policy, config, [1]).run(stream(), sink, new AbortController().signal);
  return { byId: new Map(sink.outcomes.map((o) => [o.inv.id, o.outcome])), rows: sink.outcomes, summary };
}
