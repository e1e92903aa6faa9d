import type { ClassSample, MachineSample } from "../../backend.ts";
import { SeededRandom } from "../../../traces/seeded-random.ts";
import { throttled, XxAdmission } from "../../scheduling/xx-admission.ts";
import { XxDispatcher } from "../../scheduling/xx-dispatcher.ts";
import { runsOnFreeCore, waits, XxMachine } from "../../scheduling/xx-machine.ts";
import { XxShard } from "../../scheduling/xx-shard.ts";
import { CoreTimeMeter } from "../engine/core-time-meter.ts";
import type { SimContext, SimModel } from "../engine/sim-model.ts";
import type { SimConfig } from "../sim-config.ts";

/**
 * XX (seed 000 §3.2) in virtual time. The decisions are adapters/scheduling/'s, the same the live
 * plane runs: XxAdmission (class, budget), XxShard (pick rule, placement), XxMachine (preemptive
 * priority, swap state) and XxDispatcher (swapping, kills, idle-list entry). This file owns what
 * the live plane gets from the real world instead: the clock, how long things take, and how
 * memory grows.
 *
 * Arrival → a uniformly chosen shard. A shard is a single server that spends `shardCostMs` per
 * placement: when free, it takes the next function by its pick rule and places it `shardCostMs`
 * later, choosing the machine from machine state at that moment; meanwhile arrivals queue, so
 * under a burst the pick rule decides who goes first. A function's `placedAt` is when its shard
 * finished placing it. A function's memory grows with its CPU progress; each machine's
 * dispatcher is consulted whenever the machine changes and again when growth would fill RAM
 * (or swap), and its idle-list reports reach the shard at once.
 *
 * Entities: machine m's next completion is m, its next memory check M + m, shard s is 2M + s.
 */
export function createXxModel(ctx: SimContext, config: SimConfig, prices: readonly number[]): SimModel {
  const { machines: M, shards: S, cores } = config;
  const classes = prices.length;
  const jobs = ctx.jobs;
  const events = ctx.events;
  const memoryOn = config.ramMb !== null;
  const ram = config.ramMb ?? Number.POSITIVE_INFINITY;
  const shardRng = SeededRandom.forPurpose(config.seed, "shard");
  const placementRng = SeededRandom.forPurpose(config.seed, "placement");
  const dispatcherRng = SeededRandom.forPurpose(config.seed, "dispatcher");
  // validateSimConfig refuses an idle list without RAM: every machine would stay listed forever.
  const idleList = config.idleList && memoryOn;
  const shards = Array.from({ length: S }, () => new XxShard(prices, { machines: M, k: config.k, strict: config.strict, idleList }));
  const shardBusy = new Uint8Array(S);
  const inService = new Int32Array(S);
  const machines = Array.from({ length: M }, () => new XxMachine(cores, classes, jobs));
  const dispatchers = machines.map(
    (machine, m) =>
      new XxDispatcher(machine, {
        machine: m,
        ramMb: ram,
        swapMb: config.swapMb,
        idleList: idleList ? { shards: S, k: config.k, thresholdMb: config.idleFreeShare * ram, stepMb: config.idleStepShare * ram } : null,
      }),
  );
  const listSize = (s: number): number => shards[s]!.idleList!.size;
  /** Functions per machine, as the shards' power-of-k reads them. */
  const load = new Int32Array(M);
  const nextDone = new Int32Array(M).fill(-1);
  const nextDoneAt = new Float64Array(M).fill(Number.POSITIVE_INFINITY);
  const meter = new CoreTimeMeter(M);
  // Swap activity per machine × class since the last sample.
  const swapOutCount = new Int32Array(M * classes);
  const swapInCount = new Int32Array(M * classes);
  const killCount = new Int32Array(M * classes);
  const victims: number[] = [];
  const admission = new XxAdmission(config.budgetsUsd);
  const complete = (slot: number, now: number): void => {
    const tenant = jobs.invocation[slot]!.tenant;
    admission.charge(tenant, ctx.complete(slot, now));
  };

  function start(slot: number, m: number, now: number): void {
    let delay = 0;
    if (machines[m]!.start(slot)) {
      // Swapped back in before it runs; at finite bandwidth the core waits for the pages.
      swapInCount[m * classes + jobs.cls[slot]!]!++;
      if (config.swapMbPerMs > 0) delay = jobs.mem[slot]! / config.swapMbPerMs;
    }
    jobs.runStart[slot] = now + delay;
    if (Number.isNaN(jobs.firstStart[slot]!)) jobs.firstStart[slot] = now + delay;
  }

  /** Stops a preempted function: what it ran and grew until now is kept, and it waits again. */
  function preempt(slot: number, m: number, now: number): void {
    const progressed = Math.max(0, now - jobs.runStart[slot]!);
    const left = jobs.remaining[slot]! - progressed;
    jobs.remaining[slot] = left > 0 ? left : 0;
    jobs.mem[slot]! += jobs.memSlope[slot]! * progressed;
    jobs.runStart[slot] = Number.NaN;
    jobs.preemptions[slot]!++;
    machines[m]!.preempted(slot);
  }

  function reschedule(m: number): void {
    const machine = machines[m]!.scheduler;
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
    const scheduler = machine.scheduler;
    let resident = machine.waitingMb;
    growthMbPerMs = 0;
    nextGrowthStart = Number.POSITIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      const r = scheduler.runningInClass(c);
      for (let i = 0; i < r; i++) {
        const slot = scheduler.functionAt(c, i);
        resident += jobs.memoryAt(slot, now, true);
        if (jobs.runStart[slot]! <= now) growthMbPerMs += jobs.memSlope[slot]!;
        else if (jobs.runStart[slot]! < nextGrowthStart) nextGrowthStart = jobs.runStart[slot]!;
      }
    }
    return resident;
  }

  function swapOut(slot: number, m: number): void {
    const mb = machines[m]!.swapOut(slot);
    jobs.swappedOutMb[slot]! += mb;
    jobs.swapOuts[slot]!++;
    swapOutCount[m * classes + jobs.cls[slot]!]!++;
  }

  function kill(slot: number, m: number, now: number): void {
    const machine = machines[m]!;
    killCount[m * classes + jobs.cls[slot]!]!++;
    load[m]!--;
    const tenant = jobs.invocation[slot]!.tenant;
    if (machine.isRunning(slot)) {
      meter.advance(m, now, machine.running);
      const next = machine.kill(slot);
      admission.charge(tenant, ctx.kill(slot, now));
      if (next >= 0) start(next, m, now);
      reschedule(m);
      return;
    }
    machine.kill(slot);
    admission.charge(tenant, ctx.kill(slot, now));
  }

  /** The dispatcher's memory duty at `now`, then the next moment growth would need it again. */
  function checkMemory(m: number, now: number): void {
    const dispatcher = dispatchers[m]!;
    let resident = residentMb(m, now);
    victims.length = 0;
    dispatcher.chooseSwapOuts(resident, victims);
    if (victims.length > 0) {
      for (const v of victims) swapOut(v, m);
      resident = residentMb(m, now);
    }
    while (dispatcher.mustKill(resident)) {
      kill(dispatcher.chooseKill(), m, now);
      resident = residentMb(m, now);
    }
    let next = nextGrowthStart;
    if (growthMbPerMs > 0) next = Math.min(next, now + dispatcher.roomMb(resident) / growthMbPerMs);
    if (next === Number.POSITIVE_INFINITY) events.delete(M + m);
    else events.set(M + m, next);
    const report = dispatcher.observeIdle(resident, listSize, dispatcherRng);
    if (report) shards[report.shard]!.receive(report);
  }

  function machineChanged(m: number, now: number): void {
    reschedule(m);
    afterChange(m, now);
  }

  function afterChange(m: number, now: number): void {
    if (memoryOn) checkMemory(m, now);
  }

  function place(slot: number, m: number, now: number): void {
    const machine = machines[m]!;
    jobs.machine[slot] = m;
    jobs.placedAt[slot] = now;
    load[m]!++;
    meter.advance(m, now, machine.running);
    const decision = machine.admit(slot);
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
    const shard = shards[s]!;
    if (config.shardCostMs === 0) {
      for (let p = shard.placeNext(now, load, placementRng); p !== null; p = shard.placeNext(now, load, placementRng)) place(p.fn, p.machine, now);
      return;
    }
    const slot = shard.takeNext(now);
    if (slot < 0) return;
    shardBusy[s] = 1;
    inService[s] = slot;
    events.set(2 * M + s, now + config.shardCostMs);
  }

  function sampleMemory(m: number, now: number, emitClass: (s: ClassSample) => void): { used: number; swap: number } {
    const machine = machines[m]!;
    const scheduler = machine.scheduler;
    for (let c = 0; c < classes; c++) {
      const r = scheduler.runningInClass(c);
      const n = scheduler.functionsInClass(c);
      let running = 0;
      let waitingClass = 0;
      let swappedClass = 0;
      for (let i = 0; i < n; i++) {
        const slot = scheduler.functionAt(c, i);
        if (i < r) running += jobs.memoryAt(slot, now, true);
        else if (jobs.swapped[slot] === 1) swappedClass += jobs.mem[slot]!;
        else waitingClass += jobs.mem[slot]!;
      }
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
    machine.recountMemory();
    const resident = residentMb(m, now);
    return { used: Math.min(resident, ram), swap: machine.swappedMb + Math.max(0, resident - ram) };
  }

  // Every dispatcher starts on an empty machine, so each lists itself before the first arrival.
  for (const dispatcher of dispatchers) {
    const report = dispatcher.observeIdle(0, listSize, dispatcherRng);
    if (report) shards[report.shard]!.receive(report);
  }

  return {
    entities: 2 * M + S,
    arrive(slot, now) {
      const inv = jobs.invocation[slot]!;
      const cls = admission.classFor(inv.id, inv.priceClass, inv.parentId, inv.tenant, now);
      if (cls === throttled) {
        ctx.reject(slot, now);
        return;
      }
      jobs.cls[slot] = cls;
      const s = S === 1 ? 0 : shardRng.int(S);
      shards[s]!.enqueue(slot, cls, now);
      if (shardBusy[s] === 0) serveShard(s, now);
    },
    wake(entity, now) {
      if (entity >= 2 * M) {
        const s = entity - 2 * M;
        shardBusy[s] = 0;
        place(inService[s]!, shards[s]!.chooseMachine(load, placementRng), now);
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
      const next = machine.finish(slot);
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
