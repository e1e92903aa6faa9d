import type { MachineSample } from "../../backend.ts";
import { SeededRandom } from "../../../traces/seeded-random.ts";
import { PowerOfKPlacer } from "../decisions/power-of-k-placer.ts";
import { processorShare } from "../decisions/processor-share.ts";
import { CoreTimeMeter } from "../engine/core-time-meter.ts";
import type { SimContext, SimModel } from "../engine/sim-model.ts";
import { SlotHeap } from "../engine/slot-heap.ts";
import type { SimConfig } from "../sim-config.ts";

/**
 * Hermod (Kaffes et al., SoCC'22, as seed 000 §4.2 simulates it): power-of-k least-loaded
 * placement at arrival (early binding), processor sharing on each machine, classes ignored.
 *
 * PS is simulated with a per-machine virtual clock V: every function on the machine has received
 * V ms of service since V's origin, V grows at min(1, c/n), and a function placed at V₀ with work w
 * finishes when V reaches V₀ + w. Only the machine's next finish is an event.
 */
export function createHermodModel(ctx: SimContext, config: SimConfig): SimModel {
  const { machines: M, cores } = config;
  const jobs = ctx.jobs;
  const events = ctx.events;
  const placementRng = SeededRandom.forPurpose(config.seed, "placement");
  const placer = new PowerOfKPlacer(M, config.k);
  const load = new Int32Array(M);
  const virtual = new Float64Array(M);
  const last = new Float64Array(M);
  const finishOrder = Array.from({ length: M }, () => new SlotHeap(jobs));
  const meter = new CoreTimeMeter(M);

  function advance(m: number, now: number): void {
    const n = load[m]!;
    if (n > 0) virtual[m]! += (now - last[m]!) * processorShare(n, cores);
    meter.advance(m, now, Math.min(n, cores));
    last[m] = now;
  }

  function reschedule(m: number, now: number): void {
    const n = load[m]!;
    if (n === 0) {
      events.delete(m);
      return;
    }
    const ahead = jobs.key[finishOrder[m]!.peek()]! - virtual[m]!;
    events.set(m, now + (ahead > 0 ? ahead / processorShare(n, cores) : 0));
  }

  return {
    entities: M,
    arrive(slot, now) {
      const m = placer.choose(load, placementRng);
      advance(m, now);
      jobs.machine[slot] = m;
      jobs.placedAt[slot] = now;
      jobs.firstStart[slot] = now;
      jobs.key[slot] = virtual[m]! + jobs.remaining[slot]!;
      finishOrder[m]!.push(slot);
      load[m]!++;
      reschedule(m, now);
    },
    wake(m, now) {
      advance(m, now);
      const slot = finishOrder[m]!.pop();
      load[m]!--;
      jobs.remaining[slot] = 0;
      ctx.complete(slot, now);
      reschedule(m, now);
    },
    sample(now, emit: (s: MachineSample) => void) {
      for (let m = 0; m < M; m++) {
        const n = load[m]!;
        emit({
          tMs: now,
          machine: m,
          running: n,
          queued: 0,
          utilization: meter.utilizationSinceSample(m, now, Math.min(n, cores), cores),
        });
      }
      meter.sampled(now);
    },
    busyCoreMs(now) {
      let total = 0;
      for (let m = 0; m < M; m++) total += meter.busyUntil(m, now, Math.min(load[m]!, cores));
      return total;
    },
  };
}
