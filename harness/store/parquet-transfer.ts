import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { importRuns, type ImportedRun } from "./import-runs.ts";
import type { RunStore } from "./run-store.ts";

const quote = (path: string): string => `'${path.replace(/'/g, "''")}'`;

/** Tables that hold per-run rows: every base table with a run_id column. */
async function runTables(store: RunStore): Promise<string[]> {
  const rows = await store.query(
    `SELECT DISTINCT c.table_name FROM duckdb_columns() c JOIN duckdb_tables() t
       ON t.database_name = c.database_name AND t.schema_name = c.schema_name AND t.table_name = c.table_name
     WHERE c.database_name = current_database() AND c.column_name = 'run_id' ORDER BY 1`,
  );
  return rows.map((r) => String(r.table_name));
}

/**
 * Writes the given runs as Parquet, one file per table (runs, traces, invocation_rows with the
 * functions they use, samples, costs, …), so they can move to another machine and be imported
 * into any store.
 */
export async function exportRuns(store: RunStore, runIds: readonly number[], dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const ids = runIds.map((id) => Number(id)).join(", ");
  const written: string[] = [];
  for (const table of await runTables(store)) {
    const file = join(dir, `${table}.parquet`);
    await store.run(`COPY (SELECT * FROM ${table} WHERE run_id IN (${ids})) TO ${quote(resolve(file))} (FORMAT parquet)`);
    written.push(file);
  }
  const functions = join(dir, "functions.parquet");
  await store.run(
    `COPY (SELECT * FROM functions WHERE function_id IN (SELECT DISTINCT function_id FROM invocation_rows WHERE run_id IN (${ids})) ORDER BY function_id)
     TO ${quote(resolve(functions))} (FORMAT parquet)`,
  );
  written.push(functions);
  const traces = join(dir, "traces.parquet");
  await store.run(
    `COPY (SELECT * FROM traces WHERE digest IN (SELECT stream_digest FROM runs WHERE run_id IN (${ids})) ORDER BY digest)
     TO ${quote(resolve(traces))} (FORMAT parquet)`,
  );
  written.push(traces);
  return written;
}

/**
 * Imports runs exported by `exportRuns` with fresh run ids. The Parquet files are first loaded
 * into a private DuckDB file laid out like a store, then moved over in one transaction, exactly
 * as a sweep worker's runs are.
 */
export async function importParquetRuns(store: RunStore, dir: string): Promise<ImportedRun[]> {
  const files = new Set(readdirSync(dir).filter((f) => f.endsWith(".parquet")));
  if (!files.has("runs.parquet")) throw new Error(`${dir} holds no runs.parquet: not an xxbench export`);
  const staging = mkdtempSync(join(tmpdir(), "xxbench-import-"));
  const stagingDb = join(staging, "staging.duckdb");
  try {
    await store.run(`ATTACH ${quote(stagingDb)} AS staging`);
    try {
      for (const file of files) {
        const table = file.replace(/\.parquet$/, "");
        if (!/^[a-z_]+$/.test(table)) continue;
        await store.run(`CREATE TABLE staging.${table} AS SELECT * FROM read_parquet(${quote(resolve(join(dir, file)))})`);
      }
    } finally {
      await store.run(`DETACH staging`);
    }
    return await importRuns(store, stagingDb, { batchId: null });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
