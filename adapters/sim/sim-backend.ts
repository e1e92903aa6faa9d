import type { InvocationBatch } from "../../traces/invocation.ts";
import type { Backend, BackendBilling, OutcomeSink, RunSummary } from "../backend.ts";
import { emptyOutcomeCounts } from "../backend.ts";
import { isPerInvocationModelName, perInvocationModels, type PerInvocationModelName } from "../billing/billing-model.ts";
import { Simulation } from "./engine/simulation.ts";
import type { SimContext, SimModel } from "./engine/sim-model.ts";
import { createFreshenModel, type FreshenModel } from "./freshen/freshen-model.ts";
import { FreshenLookahead } from "./freshen/freshen-lookahead.ts";
import { simPolicies, type SimPolicyName } from "./policies/index.ts";
import type { SimConfig } from "./sim-config.ts";
import type { FreshenCharge } from "./freshen/freshen-ledger.ts";

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
  /** What freshen jobs cost per tenant × class × model in the last run (no rows of their own). */
  private freshenCharges: readonly FreshenCharge[] = [];

  constructor(
    readonly policy: SimPolicyName,
    private readonly sim: SimConfig,
    private readonly prices: readonly number[],
  ) {
    this.id = `sim:${policy}`;
    this.billingModel = ownBillingModel[policy];
    // Freshen off is the plain policy: its stored config stays what it was before freshen existed.
    const { freshen, ...plain } = sim;
    this.config = { policy, ...plain, ...(freshen === null ? {} : { freshen }), prices, billingModel: this.billingModel };
    // EDF's one big machine is the same fleet: machines × cores cores. Lambda (faas, mu) has no
    // fleet to provision, so the provisioned model does not bill those runs.
    const surcharges = (): readonly FreshenCharge[] => this.freshenCharges;
    this.billing = this.billingModel === "lambda-instance-x86" ? { prices, surcharges } : { prices, machines: sim.machines, surcharges };
  }

  async run(invocations: AsyncIterable<InvocationBatch>, sink: OutcomeSink, signal: AbortSignal): Promise<RunSummary> {
    const { create } = simPolicies[this.policy];
    const freshenConfig = this.sim.freshen;
    let freshen: FreshenModel | undefined;
    const ownModel = this.billingModel;
    const createModel = (ctx: SimContext): SimModel => {
      if (freshenConfig === null) return create(ctx, this.sim, this.prices);
      // The applicability table gives freshen only to fleet policies, which bill per invocation.
      if (!isPerInvocationModelName(ownModel)) throw new Error(`freshen does not apply to ${this.id}, which bills per instance`);
      freshen = createFreshenModel(ctx, (inner) => create(inner, this.sim, this.prices), {
        config: freshenConfig,
        seed: this.sim.seed,
        prices: this.prices,
        ownModel,
      });
      return freshen;
    };
    const simulation = new Simulation(createModel, sink, {
      sampleIntervalMs: this.sim.sampleIntervalMs,
      prices: this.prices,
      ...(isPerInvocationModelName(this.billingModel) ? { billing: perInvocationModels[this.billingModel] } : {}),
    });
    const lookahead = freshen ? new FreshenLookahead(simulation, freshen) : undefined;
    for await (const batch of invocations) {
      signal.throwIfAborted();
      if (lookahead) for (let i = 0; i < batch.length; i++) lookahead.offer(batch[i]!);
      else for (let i = 0; i < batch.length; i++) simulation.arrive(batch[i]!);
    }
    signal.throwIfAborted();
    if (lookahead) lookahead.finish();
    else simulation.finish();
    this.freshenCharges = freshen?.ledger.allCharges() ?? [];
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
        ...(freshen ? { freshenCpuMs: freshen.freshenCpuMs(), ...freshen.ledger.toCounters() } : {}),
      },
    };
  }
}
