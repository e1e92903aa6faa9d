import type { Invocation, InvocationBatch } from "../../traces/invocation.ts";
import { invocation } from "./run-invocations.ts";

/** `count` invocations evenly spaced at `ratePerS` from `startMs`, each asking for `workMs`. */
export function evenlySpaced(count: number, ratePerS: number, fields: { workMs: number; startMs?: number; fn?: string }): Invocation[] {
  const start = fields.startMs ?? 0;
  return Array.from({ length: count }, (_, id) =>
    invocation({ id, arrivalMs: start + (id * 1000) / ratePerS, workMs: fields.workMs, ...(fields.fn !== undefined ? { fn: fields.fn } : {}) }),
  );
}

/** A stream of `invocations` in batches of `batchSize`, counting how many were read. */
export class CountingStream implements AsyncIterable<InvocationBatch> {
  read = 0;

  constructor(
    private readonly invocations: readonly Invocation[],
    private readonly batchSize = 16,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<InvocationBatch> {
    for (let i = 0; i < this.invocations.length; i += this.batchSize) {
      const batch = this.invocations.slice(i, i + this.batchSize);
      this.read += batch.length;
      yield batch;
    }
  }
}
