import type { SimContext, SimModel } from "../engine/sim-model.ts";
import type { SimConfig } from "../sim-config.ts";
import { createEdfModel } from "./edf.ts";
import { createFaasModel } from "./faas.ts";
import { createHermodModel } from "./hermod.ts";
import { createKnativeModel } from "./knative.ts";
import { createMuModel, muConfigProblem } from "./mu.ts";
import { createOpenWhiskModel } from "./openwhisk.ts";
import { createXxModel } from "./xx.ts";

export type SimPolicyFactory = (ctx: SimContext, config: SimConfig, prices: readonly number[]) => SimModel;

export interface SimPolicy {
  readonly create: SimPolicyFactory;
  readonly describe: string;
  /** Why the policy cannot run this configuration (one line, in the flags' units), or undefined. */
  readonly refuse?: (config: SimConfig) => string | undefined;
}

/** The simulator's policies by name: `sim:<name>` on the command line. */
export const simPolicies = {
  xx: {
    create: createXxModel,
    describe: "XX: sharded price-class multi-queues, power-of-k placement, preemptive priority machines",
  },
  hermod: {
    create: createHermodModel,
    describe: "Hermod: power-of-k least loaded, early binding, processor sharing; classes ignored",
  },
  edf: {
    create: createEdfModel,
    describe: "ideal baseline: one centralized machines×cores machine, preemptive EDF on price-scaled deadlines",
  },
  openwhisk: {
    create: createOpenWhiskModel,
    describe: "OpenWhisk: late binding, home-invoker hash balancer, per-invoker FIFO queue; classes ignored",
  },
  knative: {
    create: createKnativeModel,
    describe: "Knative: central activator queue in front of busy pods, bounded per-pod queue, FIFO; classes ignored",
  },
  faas: {
    create: createFaasModel,
    describe: "conventional FaaS (AWS Lambda): each task its own instance of --memory-mb, cold starts, keep-alive, a concurrency cap",
  },
  mu: {
    create: createMuModel,
    refuse: muConfigProblem,
    describe: "μ (seed 004): a coordinator's request pool; Lambda workers poll it and run up to vCPUs − 1 tasks each",
  },
} satisfies Record<string, SimPolicy>;

export type SimPolicyName = keyof typeof simPolicies;

export function isSimPolicyName(name: string): name is SimPolicyName {
  return Object.hasOwn(simPolicies, name);
}
