import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { schemaV1Statements } from "../../../harness/store/migrations/schema-v1.ts";
import { migrateV1ToV2 } from "../../../harness/store/migrations/migrate-v1-to-v2.ts";
import { migrateV2ToV3 } from "../../../harness/store/migrations/migrate-v2-to-v3.ts";
import { importRuns } from "../../../harness/store/import-runs.ts";
import { RunStore, StoreError } from "../../../harness/store/run-store.ts";
import { schemaVersion } from "../../../harness/store/schema.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();

/** Outcome rows as version 1 stored them: (run, id, tenant, app, fn, status, arrival, placed, start, end). */
const v1Rows: readonly [number, number, string, string, string, string, number, number | null, number | null, number | null][] = [
  [1, 0, "t1", "a1", "f1", "ok", 0, 0, 1, 11],
  [1, 1, "t1", "a1", "f2", "killed", 5, 6, 7, 9],
  [1, 2, "t2", "a2", "f1", "throttled", 8, null, null, 8],
  [2, 0, "t1", "a1", "f1", "ok", 0, 2, 3, 13],
  [2, 1, "t1", "a1", "f2", "timeout", 5, 5, 6, 50],
];

/** A store file written by the version 1 DDL, as the xxbench of before wrote it. */
async function writeV1Store(path: string, options: { status?: string; version?: string } = {}): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const c = await instance.connect();
  for (const sql of schemaV1Statements) await c.run(sql);
  await c.run(`INSERT INTO meta VALUES ('schema_version', '${options.version ?? "1"}')`);
  for (const run of [1, 2]) {
    await c.run(
      `INSERT INTO runs (backend, batch_id, trace_kind, seed, status, started_at, config, manifest)
       VALUES ('sim:xx', 1, 'synthetic', 1, 'complete', now()::TIMESTAMP, '{}', '{}')`,
    );
    await c.run(`INSERT INTO machine_samples VALUES (${run}, 1000, 0, 1, 0, 0.5, NULL, NULL)`);
    await c.run(`INSERT INTO costs VALUES (${run}, 'xx', 't1', 0, 2, 0.5, 0.1, 0.001)`);
  }
  for (const [run, id, tenant, app, fn, status, arrival, placed, start, end] of v1Rows) {
    await c.run(
      `INSERT INTO invocations VALUES ($run, $id, $tenant, $app, $fn, 0, NULL, 10, 100, 120, NULL, $status, $arrival, $placed, $start, $end, 3, 0, 0, 0, 42, NULL)`,
      { run, id, tenant, app, fn, status: options.status !== undefined && id === 1 ? options.status : status, arrival, placed, start, end },
    );
  }
  c.closeSync();
  instance.closeSync();
}

async function storeVersion(path: string): Promise<string> {
  const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  const c = await instance.connect();
  const rows = (await c.runAndReadAll(`SELECT value FROM meta WHERE key = 'schema_version'`)).getRows();
  c.closeSync();
  instance.closeSync();
  return String(rows[0]![0]);
}

describe("store schema migrations", () => {
  it("upgrades a version 1 store in place: the same rows read through invocations and outcomes, functions keyed once", async () => {
    const path = join(tempDir(), "v1.duckdb");
    await writeV1Store(path);
    const store = await RunStore.open(path);
    try {
      const rows = await store.query(
        `SELECT run_id, invocation_id::INTEGER AS id, tenant, app, fn, status, arrival_ms, placed_ms, start_ms, end_ms, cpu_ms
         FROM invocations ORDER BY run_id, invocation_id`,
      );
      expect(rows).toEqual(
        v1Rows.map(([run_id, id, tenant, app, fn, status, arrival_ms, placed_ms, start_ms, end_ms]) => ({
          run_id,
          id,
          tenant,
          app,
          fn,
          status,
          arrival_ms,
          placed_ms,
          start_ms,
          end_ms,
          cpu_ms: null,
        })),
      );
      expect(await store.query(`SELECT tenant, app, fn FROM functions ORDER BY function_id`)).toEqual([
        { tenant: "t1", app: "a1", fn: "f1" },
        { tenant: "t1", app: "a1", fn: "f2" },
        { tenant: "t2", app: "a2", fn: "f1" },
      ]);
      const outcomes = await store.query(`SELECT latency_ms, wait_ms, shard_wait_ms FROM outcomes WHERE run_id = 1 ORDER BY invocation_id`);
      expect(outcomes).toEqual([
        { latency_ms: 11, wait_ms: 1, shard_wait_ms: 0 },
        { latency_ms: 4, wait_ms: 2, shard_wait_ms: 1 },
        { latency_ms: 0, wait_ms: null, shard_wait_ms: null },
      ]);
      expect(await store.query(`SELECT count(*)::INTEGER AS n FROM machine_samples`)).toEqual([{ n: 2 }]);
      expect(await store.query(`SELECT sum(cost_usd) AS usd FROM costs`)).toEqual([{ usd: 0.002 }]);
    } finally {
      store.close();
    }
    expect(await storeVersion(path)).toBe(String(schemaVersion));
  });

  it("upgrades a version 2 store to 3: statuses keep their values, the network columns are NULL, `dropped` is a status", async () => {
    const path = join(tempDir(), "v2.duckdb");
    await writeV1Store(path);
    // A version 2 store exactly as version 2 wrote it: version 1 upgraded by the frozen v2 statements.
    const instance = await DuckDBInstance.create(path);
    const c = await instance.connect();
    for (const sql of migrateV1ToV2) await c.run(sql);
    await c.run(`UPDATE meta SET value = '2' WHERE key = 'schema_version'`);
    c.closeSync();
    instance.closeSync();
    const store = await RunStore.open(path);
    try {
      const rows = await store.query(
        `SELECT run_id, invocation_id::INTEGER AS id, status::VARCHAR AS status, sent_ms, http_status, server_queue_ms, server_exec_ms, lateness_ms, response_ms
         FROM outcomes ORDER BY run_id, invocation_id`,
      );
      expect(rows).toEqual(
        v1Rows.map(([run_id, id, , , , status]) => ({
          run_id,
          id,
          status,
          sent_ms: null,
          http_status: null,
          server_queue_ms: null,
          server_exec_ms: null,
          lateness_ms: null,
          response_ms: null,
        })),
      );
      expect(await store.query(`SELECT DISTINCT degraded FROM runs`)).toEqual([{ degraded: null }]);
      // The widened ENUM keeps each status's index (the writer stores indices) and ends with `dropped`.
      expect(await store.query(`SELECT enum_range(NULL::outcome_status)::VARCHAR AS statuses`)).toEqual([
        { statuses: "[ok, killed, throttled, failed, timeout, dropped]" },
      ]);
      const columns = await store.query(
        `SELECT string_agg(column_name, ',' ORDER BY column_index) AS names FROM duckdb_columns() WHERE table_name = 'invocation_rows'`,
      );
      const names = String(columns[0]!.names).split(",");
      expect(names.slice(names.indexOf("cpu_ms"), names.indexOf("cpu_ms") + 6)).toEqual(["cpu_ms", "error", "sent_ms", "http_status", "server_queue_ms", "server_exec_ms"]);
    } finally {
      store.close();
    }
    expect(await storeVersion(path)).toBe(String(schemaVersion));
  });

  it("upgrades a version 3 store to 4: the Lambda columns are appended, NULL, and a fresh store lays them out identically", async () => {
    const path = join(tempDir(), "v3.duckdb");
    await writeV1Store(path);
    // A version 3 store exactly as version 3 wrote it: the frozen v1 → v2 → v3 statements.
    const instance = await DuckDBInstance.create(path);
    const c = await instance.connect();
    for (const sql of [...migrateV1ToV2, ...migrateV2ToV3]) await c.run(sql);
    await c.run(`UPDATE meta SET value = '3' WHERE key = 'schema_version'`);
    await c.run(`UPDATE invocation_rows SET sent_ms = arrival_ms + 1, server_exec_ms = 2 WHERE run_id = 2`);
    c.closeSync();
    instance.closeSync();
    const store = await RunStore.open(path);
    const freshPath = join(tempDir(), "fresh.duckdb");
    const fresh = await RunStore.open(freshPath);
    try {
      const rows = await store.query(
        `SELECT run_id, invocation_id::INTEGER AS id, status::VARCHAR AS status, sent_ms, init_ms, billed_ms, memory_size_mb, max_memory_used_mb, retries, setup_ms,
                shard_queue_ms, machine_queue_ms, cold_start_ms, preempted_ms, swap_in_ms
         FROM outcomes ORDER BY run_id, invocation_id`,
      );
      expect(rows).toEqual(
        v1Rows.map(([run_id, id, , , , status, arrival]) => ({
          run_id,
          id,
          status,
          sent_ms: run_id === 2 ? arrival + 1 : null,
          init_ms: null,
          billed_ms: null,
          memory_size_mb: null,
          max_memory_used_mb: null,
          retries: null,
          setup_ms: null,
          shard_queue_ms: null,
          machine_queue_ms: null,
          cold_start_ms: null,
          preempted_ms: null,
          swap_in_ms: null,
        })),
      );
      const columnsOf = async (s: RunStore, view: string): Promise<string> =>
        String(
          (await s.query(`SELECT string_agg(column_name || ' ' || data_type, ',' ORDER BY column_index) AS names FROM duckdb_columns() WHERE table_name = '${view}'`))[0]!
            .names,
        );
      const migrated = await columnsOf(store, "invocation_rows");
      expect(migrated.split(",").slice(-12)).toEqual([
        "server_exec_ms DOUBLE",
        "init_ms DOUBLE",
        "billed_ms DOUBLE",
        "memory_size_mb DOUBLE",
        "max_memory_used_mb DOUBLE",
        "retries SMALLINT",
        "freshen_saved_ms DOUBLE",
        "shard_queue_ms DOUBLE",
        "machine_queue_ms DOUBLE",
        "cold_start_ms DOUBLE",
        "preempted_ms DOUBLE",
        "swap_in_ms DOUBLE",
      ]);
      for (const table of ["invocation_rows", "invocations", "outcomes", "runs"]) expect(await columnsOf(store, table)).toBe(await columnsOf(fresh, table));
    } finally {
      store.close();
      fresh.close();
    }
    expect(await storeVersion(path)).toBe("4");
  });

  it("refuses to upgrade a store opened read-only, in one line, and leaves the file untouched", async () => {
    const path = join(tempDir(), "v1.duckdb");
    await writeV1Store(path);
    const before = readFileSync(path);
    const opening = RunStore.open(path, { readOnly: true });
    await expect(opening).rejects.toThrow(StoreError);
    await expect(opening).rejects.toThrow(/has store schema 1 and was opened read-only.*open it once with a writing command/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(await storeVersion(path)).toBe("1");
  });

  it("rolls the whole upgrade back when a step fails, and says how to export and re-import", async () => {
    const path = join(tempDir(), "v1-bad.duckdb");
    // A status version 2's ENUM does not have: the row copy fails after the new tables exist.
    await writeV1Store(path, { status: "vanished" });
    const opening = RunStore.open(path);
    await expect(opening).rejects.toThrow(StoreError);
    await expect(opening).rejects.toThrow(/upgrading store schema 1 to 4 failed, the file is unchanged.*`xxbench export --db .*`xxbench import DIR --db NEW`/);
    expect(await storeVersion(path)).toBe("1");
    const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
    const c = await instance.connect();
    const tables = (await c.runAndReadAll(`SELECT table_name FROM duckdb_tables() ORDER BY 1`)).getRows().map((r) => r[0]);
    c.closeSync();
    instance.closeSync();
    expect(tables).toEqual(["class_samples", "costs", "invocations", "machine_samples", "meta", "runs", "traces"]);
  });

  it("refuses a store from a newer xxbench", async () => {
    const path = join(tempDir(), "v99.duckdb");
    await writeV1Store(path, { version: "99" });
    await expect(RunStore.open(path)).rejects.toThrow(new RegExp(`has store schema 99, newer than this xxbench reads \\(${schemaVersion}\\): update xxbench`));
  });

  it("imports the runs of a version 1 file (an old sweep worker's or export's) into a version 2 store", async () => {
    const dir = tempDir();
    const old = join(dir, "v1.duckdb");
    await writeV1Store(old);
    const store = await RunStore.open(join(dir, "v2.duckdb"));
    try {
      const imported = await importRuns(store, old, { batchId: null });
      expect(imported.map((r) => r.runId)).toEqual([1, 2]);
      const rows = await store.query(`SELECT run_id, invocation_id::INTEGER AS id, tenant, fn, status FROM invocations ORDER BY run_id, invocation_id`);
      expect(rows).toEqual(v1Rows.map(([run_id, id, tenant, , fn, status]) => ({ run_id, id, tenant, fn, status })));
      expect(await store.query(`SELECT count(*)::INTEGER AS n FROM functions`)).toEqual([{ n: 3 }]);
    } finally {
      store.close();
    }
  });
});
