import type { MachineSample } from "../../backend.ts";
import { SeededRandom } from "../../../traces/seeded-random.ts";
import { PowerOfKPlacer } from "../decisions/power-of-k-placer.ts";
import { PreemptivePriorityMachine, runsOnFreeCore, waits } from "../decisions/preemptive-priority-machine.ts";
import { PriceWaitMultiQueue } from "../decisions/price-wait-multi-queue.ts";
import { CoreTimeMeter } from "../engine/core-time-meter.ts";
import type { SimContext, SimModel } from "../engine/sim-model.ts";
import type { SimConfig } from "../sim-config.ts";

/**
 * XX (seed 000 §3.2), CPU side: arrival → a uniformly chosen shard; the shard's multi-queue picks
 * the next function (price × time waited); power-of-k least-loaded placement; each machine runs
 * preemptive priority, FIFO within class. Entities: machines 0..M-1, then shards M..M+S-1.
 */
export function createXxModel(ctx: SimContext, config: SimConfig, prices: readonly number[]): SimModel {
  const { machines: M, shards: S, cores } = config;
  const jobs = ctx.jobs;
  const events = ctx.events;
  const shardRng = SeededRandom.forPurpose(config.seed, "shard");
  const placementRng = SeededRandom.forPurpose(config.seed, "placement");
  const placer = new PowerOfKPlacer(M, config.k);
  const queues = Array.from({ length: S }, () => new PriceWaitMultiQueue(prices, config.strict));
  const shardBusy = new Uint8Array(S);
  const inService = new Int32Array(S);
  const machines = Array.from({ length: M }, () => new PreemptivePriorityMachine(cores, prices.length));
  const load = new Int32Array(M);
  const nextDone = new Int32Array(M).fill(-1);
  const meter = new CoreTimeMeter(M);

  function start(slot: number, now: number): void {
    jobs.runStart[slot] = now;
    if (Number.isNaN(jobs.firstStart[slot]!)) jobs.firstStart[slot] = now;
  }

  function preempt(slot: number, now: number): void {
    const left = jobs.remaining[slot]! - (now - jobs.runStart[slot]!);
    jobs.remaining[slot] = left > 0 ? left : 0;
    jobs.runStart[slot] = Number.NaN;
    jobs.preemptions[slot]!++;
  }

  function reschedule(m: number): void {
    const machine = machines[m]!;
    let best = -1;
    let bestT = Number.POSITIVE_INFINITY;
    for (let c = prices.length - 1; c >= 0; c--) {
      const r = machine.runningInClass(c);
      for (let i = 0; i < r; i++) {
        const slot = machine.functionAt(c, i);
        const t = jobs.runStart[slot]! + jobs.remaining[slot]!;
        if (t < bestT || (t === bestT && slot < best)) {
          bestT = t;
          best = slot;
        }
      }
    }
    nextDone[m] = best;
    if (best < 0) events.delete(m);
    else events.set(m, bestT);
  }

  function place(slot: number, now: number): void {
    const m = placer.choose(load, placementRng);
    const machine = machines[m]!;
    jobs.machine[slot] = m;
    jobs.placedAt[slot] = now;
    load[m]!++;
    meter.advance(m, now, machine.running);
    const decision = machine.admit(slot, jobs.cls[slot]!);
    if (decision === waits) return;
    if (decision !== runsOnFreeCore) preempt(decision, now);
    start(slot, now);
    reschedule(m);
  }

  function serveShard(s: number, now: number): void {
    const queue = queues[s]!;
    if (config.shardCostMs === 0) {
      while (queue.length > 0) place(queue.pickNext(now), now);
      return;
    }
    const slot = queue.pickNext(now);
    if (slot < 0) return;
    shardBusy[s] = 1;
    inService[s] = slot;
    events.set(M + s, now + config.shardCostMs);
  }

  return {
    entities: M + S,
    arrive(slot, now) {
      const s = S === 1 ? 0 : shardRng.int(S);
      queues[s]!.push(slot, jobs.cls[slot]!, now);
      if (shardBusy[s] === 0) serveShard(s, now);
    },
    wake(entity, now) {
      if (entity >= M) {
        const s = entity - M;
        shardBusy[s] = 0;
        place(inService[s]!, now);
        serveShard(s, now);
        return;
      }
      const m = entity;
      const machine = machines[m]!;
      const slot = nextDone[m]!;
      meter.advance(m, now, machine.running);
      jobs.remaining[slot] = 0;
      load[m]!--;
      const next = machine.release(slot, jobs.cls[slot]!);
      ctx.complete(slot, now);
      if (next >= 0) start(next, now);
      reschedule(m);
    },
    sample(now, emit: (s: MachineSample) => void) {
      for (let m = 0; m < M; m++) {
        const machine = machines[m]!;
        emit({
          tMs: now,
          machine: m,
          running: machine.running,
          queued: machine.functions - machine.running,
          utilization: meter.utilizationSinceSample(m, now, machine.running, cores),
        });
      }
      meter.sampled(now);
    },
    busyCoreMs(now) {
      let total = 0;
      for (let m = 0; m < M; m++) total += meter.busyUntil(m, now, machines[m]!.running);
      return total;
    },
  };
}
