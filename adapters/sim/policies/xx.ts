import type { ClassSample, MachineSample } from "../../backend.ts";
import { SeededRandom } from "../../../traces/seeded-random.ts";
import { BudgetGovernor } from "../../scheduling/budget-governor.ts";
import { ClassInheritance } from "../../scheduling/class-inheritance.ts";
import { IdleLists } from "../../scheduling/idle-lists.ts";
import { PowerOfKPlacer } from "../../scheduling/power-of-k-placer.ts";
import { PreemptivePriorityMachine, runsOnFreeCore, waits } from "../../scheduling/preemptive-priority-machine.ts";
import { chooseKillVictim, chooseSwapVictims, type SwapView } from "../../scheduling/price-class-swapper.ts";
import { PriceWaitMultiQueue } from "../../scheduling/price-wait-multi-queue.ts";
import { CoreTimeMeter } from "../engine/core-time-meter.ts";
import type { SimContext, SimModel } from "../engine/sim-model.ts";
import type { SimConfig } from "../sim-config.ts";

/** Below this many MB, headroom counts as none: keeps float noise from scheduling events at `now`. */
const epsilonMb = 1e-6;

/**
 * XX (seed 000 §3.2): arrival → a uniformly chosen shard. A shard is a single server that spends
 * `shardCostMs` per placement: when free, its multi-queue picks the next function (price × time
 * waited) and the shard places it `shardCostMs` later, reading machine state at that moment;
 * meanwhile arrivals queue in the multi-queue, so under a burst the pick rule decides who goes
 * first. A function's `placedAt` is when its shard finished placing it. Placement goes to the
 * shard's idle list (fewest recorded functions) if enabled and non-empty, else power-of-k least
 * loaded; each machine runs preemptive priority, FIFO within class (early binding: a placed
 * function never moves). With finite RAM each machine's dispatcher tracks memory that grows with
 * CPU progress, swaps out waiting functions of the lowest classes under pressure, swaps them in
 * when they run, and kills only when swap is full; it also keeps the machine's idle-list entry,
 * rewriting it only on a step-sized change of free memory (IdleLists).
 *
 * Entities: machine m's next completion is m, its next memory event M + m, shard s is 2M + s.
 */
export function createXxModel(ctx: SimContext, config: SimConfig, prices: readonly number[]): SimModel {
  const { machines: M, shards: S, cores } = config;
  const classes = prices.length;
  const jobs = ctx.jobs;
  const events = ctx.events;
  const memoryOn = config.ramMb !== null;
  const ram = config.ramMb ?? Number.POSITIVE_INFINITY;
  const swapCap = config.swapMb;
  const shardRng = SeededRandom.forPurpose(config.seed, "shard");
  const placementRng = SeededRandom.forPurpose(config.seed, "placement");
  const dispatcherRng = SeededRandom.forPurpose(config.seed, "dispatcher");
  const placer = new PowerOfKPlacer(M, config.k);
  const queues = Array.from({ length: S }, () => new PriceWaitMultiQueue(prices, config.strict));
  const shardBusy = new Uint8Array(S);
  const inService = new Int32Array(S);
  const machines = Array.from({ length: M }, () => new PreemptivePriorityMachine(cores, classes));
  const load = new Int32Array(M);
  const nextDone = new Int32Array(M).fill(-1);
  const nextDoneAt = new Float64Array(M).fill(Number.POSITIVE_INFINITY);
  const meter = new CoreTimeMeter(M);
  // validateSimConfig refuses an idle list without RAM: every machine would stay listed forever.
  const idle = config.idleList && memoryOn ? new IdleLists(S, M, config.k) : null;
  const idleThresholdMb = memoryOn ? config.idleFreeShare * ram : 0;
  const idleStepMb = memoryOn ? config.idleStepShare * ram : 0;
  /** Memory of the functions on machine m that are neither running nor swapped out. */
  const waitingMb = new Float64Array(M);
  const swappedMb = new Float64Array(M);
  // Swap activity per machine × class since the last sample.
  const swapOutCount = new Int32Array(M * classes);
  const swapInCount = new Int32Array(M * classes);
  const killCount = new Int32Array(M * classes);
  const victims: number[] = [];
  const inheritance = new ClassInheritance();
  const governor = Object.keys(config.budgetsUsd).length > 0 ? new BudgetGovernor(config.budgetsUsd) : null;
  const complete = (slot: number, now: number): void => {
    const tenant = jobs.invocation[slot]!.tenant;
    const cost = ctx.complete(slot, now);
    governor?.charge(tenant, cost);
  };
  const swapView: SwapView = {
    isSwapped: (slot) => jobs.swapped[slot] === 1,
    memoryMb: (slot) => jobs.mem[slot]!,
  };

  function start(slot: number, m: number, now: number): void {
    let delay = 0;
    if (memoryOn) {
      if (jobs.swapped[slot] === 1) {
        // Swapped back in before it runs; at finite bandwidth the core waits for the pages.
        jobs.swapped[slot] = 0;
        swappedMb[m]! -= jobs.mem[slot]!;
        swapInCount[m * classes + jobs.cls[slot]!]!++;
        if (config.swapMbPerMs > 0) delay = jobs.mem[slot]! / config.swapMbPerMs;
      } else {
        waitingMb[m]! -= jobs.mem[slot]!;
      }
    }
    jobs.runStart[slot] = now + delay;
    if (Number.isNaN(jobs.firstStart[slot]!)) jobs.firstStart[slot] = now + delay;
  }

  function preempt(slot: number, m: number, now: number): void {
    const progressed = Math.max(0, now - jobs.runStart[slot]!);
    const left = jobs.remaining[slot]! - progressed;
    jobs.remaining[slot] = left > 0 ? left : 0;
    jobs.mem[slot]! += jobs.memSlope[slot]! * progressed;
    jobs.runStart[slot] = Number.NaN;
    jobs.preemptions[slot]!++;
    if (memoryOn) waitingMb[m]! += jobs.mem[slot]!;
  }

  function reschedule(m: number): void {
    const machine = machines[m]!;
    let best = -1;
    let bestT = Number.POSITIVE_INFINITY;
    for (let c = classes - 1; c >= 0; c--) {
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
    nextDoneAt[m] = bestT;
    if (best < 0) events.delete(m);
    else events.set(m, bestT);
  }

  /** A function started on machine m and nothing left its cores: only it can finish sooner. */
  function considerStarted(m: number, slot: number): void {
    const t = jobs.runStart[slot]! + jobs.remaining[slot]!;
    if (t < nextDoneAt[m]! || (t === nextDoneAt[m]! && slot < nextDone[m]!)) {
      nextDone[m] = slot;
      nextDoneAt[m] = t;
      events.set(m, t);
    }
  }

  /** RAM the machine's functions occupy at `now`, and (as a side value) how fast it grows. */
  let growthMbPerMs = 0;
  let nextGrowthStart = Number.POSITIVE_INFINITY;
  function residentMb(m: number, now: number): number {
    const machine = machines[m]!;
    let resident = waitingMb[m]!;
    growthMbPerMs = 0;
    nextGrowthStart = Number.POSITIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      const r = machine.runningInClass(c);
      for (let i = 0; i < r; i++) {
        const slot = machine.functionAt(c, i);
        resident += jobs.memoryAt(slot, now, true);
        if (jobs.runStart[slot]! <= now) growthMbPerMs += jobs.memSlope[slot]!;
        else if (jobs.runStart[slot]! < nextGrowthStart) nextGrowthStart = jobs.runStart[slot]!;
      }
    }
    return resident;
  }

  function swapOut(slot: number, m: number): void {
    const mb = jobs.mem[slot]!;
    jobs.swapped[slot] = 1;
    jobs.swappedOutMb[slot]! += mb;
    jobs.swapOuts[slot]!++;
    waitingMb[m]! -= mb;
    swappedMb[m]! += mb;
    swapOutCount[m * classes + jobs.cls[slot]!]!++;
  }

  function kill(slot: number, m: number, now: number): void {
    const machine = machines[m]!;
    const cls = jobs.cls[slot]!;
    killCount[m * classes + cls]!++;
    load[m]!--;
    const tenant = jobs.invocation[slot]!.tenant;
    if (machine.isRunning(slot, cls)) {
      meter.advance(m, now, machine.running);
      const next = machine.release(slot, cls);
      const cost = ctx.kill(slot, now);
      governor?.charge(tenant, cost);
      if (next >= 0) start(next, m, now);
      reschedule(m);
      return;
    }
    machine.removeWaiting(slot, cls);
    if (jobs.swapped[slot] === 1) swappedMb[m]! -= jobs.mem[slot]!;
    else waitingMb[m]! -= jobs.mem[slot]!;
    const cost = ctx.kill(slot, now);
    governor?.charge(tenant, cost);
  }

  function mustKill(swapUsedMb: number, residentNowMb: number): boolean {
    if (swapUsedMb > swapCap + epsilonMb) return true;
    return residentNowMb > ram - epsilonMb && swapUsedMb > swapCap - epsilonMb;
  }

  /** The dispatcher's memory duty: relieve pressure, kill if swap is full, plan the next check. */
  function checkMemory(m: number, now: number): void {
    let resident = residentMb(m, now);
    // RAM counts as full within epsilonMb: the crossing moment computed in floating point lands there.
    if (resident > ram - epsilonMb) {
      victims.length = 0;
      chooseSwapVictims(machines[m]!, swapView, resident - (ram - epsilonMb), victims);
      for (const v of victims) swapOut(v, m);
      resident = residentMb(m, now);
    }
    // Running functions alone may overflow RAM; the overflow pages to swap until swap is full.
    // Kill while swap holds more than it can, or while both RAM and swap are full (growth has nowhere to go);
    // a full swap alone with room in RAM (e.g. no swap at all) needs no kill.
    while (machines[m]!.functions > 0 && mustKill(swappedMb[m]! + Math.max(0, resident - ram), resident)) {
      kill(chooseKillVictim(machines[m]!), m, now);
      resident = residentMb(m, now);
    }
    let next = nextGrowthStart;
    if (growthMbPerMs > 0) {
      const headroom = ram - resident;
      const room = headroom > epsilonMb ? headroom : swapCap - swappedMb[m]! - (resident - ram);
      next = Math.min(next, now + room / growthMbPerMs);
    }
    if (next === Number.POSITIVE_INFINITY) events.delete(M + m);
    else events.set(M + m, next);
    if (idle) idle.observe(m, ram - resident, machines[m]!.functions, idleThresholdMb, idleStepMb, dispatcherRng);
  }

  function machineChanged(m: number, now: number): void {
    reschedule(m);
    afterChange(m, now);
  }

  function afterChange(m: number, now: number): void {
    if (memoryOn) checkMemory(m, now);
  }

  function place(slot: number, shard: number, now: number): void {
    let m = idle ? idle.pick(shard) : -1;
    if (m < 0) m = placer.choose(load, placementRng);
    const machine = machines[m]!;
    jobs.machine[slot] = m;
    jobs.placedAt[slot] = now;
    load[m]!++;
    if (memoryOn) waitingMb[m]! += jobs.mem[slot]!;
    meter.advance(m, now, machine.running);
    const decision = machine.admit(slot, jobs.cls[slot]!);
    if (decision === waits) {
      afterChange(m, now);
    } else if (decision === runsOnFreeCore) {
      start(slot, m, now);
      considerStarted(m, slot);
      afterChange(m, now);
    } else {
      preempt(decision, m, now);
      start(slot, m, now);
      machineChanged(m, now);
    }
  }

  function serveShard(s: number, now: number): void {
    const queue = queues[s]!;
    if (config.shardCostMs === 0) {
      while (queue.length > 0) place(queue.pickNext(now), s, now);
      return;
    }
    const slot = queue.pickNext(now);
    if (slot < 0) return;
    shardBusy[s] = 1;
    inService[s] = slot;
    events.set(2 * M + s, now + config.shardCostMs);
  }

  function sampleMemory(m: number, now: number, emitClass: (s: ClassSample) => void): { used: number; swap: number } {
    const machine = machines[m]!;
    // Recompute the waiting memory exactly, so incremental float error never accumulates.
    let waiting = 0;
    let swapped = 0;
    for (let c = 0; c < classes; c++) {
      const r = machine.runningInClass(c);
      const n = machine.functionsInClass(c);
      let running = 0;
      let waitingClass = 0;
      let swappedClass = 0;
      for (let i = 0; i < n; i++) {
        const slot = machine.functionAt(c, i);
        if (i < r) running += jobs.memoryAt(slot, now, true);
        else if (jobs.swapped[slot] === 1) swappedClass += jobs.mem[slot]!;
        else waitingClass += jobs.mem[slot]!;
      }
      waiting += waitingClass;
      swapped += swappedClass;
      const at = m * classes + c;
      emitClass({
        tMs: now,
        machine: m,
        priceClass: c,
        functions: n,
        residentMb: running + waitingClass,
        waitingResidentMb: waitingClass,
        swappedMb: swappedClass,
        swapOuts: swapOutCount[at]!,
        swapIns: swapInCount[at]!,
        kills: killCount[at]!,
      });
      swapOutCount[at] = 0;
      swapInCount[at] = 0;
      killCount[at] = 0;
    }
    waitingMb[m] = waiting;
    swappedMb[m] = swapped;
    const resident = residentMb(m, now);
    return { used: Math.min(resident, ram), swap: swapped + Math.max(0, resident - ram) };
  }

  // Every dispatcher starts on an empty machine, so each lists itself before the first arrival.
  if (idle) for (let m = 0; m < M; m++) idle.observe(m, ram, 0, idleThresholdMb, idleStepMb, dispatcherRng);

  return {
    entities: 2 * M + S,
    arrive(slot, now) {
      const inv = jobs.invocation[slot]!;
      let cls = inheritance.inheritedClass(inv.priceClass, inv.parentId);
      if (governor) {
        const decision = governor.decide(inv.tenant, now);
        if (decision === "reject") {
          inheritance.record(inv.id, cls);
          ctx.reject(slot, now);
          return;
        }
        if (decision === "demote") cls = 0;
      }
      inheritance.record(inv.id, cls);
      jobs.cls[slot] = cls;
      const s = S === 1 ? 0 : shardRng.int(S);
      queues[s]!.push(slot, cls, now);
      if (shardBusy[s] === 0) serveShard(s, now);
    },
    wake(entity, now) {
      if (entity >= 2 * M) {
        const s = entity - 2 * M;
        shardBusy[s] = 0;
        place(inService[s]!, s, now);
        serveShard(s, now);
        return;
      }
      if (entity >= M) {
        checkMemory(entity - M, now);
        return;
      }
      const m = entity;
      const machine = machines[m]!;
      const slot = nextDone[m]!;
      meter.advance(m, now, machine.running);
      jobs.remaining[slot] = 0;
      load[m]!--;
      const next = machine.release(slot, jobs.cls[slot]!);
      complete(slot, now);
      if (next >= 0) start(next, m, now);
      machineChanged(m, now);
    },
    sample(now, emit: (s: MachineSample) => void, emitClass: (s: ClassSample) => void) {
      for (let m = 0; m < M; m++) {
        const machine = machines[m]!;
        const memory = memoryOn ? sampleMemory(m, now, emitClass) : null;
        emit({
          tMs: now,
          machine: m,
          running: machine.running,
          queued: machine.functions - machine.running,
          utilization: meter.utilizationSinceSample(m, now, machine.running, cores),
          ...(memory ? { memUsedMb: memory.used, swapUsedMb: memory.swap } : {}),
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
