import type { Backend, RunSummary } from "../../adapters/backend.ts";
import type { InvocationBatch, TraceSource } from "../../traces/invocation.ts";
import type { RunStore, RunWriter } from "../store/run-store.ts";
import { billingStatements } from "../billing/billing-models.ts";
import { provenance, type RunManifest } from "./manifest.ts";
import type { ProgressListener } from "./progress.ts";
import { StreamDigest } from "./stream-digest.ts";

/**
 * Batches of a run paced on the wall clock: 256 invocations are 13 ms of sends at 20,000/s. With
 * the default 4,096 (205 ms) each batch outlived two of the driver's young-generation collections,
 * which copied and then promoted it: 0.55 MB copied per collection and 1.4 ms pauses at 20,000/s,
 * against 36 KB and 0.5 ms with 256 (`node --trace-gc-nvp`, bench/network-driver.bench.ts). The
 * pauses are where most late sends were.
 */
const wallClockBatchSize = 256;

export interface ReplayRequest {
  readonly store: RunStore;
  readonly trace: TraceSource;
  readonly backends: readonly Backend[];
  readonly seed: number;
  readonly signal: AbortSignal;
  readonly label?: string;
  readonly sweep?: string;
  readonly command?: readonly string[];
  readonly onProgress?: ProgressListener;
  /** A network run whose p99 lateness exceeds this is stored complete but `degraded`. */
  readonly maxLatenessMs?: number;
}

export interface ReplayedRun {
  readonly runId: number;
  readonly backend: string;
  readonly digest: string;
  readonly summary: RunSummary;
  readonly wallMs: number;
  /** Why the run's pacing cannot be trusted, when it cannot. */
  readonly degraded?: string;
}

/** Streams expected to be at least this long are digested off the replay thread (StreamDigest's offThread). */
const offThreadDigestFrom = 100_000;

/** The run was stopped by the user (Ctrl-C): stored as `interrupted`. */
export class ReplayInterruptedError extends Error {}

/**
 * Replays one trace through each backend in turn. Each backend reads a fresh stream from the
 * source, so memory stays bounded however long the trace; the stream digest proves the streams
 * were identical. A run is `complete` only after its last row is flushed; anything that stops it
 * first leaves it `failed` or `interrupted`, never complete.
 */
export async function replay(request: ReplayRequest): Promise<ReplayedRun[]> {
  const { store, trace, seed } = request;
  const results: ReplayedRun[] = [];
  let batchId: number | undefined;
  for (const backend of request.backends) {
    const manifest: RunManifest = {
      provenance: provenance(),
      seed,
      trace: { kind: trace.kind, spec: trace.spec },
      backend: { id: backend.id, config: backend.config },
      ...(request.command ? { command: request.command } : {}),
    };
    const runId = await store.beginRun({
      backend: backend.id,
      traceKind: trace.kind,
      seed,
      config: backend.config,
      manifest,
      ...(batchId !== undefined ? { batchId } : {}),
      ...(request.label !== undefined ? { label: request.label } : {}),
      ...(request.sweep !== undefined ? { sweep: request.sweep } : {}),
    });
    batchId ??= runId;
    const started = performance.now();
    const wallClock = backend.pacing === "wall-clock";
    // A long simulated stream is hashed on a thread of its own, off the simulator's; a network
    // run is paced by the clock, and a short stream is not worth a thread.
    const digest = new StreamDigest({ offThread: !wallClock && (trace.expectedInvocations ?? Number.POSITIVE_INFINITY) >= offThreadDigestFrom });
    let writer: RunWriter;
    try {
      writer = await store.openRunWriter(runId);
      // The writer thread's start would share the machine with a wall-clock run's first sends.
      if (wallClock) await writer.ready();
    } catch (error) {
      digest.close();
      await store.endRunUnfinished(runId, "failed", error instanceof Error ? error.message : String(error), performance.now() - started);
      throw error;
    }
    const runLabel = `run ${runId} ${backend.id}`;
    // A wall-clock backend reports its own progress (sends, lateness), paced by the trace's clock.
    const progress = wallClock ? undefined : request.onProgress;
    const report = (done: boolean): void =>
      progress?.({
        runLabel,
        invocations: digest.count,
        fraction: fractionDone(trace, digest),
        elapsedMs: performance.now() - started,
        done,
      });
    let lastYield = performance.now();
    async function* observed(): AsyncGenerator<InvocationBatch> {
      for await (const batch of trace.open(wallClock ? { batchSize: wallClockBatchSize } : undefined)) {
        digest.update(batch);
        report(false);
        // A synthetic source and the simulator only ever await microtasks; step out to the event
        // loop now and then so Ctrl-C and other I/O get through.
        if (performance.now() - lastYield > 50) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
        yield batch;
      }
    }
    let summary: RunSummary;
    try {
      summary = await backend.run(observed(), writer, request.signal);
      // A network backend stops sending at Ctrl-C, drains and returns: what it read ahead but
      // never sent has no outcome, so it is held to the invocations it says it took.
      const interrupted = request.signal.aborted;
      const expected = interrupted ? summary.invocations : digest.count;
      if (writer.outcomes !== expected) {
        throw new Error(`${backend.id} gave ${writer.outcomes} outcomes for ${expected} invocations: every invocation must have exactly one`);
      }
      // Billed as the rows close, by the writer thread that still holds them warm.
      await writer.close(billingStatements(runId, backend.billing));
      if (interrupted) {
        const wallMs = performance.now() - started;
        await store.endRunUnfinished(runId, "interrupted", `interrupted by the user after ${summary.invocations} invocations, every one accounted for`, wallMs);
        throw new ReplayInterruptedError(`${runLabel} interrupted after ${summary.invocations} invocations; stored as interrupted`);
      }
    } catch (error) {
      digest.close();
      if (error instanceof ReplayInterruptedError) throw error;
      // Keep the rows written so far; if the writer itself failed, the run still ends unfinished.
      await writer.close().catch(() => undefined);
      const wallMs = performance.now() - started;
      if (request.signal.aborted) {
        await store.endRunUnfinished(runId, "interrupted", "interrupted by the user", wallMs);
        throw new ReplayInterruptedError(`${runLabel} interrupted; stored as interrupted`);
      }
      const message = error instanceof Error ? error.message : String(error);
      await store.endRunUnfinished(runId, "failed", message, wallMs);
      throw error;
    }
    const wallMs = performance.now() - started;
    report(true);
    const hex = digest.hex();
    digest.close();
    const streamInfo = { digest: hex, invocations: digest.count, lastArrivalMs: digest.lastArrivalMs };
    await store.registerTrace(hex, trace.kind, trace.spec, digest.count, digest.lastArrivalMs);
    const degraded = degradedReason(summary, request.maxLatenessMs);
    await store.completeRun(runId, {
      invocations: digest.count,
      streamDigest: hex,
      wallMs,
      manifest: { ...manifest, stream: streamInfo, summary },
      ...(degraded !== undefined ? { degraded } : {}),
    });
    results.push({ runId, backend: backend.id, digest: hex, summary, wallMs, ...(degraded !== undefined ? { degraded } : {}) });
  }
  const digests = new Set(results.map((r) => r.digest));
  if (digests.size > 1) {
    throw new Error(`the trace source gave different streams to different backends (digests ${[...digests].join(", ")}): it is not deterministic`);
  }
  return results;
}

function fractionDone(trace: TraceSource, digest: StreamDigest): number | undefined {
  if (trace.expectedInvocations !== undefined) return Math.min(1, digest.count / trace.expectedInvocations);
  if (trace.expectedDurationMs !== undefined) return Math.min(1, digest.lastArrivalMs / trace.expectedDurationMs);
  return undefined;
}

/**
 * A network run that sent late is still a complete run: its rows say what happened. But latency
 * from the intended send then mixes the target's delay with the driver's, so it is flagged.
 */
export function degradedReason(summary: RunSummary, maxLatenessMs: number | undefined): string | undefined {
  const fidelity = summary.fidelity;
  if (fidelity === undefined || maxLatenessMs === undefined || !(fidelity.latenessP99Ms > maxLatenessMs)) return undefined;
  return `p99 lateness ${fidelity.latenessP99Ms.toFixed(1)} ms > --max-lateness-ms ${maxLatenessMs}`;
}
