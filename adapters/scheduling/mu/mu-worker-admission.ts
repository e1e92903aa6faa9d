/**
 * What μ's coordinator answers a worker's poll (seed 004, Algorithm 1), as a value. Clock-free:
 * the caller passes `now`, so the simulator and a live coordinator drive the same decision.
 */
export type PollAnswer = { readonly kind: "assign" } | { readonly kind: "continue" } | { readonly kind: "shutdown" };

/** What a worker reports with each poll. */
export interface WorkerReport {
  /** CPU in use, as a share of the instance's vCPUs (0–1). */
  readonly cpuShare: number;
  /** Memory in use, as a share of the instance's memory (0–1). */
  readonly memShare: number;
  /** Tasks it is running now. */
  readonly runningTasks: number;
}

export interface AdmissionLimits {
  /** The function's timeout, ms: the platform kills the instance then. */
  readonly timeoutMs: number;
  /** Share of the timeout after which a worker takes no new task (the paper's thr_time, 0.8). */
  readonly stopTakingShare: number;
  /** Largest reported CPU share at which a worker may take a task (thr_cpu). */
  readonly cpuThreshold: number;
  /** Largest reported memory share at which a worker may take a task (thr_mem). */
  readonly memThreshold: number;
}

/**
 * The paper's thresholds for time (80 % of the timeout, §3.2). It gives no values for thr_cpu and
 * thr_mem; 0.9 of each is ours, and rarely binds: with one task per vCPU and one vCPU kept for the
 * monitor, a worker's CPU share stays below (vCPUs − 1) / vCPUs.
 */
export const paperAdmission = { stopTakingShare: 0.8, cpuThreshold: 0.9, memThreshold: 0.9 } as const;

/** Task threads a worker of `vcpus` vCPUs runs: one vCPU monitors and talks to the coordinator. */
export function taskSlots(vcpus: number): number {
  return Math.max(0, vcpus - 1);
}

/** Whether a worker started at `startMs` may still take work at `now` (≤ 80 % of its timeout). */
export function withinTakingWindow(now: number, startMs: number, limits: AdmissionLimits): boolean {
  return now - startMs <= limits.stopTakingShare * limits.timeoutMs;
}

/**
 * Algorithm 1 for one poll: assign a task when the worker is within the taking window, under both
 * thresholds, running fewer tasks than its task slots, and the pool has one; otherwise shut an
 * idle worker down and let a busy one continue.
 */
export function answerPoll(now: number, startMs: number, vcpus: number, report: WorkerReport, poolHasTask: boolean, limits: AdmissionLimits): PollAnswer {
  if (
    withinTakingWindow(now, startMs, limits) &&
    report.cpuShare <= limits.cpuThreshold &&
    report.memShare <= limits.memThreshold &&
    report.runningTasks < taskSlots(vcpus) &&
    poolHasTask
  ) {
    return { kind: "assign" };
  }
  return report.runningTasks === 0 ? { kind: "shutdown" } : { kind: "continue" };
}
