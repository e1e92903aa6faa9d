import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { provenance } from "../replay/manifest.ts";
import { importRuns } from "../store/import-runs.ts";
import type { RunStore } from "../store/run-store.ts";
import type { SweepCellIdentity } from "./sweep-cell.ts";
import type { SweepCell } from "./sweep-grid.ts";
import type { SweepResultsDir } from "./sweep-results.ts";
import type { SweepSpec } from "./sweep-spec.ts";
import { storedSweepCells, type StoredCellRun } from "./sweep-status.ts";

/** What the engine knows of one attempt at a cell (SLURM: an array task). */
export interface EngineAttempt {
  readonly index: number;
  readonly attempt: string;
  /** The engine's own id, e.g. SLURM's `JOB_TASK`. */
  readonly jobId: string;
  readonly state: AttemptState;
  /** The engine's name for the state, e.g. `TIMEOUT`. */
  readonly engineState: string;
  /** `code:signal` as SLURM prints it, or null when not known. */
  readonly exitCode: string | null;
  readonly log: string | null;
}

export type AttemptState = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export type CellState = "complete" | "queued" | "running" | "failed" | "cancelled" | "missing";

export interface CellOutcome {
  readonly cell: SweepCell;
  readonly state: CellState;
  /** The complete run, or the latest run of a failed cell. */
  readonly runId: number | null;
  readonly jobId: string | null;
  readonly exitCode: string | null;
  readonly log: string | null;
  readonly message: string | null;
}

export interface CollectResult {
  /** Runs added by this collect, in grid order (placeholders for failed attempts included). */
  readonly importedRunIds: readonly number[];
  /** Results found that were already in the store (imported by an earlier collect). */
  readonly alreadyStored: number;
  readonly cells: readonly CellOutcome[];
  /** Every cell has a complete run. */
  readonly complete: boolean;
}

type StagedAttempt =
  | { readonly kind: "result"; readonly cell: SweepCell; readonly attempt: string; readonly dir: string; readonly engine: Readonly<Record<string, string>> }
  | { readonly kind: "placeholder"; readonly cell: SweepCell; readonly attempt: EngineAttempt; readonly message: string };

/**
 * Imports a sweep's results directory into the store: every cell attempt that left a result and
 * is not stored yet, in grid order, in one transaction (importing again adds nothing: a stored
 * attempt is recognised by its manifest's `sweepCell`). An attempt that failed without leaving a
 * run (killed, cancelled, timed out, crashed before its export) is stored as a run of its own with
 * status `failed` or `interrupted` and the engine's job id, exit code and log in its error, so
 * `xxbench runs` lists it and the sweep reads as incomplete from the store alone.
 */
export async function collectSweep(store: RunStore, spec: SweepSpec, results: SweepResultsDir, engine: readonly EngineAttempt[]): Promise<CollectResult> {
  const before = await storedSweepCells(store, spec.sweepId);
  const storedAttempts = new Set(before.map((r) => `${r.index}/${r.attempt}`));
  const exitCodes = results.exitCodes();
  const staged: StagedAttempt[] = [];
  let alreadyStored = 0;
  for (const cell of spec.cells) {
    const withResult = new Set<string>();
    for (const attempt of results.attempts(cell.index)) {
      withResult.add(attempt);
      if (storedAttempts.has(`${cell.index}/${attempt}`)) alreadyStored++;
      else {
        // What the engine saw of this attempt (its exit code and state) joins what the cell recorded itself.
        const seen = engine.find((e) => e.index === cell.index && e.attempt === attempt);
        const code = exitCodes.get(cell.index)?.get(attempt);
        const exitCode = code !== undefined ? `${code}:0` : (seen?.exitCode ?? null);
        const record = { ...(seen !== undefined ? { state: seen.engineState } : {}), ...(exitCode !== null ? { exitCode } : {}) };
        staged.push({ kind: "result", cell, attempt, dir: join(results.cellDir(cell.index), attempt), engine: record });
      }
    }
    for (const a of engine.filter((e) => e.index === cell.index)) {
      if (withResult.has(a.attempt) || storedAttempts.has(`${cell.index}/${a.attempt}`)) continue;
      const code = exitCodes.get(cell.index)?.get(a.attempt);
      // The batch script's own record is the surer one: it saw the cell command's exit status.
      const exited = code !== undefined && code !== 0;
      if (a.state === "failed" || a.state === "cancelled" || exited || a.state === "succeeded") {
        const exitCode = code !== undefined ? `${code}:0` : a.exitCode;
        const what = a.state === "succeeded" ? `${a.engineState} but left no result` : a.engineState;
        const message = `sweep cell ${cell.index}: job ${a.jobId} ${what}, exit code ${exitCode ?? "unknown"}${a.log !== null ? `, log ${a.log}` : ""}`;
        staged.push({ kind: "placeholder", cell, attempt: { ...a, exitCode }, message });
      }
    }
  }
  let importedRunIds: number[] = [];
  if (staged.length > 0) {
    const batch = await store.query(
      `SELECT min(batch_id)::INTEGER AS batch FROM runs WHERE manifest->>'$.sweepCell.sweepId' = $id`,
      { id: spec.sweepId },
    );
    const batchId = batch[0]?.batch === null || batch[0]?.batch === undefined ? null : Number(batch[0].batch);
    importedRunIds = await importStaged(store, spec, staged, batchId);
  }
  const after = await storedSweepCells(store, spec.sweepId);
  const cells = spec.cells.map((cell) => cellOutcome(cell, after.filter((r) => r.index === cell.index), engine.filter((e) => e.index === cell.index)));
  return { importedRunIds, alreadyStored, cells, complete: cells.every((c) => c.state === "complete") };
}

function cellOutcome(cell: SweepCell, runs: readonly StoredCellRun[], attempts: readonly EngineAttempt[]): CellOutcome {
  const none = { jobId: null, exitCode: null, log: null, message: null };
  const complete = runs.find((r) => r.status === "complete");
  if (complete !== undefined) return { cell, state: "complete", runId: complete.runId, ...none, jobId: complete.jobId };
  const active = attempts.find((a) => a.state === "queued" || a.state === "running");
  if (active !== undefined) return { cell, state: active.state === "queued" ? "queued" : "running", runId: null, ...none, jobId: active.jobId, log: active.log };
  const latest = runs.at(-1);
  if (latest !== undefined) {
    return {
      cell,
      state: latest.status === "interrupted" ? "cancelled" : "failed",
      runId: latest.runId,
      jobId: latest.jobId,
      exitCode: latest.exitCode,
      log: latest.log,
      // A run's own error says what the cell saw ("interrupted by the user" for a SIGTERM); the engine says why.
      message: latest.engineState !== null && latest.error !== null && !latest.error.includes(latest.engineState) ? `${latest.engineState}: ${latest.error}` : latest.error,
    };
  }
  return { cell, state: "missing", runId: null, ...none, message: "no result and no record of the engine running it" };
}

const quote = (path: string): string => `'${resolve(path).replace(/'/g, "''")}'`;

/** Tables of a result directory other than these four are per-run tables copied as they are. */
const specialFiles = new Set(["runs", "functions", "traces", "invocation_rows"]);

/**
 * Lays every staged attempt out in one private DuckDB file shaped like a store, run ids 1…N in
 * grid order and function ids shared, then moves it over with importRuns (one transaction).
 * Why a staging file and not one import per cell: the import is then all or nothing, and the
 * function dictionary of N cells is merged once.
 */
async function importStaged(store: RunStore, spec: SweepSpec, staged: readonly StagedAttempt[], batchId: number | null): Promise<number[]> {
  const scratch = mkdtempSync(join(tmpdir(), "xxbench-collect-"));
  const stagingDb = join(scratch, "staging.duckdb");
  try {
    await store.run(`ATTACH ${quote(stagingDb)} AS staging`);
    try {
      await store.run(`CREATE TABLE staging.runs AS SELECT * FROM runs LIMIT 0`);
      await store.run(`CREATE TABLE staging.traces AS SELECT * FROM traces LIMIT 0`);
      const results = staged.flatMap((s, i) => (s.kind === "result" ? [{ ...s, runId: i + 1 }] : []));
      if (results.length > 0) {
        const all = (file: string): string => `[${results.map((r) => quote(join(r.dir, file))).join(", ")}]`;
        await store.run(`INSERT INTO staging.traces BY NAME SELECT DISTINCT ON (digest) * FROM read_parquet(${all("traces.parquet")}, union_by_name = true) ORDER BY digest`);
        await store.run(
          `CREATE TABLE staging.functions AS
           SELECT (row_number() OVER (ORDER BY tenant, app, fn))::INTEGER AS function_id, tenant, app, fn
           FROM (SELECT DISTINCT tenant, app, fn FROM read_parquet(${all("functions.parquet")}))`,
        );
      }
      const created = new Set<string>();
      const into = async (table: string, select: string): Promise<void> => {
        if (created.has(table)) await store.run(`INSERT INTO staging.${table} BY NAME ${select}`);
        else await store.run(`CREATE TABLE staging.${table} AS ${select}`);
        created.add(table);
      };
      for (const [i, s] of staged.entries()) {
        const runId = i + 1;
        if (s.kind === "placeholder") {
          await addPlaceholder(store, spec, s, runId);
          continue;
        }
        const file = (name: string): string => quote(join(s.dir, `${name}.parquet`));
        const runs = await store.query(`SELECT count(*)::INTEGER AS n FROM read_parquet(${file("runs")})`);
        if (Number(runs[0]?.n) !== 1) throw new Error(`${s.dir} holds ${String(runs[0]?.n)} runs; a sweep cell's result holds one`);
        await store.run(
          `INSERT INTO staging.runs BY NAME
           SELECT * REPLACE (${runId}::INTEGER AS run_id, json_merge_patch(manifest::JSON, $patch::JSON) AS manifest) FROM read_parquet(${file("runs")})`,
          { patch: JSON.stringify(Object.keys(s.engine).length > 0 ? { sweepCell: { engine: s.engine } } : {}) },
        );
        await into(
          "invocation_rows",
          `SELECT r.* EXCLUDE (run_id, function_id), ${runId}::INTEGER AS run_id, sf.function_id
           FROM read_parquet(${file("invocation_rows")}) r
           JOIN read_parquet(${file("functions")}) f ON f.function_id = r.function_id
           JOIN staging.functions sf ON sf.tenant = f.tenant AND sf.app = f.app AND sf.fn = f.fn`,
        );
        for (const name of readdirSync(s.dir)) {
          const table = name.replace(/\.parquet$/, "");
          if (!name.endsWith(".parquet") || specialFiles.has(table) || !/^[a-z_]+$/.test(table)) continue;
          await into(table, `SELECT * REPLACE (${runId}::INTEGER AS run_id) FROM read_parquet(${file(table)})`);
        }
      }
    } finally {
      await store.run(`DETACH staging`);
    }
    const imported = await importRuns(store, stagingDb, { sweep: spec.name, batchId });
    return imported.map((r) => r.runId);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A run row for an attempt that left no run: status, the engine's record, no outcome rows. */
async function addPlaceholder(store: RunStore, spec: SweepSpec, s: Extract<StagedAttempt, { kind: "placeholder" }>, runId: number): Promise<void> {
  const identity: SweepCellIdentity = {
    sweepId: spec.sweepId,
    index: s.cell.index,
    of: spec.cells.length,
    attempt: s.attempt.attempt,
    engine: { jobId: s.attempt.jobId, state: s.attempt.engineState, exitCode: s.attempt.exitCode, log: s.attempt.log },
    placeholder: true,
  };
  const manifest = { provenance: provenance(), seed: s.cell.seed, command: spec.commands[s.cell.index], sweepCell: identity };
  await store.run(
    `INSERT INTO staging.runs BY NAME
     SELECT $id::INTEGER AS run_id, $backend AS backend, $label AS label, $sweep AS sweep, 'synthetic' AS trace_kind, $seed AS seed,
            $status AS status, now()::TIMESTAMP AS started_at, now()::TIMESTAMP AS ended_at, $error AS error, '{}' AS config, $manifest AS manifest`,
    {
      id: runId,
      backend: s.cell.backend,
      label: s.cell.label,
      sweep: spec.name,
      seed: s.cell.seed,
      status: s.attempt.state === "cancelled" ? "interrupted" : "failed",
      error: s.message,
      manifest: JSON.stringify(manifest),
    },
  );
}

/** The attempts a results directory's exit files record, for an engine with no queue to ask (Kubernetes, or SLURM past its memory). */
export function attemptsFromExitFiles(results: SweepResultsDir): EngineAttempt[] {
  const attempts: EngineAttempt[] = [];
  for (const [index, byAttempt] of results.exitCodes()) {
    for (const [attempt, code] of byAttempt) {
      attempts.push({ index, attempt, jobId: attempt, state: code === 0 ? "succeeded" : "failed", engineState: code === 0 ? "COMPLETED" : `EXITED ${code}`, exitCode: `${code}:0`, log: null });
    }
  }
  return attempts;
}
