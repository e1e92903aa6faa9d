import type { InvocationBatch, StreamOptions, TraceSource } from "../invocation.ts";

export interface StreamLimit {
  /** Stop after this many invocations. */
  readonly invocations?: number;
  /** Stop before the first invocation arriving at or after this time, ms (after compression). */
  readonly durationMs?: number;
}

/**
 * A real trace cut short: the first N invocations, or those arriving before a time. The stream
 * is a prefix of the source's, so a limited replay pairs with the head of a full one; the limit
 * joins the spec so the manifest can rebuild it.
 */
export function limitedTrace(source: TraceSource, limit: StreamLimit): TraceSource {
  const { invocations = Number.POSITIVE_INFINITY, durationMs = Number.POSITIVE_INFINITY } = limit;
  const expectedInvocations = Math.min(source.expectedInvocations ?? Number.POSITIVE_INFINITY, invocations);
  const expectedDurationMs = Math.min(source.expectedDurationMs ?? Number.POSITIVE_INFINITY, durationMs);
  return {
    ...source,
    spec: { ...source.spec, limit },
    ...(Number.isFinite(expectedInvocations) ? { expectedInvocations } : {}),
    ...(Number.isFinite(expectedDurationMs) ? { expectedDurationMs } : {}),
    async *open(options?: StreamOptions): AsyncGenerator<InvocationBatch> {
      let taken = 0;
      for await (const batch of source.open(options)) {
        let end = Math.min(batch.length, invocations - taken);
        while (end > 0 && batch[end - 1]!.arrivalMs >= durationMs) end--;
        if (end > 0) yield end === batch.length ? batch : batch.slice(0, end);
        taken += end;
        // Sorted by arrival: once one invocation is past the time, every later one is too.
        if (end < batch.length) return;
      }
    },
  };
}
