import { describe, expect, it } from "vitest";
import { ReadAhead } from "../../../adapters/network/read-ahead.ts";
import type { InvocationBatch } from "../../../traces/invocation.ts";
import { invocation } from "../../support/run-invocations.ts";

/** Batches of the given sizes (ids dense), logging each pull and whether the stream was closed. */
function source(sizes: readonly number[]) {
  const log: string[] = [];
  let id = 0;
  const batches = sizes.map((size) => Array.from({ length: size }, () => invocation({ id: id++, arrivalMs: id, workMs: 1 })));
  async function* stream(): AsyncGenerator<InvocationBatch> {
    try {
      for (const [i, batch] of batches.entries()) {
        log.push(`pull ${i}`);
        yield batch;
      }
      log.push("end");
    } finally {
      log.push("closed");
    }
  }
  return { log, stream: stream() };
}

async function takeAll(reader: ReadAhead): Promise<number[]> {
  const ids: number[] = [];
  while (await reader.refill()) {
    ids.push(reader.peek()!.id);
    reader.advance();
  }
  return ids;
}

describe("ReadAhead: the trace read lazily, one batch ahead at most", () => {
  it("yields every invocation in order, skipping empty batches", async () => {
    const { stream } = source([3, 0, 2, 1, 0]);
    expect(await takeAll(new ReadAhead(stream))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("requests the next batch once half of the current one is taken, not before", async () => {
    const { log, stream } = source([4, 4, 4]);
    const reader = new ReadAhead(stream);
    await reader.refill();
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(["pull 0"]);
    reader.advance();
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(["pull 0"]);
    reader.advance(); // 2 of 4 taken
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(["pull 0", "pull 1"]);
    reader.advance();
    reader.advance();
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(["pull 0", "pull 1"]);
    await reader.close();
    expect(log).toEqual(["pull 0", "pull 1", "closed"]);
  });

  it("closes the source when stopped early, and is done after", async () => {
    const { log, stream } = source([2, 2]);
    const reader = new ReadAhead(stream);
    await reader.refill();
    await reader.close();
    expect(log.at(-1)).toBe("closed");
    expect(await reader.refill()).toBe(false);
  });

  it("surfaces a failed read when the batch is needed", async () => {
    async function* failing(): AsyncGenerator<InvocationBatch> {
      yield [invocation({ id: 0, arrivalMs: 0, workMs: 1 }), invocation({ id: 1, arrivalMs: 1, workMs: 1 })];
      throw new Error("trace file truncated");
    }
    const reader = new ReadAhead(failing());
    await reader.refill();
    reader.advance(); // prefetches the failing read; no unhandled rejection while it waits
    await new Promise((r) => setTimeout(r, 10));
    reader.advance();
    await expect(reader.refill()).rejects.toThrow("trace file truncated");
  });
});
