import type { Invocation } from "../../traces/invocation.ts";

/**
 * How one sent request ended, as the transport saw it. The driver turns it into the row's outcome.
 * `killed`: the target says it killed the invocation itself (the live plane under memory pressure).
 */
export type InvokeStatus = "ok" | "throttled" | "failed" | "timeout" | "killed";

export interface InvokeResult {
  readonly status: InvokeStatus;
  /** The response's status code; absent when no response came (connection error, abort). */
  readonly httpStatus?: number;
  /** What the target says the request waited in its queue / spent executing, ms. */
  readonly serverQueueMs?: number;
  readonly serverExecMs?: number;
  /** CPU ms the target says the function used. */
  readonly cpuMs?: number;
  /**
   * What AWS Lambda's REPORT line says (`serverExecMs` carries its Duration): Init Duration (cold
   * starts only), Billed Duration, Memory Size and Max Memory Used. Other targets leave them out.
   */
  readonly initMs?: number;
  readonly billedMs?: number;
  readonly memorySizeMb?: number;
  readonly maxMemoryUsedMb?: number;
  /** Times the transport re-sent this invocation (bounded retries); absent when it never retries. */
  readonly retries?: number;
  /** One line for every status but ok: "HTTP 503: busy", "ECONNREFUSED 127.0.0.1:8080". */
  readonly error?: string;
  /**
   * A target that schedules (the live plane) may say, in ms after the request was sent, when it
   * placed the invocation on a machine and when it first got CPU; the driver adds the send time
   * to get the outcome's placedMs / startMs. It may also name the machine, the class the
   * invocation ran at, and how often it was preempted or swapped out.
   */
  readonly placedAfterMs?: number;
  readonly startedAfterMs?: number;
  readonly machine?: number;
  readonly ranClass?: number;
  readonly preemptions?: number;
  readonly swappedOutMb?: number;
  readonly swapOuts?: number;
  /**
   * The live plane's breakdown, ms (Outcome has the meanings): shard queue, machine queue (cold
   * start included), cold start, time preempted and time swapping back in.
   */
  readonly shardQueueMs?: number;
  readonly machineQueueMs?: number;
  readonly coldStartMs?: number;
  readonly preemptedMs?: number;
  readonly swapInMs?: number;
}

/** The driver's handle on one request, given to the transport (see `Invoker.invoke`). */
export interface WriteReceipt {
  /** The transport wrote the request at `atMs` (`performance.now()`); later reports are ignored. */
  written(atMs: number): void;
  /**
   * For a transport with `abandonsByReceipt`: `listener` runs once if the driver gives the request
   * up (timeout, interrupted drain), in place of the signal aborting.
   */
  onAbandon(listener: () => void): void;
}

/**
 * The one thing a network backend provides to the shared open-loop driver: a way to send one
 * invocation. HTTP, the live control plane and Lambda each implement it; pacing, the in-flight
 * bound, timeouts, draining and the fidelity ledger stay in the driver, identical for all.
 */
export interface Invoker {
  /**
   * Before anything is sent: throws an Error whose message is one line naming the target and
   * what is wrong (unreachable, refused) so a run against a dead target stops before its first row.
   */
  check(signal: AbortSignal): Promise<void>;
  /**
   * Sends one invocation and resolves when its answer is fully received. Never rejects: every
   * failure is a result. The driver aborts `signal` when it has given the request up (timeout,
   * interrupted drain); the transport should then free the connection and may resolve anyhow.
   *
   * A transport that writes the request later than this call (undici writes on a later turn of
   * the event loop) calls `receipt.written(performance.now())` as it hands the bytes to the
   * socket: that is the send time the driver's lateness and the row's `sentMs` are measured from.
   */
  invoke(invocation: Invocation, signal: AbortSignal, receipt?: WriteReceipt): Promise<InvokeResult>;
  /**
   * True when the transport hears of a given-up request through `receipt.onAbandon` and never
   * reads `signal`: the driver then passes one signal that never aborts instead of making an
   * AbortController per request (about 3 µs of a 15 µs request on loopback).
   */
  readonly abandonsByReceipt?: boolean;
  /**
   * Before the run's clock starts: opens up to `connections` keep-alive connections to each target
   * so the first sends find them ready; resolves when they are up or have failed, never rejects.
   * A transport without it opens connections as sends need them.
   */
  preconnect?(connections: number, signal: AbortSignal): Promise<void>;
  /** Closes connections; called once after the run's last answer. */
  close(): Promise<void>;
}
