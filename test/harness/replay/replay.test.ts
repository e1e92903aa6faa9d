import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Backend, OutcomeSink, RunSummary } from "../../../adapters/backend.ts";
import { emptyOutcomeCounts } from "../../../adapters/backend.ts";
import { SimBackend } from "../../../adapters/sim/sim-backend.ts";
import { simDefaults } from "../../../adapters/sim/sim-config.ts";
import { replay } from "../../../harness/replay/replay.ts";
import { StreamDigest } from "../../../harness/replay/stream-digest.ts";
import { RunStore } from "../../../harness/store/run-store.ts";
import type { InvocationBatch, TraceSource } from "../../../traces/invocation.ts";
import { bimodalWeights, syntheticDefaults } from "../../../traces/synthetic/synthetic-config.ts";
import { syntheticTrace } from "../../../traces/synthetic/synthetic-trace.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();
const sim = { ...simDefaults, machines: 10, cores: 4, sampleIntervalMs: 1000, seed: 1 };

function trace(seed: number, invocations = 20_000): TraceSource {
  return syntheticTrace({ ...syntheticDefaults, seed, invocations, cores: 40, classWeights: bimodalWeights(4) });
}

async function replayInto(path: string, seed: number, backends: (prices: readonly number[]) => Backend[]): Promise<number[]> {
  const store = await RunStore.open(path);
  try {
    const source = trace(seed);
    const runs = await replay({ store, trace: source, backends: backends(source.prices), seed, signal: new AbortController().signal });
    return runs.map((r) => r.runId);
  } finally {
    store.close();
  }
}

/** SHA-256 of the run's outcome rows in id order, computed by DuckDB. */
async function rowsHash(store: RunStore, runId: number): Promise<string> {
  const [row] = await store.query(
    `SELECT sha256(string_agg(columns_text, '\n' ORDER BY invocation_id)) AS h FROM (
       SELECT invocation_id, concat_ws('|', invocation_id, tenant, app, fn, price_class, work_ms, mem_peak_mb, status,
              arrival_ms, placed_ms, start_ms, end_ms, machine, preemptions, cost_micro_cents) AS columns_text
       FROM invocations WHERE run_id = $id)`,
    { id: runId },
  );
  return String(row!.h);
}

/** A backend that fails after part of the stream: the run must end `failed`, never complete. */
class FailingMidwayBackend implements Backend {
  readonly id = "test:failing-midway";
  readonly config = {};
  readonly billing = { prices: [1] };
  async run(invocations: AsyncIterable<InvocationBatch>, sink: OutcomeSink): Promise<RunSummary> {
    let seen = 0;
    for await (const batch of invocations) {
      for (const inv of batch) sink.outcome(inv, { status: "ok", endMs: inv.arrivalMs + 1, preemptions: 0, swappedOutMb: 0, costMicroCents: 0 });
      seen += batch.length;
      if (seen > 5000) throw new Error("backend lost its connection");
    }
    return { invocations: seen, outcomes: emptyOutcomeCounts(), counters: {} };
  }
}

/** A backend that silently drops one outcome: the replay must refuse to call the run complete. */
class DroppingBackend implements Backend {
  readonly id = "test:dropping";
  readonly config = {};
  readonly billing = { prices: [1] };
  async run(invocations: AsyncIterable<InvocationBatch>, sink: OutcomeSink): Promise<RunSummary> {
    let seen = 0;
    for await (const batch of invocations) {
      for (const inv of batch) if (inv.id !== 77) sink.outcome(inv, { status: "ok", endMs: inv.arrivalMs, preemptions: 0, swappedOutMb: 0, costMicroCents: 0 });
      seen += batch.length;
    }
    return { invocations: seen, outcomes: emptyOutcomeCounts(), counters: {} };
  }
}

describe("replay into the store", () => {
  it("writes identical invocation rows for the same seed, in separate store files", async () => {
    const dir = tempDir();
    const backends = (prices: readonly number[]) => [new SimBackend("xx", sim, prices), new SimBackend("hermod", sim, prices)];
    await replayInto(join(dir, "a.duckdb"), 9, backends);
    await replayInto(join(dir, "b.duckdb"), 9, backends);
    await replayInto(join(dir, "c.duckdb"), 10, backends);
    const hashes: string[][] = [];
    for (const name of ["a", "b", "c"]) {
      const store = await RunStore.open(join(dir, `${name}.duckdb`));
      hashes.push([await rowsHash(store, 1), await rowsHash(store, 2)]);
      store.close();
    }
    expect(hashes[0]).toEqual(hashes[1]);
    expect(hashes[0]![0]).not.toBe(hashes[2]![0]);
    expect(hashes[0]![0]).not.toBe(hashes[0]![1]);
  });

  it("stores one outcome row per invocation, the same stream digest for every backend, and a complete manifest", async () => {
    const path = join(tempDir(), "s.duckdb");
    await replayInto(path, 3, (prices) => [new SimBackend("xx", sim, prices), new SimBackend("edf", sim, prices)]);
    const store = await RunStore.open(path);
    const runs = await store.query(`SELECT run_id, status, invocations::INTEGER AS n, stream_digest, manifest FROM runs ORDER BY run_id`);
    expect(runs.map((r) => r.status)).toEqual(["complete", "complete"]);
    expect(runs[0]!.stream_digest).toBe(runs[1]!.stream_digest);
    const counts = await store.query(`SELECT run_id, count(*)::INTEGER AS n, count(DISTINCT invocation_id)::INTEGER AS d FROM invocations GROUP BY run_id ORDER BY run_id`);
    expect(counts).toEqual([
      { run_id: 1, n: 20_000, d: 20_000 },
      { run_id: 2, n: 20_000, d: 20_000 },
    ]);
    const manifest = JSON.parse(String(runs[0]!.manifest)) as Record<string, any>;
    expect(manifest.seed).toBe(3);
    expect(manifest.provenance.node).toBe(process.version);
    expect(manifest.provenance.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.trace.spec.invocations).toBe(20_000);
    expect(manifest.backend.config.machines).toBe(10);
    expect(manifest.stream.digest).toBe(runs[0]!.stream_digest);
    const traces = await store.query(`SELECT invocations::INTEGER AS n FROM traces`);
    expect(traces).toEqual([{ n: 20_000 }]);
    const samples = await store.query(`SELECT count(DISTINCT machine)::INTEGER AS m FROM machine_samples WHERE run_id = 1`);
    expect(samples[0]!.m).toBe(10);
    store.close();
  });

  it("stores the same stream digest for a long stream, hashed off the replay thread, as the replay thread computes", async () => {
    const store = await RunStore.open(join(tempDir(), "l.duckdb"));
    try {
      // Over the 100,000 from which a simulated stream is hashed on a thread of its own.
      const source = trace(2, 150_000);
      const [run] = await replay({ store, trace: source, backends: [new SimBackend("xx", sim, source.prices)], seed: 2, signal: new AbortController().signal });
      const inThread = new StreamDigest();
      for await (const batch of source.open()) inThread.update(batch);
      expect(run!.digest).toBe(inThread.hex());
      expect(await store.query(`SELECT status, stream_digest, invocations::INTEGER AS n FROM runs`)).toEqual([{ status: "complete", stream_digest: inThread.hex(), n: 150_000 }]);
    } finally {
      store.close();
    }
  });

  it("marks a run whose (stand-in, failing) backend throws as failed, with the error, and keeps the rows written so far", async () => {
    const path = join(tempDir(), "f.duckdb");
    await expect(replayInto(path, 1, () => [new FailingMidwayBackend()])).rejects.toThrow("backend lost its connection");
    const store = await RunStore.open(path);
    const [run] = await store.query(`SELECT status, error, stream_digest FROM runs`);
    expect(run).toMatchObject({ status: "failed", error: "backend lost its connection", stream_digest: null });
    const [rows] = await store.query(`SELECT count(*)::INTEGER AS n FROM invocations`);
    expect(rows!.n).toBeGreaterThan(5000);
    store.close();
  });

  it("refuses to mark complete a run whose (stand-in, dropping) backend lost an outcome", async () => {
    const path = join(tempDir(), "d.duckdb");
    await expect(replayInto(path, 1, () => [new DroppingBackend()])).rejects.toThrow(/19999 outcomes for 20000 invocations/);
    const store = await RunStore.open(path);
    expect((await store.query(`SELECT status FROM runs`))[0]!.status).toBe("failed");
    store.close();
  });

  it("marks the run failed, and gives the store back, when the writer thread cannot start", async () => {
    const path = join(tempDir(), "w.duckdb");
    const store = await RunStore.open(path);
    try {
      // A column this writer does not lay out: the thread refuses to append rather than misplace values.
      await store.run(`ALTER TABLE invocation_rows ADD COLUMN extra INTEGER`);
      // 1,000 rows: the failure surfaces at close; 400,000: the simulator has filled every block
      // and is blocked waiting for the thread when it learns of the failure.
      for (const invocations of [1000, 400_000]) {
        const source = trace(1, invocations);
        const run = replay({ store, trace: source, backends: [new SimBackend("xx", sim, source.prices)], seed: 1, signal: new AbortController().signal });
        await expect(run).rejects.toThrow(/invocation_rows has columns .*extra/);
      }
      const runs = await store.query(`SELECT status, error FROM runs ORDER BY run_id`);
      expect(runs.map((r) => r.status)).toEqual(["failed", "failed"]);
      expect(String(runs[1]!.error)).toContain("extra");
    } finally {
      store.close();
    }
  });

  it("marks an aborted run interrupted", async () => {
    const store = await RunStore.open(join(tempDir(), "i.duckdb"));
    const controller = new AbortController();
    const source = trace(1, 2_000_000);
    const run = replay({
      store,
      trace: source,
      backends: [new SimBackend("xx", sim, source.prices)],
      seed: 1,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.invocations > 50_000) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/interrupted/);
    expect((await store.query(`SELECT status FROM runs`))[0]!.status).toBe("interrupted");
    store.close();
  });
});

/**
 * A stand-in for a network backend (no network: it answers every invocation itself) that keeps
 * the size of each batch it is handed. `pacing` says whether replay treats it as wall-clock.
 */
class BatchRecordingBackend implements Backend {
  readonly config = {};
  readonly billing = { prices: [1] };
  readonly sizes: number[] = [];
  constructor(
    readonly id: string,
    readonly pacing: "wall-clock" | undefined,
  ) {}
  async run(invocations: AsyncIterable<InvocationBatch>, sink: OutcomeSink): Promise<RunSummary> {
    let seen = 0;
    for await (const batch of invocations) {
      this.sizes.push(batch.length);
      for (const inv of batch) sink.outcome(inv, { status: "ok", endMs: inv.arrivalMs + 1, preemptions: 0, swappedOutMb: 0, costMicroCents: 0 });
      seen += batch.length;
    }
    return { invocations: seen, outcomes: { ...emptyOutcomeCounts(), ok: seen }, counters: {} };
  }
}

describe("replay: how a stream is batched for each kind of backend", () => {
  it("a wall-clock backend gets batches of 256 (its invocations die young), a virtual-time one 4,096, and both the same stream", async () => {
    const wall = new BatchRecordingBackend("test:wall-clock-stand-in", "wall-clock");
    const virtual = new BatchRecordingBackend("test:virtual-time-stand-in", undefined);
    const store = await RunStore.open(join(tempDir(), "b.duckdb"));
    try {
      const runs = await replay({ store, trace: trace(3, 10_000), backends: [wall, virtual], seed: 3, signal: new AbortController().signal });
      expect(Math.max(...wall.sizes)).toBe(256);
      expect(Math.max(...virtual.sizes)).toBe(4096);
      expect(wall.sizes.reduce((a, b) => a + b, 0)).toBe(10_000);
      expect(virtual.sizes.reduce((a, b) => a + b, 0)).toBe(10_000);
      expect(runs[0]!.digest.length).toBeGreaterThan(16);
      expect(runs[0]!.digest).toBe(runs[1]!.digest);
    } finally {
      store.close();
    }
  });
});
