import type { ClassSample, MachineSample } from "../../backend.ts";
import { SeededRandom } from "../../../traces/seeded-random.ts";
import { PowerOfKPlacer } from "../../scheduling/power-of-k-placer.ts";
import { processorShare } from "../../scheduling/processor-share.ts";
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
 *
 * Under finite RAM Hermod, which does not manage memory, gets Linux's answer: when the
 * machine's RAM is full the OOM killer kills the function using the most memory. Every function
 * grows at its own slope per unit of V, so the machine's resident memory grows linearly in V and
 * the moment RAM fills is solved for exactly. Entities: machine m's next finish is m, its OOM
 * moment M + m.
 */
const oomSlackMb = 1e-6;

export function createHermodModel(ctx: SimContext, config: SimConfig, prices: readonly number[]): SimModel {
  const { machines: M, cores } = config;
  const classes = prices.length;
  const jobs = ctx.jobs;
  const events = ctx.events;
  const memoryOn = config.ramMb !== null;
  const ram = config.ramMb ?? Number.POSITIVE_INFINITY;
  const placementRng = SeededRandom.forPurpose(config.seed, "placement");
  const placer = new PowerOfKPlacer(M, config.k);
  const load = new Int32Array(M);
  const virtual = new Float64Array(M);
  const last = new Float64Array(M);
  const finishOrder = Array.from({ length: M }, () => new SlotHeap(jobs));
  const meter = new CoreTimeMeter(M);
  // Resident MB of machine m, kept current by `advance`, and its growth per unit of V. Kept as a
  // running total (not A + B·V) so no large terms cancel when V is large.
  const resident = new Float64Array(M);
  const memSlopeSum = new Float64Array(M);
  const killCount = new Int32Array(M * classes);

  function advance(m: number, now: number): void {
    const n = load[m]!;
    if (n > 0) {
      const dv = (now - last[m]!) * processorShare(n, cores);
      virtual[m]! += dv;
      resident[m]! += memSlopeSum[m]! * dv;
    }
    meter.advance(m, now, Math.min(n, cores));
    last[m] = now;
  }

  /** V at which the function entered the machine: its finish tag minus its work. */
  const placedV = (slot: number): number => jobs.key[slot]! - jobs.invocation[slot]!.workMs;
  const memoryOf = (slot: number, v: number): number => jobs.mem[slot]! + jobs.memSlope[slot]! * (v - placedV(slot));

  function forget(slot: number, m: number): void {
    load[m]!--;
    if (!memoryOn) return;
    if (load[m] === 0) {
      resident[m] = 0;
      memSlopeSum[m] = 0;
      return;
    }
    resident[m]! -= memoryOf(slot, virtual[m]!);
    memSlopeSum[m]! -= jobs.memSlope[slot]!;
  }

  function reschedule(m: number, now: number): void {
    const n = load[m]!;
    if (n === 0) {
      events.delete(m);
      events.delete(M + m);
      return;
    }
    const share = processorShare(n, cores);
    const ahead = jobs.key[finishOrder[m]!.peek()]! - virtual[m]!;
    events.set(m, now + (ahead > 0 ? ahead / share : 0));
    if (!memoryOn) return;
    const slope = memSlopeSum[m]!;
    // oomKill leaves more than oomSlackMb of headroom, so this moment is always ahead of now.
    if (slope > 0) events.set(M + m, now + (ram - resident[m]!) / slope / share);
    else events.delete(M + m);
  }

  function oomKill(m: number, now: number): void {
    const heap = finishOrder[m]!;
    // RAM counts as full within oomSlackMb: the OOM moment computed in floating point lands there.
    while (heap.size > 0 && resident[m]! >= ram - oomSlackMb) {
      let victim = heap.at(0);
      for (let i = 1; i < heap.size; i++) {
        const slot = heap.at(i);
        if (memoryOf(slot, virtual[m]!) > memoryOf(victim, virtual[m]!)) victim = slot;
      }
      heap.remove(victim);
      killCount[m * classes + jobs.cls[victim]!]!++;
      // The CPU it got so far is what a kill bills: record it as done work.
      jobs.remaining[victim] = jobs.key[victim]! - virtual[m]!;
      forget(victim, m);
      ctx.kill(victim, now);
    }
  }

  return {
    entities: 2 * M,
    arrive(slot, now) {
      const m = placer.choose(load, placementRng);
      advance(m, now);
      jobs.machine[slot] = m;
      jobs.placedAt[slot] = now;
      jobs.firstStart[slot] = now;
      jobs.key[slot] = virtual[m]! + jobs.remaining[slot]!;
      finishOrder[m]!.push(slot);
      load[m]!++;
      if (memoryOn) {
        resident[m]! += jobs.mem[slot]!;
        memSlopeSum[m]! += jobs.memSlope[slot]!;
        oomKill(m, now);
      }
      reschedule(m, now);
    },
    wake(entity, now) {
      const m = entity % M;
      advance(m, now);
      if (entity >= M) {
        oomKill(m, now);
      } else {
        const slot = finishOrder[m]!.pop();
        jobs.remaining[slot] = 0;
        forget(slot, m);
        ctx.complete(slot, now);
      }
      reschedule(m, now);
    },
    sample(now, emit: (s: MachineSample) => void, emitClass: (s: ClassSample) => void) {
      for (let m = 0; m < M; m++) {
        const n = load[m]!;
        let used: number | undefined;
        if (memoryOn) {
          advance(m, now);
          const heap = finishOrder[m]!;
          const perClass = new Float64Array(classes);
          const count = new Int32Array(classes);
          for (let i = 0; i < heap.size; i++) {
            const slot = heap.at(i);
            perClass[jobs.cls[slot]!]! += memoryOf(slot, virtual[m]!);
            count[jobs.cls[slot]!]!++;
          }
          used = 0;
          for (let c = 0; c < classes; c++) {
            used += perClass[c]!;
            const at = m * classes + c;
            emitClass({
              tMs: now,
              machine: m,
              priceClass: c,
              functions: count[c]!,
              residentMb: perClass[c]!,
              waitingResidentMb: 0,
              swappedMb: 0,
              swapOuts: 0,
              swapIns: 0,
              kills: killCount[at]!,
            });
            killCount[at] = 0;
          }
        }
        emit({
          tMs: now,
          machine: m,
          running: n,
          queued: 0,
          utilization: meter.utilizationSinceSample(m, now, Math.min(n, cores), cores),
          ...(used !== undefined ? { memUsedMb: Math.min(used, ram), swapUsedMb: 0 } : {}),
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
