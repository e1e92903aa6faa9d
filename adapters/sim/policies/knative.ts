import { SlotDeque } from "../../scheduling/slot-deque.ts";
import { FifoMachines } from "../engine/fifo-machines.ts";
import type { SimContext, SimModel } from "../engine/sim-model.ts";
import type { SimConfig } from "../sim-config.ts";

/**
 * Knative's activator (seed 000 §5): when the pods are busy, requests wait in one central
 * activator queue; a pod takes at most `cores` running requests plus a bounded queue of `cores`
 * more (its queue-proxy), and the activator hands the head of its queue to the next pod, round
 * robin, that has room. First come first served everywhere; classes are ignored; memory is not
 * modelled. Placement time is when the activator hands the request to a pod.
 */
export function createKnativeModel(ctx: SimContext, config: SimConfig): SimModel {
  const M = config.machines;
  const fleet = new FifoMachines(ctx, M, config.cores);
  const podCapacity = 2 * config.cores;
  const activator = new SlotDeque();
  let cursor = 0;

  /** The next pod with room after the cursor, round robin, or -1 when every pod is full. */
  function podWithRoom(): number {
    for (let i = 0; i < M; i++) {
      const m = (cursor + i) % M;
      if (fleet.functions(m) < podCapacity) {
        cursor = (m + 1) % M;
        return m;
      }
    }
    return -1;
  }

  return {
    entities: M,
    arrive(slot, now) {
      const m = activator.length === 0 ? podWithRoom() : -1;
      if (m < 0) activator.pushBack(slot);
      else fleet.assign(slot, m, now);
    },
    wake(m, now) {
      fleet.complete(m, now);
      // The pod has room again: the activator hands it the oldest waiting request.
      if (activator.length > 0) fleet.assign(activator.popFront(), m, now);
    },
    sample: (now, emit) => fleet.sample(now, emit),
    busyCoreMs: (now) => fleet.busyCoreMs(now),
  };
}
