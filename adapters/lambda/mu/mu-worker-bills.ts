import { lambdaBilledMs, lambdaInstanceMicroCents, proRataShares } from "../../scheduling/mu/lambda-instance-bill.ts";
import type { LambdaSize } from "../../scheduling/mu/lambda-size-table.ts";
import type { MuWorkerInvocation } from "./mu-worker-invoker.ts";

/** One worker invocation's billed time and where the figure came from. */
export interface WorkerBill {
  readonly worker: number;
  readonly billedMs: number;
  readonly microCents: number;
  /** `report`: the platform's REPORT line; `handler`: the handler's own elapsed time; `round-trip`: the driver's send-to-answer time (a worker that died answers nothing of its own). */
  readonly source: "report" | "handler" | "round-trip";
}

/** A task run a worker reported, with the task it belongs to. */
export interface BilledRun {
  readonly worker: number;
  readonly task: number;
  readonly runMs: number;
}

export interface TaskBills {
  /** µ¢ per task id: its shares of the bills of the workers it ran on. */
  readonly perTask: ReadonlyMap<number, number>;
  readonly workers: readonly WorkerBill[];
  /** Bills no reported run could carry (no worker reported any run): kept out of the rows, counted here. */
  readonly unattributedMicroCents: number;
}

/**
 * What Lambda bills a worker invocation: the REPORT line's init + duration when the platform sent
 * one (AWS does), else the handler's own elapsed time (serverless-offline sends no log tail), else
 * the driver's round trip, an upper bound, for a worker that died.
 */
export function workerBill(size: LambdaSize, worker: number, invocation: MuWorkerInvocation): WorkerBill {
  const [billedMs, source]: [number, WorkerBill["source"]] =
    invocation.report !== undefined
      ? [lambdaBilledMs(invocation.report.initMs ?? 0, invocation.report.durationMs), "report"]
      : invocation.summary !== undefined
        ? [lambdaBilledMs(0, invocation.summary.elapsedMs), "handler"]
        : [lambdaBilledMs(0, invocation.roundTripMs), "round-trip"];
  return { worker, billedMs, microCents: lambdaInstanceMicroCents(size, billedMs), source };
}

/**
 * Shares each worker's bill among the task runs it reported, pro rata to their ms, as sim:mu
 * does: a worker that reported no run (idle, refused, or dead before finishing anything) passes
 * its bill to the next worker (by id) that did, and trailing ones to the last that did. The
 * shares add up to the bills.
 */
export function attributeWorkerBills(bills: readonly WorkerBill[], runs: readonly BilledRun[]): TaskBills {
  const runsOf = new Map<number, BilledRun[]>();
  for (const run of runs) {
    const list = runsOf.get(run.worker) ?? [];
    list.push(run);
    runsOf.set(run.worker, list);
  }
  const perTask = new Map<number, number>();
  const ordered = [...bills].sort((a, b) => a.worker - b.worker);
  let carry = 0;
  let lastWithRuns: { bill: number; runs: BilledRun[] } | undefined;
  const pending: { bill: number; runs: BilledRun[] }[] = [];
  for (const bill of ordered) {
    const list = runsOf.get(bill.worker);
    if (list === undefined || list.length === 0) {
      carry += bill.microCents;
      continue;
    }
    lastWithRuns = { bill: bill.microCents + carry, runs: list };
    pending.push(lastWithRuns);
    carry = 0;
  }
  if (lastWithRuns !== undefined) {
    lastWithRuns.bill += carry;
    carry = 0;
  }
  for (const { bill, runs: list } of pending) {
    const shares = proRataShares(bill, list.map((r) => r.runMs));
    list.forEach((run, i) => perTask.set(run.task, (perTask.get(run.task) ?? 0) + shares[i]!));
  }
  return { perTask, workers: ordered, unattributedMicroCents: carry };
}
