import type { RunStore } from "./run-store.ts";

export interface ImportedRun {
  readonly runId: number;
  readonly status: string;
  readonly error: string | null;
}

/** Tables whose rows are not copied by column name: runs are renumbered, outcome rows re-keyed. */
const specialTables = new Set(["runs", "invocations", "invocation_rows"]);

/**
 * Moves every run of another DuckDB file (a sweep worker's private store, or runs unpacked from
 * Parquet) into the store, renumbering run ids; the file must be closed (DuckDB lets one process
 * hold a file). The runs keep their sweep name unless `into.sweep` gives one; they share one
 * batch, `into.batchId` or the first imported run's id. Outcome rows are re-keyed to the store's
 * own `functions` (a function already there is reused, so importing a run twice adds no function
 * rows); the source may be a version 2 store (`invocation_rows` + `functions`) or a version 1
 * one (`invocations` with the names inline). Every other table with a run_id column is copied by
 * column name, so tables the schema gains later come along without changes here. One
 * transaction: a failed import leaves the store as it was.
 */
export async function importRuns(store: RunStore, workerDb: string, into: { sweep?: string; batchId: number | null }): Promise<ImportedRun[]> {
  await store.run(`ATTACH '${workerDb.replace(/'/g, "''")}' AS worker (READ_ONLY)`);
  try {
    const baseTables = new Set(
      (await store.query(`SELECT table_name FROM duckdb_tables() WHERE database_name = 'worker' AND NOT internal`)).map((r) => String(r.table_name)),
    );
    const copied = (
      await store.query(
        `SELECT DISTINCT table_name FROM duckdb_columns() WHERE database_name = 'worker' AND column_name = 'run_id' AND NOT internal ORDER BY 1`,
      )
    )
      .map((r) => String(r.table_name))
      .filter((t) => baseTables.has(t) && !specialTables.has(t));
    // Outcome rows with their function's names, whichever schema version wrote the source.
    const outcomeSource = baseTables.has("invocation_rows")
      ? `(SELECT r.* EXCLUDE (function_id), wf.tenant, wf.app, wf.fn FROM worker.invocation_rows r JOIN worker.functions wf USING (function_id))`
      : baseTables.has("invocations")
        ? `worker.invocations`
        : null;
    const runs = await store.query(`SELECT run_id::INTEGER AS run_id, status, error FROM worker.runs ORDER BY run_id`);
    const imported: ImportedRun[] = [];
    await store.run("BEGIN TRANSACTION");
    try {
      await store.run(`INSERT OR IGNORE INTO traces SELECT * FROM worker.traces`);
      if (outcomeSource !== null) {
        await store.run(
          `INSERT INTO functions
           SELECT ((SELECT coalesce(max(function_id), 0) FROM functions) + row_number() OVER (ORDER BY tenant, app, fn))::INTEGER, tenant, app, fn
           FROM (SELECT DISTINCT tenant, app, fn FROM ${outcomeSource}) s
           WHERE NOT EXISTS (SELECT 1 FROM functions f WHERE f.tenant = s.tenant AND f.app = s.app AND f.fn = s.fn)`,
        );
      }
      let batchId = into.batchId;
      for (const r of runs) {
        const old = Number(r.run_id);
        const inserted = await store.query(
          `INSERT INTO runs BY NAME
           SELECT * EXCLUDE (run_id, batch_id) REPLACE (coalesce($sweep, sweep) AS sweep) FROM worker.runs WHERE run_id = $old
           RETURNING run_id::INTEGER AS run_id`,
          { old, sweep: into.sweep ?? null },
        );
        const [row] = inserted;
        if (row === undefined) throw new Error(`importing run ${old} from ${workerDb}: INSERT INTO runs … RETURNING run_id returned no row`);
        const runId = Number(row.run_id);
        batchId ??= runId;
        await store.run(`UPDATE runs SET batch_id = $batch WHERE run_id = $id`, { batch: batchId, id: runId });
        if (outcomeSource !== null) {
          await store.run(
            `INSERT INTO invocation_rows BY NAME
             SELECT s.* EXCLUDE (tenant, app, fn) REPLACE ($id AS run_id), f.function_id
             FROM ${outcomeSource} s JOIN functions f ON f.tenant = s.tenant AND f.app = s.app AND f.fn = s.fn
             WHERE s.run_id = $old
             ORDER BY s.invocation_id`,
            { id: runId, old },
          );
        }
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
