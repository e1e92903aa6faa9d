import type { MachineSample } from "../../backend.ts";
import { PreemptivePriorityMachine, runsOnFreeCore } from "../../scheduling/preemptive-priority-machine.ts";
import { CoreTimeMeter } from "./core-time-meter.ts";
import type { SimContext } from "./sim-model.ts";

/**
 * Machines that run functions first come first served on their cores, without preemption or
 * classes: the machine side of the late-binding baselines (OpenWhisk invokers, Knative pods).
 * A one-class PreemptivePriorityMachine is exactly that. Entity m is machine m's next completion.
 */
export class FifoMachines {
  readonly machines: PreemptivePriorityMachine[];
  private readonly nextDone: Int32Array;
  private readonly meter: CoreTimeMeter;

  constructor(
    private readonly ctx: SimContext,
    readonly count: number,
    readonly cores: number,
  ) {
    this.machines = Array.from({ length: count }, () => new PreemptivePriorityMachine(cores, 1));
    this.nextDone = new Int32Array(count).fill(-1);
    this.meter = new CoreTimeMeter(count);
  }

  functions(m: number): number {
    return this.machines[m]!.functions;
  }

  /** Puts the function on machine m: it runs on a free core or waits in the machine's queue. */
  assign(slot: number, m: number, now: number): void {
    const jobs = this.ctx.jobs;
    const machine = this.machines[m]!;
    jobs.machine[slot] = m;
    jobs.placedAt[slot] = now;
    this.meter.advance(m, now, machine.running);
    if (machine.admit(slot, 0) === runsOnFreeCore) {
      this.start(slot, now);
      this.reschedule(m);
    }
  }

  /** Machine m's next completion is due: finishes it, starts the next in line; returns the finished slot. */
  complete(m: number, now: number): void {
    const jobs = this.ctx.jobs;
    const machine = this.machines[m]!;
    const slot = this.nextDone[m]!;
    this.meter.advance(m, now, machine.running);
    jobs.remaining[slot] = 0;
    const next = machine.release(slot, 0);
    this.ctx.complete(slot, now);
    if (next >= 0) this.start(next, now);
    this.reschedule(m);
  }

  sample(now: number, emit: (s: MachineSample) => void): void {
    for (let m = 0; m < this.count; m++) {
      const machine = this.machines[m]!;
      emit({
        tMs: now,
        machine: m,
        running: machine.running,
        queued: machine.functions - machine.running,
        utilization: this.meter.utilizationSinceSample(m, now, machine.running, this.cores),
      });
    }
    this.meter.sampled(now);
  }

  busyCoreMs(now: number): number {
    let total = 0;
    for (let m = 0; m < this.count; m++) total += this.meter.busyUntil(m, now, this.machines[m]!.running);
    return total;
  }

  private start(slot: number, now: number): void {
    const jobs = this.ctx.jobs;
    jobs.runStart[slot] = now;
    jobs.firstStart[slot] = now;
  }

  private reschedule(m: number): void {
    const jobs = this.ctx.jobs;
    const machine = this.machines[m]!;
    let best = -1;
    let bestT = Number.POSITIVE_INFINITY;
    for (let i = 0; i < machine.running; i++) {
      const slot = machine.functionAt(0, i);
      const t = jobs.runStart[slot]! + jobs.remaining[slot]!;
      if (t < bestT || (t === bestT && slot < best)) {
        bestT = t;
        best = slot;
      }
    }
    this.nextDone[m] = best;
    if (best < 0) this.ctx.events.delete(m);
    else this.ctx.events.set(m, bestT);
  }
}
