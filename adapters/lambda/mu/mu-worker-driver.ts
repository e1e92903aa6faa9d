import { lambdaSize } from "../../scheduling/mu/lambda-size-table.ts";
import { taskSlots } from "../../scheduling/mu/mu-worker-admission.ts";
import { workersToSpawn } from "../../scheduling/mu/mu-worker-spawner.ts";
import type { MuCoordinatorService } from "./mu-coordinator-service.ts";
import type { MuWorkerEvent } from "./mu-worker-handler.ts";
import type { MuWorkerInvocation } from "./mu-worker-invoker.ts";

export interface MuDriverOptions {
  readonly service: MuCoordinatorService;
  /** Starts one worker (a Lambda invocation) and resolves when it ends. */
  readonly invoke: (event: MuWorkerEvent) => Promise<MuWorkerInvocation>;
  readonly memoryMb: number;
  readonly concurrencyCap: number;
  readonly pollMs: number;
  /** Worker invocations over the whole run, at most: a bound however often workers fail. */
  readonly maxWorkerInvocations: number;
  /** Stop spawning after this long, ms; tasks not done by then stay pending. */
  readonly deadlineMs: number;
  readonly signal: AbortSignal;
}

/** One worker invocation as the driver saw it, on the coordinator's clock. */
export interface MuWorkerRun {
  readonly worker: number;
  readonly invokedMs: number;
  readonly endedMs: number;
  readonly invocation: MuWorkerInvocation;
}

export interface MuDriveResult {
  readonly workers: readonly MuWorkerRun[];
  /** Why spawning stopped before every task settled, if it did. */
  readonly stoppedEarly?: "deadline" | "aborted" | "worker-limit";
  readonly throttles: number;
}

const tickMs = 20;

/**
 * The client side of μ on Lambda: while tasks are pending, spawns workers by μ's static policy
 * (`workersToSpawn`: enough for the pooled tasks the live and starting workers cannot take, under
 * the concurrency cap), each a Lambda invocation carrying the coordinator's URL, and waits for
 * every worker it started to end. Bounded in time (`deadlineMs`) and in invocations.
 */
export async function driveMuWorkers(options: MuDriverOptions): Promise<MuDriveResult> {
  const { service } = options;
  const slotsPerWorker = taskSlots(lambdaSize(options.memoryMb).vcpus);
  if (slotsPerWorker < 1) throw new Error(`a μ worker needs at least 2 vCPUs (memory 1770 MB or more): at ${options.memoryMb} MB it has ${lambdaSize(options.memoryMb).vcpus}`);
  const runs: MuWorkerRun[] = [];
  const inFlight = new Map<number, Promise<void>>();
  const starting = new Set<number>();
  let nextWorker = 0;
  let throttles = 0;
  let stoppedEarly: MuDriveResult["stoppedEarly"];
  const started = service.now();

  const spawn = (): void => {
    const worker = nextWorker++;
    const invokedMs = service.now();
    starting.add(worker);
    const done = options.invoke({ coordinatorUrl: service.url, worker, pollMs: options.pollMs }).then((invocation) => {
      if (invocation.throttled) throttles++;
      runs.push({ worker, invokedMs, endedMs: service.now(), invocation });
      starting.delete(worker);
      inFlight.delete(worker);
      service.workerEnded(worker);
    });
    inFlight.set(worker, done);
  };

  while (!service.settled) {
    if (options.signal.aborted) {
      stoppedEarly = "aborted";
      break;
    }
    if (service.now() - started > options.deadlineMs) {
      stoppedEarly = "deadline";
      break;
    }
    for (const worker of starting) if (service.workers.has(worker)) starting.delete(worker);
    const n = workersToSpawn({
      pooledTasks: service.status().pooled,
      freeSlots: service.freeSlots() + starting.size * slotsPerWorker,
      workers: inFlight.size,
      concurrencyCap: options.concurrencyCap,
      slotsPerWorker,
    });
    for (let i = 0; i < n; i++) {
      if (nextWorker >= options.maxWorkerInvocations) break;
      spawn();
    }
    if (nextWorker >= options.maxWorkerInvocations && inFlight.size === 0) {
      stoppedEarly = "worker-limit";
      break;
    }
    await service.changed(tickMs);
  }
  // Workers end on their own: the coordinator tells an idle one to shut down, and each returns
  // before its timeout at the latest.
  await Promise.all(inFlight.values());
  runs.sort((a, b) => a.worker - b.worker);
  return { workers: runs, throttles, ...(stoppedEarly !== undefined ? { stoppedEarly } : {}) };
}
