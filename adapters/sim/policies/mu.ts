import type { MachineSample } from "../../backend.ts";
import { lambdaBilledMs, lambdaInstanceMicroCents, proRataShares } from "../../scheduling/mu/lambda-instance-bill.ts";
import { lambdaSize } from "../../scheduling/mu/lambda-size-table.ts";
import { MuCoordinator } from "../../scheduling/mu/mu-coordinator.ts";
import { paperAdmission, taskSlots, withinTakingWindow, type AdmissionLimits } from "../../scheduling/mu/mu-worker-admission.ts";
import { workersToSpawn } from "../../scheduling/mu/mu-worker-spawner.ts";
import { CoreTimeMeter } from "../engine/core-time-meter.ts";
import { IndexedMinHeap } from "../engine/indexed-min-heap.ts";
import { LambdaSandboxes } from "../engine/lambda-sandboxes.ts";
import type { SimContext, SimModel } from "../engine/sim-model.ts";
import type { SimConfig } from "../sim-config.ts";

/**
 * μ's timing where seed 004 gives no number: workers poll "periodically" (§3.3) — every 20 ms
 * here, and again at once after a poll that brought a task; a lease lasts 1 s, fifty polls, so
 * only a worker that stopped polling (died) loses its tasks. A task whose third run is cut off too is
 * given up (`timeout`), as Lambda gives up an asynchronous invocation after two retries.
 */
export const muTiming = { pollMs: 20, leaseMs: 1000, maxAttempts: 3 } as const;

interface TaskRun {
  readonly slot: number;
  readonly ms: number;
}

/** A task's account while its row waits for the bills of the workers it ran on. */
interface TaskAccount {
  costMicroCents: number;
  cpuMs: number;
  /** Runs recorded on ended workers whose bills are not shared out yet. */
  unsettledRuns: number;
  /** Set once the task completed (ok) or was given up (timeout). */
  status?: "ok" | "timeout";
  endMs: number;
}

interface Worker {
  readonly id: number;
  readonly sandbox: number;
  readonly initMs: number;
  readonly handlerStartMs: number;
  readonly killAtMs: number;
  started: boolean;
  nextPollMs: number;
  memMb: number;
  /** Task id → its slot and run. */
  readonly running: Map<number, { readonly slot: number; readonly startMs: number; readonly endMs: number }>;
  readonly runs: TaskRun[];
}

/** One ended worker's bill and the task runs it held, waiting to be shared out. */
interface Batch {
  readonly billMicroCents: number;
  readonly runs: readonly TaskRun[];
}

/** Why sim:mu cannot run at this configuration, or undefined when it can. */
export function muConfigProblem(config: Pick<SimConfig, "memoryMb">): string | undefined {
  const size = lambdaSize(config.memoryMb);
  if (taskSlots(size.vcpus) >= 1) return undefined;
  return `sim:mu needs at least 2 vCPUs (--memory-mb 1770 or more): at ${config.memoryMb} MB a worker has ${size.vcpus}, all kept for monitoring`;
}

/**
 * μ (seed 004): a coordinator keeps tasks in a request pool; worker instances (Lambda invocations
 * of `memoryMb`) poll it and take a task when Algorithm 1 says so — under the CPU and memory
 * thresholds, fewer tasks than vCPUs − 1 (one vCPU monitors and talks to the coordinator), within
 * 80 % of the timeout — and shut down on a poll that finds them idle and nothing to take. Workers
 * are spawned, under the concurrency cap, for pooled tasks the live workers cannot take (the
 * paper's static spawning). A worker cut off by the timeout loses its running tasks; their leases
 * run out and the coordinator hands them out again, so each completes exactly once.
 *
 * Billing: Lambda bills each WORKER (init + duration, rounded up to a ms, × the size's price per
 * ms, + the request fee). A task's row carries its share of the bills of the workers it ran on,
 * pro rata to the ms it ran there; a worker that ran no task passes its bill on to the next
 * worker's tasks. Rows are emitted when their shares are known, so the rows add up to the
 * workers' bills. The decisions are the clock-free modules in adapters/scheduling/mu/; this file
 * only wires them to virtual time. Entity 0 is the next worker event, entity 1 the next lease check.
 */
export function createMuModel(ctx: SimContext, config: SimConfig): SimModel {
  const size = lambdaSize(config.memoryMb);
  const slotsPerWorker = taskSlots(size.vcpus);
  const problem = muConfigProblem(config);
  if (problem !== undefined) throw new Error(problem);
  const limits: AdmissionLimits = { timeoutMs: config.timeoutMs, ...paperAdmission };
  const coordinator = new MuCoordinator({ limits, leaseMs: muTiming.leaseMs, maxAttempts: muTiming.maxAttempts });
  const sandboxes = new LambdaSandboxes(config.keepAliveMs);
  const jobs = ctx.jobs;
  const workers = new Map<number, Worker>();
  const workerEvents = new IndexedMinHeap(64);
  const leaseChecks: number[] = [];
  const slotOfTask = new Map<number, number>();
  const accounts = new Map<number, TaskAccount>();
  const meter = new CoreTimeMeter(1);
  let runningTasks = 0;
  let nextWorkerId = 0;
  let held: Batch | null = null;
  let carryMicroCents = 0;
  const counters = {
    instanceInvocations: 0,
    idleWorkers: 0,
    workersTimedOut: 0,
    tasksCutByTimeout: 0,
    tasksGivenUp: 0,
    peakTasksOnAWorker: 0,
    /** Latest task start seen, as a share of the timeout since its worker's handler started. */
    latestTaskStartShare: 0,
    /** Σ over workers of their billed ms (init + duration, each rounded up to a ms). */
    billedMs: 0,
    billedMicroCents: 0,
  };

  function nextEvent(w: Worker): number {
    if (!w.started) return w.handlerStartMs;
    let t = Math.min(w.nextPollMs, w.killAtMs);
    for (const r of w.running.values()) if (r.endMs < t) t = r.endMs;
    return t;
  }

  function spawn(now: number): void {
    let freeSlots = 0;
    for (const w of workers.values()) if (withinTakingWindow(now, w.handlerStartMs, limits)) freeSlots += slotsPerWorker - w.running.size;
    const n = workersToSpawn({ pooledTasks: coordinator.pooledTasks, freeSlots, workers: workers.size, concurrencyCap: config.concurrencyCap, slotsPerWorker });
    for (let i = 0; i < n; i++) {
      const sandbox = sandboxes.acquire(now);
      const initMs = sandbox.cold ? config.coldStartMs : 0;
      const w: Worker = {
        id: nextWorkerId++,
        sandbox: sandbox.id,
        initMs,
        handlerStartMs: now + initMs,
        killAtMs: now + initMs + config.timeoutMs,
        started: false,
        nextPollMs: now + initMs,
        memMb: 0,
        running: new Map(),
        runs: [],
      };
      counters.instanceInvocations++;
      workers.set(w.id, w);
      workerEvents.set(w.id, w.handlerStartMs);
    }
  }

  function poll(w: Worker, now: number): void {
    for (;;) {
      const report = { cpuShare: w.running.size / size.vcpus, memShare: w.memMb / config.memoryMb, runningTasks: w.running.size };
      const answer = coordinator.poll(w.id, now, report, [...w.running.keys()]);
      if (answer.kind === "assign") {
        startTask(w, answer.task, now);
        continue;
      }
      if (answer.kind === "shutdown") {
        endWorker(w, now, false);
        return;
      }
      w.nextPollMs = now + muTiming.pollMs;
      // Past its taking window, this worker's free slots no longer count: others may be needed.
      if (coordinator.pooledTasks > 0) spawn(now);
      return;
    }
  }

  function startTask(w: Worker, task: number, now: number): void {
    const slot = slotOfTask.get(task)!;
    const inv = jobs.invocation[slot]!;
    if (Number.isNaN(jobs.firstStart[slot]!)) {
      jobs.firstStart[slot] = now;
      accounts.set(slot, { costMicroCents: 0, cpuMs: 0, unsettledRuns: 0, endMs: Number.NaN });
    }
    jobs.placedAt[slot] = now;
    jobs.runStart[slot] = now;
    jobs.machine[slot] = w.id;
    meter.advance(0, now, runningTasks);
    runningTasks++;
    w.running.set(task, { slot, startMs: now, endMs: now + inv.workMs });
    w.memMb += inv.memPeakMb;
    counters.peakTasksOnAWorker = Math.max(counters.peakTasksOnAWorker, w.running.size);
    counters.latestTaskStartShare = Math.max(counters.latestTaskStartShare, (now - w.handlerStartMs) / config.timeoutMs);
  }

  function stopTask(w: Worker, task: number, now: number, completed: boolean): void {
    const run = w.running.get(task)!;
    w.running.delete(task);
    meter.advance(0, now, runningTasks);
    runningTasks--;
    w.memMb -= jobs.invocation[run.slot]!.memPeakMb;
    const ms = now - run.startMs;
    const account = accounts.get(run.slot)!;
    account.cpuMs += ms;
    account.unsettledRuns++;
    if (completed) {
      // Only a worker that died loses a lease, and a dead worker completes nothing: the first
      // completion is the only one, so a refusal here is a bug in the model.
      if (!coordinator.complete(w.id, task)) throw new Error(`sim:mu: task ${task} completed twice`);
      account.status = "ok";
      account.endMs = now;
      slotOfTask.delete(task);
    } else counters.tasksCutByTimeout++;
    w.runs.push({ slot: run.slot, ms });
  }

  /** Emits a task's row once it ended and every worker it ran on has shared out its bill. */
  function emitIfSettled(slot: number): void {
    const account = accounts.get(slot)!;
    if (account.status === undefined || account.unsettledRuns > 0) return;
    accounts.delete(slot);
    jobs.remaining[slot] = 0;
    ctx.endBilled(slot, account.endMs, account.status, account.cpuMs, account.costMicroCents);
  }

  function endWorker(w: Worker, now: number, timedOut: boolean): void {
    workers.delete(w.id);
    workerEvents.delete(w.id);
    const billedMs = lambdaBilledMs(w.initMs, now - w.handlerStartMs);
    const bill = lambdaInstanceMicroCents(size, billedMs);
    counters.billedMs += billedMs;
    counters.billedMicroCents += bill;
    // A sandbox cut off by the timeout is torn down; one that returned is kept warm.
    if (!timedOut) sandboxes.release(w.sandbox, now);
    settle({ billMicroCents: bill, runs: w.runs });
    spawn(now);
  }

  /** Shares ended workers' bills out to their tasks' rows, keeping the latest batch back for a later idle worker's bill. */
  function settle(batch: Batch): void {
    if (batch.runs.length === 0) {
      counters.idleWorkers++;
      carryMicroCents += batch.billMicroCents;
    } else {
      if (held !== null) {
        flush(held, carryMicroCents);
        carryMicroCents = 0;
      }
      held = batch;
    }
    flushIfQuiescent();
  }

  /** With no worker alive and no task pooled or leased, no later bill can come: share out the last. */
  function flushIfQuiescent(): void {
    if (workers.size > 0 || coordinator.pooledTasks > 0 || coordinator.leasedTasks > 0) return;
    if (held === null) {
      if (carryMicroCents > 0) throw new Error("sim:mu: an idle worker's bill has no task to go to");
      return;
    }
    flush(held, carryMicroCents);
    carryMicroCents = 0;
    held = null;
  }

  function flush(batch: Batch, extraMicroCents: number): void {
    const shares = proRataShares(batch.billMicroCents + extraMicroCents, batch.runs.map((r) => r.ms));
    batch.runs.forEach((run, i) => {
      const account = accounts.get(run.slot)!;
      account.costMicroCents += shares[i]!;
      account.unsettledRuns--;
    });
    for (const run of batch.runs) if (accounts.has(run.slot)) emitIfSettled(run.slot);
  }

  function step(w: Worker, now: number): void {
    if (!w.started) {
      w.started = true;
      coordinator.register(w.id, now, size.vcpus);
      poll(w, now);
    } else {
      const done = [...w.running].filter(([, r]) => r.endMs <= now).map(([task]) => task);
      for (const task of done) stopTask(w, task, now, true);
      if (now >= w.killAtMs) {
        counters.workersTimedOut++;
        for (const task of [...w.running.keys()]) stopTask(w, task, now, false);
        leaseChecks.push(now + muTiming.leaseMs);
        ctx.events.set(1, leaseChecks[0]!);
        endWorker(w, now, true);
        return;
      }
      if (now >= w.nextPollMs) poll(w, now);
    }
    if (workers.has(w.id)) workerEvents.set(w.id, nextEvent(w));
  }

  function reschedule(): void {
    if (workerEvents.size === 0) ctx.events.delete(0);
    else ctx.events.set(0, workerEvents.peekKey());
  }

  return {
    entities: 2,
    arrive(slot, now) {
      const task = jobs.invocation[slot]!.id;
      slotOfTask.set(task, slot);
      coordinator.submit(task);
      spawn(now);
      reschedule();
    },
    wake(entity, now) {
      if (entity === 0) step(workers.get(workerEvents.peekId())!, now);
      else {
        while (leaseChecks.length > 0 && leaseChecks[0]! <= now) leaseChecks.shift();
        const { abandoned } = coordinator.expireLeases(now);
        for (const task of abandoned) {
          const slot = slotOfTask.get(task)!;
          slotOfTask.delete(task);
          const account = accounts.get(slot)!;
          account.status = "timeout";
          account.endMs = now;
          counters.tasksGivenUp++;
          emitIfSettled(slot);
        }
        spawn(now);
        flushIfQuiescent();
        if (leaseChecks.length > 0) ctx.events.set(1, leaseChecks[0]!);
      }
      reschedule();
    },
    sample(now, emit: (s: MachineSample) => void) {
      emit({
        tMs: now,
        machine: 0,
        running: runningTasks,
        queued: coordinator.pooledTasks,
        utilization: meter.utilizationSinceSample(0, now, runningTasks, config.concurrencyCap * slotsPerWorker),
      });
      meter.sampled(now);
    },
    busyCoreMs: (now) => meter.busyUntil(0, now, runningTasks),
    counters: () => ({ ...counters, coldStarts: sandboxes.coldStarts, reassignments: coordinator.reassignments }),
  };
}
