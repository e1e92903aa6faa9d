import type { InvocationBatch } from "../../traces/invocation.ts";
import type { Backend, BackendBilling, OutcomeSink, RunSummary } from "../backend.ts";
import { emptyOutcomeCounts } from "../backend.ts";
import { isPerInvocationModelName, perInvocationModels, type PerInvocationModelName } from "../billing/billing-model.ts";
import { Simulation } from "./engine/simulation.ts";
import { simPolicies, type SimPolicyName } from "./policies/index.ts";
import type { SimConfig } from "./sim-config.ts";

/**
 * The billing model each policy's own rows (`cost_micro_cents`, and the budget governor under XX)
 * use. XX bills CPU by price class and memory by use, so `sim:xx` uses the xx model. The other
 * policies model platforms without price classes that do not bill by them (Hermod and OpenWhisk
 * are self-hosted OpenWhisk-style platforms, Knative a Kubernetes one; EDF is an ideal baseline
 * that only borrows the classes for its deadlines), so charging them XX's prices in their own
 * column would be made up: they get the commercial FaaS norm, Lambda's GB-second billing on x86
 * (memory configured at the peak × duration, + a request fee). Every run is still billed under
 * every model in the `costs` table, so any two backends can be compared under one model there.
 *
 * `lambda-instance-x86` (sim:faas, sim:mu) bills Lambda instances at the configured --memory-mb,
 * init included; under μ one instance runs many tasks, so no per-row formula gives a row's cost:
 * the policy bills its instances and shares each bill out to its tasks' rows
 * (adapters/scheduling/mu/lambda-instance-bill.ts).
 */
export type OwnBillingModelName = PerInvocationModelName | "lambda-instance-x86";

export const ownBillingModel: Readonly<Record<SimPolicyName, OwnBillingModelName>> = {
  xx: "xx",
  hermod: "lambda-x86",
  edf: "lambda-x86",
  openwhisk: "lambda-x86",
  knative: "lambda-x86",
  faas: "lambda-instance-x86",
  mu: "lambda-instance-x86",
};

/** The simulator behind the Backend contract: `sim:xx`, `sim:hermod`, `sim:edf`, … */
export class SimBackend implements Backend {
  readonly id: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly billing: BackendBilling;
  /** The model this backend's per-row `costMicroCents` is billed under; stored in its config. */
  readonly billingModel: OwnBillingModelName;

  constructor(
    readonly policy: SimPolicyName,
    private readonly sim: SimConfig,
    private readonly prices: readonly number[],
  ) {
    this.id = `sim:${policy}`;
    this.billingModel = ownBillingModel[policy];
    this.config = { policy, ...sim, prices, billingModel: this.billingModel };
    // EDF's one big machine is the same fleet: machines × cores cores. Lambda (faas, mu) has no
    // fleet to provision, so the provisioned model does not bill those runs.
    this.billing = this.billingModel === "lambda-instance-x86" ? { prices } : { prices, machines: sim.machines };
  }

  async run(invocations: AsyncIterable<InvocationBatch>, sink: OutcomeSink, signal: AbortSignal): Promise<RunSummary> {
    const { create } = simPolicies[this.policy];
    const simulation = new Simulation((ctx) => create(ctx, this.sim, this.prices), sink, {
      sampleIntervalMs: this.sim.sampleIntervalMs,
      prices: this.prices,
      ...(isPerInvocationModelName(this.billingModel) ? { billing: perInvocationModels[this.billingModel] } : {}),
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
    outcomes.timeout = simulation.timeouts;
    return {
      invocations: simulation.arrivals,
      outcomes,
      counters: {
        events: simulation.arrivals + simulation.wakeups,
        wakeups: simulation.wakeups,
        simulatedMs: simulation.clockMs,
        busyCoreMs: simulation.busyCoreMs(),
        workDoneMs: simulation.workDoneMs,
        ...simulation.modelCounters(),
      },
    };
  }
}
