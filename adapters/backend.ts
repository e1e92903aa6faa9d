import type { Invocation, InvocationBatch } from "../traces/invocation.ts";

/**
 * `dropped`: a network driver could not send the invocation within its in-flight bound, so it
 * was never sent (k6's dropped iterations): counted, never queued behind the others.
 */
export type OutcomeStatus = "ok" | "killed" | "throttled" | "failed" | "timeout" | "dropped";

/** What happened to one invocation. Every invocation a backend receives gets exactly one. */
export interface Outcome {
  readonly status: OutcomeStatus;
  /** When the scheduler chose a machine (placement), ms from trace start. */
  readonly placedMs?: number;
  /** When the invocation first received CPU. */
  readonly startMs?: number;
  /** When it finished, was killed, or was refused. */
  readonly endMs?: number;
  readonly machine?: number;
  readonly preemptions: number;
  readonly swappedOutMb: number;
  /** How many times the invocation's memory was swapped out. */
  readonly swapOuts?: number;
  /** Under the backend's own billing model, in µ¢ (millionths of a cent). */
  readonly costMicroCents: number;
  /** The class the invocation actually ran at (after chain inheritance or budget demotion). */
  readonly ranClass?: number;
  /** CPU ms the invocation actually received (a killed one's partial work); absent when not reported. */
  readonly cpuMs?: number;
  /** Why a non-ok outcome happened, for "failed" outcomes from real backends. */
  readonly error?: string;
  /**
   * Network backends: when the request actually left, in ms on the replay's clock. `arrivalMs`
   * is when it should have left, so `sentMs - arrivalMs` is the driver's lateness and `endMs -
   * arrivalMs` the latency corrected for coordinated omission.
   */
  readonly sentMs?: number;
  /** Network backends: the response's HTTP status (absent when no response came). */
  readonly httpStatus?: number;
  /** Time the target reports the request waited in its own queue, ms (a response header). */
  readonly serverQueueMs?: number;
  /** Time the target reports it executed the request, ms (a response header). */
  readonly serverExecMs?: number;
  /**
   * AWS Lambda's REPORT line (`serverExecMs` holds its Duration): Init Duration, present only on
   * a cold start; Billed Duration; the configured Memory Size and the Max Memory Used, MB.
   */
  readonly initMs?: number;
  readonly billedMs?: number;
  readonly memorySizeMb?: number;
  readonly maxMemoryUsedMb?: number;
  /** Times the client re-sent the invocation after a throttle or error (Lambda; 0 when none). */
  readonly retries?: number;
  /**
   * Simulators with freshen on: the set-up and fetch work freshen finished ahead of this
   * invocation, which it therefore skipped (`cpuMs` is less by it). Absent when freshen did nothing.
   */
  readonly freshenSavedMs?: number;
  /**
   * The live plane's breakdown of an invocation's time, ms, from its response headers (absent
   * elsewhere): waited in the shard's multi-queue; waited on the machine before first CPU, a
   * cold start included; of that, starting a function process when none was idle (0 when warm);
   * stopped by preemption; reading swapped-out pages back. `serverExecMs` holds the plane's
   * execution from first CPU to the end, preempted and swap-in time included.
   */
  readonly shardQueueMs?: number;
  readonly machineQueueMs?: number;
  readonly coldStartMs?: number;
  readonly preemptedMs?: number;
  readonly swapInMs?: number;
}

/** A periodic observation of one machine. */
export interface MachineSample {
  readonly tMs: number;
  readonly machine: number;
  readonly running: number;
  readonly queued: number;
  /** Busy core-time over the sample interval divided by (cores × interval). */
  readonly utilization: number;
  /** Absent when the backend does not model memory. */
  readonly memUsedMb?: number;
  readonly swapUsedMb?: number;
}

/**
 * One machine's memory for one price class at a sample time, with the swap activity since the
 * previous sample. Only backends that model memory emit these.
 */
export interface ClassSample {
  readonly tMs: number;
  readonly machine: number;
  readonly priceClass: number;
  readonly functions: number;
  /** In RAM: running plus waiting functions not swapped out. */
  readonly residentMb: number;
  /** In RAM and not running: what price-class swapping could move out. */
  readonly waitingResidentMb: number;
  readonly swappedMb: number;
  readonly swapOuts: number;
  readonly swapIns: number;
  readonly kills: number;
}

/** Where a backend sends what it observes. Records flow one way: backend → sink. */
export interface OutcomeSink {
  outcome(invocation: Invocation, outcome: Outcome): void;
  sample(sample: MachineSample): void;
  classSample(sample: ClassSample): void;
}

export interface RunSummary {
  readonly invocations: number;
  readonly outcomes: Readonly<Record<OutcomeStatus, number>>;
  /** Backend-specific counters worth keeping in the manifest (events processed, …). */
  readonly counters: Readonly<Record<string, number>>;
  /** How faithfully a network backend kept to the trace's send times; absent for simulators. */
  readonly fidelity?: SendFidelity;
}

/** A network run's pacing, as the open-loop driver measured it. */
export interface SendFidelity {
  /** Lateness = actual − intended send time, over every sent invocation, ms. */
  readonly latenessP50Ms: number;
  readonly latenessP99Ms: number;
  readonly latenessMaxMs: number;
  /** Invocations the trace asked for per second of its duration, and how many were sent. */
  readonly intendedPerS: number;
  readonly achievedPerS: number;
  readonly sent: number;
  readonly dropped: number;
}

export interface BackendBilling {
  /** µ¢ per cpu-second of each price class the run used. */
  readonly prices: readonly number[];
  /** Machines provisioned for the run, when the backend has a fixed fleet (the provisioned model bills it). */
  readonly machines?: number;
  /**
   * Work the backend billed to tenants that has no outcome row (freshen jobs), per tenant × class ×
   * model, read once the run is over; billing adds it to the `costs` table.
   */
  readonly surcharges?: () => readonly Surcharge[];
}

/** Billable work without an outcome row, summed per tenant × class under one per-invocation model. */
export interface Surcharge {
  readonly model: string;
  readonly tenant: string;
  readonly priceClass: number;
  readonly cpuMs: number;
  readonly gbS: number;
  readonly microCents: number;
}

/** Every backend — simulator policies, the live control plane, AWS Lambda — meets this contract. */
export interface Backend {
  /** e.g. "sim:xx", "sim:hermod", "live:http://127.0.0.1:8080", "lambda:eu-west-3". */
  readonly id: string;
  /** The resolved configuration, stored with the run. */
  readonly config: Readonly<Record<string, unknown>>;
  /** What billing needs beyond the rows: typed here, so no one reads it back out of `config`. */
  readonly billing: BackendBilling;
  /**
   * `wall-clock`: the backend sends the stream on the real clock (a network backend), so a run
   * lasts as long as the trace and has a send plan and pacing to report. Absent: virtual time.
   */
  readonly pacing?: "wall-clock";
  /** Checks the target before any run is stored (an unreachable URL); throws a one-line Error. */
  preflight?(signal: AbortSignal): Promise<void>;
  run(invocations: AsyncIterable<InvocationBatch>, sink: OutcomeSink, signal: AbortSignal): Promise<RunSummary>;
}

export function emptyOutcomeCounts(): Record<OutcomeStatus, number> {
  return { ok: 0, killed: 0, throttled: 0, failed: 0, timeout: 0, dropped: 0 };
}
