import type { RunStore } from "./run-store.ts";

export interface ImportedRun {
  readonly runId: number;
  readonly status: string;
  readonly error: string | null;
}

/**
 * Moves every run of another DuckDB file (a sweep worker's private store, or runs unpacked from
 * Parquet) into the store, renumbering run ids; the file must be closed (DuckDB lets one process
 * hold a file). The runs keep their sweep name unless `into.sweep` gives one; they share one
 * batch, `into.batchId` or the first imported run's id. Every table with a run_id
 * column is copied by column name, so tables the schema gains later (memory, billing) come along
 * without changes here. One transaction: a failed import leaves the store as it was.
 */
export async function importRuns(store: RunStore, workerDb: string, into: { sweep?: string; batchId: number | null }): Promise<ImportedRun[]> {
  await store.run(`ATTACH '${workerDb.replace(/'/g, "''")}' AS worker (READ_ONLY)`);
  try {
    const tables = (
      await store.query(
        `SELECT DISTINCT table_name FROM duckdb_columns() WHERE database_name = 'worker' AND column_name = 'run_id' AND table_name <> 'runs' AND NOT internal ORDER BY 1`,
      )
    ).map((r) => String(r.table_name));
    const views = new Set((await store.query(`SELECT view_name FROM duckdb_views() WHERE database_name = 'worker'`)).map((r) => String(r.view_name)));
    const copied = tables.filter((t) => !views.has(t));
    const runs = await store.query(`SELECT run_id::INTEGER AS run_id, status, error FROM worker.runs ORDER BY run_id`);
    const imported: ImportedRun[] = [];
    await store.run("BEGIN TRANSACTION");
    try {
      await store.run(`INSERT OR IGNORE INTO traces SELECT * FROM worker.traces`);
      let batchId = into.batchId;
      for (const r of runs) {
        const old = Number(r.run_id);
        const inserted = await store.query(
          `INSERT INTO runs BY NAME
           SELECT * EXCLUDE (run_id, batch_id) REPLACE (coalesce($sweep, sweep) AS sweep) FROM worker.runs WHERE run_id = $old
           RETURNING run_id::INTEGER AS run_id`,
          { old, sweep: into.sweep ?? null },
        );
        const runId = Number(inserted[0]!.run_id);
        batchId ??= runId;
        await store.run(`UPDATE runs SET batch_id = $batch WHERE run_id = $id`, { batch: batchId, id: runId });
        for (const table of copied) {
          await store.run(`INSERT INTO ${table} BY NAME SELECT * REPLACE ($id AS run_id) FROM worker.${table} WHERE run_id = $old`, { id: runId, old });
        }
        imported.push({ runId, status: String(r.status), error: r.error === null ? null : String(r.error) });
      }
      await store.run("COMMIT");
    } catch (error) {
      await store.run("ROLLBACK");
      throw error;
    }
    return imported;
  } finally {
    await store.run(`DETACH worker`);
  }
}
