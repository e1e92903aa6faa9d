import type { Invocation, InvocationBatch } from "../../traces/invocation.ts";
import type { Outcome, OutcomeSink, RunSummary } from "../backend.ts";
import { emptyOutcomeCounts } from "../backend.ts";
import type { CostFunction } from "../billing/compile-cost.ts";
import { FidelityLedger } from "./fidelity-ledger.ts";
import { InFlight, InFlightQueue } from "./in-flight-queue.ts";
import type { InvokeResult, Invoker } from "./invoker.ts";
import type { NetworkOptions } from "./network-options.ts";
import { busyWaitUntil } from "./busy-wait.ts";
import { openingConnections } from "./opening-connections.ts";
import { paceDecision, type PaceTiming } from "./pace-decision.ts";
import { ReadAhead } from "./read-ahead.ts";

/** What the driver reports while it runs, at most every `progressIntervalMs`. */
export interface NetworkProgress {
  readonly sent: number;
  readonly inFlight: number;
  /** Sent invocations whose outcome is recorded (answered, timed out or failed). */
  readonly completed: number;
  readonly dropped: number;
  /** Completed with a status other than ok (throttled, failed, timeout). */
  readonly errors: number;
  readonly latenessP99Ms: number;
  /** Sends per second over the last interval. */
  readonly sentPerS: number;
}

export type NetworkProgressListener = (progress: NetworkProgress) => void;

export interface OpenLoopDriverOptions extends NetworkOptions {
  /** The row cost of an outcome under the backend's own billing model. */
  readonly bill: CostFunction;
  readonly onProgress?: NetworkProgressListener;
  readonly progressIntervalMs?: number;
  /** How early a timer wakes before a send, to hold and yield through the rest (see pace-decision.ts). */
  readonly spinMarginMs?: number;
  /** The longest busy-wait in one turn of the event loop (see pace-decision.ts). */
  readonly holdMs?: number;
}

/** The signal of every request to a transport that hears of give-ups through its receipt. */
const neverAborted = new AbortController().signal;

/** Sends in a row before the driver yields once to the event loop so answers get read. */
const maxBurst = 64;

/**
 * The open-loop driver every network backend shares: invocation i leaves at t0 + arrivalMs on the
 * monotonic clock (`performance.now()`), whether or not earlier ones were answered. Each sent
 * invocation ends with exactly one outcome (answer, `timeout` at `timeoutMs`, or `timeout` when
 * an interrupted run's drain ends); one that finds `maxInFlight` requests waiting is `dropped`.
 * The sink must not block: the store's RunWriter hands rows to a worker thread.
 *
 * `sentMs`, and the lateness the ledger keeps, is when the transport wrote the request (its
 * WriteReceipt), or when the driver handed it over for a transport that does not say. A new
 * connection's set-up (a keep-alive pool opens one when every idle one is busy) is part of the
 * response time, not of the lateness, since it is the target's network the user is measuring;
 * the plain-http client reports the write as it queues the bytes on the opening socket (undici,
 * for https, reports it after the connection is up).
 *
 * Ctrl-C (the signal) stops sending at once, waits up to `drainS` for the answers in flight,
 * gives up the rest, and returns the summary normally; invocations read but never reached get no
 * outcome and are not counted.
 */
export async function driveOpenLoop(
  invoker: Invoker,
  stream: AsyncIterable<InvocationBatch>,
  sink: OutcomeSink,
  signal: AbortSignal,
  options: OpenLoopDriverOptions,
): Promise<RunSummary> {
  return new OpenLoopDriver(invoker, sink, options).run(stream, signal);
}

class OpenLoopDriver {
  private readonly ledger = new FidelityLedger();
  private readonly outcomes = emptyOutcomeCounts();
  private t0 = 0;
  /** Requests handed to the transport (the ledger counts them as their outcomes come). */
  private handedOver = 0;
  private inFlight = 0;
  private inFlightPeak = 0;
  private completed = 0;
  private errors = 0;
  private readonly pending = new InFlightQueue();
  /** While the pacing loop runs: what `sendDue` sends from, its next turn, and how it ends. */
  private pacing: { readonly reader: ReadAhead; readonly signal: AbortSignal; readonly turn: () => void; readonly end: (error: unknown) => void } | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeImmediate: NodeJS.Immediate | undefined;
  private readonly timing: PaceTiming;
  private sweepTimer: NodeJS.Timeout | undefined;
  private whenIdle: (() => void) | undefined;
  private timedOut = 0;
  private abandoned = 0;
  /** The sink's first error (the store's writer failed): the run stops and rethrows it. */
  private sinkFailure: { readonly error: unknown } | undefined;

  constructor(
    private readonly invoker: Invoker,
    private readonly sink: OutcomeSink,
    private readonly options: OpenLoopDriverOptions,
  ) {
    this.timing = { spinMarginMs: options.spinMarginMs ?? 1.5, holdMs: options.holdMs ?? 0.025 };
  }

  async run(stream: AsyncIterable<InvocationBatch>, signal: AbortSignal): Promise<RunSummary> {
    const reader = new ReadAhead(stream);
    let progress: NodeJS.Timeout | undefined;
    try {
      // The clock starts once the connections the opening rate needs are up (opening-connections.ts).
      if (this.invoker.preconnect && !signal.aborted && (await reader.refill())) {
        await this.invoker.preconnect(openingConnections(reader.ahead(), this.options.maxInFlight), signal);
      }
      this.t0 = performance.now();
      progress = this.startProgress();
      await this.pace(reader, signal);
      if (!signal.aborted) await this.idleOr(signal, Infinity);
      this.throwIfSinkFailed();
      if (signal.aborted && this.inFlight > 0) {
        await this.idleOr(undefined, this.options.drainS * 1000);
        this.abandonAll(`no answer within --drain-s ${this.options.drainS} after the run was interrupted`);
      }
      this.throwIfSinkFailed();
    } catch (error) {
      this.abandonAll(`given up: the run failed (${error instanceof Error ? error.message : String(error)})`);
      throw error;
    } finally {
      if (progress) clearInterval(progress);
      if (this.sweepTimer) clearTimeout(this.sweepTimer);
      await reader.close();
    }
    this.reportProgress(0);
    return {
      invocations: this.ledger.sent + this.ledger.dropped,
      outcomes: { ...this.outcomes },
      counters: {
        sent: this.ledger.sent,
        dropped: this.ledger.dropped,
        inFlightPeak: this.inFlightPeak,
        timedOut: this.timedOut,
        abandonedAfterInterrupt: this.abandoned,
        latenessP999Ms: this.ledger.latenessPercentileMs(99.9),
      },
      fidelity: this.ledger.summary(),
    };
  }

  /**
   * The pacing loop: returns at the stream's end or at once when the signal is aborted. It runs
   * as plain callbacks, one call of `paceTurn` per turn of the event loop, rather than as an async
   * loop awaiting `setImmediate()`: each such await made 1.7 KB of promises and closures, and at
   * a million spins a second that garbage was most of what the driver allocated.
   */
  private pace(reader: ReadAhead, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const turn = (): void => {
        this.wakeTimer = undefined;
        this.wakeImmediate = undefined;
        try {
          this.paceTurn();
        } catch (error) {
          end(error);
        }
      };
      const onAbort = (): void => end(undefined);
      const end = (error: unknown): void => {
        if (this.pacing === undefined) return;
        this.pacing = undefined;
        if (this.wakeTimer) clearTimeout(this.wakeTimer);
        if (this.wakeImmediate) clearImmediate(this.wakeImmediate);
        signal.removeEventListener("abort", onAbort);
        if (error === undefined) resolve();
        else reject(error as Error);
      };
      this.pacing = { reader, signal, turn, end };
      signal.addEventListener("abort", onAbort, { once: true });
      if (signal.aborted) end(undefined);
      else turn();
    });
  }

  /** One turn: sends what is due (a burst at most), then arranges the next turn. */
  private paceTurn(): void {
    const pacing = this.pacing;
    if (pacing === undefined) return;
    const { reader, signal, turn, end } = pacing;
    const { maxInFlight } = this.options;
    let turnUsed = false;
    let burst = 0;
    // One clock reading per step: a hold ends with one, and a send takes a fresh one after it.
    let now = performance.now();
    for (;;) {
      if (signal.aborted) return end(undefined);
      if (this.sinkFailure) return end(this.sinkFailure.error);
      const inv = reader.peek();
      if (inv === undefined) {
        reader.refill().then(
          (more) => (more ? turn() : end(undefined)),
          (error: unknown) => end(error),
        );
        return;
      }
      const decision = paceDecision(this.t0 + inv.arrivalMs, now, this.inFlight, maxInFlight, turnUsed, this.timing);
      switch (decision.kind) {
        case "send":
        case "drop":
          reader.advance();
          if (decision.kind === "send") this.send(inv, now);
          else this.drop(inv, now);
          turnUsed = true;
          if (++burst >= maxBurst) {
            this.wakeImmediate = setImmediate(turn);
            return;
          }
          now = performance.now();
          break;
        case "hold":
          now = busyWaitUntil(decision.untilMs);
          turnUsed = true;
          break;
        case "yield":
          this.wakeImmediate = setImmediate(turn);
          return;
        case "sleep":
          this.wakeTimer = setTimeout(turn, decision.ms);
          return;
      }
    }
  }

  /**
   * Sends (or drops) what is already due, at most `maxBurst`, without yielding: called as each
   * answer is recorded. Node reads every socket that is ready in one go, so a burst of answers
   * (the target stalled, then answered together) would otherwise hold the sends due meanwhile
   * until all are processed; this way sends interleave with answers one for one.
   */
  private sendDue(): void {
    const pacing = this.pacing;
    if (pacing === undefined || pacing.signal.aborted || this.sinkFailure) return;
    const { maxInFlight } = this.options;
    for (let n = 0; n < maxBurst; n++) {
      const inv = pacing.reader.peek();
      if (inv === undefined) return;
      const now = performance.now();
      if (this.t0 + inv.arrivalMs > now) return;
      pacing.reader.advance();
      if (this.inFlight < maxInFlight) this.send(inv, now);
      else this.drop(inv, now);
    }
  }

  private send(inv: Invocation, now: number): void {
    const controller = this.invoker.abandonsByReceipt ? undefined : new AbortController();
    const entry = new InFlight(inv, now, now + this.options.timeoutMs, controller);
    this.handedOver++;
    this.inFlight++;
    if (this.inFlight > this.inFlightPeak) this.inFlightPeak = this.inFlight;
    this.pending.push(entry);
    if (this.sweepTimer === undefined) this.armSweep();
    this.invoker.invoke(inv, controller?.signal ?? neverAborted, entry).then(
      (result) => this.settle(entry, result, performance.now()),
      (error: unknown) => this.settle(entry, { status: "failed", error: `the invoker threw: ${error instanceof Error ? error.message : String(error)}` }, performance.now()),
    );
  }

  private drop(inv: Invocation, now: number): void {
    this.ledger.recordDropped(inv.arrivalMs);
    this.outcomes.dropped++;
    this.record(inv, { status: "dropped", endMs: now - this.t0, preemptions: 0, swappedOutMb: 0, costMicroCents: 0, error: `${this.options.maxInFlight} requests in flight (--max-in-flight)` });
  }

  /** Records the outcome of a sent request, once: a late answer after a timeout is ignored. */
  private settle(entry: InFlight, result: InvokeResult, at: number): void {
    if (entry.settled) return;
    entry.settled = true;
    // Lateness is recorded here, not at the hand-over: only now is the write time known for sure.
    this.ledger.recordSent(entry.inv.arrivalMs, entry.sentAt - this.t0);
    this.inFlight--;
    this.completed++;
    this.outcomes[result.status]++;
    if (result.status !== "ok") this.errors++;
    // Absent fields stay undefined rather than being spread in: this runs once per answer.
    const sentMs = entry.sentAt - this.t0;
    this.record(entry.inv, {
      status: result.status,
      sentMs,
      endMs: at - this.t0,
      preemptions: result.preemptions ?? 0,
      swappedOutMb: result.swappedOutMb ?? 0,
      swapOuts: result.swapOuts,
      costMicroCents: 0,
      placedMs: result.placedAfterMs === undefined ? undefined : sentMs + result.placedAfterMs,
      startMs: result.startedAfterMs === undefined ? undefined : sentMs + result.startedAfterMs,
      machine: result.machine,
      ranClass: result.ranClass,
      httpStatus: result.httpStatus,
      serverQueueMs: result.serverQueueMs,
      serverExecMs: result.serverExecMs,
      cpuMs: result.cpuMs,
      initMs: result.initMs,
      billedMs: result.billedMs,
      memorySizeMb: result.memorySizeMb,
      maxMemoryUsedMb: result.maxMemoryUsedMb,
      retries: result.retries,
      shardQueueMs: result.shardQueueMs,
      machineQueueMs: result.machineQueueMs,
      coldStartMs: result.coldStartMs,
      preemptedMs: result.preemptedMs,
      swapInMs: result.swapInMs,
      error: result.error,
    });
    this.pending.settled(entry);
    if (this.inFlight === 0) this.whenIdle?.();
    this.sendDue();
  }

  private record(inv: Invocation, outcome: { -readonly [K in keyof Outcome]: Outcome[K] }): void {
    outcome.costMicroCents = this.options.bill(inv, outcome);
    // Answers arrive in promise callbacks, where a throw would be an unhandled rejection: keep
    // the first failure for the pacing loop and the final wait to rethrow.
    try {
      this.sink.outcome(inv, outcome);
    } catch (error) {
      this.sinkFailure ??= { error };
      this.whenIdle?.();
    }
  }

  private throwIfSinkFailed(): void {
    if (this.sinkFailure) throw this.sinkFailure.error;
  }

  /** Gives up the requests past their deadline (oldest first) and re-arms for the next deadline. */
  private sweep(): void {
    this.sweepTimer = undefined;
    const now = performance.now();
    for (;;) {
      const head = this.pending.oldest();
      if (head === undefined || head.deadline > now) break;
      this.timedOut++;
      this.settle(head, { status: "timeout", error: `no answer within --timeout-ms ${this.options.timeoutMs}` }, now);
      head.abandon();
    }
    this.armSweep();
  }

  private armSweep(): void {
    const head = this.pending.oldest();
    if (head === undefined) return;
    this.sweepTimer = setTimeout(() => this.sweep(), Math.max(0, head.deadline - performance.now()));
  }

  /** Resolves when nothing is in flight, when `signal` aborts, or after `limitMs`. */
  private idleOr(signal: AbortSignal | undefined, limitMs: number): Promise<void> {
    if (this.inFlight === 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.whenIdle = undefined;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = Number.isFinite(limitMs) ? setTimeout(done, limitMs) : undefined;
      signal?.addEventListener("abort", done, { once: true });
      this.whenIdle = done;
    });
  }

  /** Settles every request still in flight as `timeout` with `why`, and aborts it. */
  private abandonAll(why: string): void {
    const now = performance.now();
    for (const entry of this.pending.unsettled()) {
      if (entry.settled) continue;
      this.abandoned++;
      this.settle(entry, { status: "timeout", error: why }, now);
      entry.abandon();
    }
  }

  private lastProgressSent = 0;
  private lastProgressAt = 0;

  private startProgress(): NodeJS.Timeout | undefined {
    if (!this.options.onProgress) return undefined;
    this.lastProgressAt = performance.now();
    const interval = setInterval(() => this.reportProgress(performance.now() - this.lastProgressAt), this.options.progressIntervalMs ?? 250);
    interval.unref();
    return interval;
  }

  private reportProgress(intervalMs: number): void {
    const listener = this.options.onProgress;
    if (!listener) return;
    const sent = this.handedOver;
    listener({
      sent,
      inFlight: this.inFlight,
      completed: this.completed,
      dropped: this.ledger.dropped,
      errors: this.errors,
      latenessP99Ms: this.ledger.latenessPercentileMs(99),
      sentPerS: intervalMs > 0 ? ((sent - this.lastProgressSent) * 1000) / intervalMs : 0,
    });
    this.lastProgressSent = sent;
    this.lastProgressAt = performance.now();
  }
}
