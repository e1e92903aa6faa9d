import type { AttemptState } from "../sweep-collect.ts";

/** One array task as `squeue` lists it. */
export interface QueuedTask {
  readonly jobId: string;
  readonly task: number;
  readonly state: string;
  /** The raw wait status squeue prints (768 = exit 3); null when it printed none. */
  readonly waitStatus: number | null;
}

/**
 * Expands an array job's task list as squeue prints it: `12_3` is one task, `12_[0-3,7%2]` the
 * pending rest of an array (`%2` is the throttle, not a task).
 */
export function expandArrayTasks(id: string): { jobId: string; tasks: number[] } | null {
  const one = /^(\d+)_(\d+)$/.exec(id);
  if (one) return { jobId: one[1]!, tasks: [Number(one[2])] };
  const many = /^(\d+)_\[([\d,\-]+)(?:%\d+)?\]$/.exec(id);
  if (!many) return null;
  const tasks: number[] = [];
  for (const part of many[2]!.split(",")) {
    const [from, to] = part.split("-").map(Number);
    if (from === undefined || !Number.isInteger(from)) return null;
    for (let t = from; t <= (to ?? from); t++) tasks.push(t);
  }
  return { jobId: many[1]!, tasks };
}

/**
 * Parses `squeue -h -O JobArrayID:64,State:24,exit_code:12` (whitespace-separated columns);
 * lines that are not an array task (a plain job, a blank line) are skipped.
 */
export function parseSqueue(text: string): QueuedTask[] {
  const tasks: QueuedTask[] = [];
  for (const line of text.split("\n")) {
    const [id, state, status] = line.trim().split(/\s+/);
    if (id === undefined || state === undefined) continue;
    const expanded = expandArrayTasks(id);
    if (expanded === null) continue;
    const waitStatus = status !== undefined && /^\d+$/.test(status) ? Number(status) : null;
    for (const task of expanded.tasks) tasks.push({ jobId: expanded.jobId, task, state, waitStatus });
  }
  return tasks;
}

/** SLURM's job states, as what they mean for a sweep cell. */
const slurmStates: Readonly<Record<string, AttemptState>> = {
  PENDING: "queued",
  REQUEUED: "queued",
  REQUEUE_HOLD: "queued",
  REQUEUE_FED: "queued",
  RESV_DEL_HOLD: "queued",
  CONFIGURING: "running",
  RUNNING: "running",
  COMPLETING: "running",
  SUSPENDED: "running",
  STOPPED: "running",
  SIGNALING: "running",
  STAGE_OUT: "running",
  RESIZING: "running",
  COMPLETED: "succeeded",
  FAILED: "failed",
  TIMEOUT: "failed",
  NODE_FAIL: "failed",
  OUT_OF_MEMORY: "failed",
  BOOT_FAIL: "failed",
  DEADLINE: "failed",
  PREEMPTED: "failed",
  SPECIAL_EXIT: "failed",
  REVOKED: "cancelled",
  CANCELLED: "cancelled",
};

/** An unknown state (a newer SLURM) counts as running: waiting on it is safer than calling it failed. */
export function attemptState(slurmState: string): AttemptState {
  // `CANCELLED by 0` is how some versions print a cancelled job's state.
  return slurmStates[slurmState.split(/\s|\+/)[0] ?? ""] ?? "running";
}

/** SLURM's `code:signal` from a raw wait status. */
export function exitCodeText(waitStatus: number | null): string | null {
  return waitStatus === null ? null : `${waitStatus >> 8}:${waitStatus & 0x7f}`;
}

/** `0-3,5,7-9%4`: the cells to run as compact `--array` ranges, with an optional throttle. */
export function arrayRanges(indices: readonly number[], maxParallel?: number): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return `${parts.join(",")}${maxParallel !== undefined ? `%${maxParallel}` : ""}`;
}
