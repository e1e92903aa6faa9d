import type { Invocation, InvocationBatch } from "../../../traces/invocation.ts";
import { emptyOutcomeCounts, type Backend, type BackendBilling, type OutcomeSink, type RunSummary } from "../../backend.ts";
import { lambdaSize } from "../../scheduling/mu/lambda-size-table.ts";
import { taskSlots } from "../../scheduling/mu/mu-worker-admission.ts";
import { MuCoordinatorService } from "./mu-coordinator-service.ts";
import { driveMuWorkers } from "./mu-worker-driver.ts";
import type { MuWorkerEvent } from "./mu-worker-handler.ts";
import { attributeWorkerBills, workerBill, type BilledRun } from "./mu-worker-bills.ts";
import { MuWorkerInvoker, type MuWorkerInvocation } from "./mu-worker-invoker.ts";

export interface MuLambdaOptions {
  readonly region: string;
  /** An Invoke-API endpoint other than AWS's (serverless-offline on loopback). */
  readonly endpoint?: string;
  /** The deployed worker-wrapper function. */
  readonly functionName: string;
  readonly memoryMb: number;
  /** The function's configured timeout, s. */
  readonly timeoutS: number;
  /** Worker invocations at once (seed 004's experiment: 8). */
  readonly concurrencyCap: number;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly maxAttempts: number;
  /** The thumbnail task's source and thumbnail sizes, px, and the seed of its pixels. */
  readonly sourcePx: number;
  readonly thumbPx: number;
  readonly seed: number;
  /** Give up spawning after this long, ms. */
  readonly deadlineMs: number;
  /** Tests: start a worker some other way (another function, with faults). */
  readonly invoke?: (event: MuWorkerEvent) => Promise<MuWorkerInvocation>;
}

/** Tasks one μ run may hold: the coordinator keeps every task's record in memory. */
export const maxMuTasks = 100_000;

/**
 * `lambda-mu:REGION`: seed 004's μ on real Lambda. Each invocation of the stream is one
 * thumbnail task; the run starts the coordinator service on loopback, submits every task, spawns
 * worker-wrapper invocations through the SDK under the concurrency cap, waits until each task has
 * completed (or was given up), and writes one row per task: when it was first assigned and
 * completed (ms since the coordinator started), the worker that completed it, its attempts beyond
 * the first as `retries`, and its pro-rata share of the bills of the workers it ran on.
 */
export class MuLambdaBackend implements Backend {
  readonly id: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly billing: BackendBilling;
  readonly pacing = "wall-clock";

  constructor(
    private readonly options: MuLambdaOptions,
    prices: readonly number[],
  ) {
    const size = lambdaSize(options.memoryMb);
    this.id = `lambda-mu:${options.region}`;
    this.billing = { prices };
    const { invoke: _invoke, ...stored } = options;
    this.config = { ...stored, vcpus: size.vcpus, slotsPerWorker: taskSlots(size.vcpus), prices, billingModel: "lambda-x86" };
  }

  async run(invocations: AsyncIterable<InvocationBatch>, sink: OutcomeSink, signal: AbortSignal): Promise<RunSummary> {
    const { options } = this;
    const size = lambdaSize(options.memoryMb);
    const tasks: Invocation[] = [];
    for await (const batch of invocations) {
      for (const inv of batch) tasks.push(inv);
      if (tasks.length > maxMuTasks) throw new Error(`${this.id}: a run holds at most ${maxMuTasks} tasks`);
    }
    const service = await MuCoordinatorService.start({ timeoutMs: options.timeoutS * 1000, leaseMs: options.leaseMs, maxAttempts: options.maxAttempts, maxTasks: maxMuTasks });
    const invoker =
      options.invoke === undefined
        ? new MuWorkerInvoker({
            region: options.region,
            ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
            functionName: options.functionName,
            maxInFlight: options.concurrencyCap,
            requestTimeoutMs: options.timeoutS * 1000 + 10_000,
          })
        : undefined;
    try {
      service.submit(tasks.map((inv) => ({ task: inv.id, seed: options.seed, sourcePx: options.sourcePx, thumbPx: options.thumbPx })));
      const started = service.now();
      const driven = await driveMuWorkers({
        service,
        invoke: options.invoke ?? ((event) => invoker!.invoke(event)),
        memoryMb: options.memoryMb,
        concurrencyCap: options.concurrencyCap,
        pollMs: options.pollMs,
        maxWorkerInvocations: tasks.length * options.maxAttempts + options.concurrencyCap,
        deadlineMs: options.deadlineMs,
        signal,
      });
      const wallMs = service.now() - started;
      const runs: BilledRun[] = [];
      for (const [task, record] of service.tasks) for (const run of record.runs) runs.push({ worker: run.worker, task, runMs: run.runMs });
      const bills = attributeWorkerBills(
        driven.workers.map((w) => workerBill(size, w.worker, w.invocation)),
        runs,
      );
      const outcomes = emptyOutcomeCounts();
      let latestStartShare = 0;
      for (const inv of tasks) {
        const record = service.tasks.get(inv.id)!;
        const accepted = record.runs.find((r) => r.accepted);
        for (const run of record.runs) latestStartShare = Math.max(latestStartShare, run.startShare);
        const status = record.status === "ok" ? "ok" : "timeout";
        outcomes[status]++;
        sink.outcome(inv, {
          status,
          ...(record.firstAssignedMs !== undefined ? { placedMs: record.firstAssignedMs, startMs: record.firstAssignedMs } : {}),
          ...(record.endMs !== undefined ? { endMs: record.endMs } : {}),
          ...(accepted !== undefined ? { machine: accepted.worker } : {}),
          preemptions: 0,
          swappedOutMb: 0,
          costMicroCents: bills.perTask.get(inv.id) ?? 0,
          cpuMs: record.runs.reduce((a, r) => a + r.runMs, 0),
          retries: Math.max(0, record.attempts - 1),
          memorySizeMb: options.memoryMb,
          ...(status === "ok" ? {} : { error: record.status === "abandoned" ? `given up after ${record.attempts} attempts whose leases ran out` : `not completed: spawning stopped (${driven.stoppedEarly ?? "?"})` }),
        });
      }
      const status = service.status();
      const workerRecords = [...service.workers.values()];
      return {
        invocations: tasks.length,
        outcomes,
        counters: {
          workerInvocations: driven.workers.length,
          workersRegistered: workerRecords.length,
          workersFailed: driven.workers.filter((w) => w.invocation.summary === undefined).length,
          throttles: driven.throttles,
          reassignments: status.reassignments,
          duplicateCompletions: status.duplicateCompletions,
          peakTasksOnAWorker: Math.max(0, ...workerRecords.map((w) => w.peakReportedRunning)),
          latestTaskStartShare: latestStartShare,
          billedMs: bills.workers.reduce((a, b) => a + b.billedMs, 0),
          billedMicroCents: bills.workers.reduce((a, b) => a + b.microCents, 0),
          unattributedMicroCents: bills.unattributedMicroCents,
          wallMs,
          tasksPerSecond: wallMs > 0 ? (outcomes.ok * 1000) / wallMs : 0,
        },
      };
    } finally {
      invoker?.close();
      await service.close();
    }
  }
}
