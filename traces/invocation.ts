/**
 * One function invocation as every trace source produces it and every backend consumes it.
 * Streams of invocations are sorted by `arrivalMs` (ties by `id`).
 */
export interface Invocation {
  /** Dense 0-based index in the stream; outcomes refer to it. */
  readonly id: number;
  /** Arrival time in milliseconds from the start of the trace. */
  readonly arrivalMs: number;
  readonly tenant: string;
  readonly app: string;
  readonly fn: string;
  readonly trigger?: string;
  /** Index into the run's price table: 0 is the cheapest class, higher pays more. */
  readonly priceClass: number;
  /** CPU demand at full speed on one core, in milliseconds. */
  readonly workMs: number;
  /** Resident memory when the invocation starts, in MB. */
  readonly memStartMb: number;
  /** Peak resident memory, reached as the work completes, in MB. */
  readonly memPeakMb: number;
  /** The invocation that called this one (call chains inherit the chain's highest class). */
  readonly parentId?: number;
}

/**
 * Streams move in batches: an async iterator step per invocation would cost more than the
 * simulator spends on the invocation itself, so sources yield arrays of a few thousand.
 */
export type InvocationBatch = readonly Invocation[];

/** The batch size sources yield by default: large enough that a batch's overhead is nothing per invocation. */
export const defaultBatchSize = 4096;

/** How a stream is to be read. */
export interface StreamOptions {
  /**
   * The most invocations per batch (default `defaultBatchSize`). A source makes a batch's
   * invocations all at once, so they live until the last of them is sent: a run paced on the wall
   * clock asks for small batches, whose invocations die young instead of being copied by each of
   * the collector's scavenges and then promoted (see harness/replay/replay.ts).
   */
  readonly batchSize?: number;
}

/** What a replay needs to know about a trace before and while it is read. */
export interface TraceSource {
  /** Short name of the reader, e.g. "synthetic", "azure2019". */
  readonly kind: string;
  /** The resolved parameters, stored in the run manifest so the stream can be rebuilt. */
  readonly spec: Readonly<Record<string, unknown>>;
  /** The price of each class in µ¢ per cpu-second, ascending. */
  readonly prices: readonly number[];
  /** Expected number of invocations, when known in advance (for progress and ETA). */
  readonly expectedInvocations?: number;
  /** Expected trace duration in ms, when known in advance. */
  readonly expectedDurationMs?: number;
  /** Load phases (start ms, offered load) when the source follows a schedule; reports shade them. */
  readonly phases?: readonly LoadPhase[];
  /** A fresh stream from the start; every call yields the identical invocations, however batched. */
  open(options?: StreamOptions): AsyncIterable<InvocationBatch>;
}

export interface LoadPhase {
  readonly startMs: number;
  readonly load: number;
}
