import type { InvocationBatch } from "../../traces/invocation.ts";
import type { Backend, OutcomeSink, RunSummary } from "../backend.ts";
import { emptyOutcomeCounts } from "../backend.ts";
import { Simulation } from "./engine/simulation.ts";
import { simPolicies, type SimPolicyName } from "./policies/index.ts";
import type { SimConfig } from "./sim-config.ts";

/** The simulator behind the Backend contract: `sim:xx`, `sim:hermod`, `sim:edf`. */
export class SimBackend implements Backend {
  readonly id: string;
  readonly config: Readonly<Record<string, unknown>>;

  constructor(
    readonly policy: SimPolicyName,
    private readonly sim: SimConfig,
    private readonly prices: readonly number[],
  ) {
    this.id = `sim:${policy}`;
    this.config = { policy, ...sim, prices };
  }

  async run(invocations: AsyncIterable<InvocationBatch>, sink: OutcomeSink, signal: AbortSignal): Promise<RunSummary> {
    const { create } = simPolicies[this.policy];
    const simulation = new Simulation((ctx) => create(ctx, this.sim, this.prices), sink, {
      sampleIntervalMs: this.sim.sampleIntervalMs,
      prices: this.prices,
    });
    for await (const batch of invocations) {
      signal.throwIfAborted();
      for (let i = 0; i < batch.length; i++) simulation.arrive(batch[i]!);
    }
    signal.throwIfAborted();
    simulation.finish();
    const outcomes = emptyOutcomeCounts();
    outcomes.ok = simulation.completions;
    outcomes.killed = simulation.kills;
    outcomes.throttled = simulation.rejections;
    return {
      invocations: simulation.arrivals,
      outcomes,
      counters: {
        events: simulation.arrivals + simulation.wakeups,
        wakeups: simulation.wakeups,
        simulatedMs: simulation.clockMs,
        busyCoreMs: simulation.busyCoreMs(),
        workDoneMs: simulation.workDoneMs,
      },
    };
  }
}
