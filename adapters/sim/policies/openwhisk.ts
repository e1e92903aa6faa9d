import { SeededRandom } from "../../../traces/seeded-random.ts";
import { HashStepBalancer } from "../../scheduling/hash-step-balancer.ts";
import { FifoMachines } from "../engine/fifo-machines.ts";
import type { SimContext, SimModel } from "../engine/sim-model.ts";
import type { SimConfig } from "../sim-config.ts";

/**
 * OpenWhisk's late binding (seed 000 §5, as the seeds describe the crowding it suffers): the
 * balancer picks an invoker at arrival (home invoker by function hash, stepping to one with a free
 * slot), and the invocation waits in that invoker's queue until one of its slots frees. Slots are
 * cores; invokers run first come first served; classes are ignored. Memory is not modelled.
 */
export function createOpenWhiskModel(ctx: SimContext, config: SimConfig): SimModel {
  const fleet = new FifoMachines(ctx, config.machines, config.cores);
  const balancer = new HashStepBalancer(config.machines);
  const rng = SeededRandom.forPurpose(config.seed, "placement");
  const hasFreeSlot = (m: number): boolean => fleet.functions(m) < config.cores;
  return {
    entities: config.machines,
    arrive(slot, now) {
      fleet.assign(slot, balancer.choose(ctx.jobs.invocation[slot]!.fn, hasFreeSlot, rng), now);
    },
    wake(m, now) {
      fleet.complete(m, now);
    },
    sample: (now, emit) => fleet.sample(now, emit),
    busyCoreMs: (now) => fleet.busyCoreMs(now),
  };
}
