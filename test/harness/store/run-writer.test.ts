import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Outcome, OutcomeStatus } from "../../../adapters/backend.ts";
import { blockRows } from "../../../harness/store/outcome-block.ts";
import { RunStore } from "../../../harness/store/run-store.ts";
import { blockCount } from "../../../harness/store/run-writer.ts";
import type { Invocation } from "../../../traces/invocation.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();
const statuses: OutcomeStatus[] = ["ok", "killed", "throttled", "failed", "timeout", "dropped"];

/** Row i of a hand-made run: every nullable column is absent on its own pattern of rows. */
function row(i: number): [Invocation, Outcome] {
  const inv: Invocation = {
    id: i,
    arrivalMs: i * 0.5,
    tenant: `tenant-${i % 3}`,
    app: `app-${i % 5}`,
    fn: `fn-${i % 7}`,
    priceClass: i % 4,
    workMs: 10 + (i % 11),
    memStartMb: 100,
    memPeakMb: 100 + (i % 13),
    ...(i % 9 === 0 ? { parentId: i + 2 ** 33 } : {}),
  };
  const outcome: Outcome = {
    status: statuses[i % 6]!,
    ...(i % 3 !== 0 ? { placedMs: i * 0.5 + 1 } : {}),
    ...(i % 4 !== 0 ? { startMs: i * 0.5 + 2, endMs: i * 0.5 + 30 } : {}),
    ...(i % 6 !== 0 ? { machine: i % 100 } : {}),
    preemptions: i % 2,
    swappedOutMb: i % 17,
    swapOuts: i % 19,
    costMicroCents: i * 1.5,
    ...(i % 2 === 0 ? { ranClass: (i + 1) % 4 } : {}),
    ...(i % 7 !== 0 ? { cpuMs: i * 0.25 } : {}),
    ...(i % 10_000 === 1 ? { error: `error at ${i}` } : {}),
    // Network fields from row 3 on (the rows before must stay NULL), each on its own pattern.
    ...(i >= 3 && i % 5 !== 0 ? { sentMs: i * 0.5 + 0.25 } : {}),
    ...(i >= 3 && i % 8 !== 0 ? { httpStatus: 200 + (i % 300) } : {}),
    ...(i >= 3 && i % 11 !== 0 ? { serverQueueMs: i % 23 } : {}),
    ...(i >= 3 && i % 12 !== 0 ? { serverExecMs: i % 29 } : {}),
    ...(i % 13 === 5 ? { freshenSavedMs: (i % 7) + 0.5 } : {}),
    // The live breakdown from row 4 on (the rows before must stay NULL), each on its own pattern.
    ...(i >= 4 && i % 3 !== 1 ? { shardQueueMs: (i % 31) + 0.125 } : {}),
    ...(i >= 4 && i % 4 !== 1 ? { machineQueueMs: (i % 37) + 0.25 } : {}),
    ...(i >= 4 && i % 5 !== 1 ? { coldStartMs: i % 41 } : {}),
    ...(i >= 4 && i % 6 !== 1 ? { preemptedMs: (i % 43) * 2 } : {}),
    ...(i >= 4 && i % 7 !== 1 ? { swapInMs: (i % 47) + 0.75 } : {}),
  };
  return [inv, outcome];
}

describe("RunWriter (typed blocks appended on a writer thread)", () => {
  it("ready() resolves once the thread is up, and also when it could not start (the failure then comes at close)", async () => {
    const store = await RunStore.open(join(tempDir(), "r.duckdb"));
    try {
      const runId = await store.beginRun({ backend: "test:hand-made", traceKind: "test", seed: 1, config: {}, manifest: {} });
      const writer = await store.openRunWriter(runId);
      await writer.ready();
      const [inv, o] = row(1);
      writer.outcome(inv, o);
      await writer.close();
      expect(await store.query(`SELECT count(*)::INTEGER AS n FROM invocation_rows`)).toEqual([{ n: 1 }]);
      // A column this writer does not lay out: the thread refuses to start appending.
      await store.run(`ALTER TABLE invocation_rows ADD COLUMN extra INTEGER`);
      const refused = await store.openRunWriter(await store.beginRun({ backend: "test:hand-made", traceKind: "test", seed: 1, config: {}, manifest: {} }));
      await refused.ready();
      await expect(refused.close()).rejects.toThrow(/extra/);
    } finally {
      store.close();
    }
  });

  it("stores every column of every row exactly, across block and vector boundaries, with NULL where a value was absent", async () => {
    const db = join(tempDir(), "w.duckdb");
    const n = 40_000; // 2 full 16,384-row blocks and a partial one
    const store = await RunStore.open(db);
    try {
      const runId = await store.beginRun({ backend: "test:hand-made", traceKind: "test", seed: 1, config: {}, manifest: {} });
      const writer = await store.openRunWriter(runId);
      for (let i = 0; i < n; i++) writer.outcome(...row(i));
      writer.sample({ tMs: 1000, machine: 3, running: 2, queued: 1, utilization: 0.5 });
      writer.classSample({ tMs: 1000, machine: 3, priceClass: 2, functions: 4, residentMb: 10, waitingResidentMb: 5, swappedMb: 1, swapOuts: 1, swapIns: 0, kills: 0 });
      await writer.close();
      expect(writer.outcomes).toBe(n);
      const stored = await store.query(
        `SELECT invocation_id::DOUBLE AS id, tenant, app, fn, price_class, ran_class, work_ms, mem_start_mb, mem_peak_mb,
                parent_id::DOUBLE AS parent_id, status::VARCHAR AS status, arrival_ms, placed_ms, start_ms, end_ms, machine,
                preemptions, swapped_out_mb, swap_outs, cost_micro_cents, cpu_ms, error,
                sent_ms, http_status, server_queue_ms, server_exec_ms, freshen_saved_ms,
                shard_queue_ms, machine_queue_ms, cold_start_ms, preempted_ms, swap_in_ms
         FROM invocations WHERE run_id = $id ORDER BY invocation_id`,
        { id: runId },
      );
      expect(stored.length).toBe(n);
      const mismatches: string[] = [];
      stored.forEach((r, i) => {
        const [inv, o] = row(i);
        const expected = {
          id: i,
          tenant: inv.tenant,
          app: inv.app,
          fn: inv.fn,
          price_class: inv.priceClass,
          ran_class: o.ranClass ?? null,
          work_ms: inv.workMs,
          mem_start_mb: inv.memStartMb,
          mem_peak_mb: inv.memPeakMb,
          parent_id: inv.parentId ?? null,
          status: o.status,
          arrival_ms: inv.arrivalMs,
          placed_ms: o.placedMs ?? null,
          start_ms: o.startMs ?? null,
          end_ms: o.endMs ?? null,
          machine: o.machine ?? null,
          preemptions: o.preemptions,
          swapped_out_mb: o.swappedOutMb,
          swap_outs: o.swapOuts,
          cost_micro_cents: o.costMicroCents,
          cpu_ms: o.cpuMs ?? null,
          error: o.error ?? null,
          sent_ms: o.sentMs ?? null,
          http_status: o.httpStatus ?? null,
          server_queue_ms: o.serverQueueMs ?? null,
          server_exec_ms: o.serverExecMs ?? null,
          freshen_saved_ms: o.freshenSavedMs ?? null,
          shard_queue_ms: o.shardQueueMs ?? null,
          machine_queue_ms: o.machineQueueMs ?? null,
          cold_start_ms: o.coldStartMs ?? null,
          preempted_ms: o.preemptedMs ?? null,
          swap_in_ms: o.swapInMs ?? null,
        };
        if (JSON.stringify(r) !== JSON.stringify(expected) && mismatches.length < 3) mismatches.push(`${JSON.stringify(r)} != ${JSON.stringify(expected)}`);
      });
      expect(mismatches).toEqual([]);
      // 3 × 5 × 7 coprime patterns: every combination of (tenant, app, fn) occurs, once in functions.
      expect(await store.query(`SELECT count(*)::INTEGER AS n FROM functions`)).toEqual([{ n: 105 }]);
      expect(await store.query(`SELECT machine, running, utilization FROM machine_samples`)).toEqual([{ machine: 3, running: 2, utilization: 0.5 }]);
      expect(await store.query(`SELECT price_class, functions FROM class_samples`)).toEqual([{ price_class: 2, functions: 4 }]);
      const [outcome] = await store.query(`SELECT shard_wait_ms, wait_ms, latency_ms FROM outcomes WHERE run_id = $id AND invocation_id = 5`, { id: runId });
      expect(outcome).toEqual({ shard_wait_ms: 1, wait_ms: 2, latency_ms: 30 });
      const [network] = await store.query(`SELECT lateness_ms, response_ms FROM outcomes WHERE run_id = $id AND invocation_id = 7`, { id: runId });
      expect(network).toEqual({ lateness_ms: 0.25, response_ms: 29.75 });
    } finally {
      store.close();
    }
  });

  it("reuses the store's function ids in a second run and adds only new functions", async () => {
    const db = join(tempDir(), "f.duckdb");
    const store = await RunStore.open(db);
    try {
      for (const count of [10, 20]) {
        const runId = await store.beginRun({ backend: "test:hand-made", traceKind: "test", seed: 1, config: {}, manifest: {} });
        const writer = await store.openRunWriter(runId);
        for (let i = 0; i < count; i++) {
          const [inv, o] = row(i);
          writer.outcome({ ...inv, tenant: "t", app: "a", fn: `fn-${i}` }, o);
        }
        await writer.close();
      }
      expect(await store.query(`SELECT count(*)::INTEGER AS n, max(function_id)::INTEGER AS top FROM functions`)).toEqual([{ n: 20, top: 20 }]);
      const same = await store.query(
        `SELECT count(DISTINCT function_id)::INTEGER AS n FROM invocation_rows WHERE invocation_id < 10 GROUP BY invocation_id ORDER BY invocation_id LIMIT 1`,
      );
      expect(same).toEqual([{ n: 1 }]);
    } finally {
      store.close();
    }
  });

  it("a block filled a second time keeps nothing of its first use: NULL and present flip between the two", async () => {
    const db = join(tempDir(), "r.duckdb");
    // Every block once with one pattern of absent values, then the first ones again with the opposite.
    const firstUse = blockCount * blockRows;
    const n = firstUse + 2 * blockRows + 100;
    const store = await RunStore.open(db);
    try {
      const runId = await store.beginRun({ backend: "test:hand-made", traceKind: "test", seed: 1, config: {}, manifest: {} });
      const writer = await store.openRunWriter(runId);
      for (let i = 0; i < n; i++) {
        const again = i >= firstUse;
        const inv: Invocation = { id: i, arrivalMs: i, tenant: "t", app: "a", fn: "f", priceClass: 1, workMs: 1, memStartMb: 1, memPeakMb: 1, ...(again ? {} : { parentId: i }) };
        const present = { placedMs: i, startMs: i, endMs: i + 1, machine: 2, ranClass: 1, cpuMs: 1, sentMs: i, freshenSavedMs: 0.5, swapInMs: 0.25, billedMs: 3 };
        const o: Outcome = { status: "ok", preemptions: 0, swappedOutMb: 0, costMicroCents: 1, ...(again ? present : {}) };
        writer.outcome(inv, o);
      }
      await writer.close();
      const counts = await store.query(
        `SELECT invocation_id >= ${firstUse} AS again, count(*)::INTEGER AS n, count(parent_id)::INTEGER AS parent, count(placed_ms)::INTEGER AS placed,
                count(start_ms)::INTEGER AS started, count(end_ms)::INTEGER AS ended, count(machine)::INTEGER AS machine,
                count(ran_class)::INTEGER AS ran_class, count(cpu_ms)::INTEGER AS cpu, count(sent_ms)::INTEGER AS sent,
                count(freshen_saved_ms)::INTEGER AS freshen, count(swap_in_ms)::INTEGER AS swap_in, count(billed_ms)::INTEGER AS billed
         FROM invocation_rows WHERE run_id = $id GROUP BY ALL ORDER BY again`,
        { id: runId },
      );
      const none = { parent: 0, placed: 0, started: 0, ended: 0, machine: 0, ran_class: 0, cpu: 0, sent: 0, freshen: 0, swap_in: 0, billed: 0 };
      const reused = n - firstUse;
      expect(counts).toEqual([
        { again: false, n: firstUse, ...none, parent: firstUse },
        { again: true, n: reused, ...Object.fromEntries(Object.keys(none).map((k) => [k, reused])), parent: 0 },
      ]);
    } finally {
      store.close();
    }
  });
});
