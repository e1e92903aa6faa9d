import type { MachineSample } from "../../backend.ts";
import { edfDeadline, edfPreempts } from "../../scheduling/edf-deadline.ts";
import { CoreTimeMeter } from "../engine/core-time-meter.ts";
import { IndexedMinHeap } from "../engine/indexed-min-heap.ts";
import type { SimContext, SimModel } from "../engine/sim-model.ts";
import type { SimConfig } from "../sim-config.ts";

/**
 * The seeds' "ideal" baseline (seed 001 §4.2): one centralized machine with machines × cores
 * cores running preemptive EDF. Optimal on one core (Dertouzos) but not on many (Dhall's effect),
 * so it is a strong baseline, not a proven optimum. Entity 0 is the machine's next completion.
 */
export function createEdfModel(ctx: SimContext, config: SimConfig, prices: readonly number[]): SimModel {
  const cores = config.machines * config.cores;
  const maxPrice = prices[prices.length - 1]!;
  const jobs = ctx.jobs;
  const events = ctx.events;
  const waiting = new IndexedMinHeap(1024);
  const runningByLatestDeadline = new IndexedMinHeap(1024);
  const runningByFinish = new IndexedMinHeap(1024);
  const meter = new CoreTimeMeter(1);

  function start(slot: number, now: number): void {
    jobs.runStart[slot] = now;
    if (Number.isNaN(jobs.firstStart[slot]!)) jobs.firstStart[slot] = now;
    runningByLatestDeadline.set(slot, -jobs.key[slot]!);
    runningByFinish.set(slot, now + jobs.remaining[slot]!);
  }

  function preempt(slot: number, now: number): void {
    const left = jobs.remaining[slot]! - (now - jobs.runStart[slot]!);
    jobs.remaining[slot] = left > 0 ? left : 0;
    jobs.runStart[slot] = Number.NaN;
    jobs.preemptions[slot]!++;
    runningByLatestDeadline.delete(slot);
    runningByFinish.delete(slot);
    waiting.set(slot, jobs.key[slot]!);
  }

  function reschedule(): void {
    if (runningByFinish.size === 0) events.delete(0);
    else events.set(0, runningByFinish.peekKey());
  }

  return {
    entities: 1,
    arrive(slot, now) {
      const inv = jobs.invocation[slot]!;
      const deadline = edfDeadline(now, inv.workMs, prices[jobs.cls[slot]!]!, maxPrice);
      jobs.key[slot] = deadline;
      jobs.machine[slot] = 0;
      jobs.placedAt[slot] = now;
      meter.advance(0, now, runningByFinish.size);
      if (runningByFinish.size < cores) {
        start(slot, now);
      } else if (edfPreempts(deadline, -runningByLatestDeadline.peekKey())) {
        preempt(runningByLatestDeadline.peekId(), now);
        start(slot, now);
      } else {
        waiting.set(slot, deadline);
        return;
      }
      reschedule();
    },
    wake(_entity, now) {
      meter.advance(0, now, runningByFinish.size);
      const slot = runningByFinish.pop();
      runningByLatestDeadline.delete(slot);
      jobs.remaining[slot] = 0;
      ctx.complete(slot, now);
      if (waiting.size > 0) start(waiting.pop(), now);
      reschedule();
    },
    sample(now, emit: (s: MachineSample) => void) {
      const running = runningByFinish.size;
      emit({
        tMs: now,
        machine: 0,
        running,
        queued: waiting.size,
        utilization: meter.utilizationSinceSample(0, now, running, cores),
      });
      meter.sampled(now);
    },
    busyCoreMs(now) {
      return meter.busyUntil(0, now, runningByFinish.size);
    },
  };
}
