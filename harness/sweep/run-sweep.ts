import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunStore } from "../store/run-store.ts";
import { importRuns } from "../store/import-runs.ts";
import type { SweepCell } from "./sweep-grid.ts";
import type { SweepProgress } from "./sweep-progress.ts";
import type { RunCellMessage, SweepRunArgs, WorkerMessage } from "./sweep-protocol.ts";

export interface SweepRequest {
  readonly name: string;
  readonly sweepId: string;
  readonly cells: readonly SweepCell[];
  readonly args: SweepRunArgs;
  /** The parent's store: the only writer of the shared file. */
  readonly store: RunStore;
  /** Worker processes at once (default: the core count). */
  readonly jobs?: number;
  readonly signal: AbortSignal;
  /** The `xxbench replay` command line that reproduces one cell. */
  readonly commandFor: (cell: SweepCell) => readonly string[];
  readonly onProgress?: (progress: SweepProgress, finished: boolean) => void;
}

export interface SweepResult {
  readonly runIds: readonly number[];
  readonly failures: readonly { readonly cell: SweepCell; readonly message: string }[];
  readonly interrupted: boolean;
  readonly wallMs: number;
}

const workerPath = fileURLToPath(new URL("./sweep-worker.ts", import.meta.url));

/**
 * Runs every cell in its own worker process, up to `jobs` at once. Each worker writes a private
 * DuckDB file; when it exits, the parent imports that file into the store in one transaction and
 * deletes it. Why files and not rows over IPC: the worker keeps replay()'s typed-column writer (≈1 M
 * rows/s) and the import is DuckDB copying columns, where JSON messages would cost more than the
 * simulation; and a crashed worker leaves nothing half-written in the shared store. Runs that
 * fail or are interrupted are imported too, with their status, as a replay would store them.
 */
export async function runSweep(request: SweepRequest): Promise<SweepResult> {
  const started = performance.now();
  const jobs = Math.max(1, Math.min(request.jobs ?? availableParallelism(), request.cells.length));
  const tempRoot = mkdtempSync(join(tmpdir(), "xxbench-sweep-"));
  const tsxLoader = import.meta.resolve("tsx");
  const pending = [...request.cells];
  const running = new Map<number, { cell: SweepCell; fraction: number | null }>();
  const runIds: number[] = [];
  const failures: { cell: SweepCell; message: string }[] = [];
  let done = 0;
  let batchId: number | null = null;
  const children = new Set<ReturnType<typeof fork>>();
  const progress = (finished: boolean): void =>
    request.onProgress?.(
      { name: request.name, total: request.cells.length, done, failed: failures.length, running: [...running.values()], elapsedMs: performance.now() - started },
      finished,
    );
  const onAbort = (): void => {
    for (const child of children) child.kill("SIGINT");
  };
  request.signal.addEventListener("abort", onAbort);

  // How each cell's worker ended (null: never started, the sweep was interrupted first).
  const exits = new Map(request.cells.map((cell) => [cell.index, deferred<{ failure: string | null } | null>()]));
  const exitOf = (cell: SweepCell): Deferred<{ failure: string | null } | null> => {
    const exit = exits.get(cell.index);
    if (exit === undefined) throw new Error(`sweep cell ${cell.index} is not one of the sweep's ${request.cells.length} cells`);
    return exit;
  };
  const dbFor = (cell: SweepCell): string => join(tempRoot, `cell-${cell.index}.duckdb`);

  const runOne = (cell: SweepCell): Promise<void> =>
    new Promise((resolve) => {
      const child = fork(workerPath, [], { execArgv: ["--import", tsxLoader], stdio: ["ignore", "ignore", "pipe", "ipc"] });
      children.add(child);
      running.set(cell.index, { cell, fraction: 0 });
      let failure: string | null = null;
      let stderr = "";
      child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
      child.on("message", (m: WorkerMessage) => {
        if (m.kind === "progress") {
          running.set(cell.index, { cell, fraction: m.fraction });
          progress(false);
        } else if (m.kind === "failed") failure = m.message;
      });
      child.on("exit", (code) => {
        children.delete(child);
        running.delete(cell.index);
        if (code !== 0 && failure === null) failure = `worker exited with code ${code}: ${stderr.trim().split("\n").slice(-3).join(" ")}`;
        exitOf(cell).resolve({ failure });
        resolve();
      });
      const message: RunCellMessage = {
        kind: "run",
        cell,
        args: request.args,
        db: dbFor(cell),
        sweep: request.name,
        sweepId: request.sweepId,
        cells: request.cells.length,
        command: request.commandFor(cell),
      };
      child.send(message);
    });

  const lanes = Array.from({ length: jobs }, async () => {
    for (let cell = pending.shift(); cell !== undefined; cell = pending.shift()) {
      if (request.signal.aborted) exitOf(cell).resolve(null);
      else await runOne(cell);
    }
  });

  // Imports go in grid order, whatever order the workers finish in, so a sweep's run ids follow
  // its grid; one at a time, since the store has one connection and each import is a transaction.
  const importer = (async () => {
    for (const cell of request.cells) {
      const exit = await exitOf(cell).promise;
      if (exit === null) continue;
      let failure = exit.failure;
      const db = dbFor(cell);
      try {
        const imported = await importRuns(request.store, db, { sweep: request.name, batchId });
        for (const r of imported) {
          batchId ??= r.runId;
          runIds.push(r.runId);
        }
      } catch (error) {
        failure ??= `import failed: ${error instanceof Error ? error.message : String(error)}`;
      } finally {
        rmSync(db, { force: true });
        rmSync(`${db}.wal`, { force: true });
      }
      if (failure !== null) failures.push({ cell, message: failure });
      else done++;
      progress(true);
    }
  })();
  try {
    await Promise.all(lanes);
    await importer;
  } finally {
    request.signal.removeEventListener("abort", onAbort);
    rmSync(tempRoot, { recursive: true, force: true });
  }
  return { runIds: runIds.sort((a, b) => a - b), failures, interrupted: request.signal.aborted, wallMs: performance.now() - started };
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

/** Promise.withResolvers, which Node 20 lacks. */
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
