import { setTimeout as sleep } from "node:timers/promises";
import { isMainThread, workerData } from "node:worker_threads";
import { paperAdmission } from "../../scheduling/mu/mu-worker-admission.ts";
import { MuCoordinatorClient } from "./mu-coordinator-client.ts";
import { serveTaskThread, TaskStartTooLateError, TaskThreads, taskThreadMarker, wallNow } from "./mu-task-thread.ts";
import type { CompleteRequest, PollReply, PollRequest, RegisterAnswer } from "./mu-wire-messages.ts";

// The bundle is also the task threads' code: started as one (see mu-task-thread.ts), it serves tasks.
if (!isMainThread && (workerData as Record<string, unknown> | null)?.[taskThreadMarker] === true) serveTaskThread();

/** What the driver sends each worker invocation. */
export interface MuWorkerEvent {
  readonly coordinatorUrl: string;
  readonly worker: number;
  /** How often a worker polls while it has nothing new to take, ms (default 20). */
  readonly pollMs?: number;
  /**
   * Fault injection for tests: the process exits (as a crashed runtime does) once this many
   * tasks have started on their threads, mid-task, with nothing completed or handed back.
   */
  readonly crashAfterStarting?: number;
}

/** The parts of Lambda's context object the wrapper reads. */
export interface MuLambdaContext {
  getRemainingTimeInMillis(): number;
  readonly memoryLimitInMB: string | number;
}

export type MuWorkerEnd = "shutdown" | "deadline" | "window-closed" | "coordinator-unreachable";

/** What the worker invocation returns: its own account, which the driver stores next to the coordinator's. */
export interface MuWorkerSummary {
  readonly worker: number;
  readonly vcpus: number;
  readonly slots: number;
  readonly tasksStarted: number;
  readonly tasksCompleted: number;
  /** Assignments it did not run (past 80 % of its timeout by its own clock): left to their leases. */
  readonly tasksDeclined: number;
  readonly peakRunning: number;
  /** Latest task start, ms since the handler started, and as a share of the timeout. */
  readonly latestStartMs: number;
  readonly latestStartShare: number;
  /** Handler time, ms (timeout − remaining at return). */
  readonly elapsedMs: number;
  readonly ended: MuWorkerEnd;
}

const moduleUrl = new URL(import.meta.url);
const coordinatorTries = 3;
const minSpanMs = 50;

/**
 * μ's worker wrapper (seed 004 §3.3) as a Lambda handler: it registers with the coordinator,
 * then loops: report CPU, memory and the tasks it runs; take the task Algorithm 1 hands it and
 * start it on a task thread at once (then poll again); otherwise wait for the next poll or a
 * task's end, and report each completion. It never runs more tasks than vCPUs − 1 (the
 * coordinator's answer, checked again here), starts none past 80 % of its timeout by its own
 * clock (context.getRemainingTimeInMillis), returns when the coordinator says shut down, and
 * returns anyway shortly before the platform would kill it: tasks it leaves are taken back when
 * their leases run out.
 */
export async function handler(event: MuWorkerEvent, context: MuLambdaContext): Promise<MuWorkerSummary> {
  const pollMs = Math.min(1000, Math.max(1, Number(event.pollMs ?? 20)));
  if (typeof event.coordinatorUrl !== "string" || !Number.isInteger(event.worker) || !Number.isFinite(pollMs)) {
    throw new Error(`the event needs coordinatorUrl (a string) and worker (a whole number) (got ${JSON.stringify(event)})`);
  }
  const memoryMb = Number(context.memoryLimitInMB);
  const client = new MuCoordinatorClient(event.coordinatorUrl);
  const registered = await retried(() => client.post<RegisterAnswer>("/register", { worker: event.worker, memoryMb, remainingMs: context.getRemainingTimeInMillis() }));
  const { vcpus, slots, timeoutMs } = registered;
  const elapsed = (): number => Math.max(0, timeoutMs - context.getRemainingTimeInMillis());
  const takingUntilMs = paperAdmission.stopTakingShare * timeoutMs;
  // Return this long before the timeout: a killed instance would lose its answer too.
  const returnMarginMs = Math.min(1000, 0.05 * timeoutMs);
  const threads = new TaskThreads(moduleUrl, slots);
  const running = new Set<number>();
  const finished: CompleteRequest[] = [];
  let wakeUp: () => void = () => undefined;
  const counts = { started: 0, completed: 0, declined: 0, peakRunning: 0, latestStartMs: 0 };
  const usage = new ResourceMeter(threads, vcpus, memoryMb);
  let ended: MuWorkerEnd = "shutdown";
  let draining = false;

  const start = (task: PollReply & { kind: "assign" }): void => {
    const id = task.task.task;
    running.add(id);
    counts.peakRunning = Math.max(counts.peakRunning, running.size);
    // The handler's elapsed time and the threads' shared clock, read together: the thread checks
    // the 80 % mark itself on the shared clock, and its start converts back to elapsed time.
    const dispatchedWall = wallNow();
    const dispatchedAtMs = elapsed();
    let startedAtMs = 0;
    threads
      .run(task.task, dispatchedWall + (takingUntilMs - dispatchedAtMs), (atMs) => {
        startedAtMs = dispatchedAtMs + (atMs - dispatchedWall);
        counts.started++;
        counts.latestStartMs = Math.max(counts.latestStartMs, startedAtMs);
        if (event.crashAfterStarting !== undefined && counts.started >= event.crashAfterStarting) process.exit(1);
      })
      .then(
        (result) => finished.push({ worker: event.worker, task: id, checksum: result.checksum, startedAtMs, runMs: result.runMs }),
        // Not completed, so not reported: its lease runs out and another worker runs it.
        (error: unknown) => {
          if (error instanceof TaskStartTooLateError) counts.declined++;
        },
      )
      .finally(() => {
        running.delete(id);
        wakeUp();
      });
  };

  try {
    for (;;) {
      while (finished.length > 0) {
        const done = finished.shift()!;
        await retried(() => client.post("/complete", done));
        counts.completed++;
      }
      const remaining = context.getRemainingTimeInMillis();
      if (remaining <= returnMarginMs) {
        ended = "deadline";
        break;
      }
      const closed = draining || elapsed() > takingUntilMs;
      if (closed && running.size === 0) {
        ended = draining ? "shutdown" : "window-closed";
        break;
      }
      // Past its window a worker still polls while tasks run: each poll renews their leases.
      if (!draining) {
        const poll: PollRequest = { worker: event.worker, ...usage.read(), running: [...running] };
        const answer = await retried(() => client.post<PollReply>("/poll", poll));
        if (answer.kind === "assign") {
          // Checked again on the worker's own clock: the answer took time to get here.
          if (running.size >= slots || elapsed() > takingUntilMs) counts.declined++;
          else start(answer);
          continue;
        }
        if (answer.kind === "shutdown") {
          if (running.size === 0) break;
          // A coordinator that gave up on this worker: finish what runs, then stop.
          draining = true;
        }
      }
      if (finished.length > 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = () => undefined;
    }
  } catch (error) {
    if (!(error instanceof CoordinatorUnreachableError)) throw error;
    ended = "coordinator-unreachable";
  } finally {
    await threads.close();
    client.close();
  }
  return {
    worker: event.worker,
    vcpus,
    slots,
    tasksStarted: counts.started,
    tasksCompleted: counts.completed,
    tasksDeclined: counts.declined,
    peakRunning: counts.peakRunning,
    latestStartMs: counts.latestStartMs,
    latestStartShare: counts.latestStartMs / timeoutMs,
    elapsedMs: elapsed(),
    ended,
  };
}

class CoordinatorUnreachableError extends Error {}

/** A few tries 50 ms apart: a coordinator that stays silent ends the worker, not the run. */
async function retried<T>(send: () => Promise<T>): Promise<T> {
  let last: unknown;
  for (let i = 0; i < coordinatorTries; i++) {
    try {
      return await send();
    } catch (error) {
      last = error;
      if ((error as { status?: number }).status !== undefined) throw error;
      await sleep(50);
    }
  }
  throw new CoordinatorUnreachableError(last instanceof Error ? last.message : String(last));
}

/**
 * The instance's CPU and memory as shares, as Algorithm 1 reads them. CPU is the busy time of
 * the handler's thread and its task threads since the last read over (wall time × vCPUs): the
 * instance's own threads, where process CPU time would also count every other instance a
 * local Lambda API runs in the same process (serverless-offline does). Memory is the resident
 * set over the configured memory.
 */
class ResourceMeter {
  private lastActive: number;
  private lastWall = performance.now();
  private last = { cpuShare: 0, memShare: 0 };

  constructor(
    private readonly threads: TaskThreads,
    private readonly vcpus: number,
    private readonly memoryMb: number,
  ) {
    this.lastActive = this.activeMs();
  }

  /** Polls right after an assignment come ms apart: CPU over so short a span is noise, so the last reading stands. */
  read(): { cpuShare: number; memShare: number } {
    const wall = performance.now();
    if (wall - this.lastWall < minSpanMs) return this.last;
    const active = this.activeMs();
    const cpuShare = (active - this.lastActive) / ((wall - this.lastWall) * this.vcpus);
    this.lastActive = active;
    this.lastWall = wall;
    const memShare = process.memoryUsage.rss() / (this.memoryMb * 1024 * 1024);
    this.last = { cpuShare: clamp01(cpuShare), memShare: clamp01(memShare) };
    return this.last;
  }

  private activeMs(): number {
    return performance.eventLoopUtilization().active + this.threads.activeMs();
  }
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
