import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { makeSpillDirectory, removeSpillDirectory } from "./spill-directory.ts";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { RunWriter, type RunWriterTarget } from "./run-writer.ts";
import { prepareSchema } from "./store-migrations.ts";
import { StoreError, StoreNotFoundError } from "./store-errors.ts";

export { StoreError, StoreNotFoundError } from "./store-errors.ts";
export type { RunWriter } from "./run-writer.ts";

/**
 * DuckDB's buffer pool limit. Without one DuckDB takes 80 % of RAM and a replay's RSS grows with
 * its trace; with it, what does not fit spills to the spill directory.
 */
export const defaultMemoryLimitMb = 96;

/**
 * The writer thread's buffer pool while a run's rows stream in: appending needs little beyond
 * the row group being filled, and a smaller pool keeps the replay's peak RSS flat. The row group
 * holds blocks for every column, so the need grows with the columns: with 29 a real 10-function
 * Azure sample failed to commit at 32 and 36 MB and committed at 40; with schema 4's 34 the demo
 * failed at 38 MB. 64 leaves room for a few more columns and for the run's billing query, which
 * the writer thread runs too.
 */
const writerMemoryLimitMb = 64;

export interface OpenOptions {
  /**
   * Open without writing: DuckDB's READ_ONLY access mode, so a read-only file works and another
   * reader may hold it too. The file must exist and be at the current schema version.
   */
  readonly readOnly?: boolean;
  /** @deprecated The same as `readOnly`: every command that needed an existing store only read it. */
  readonly existing?: boolean;
  /** DuckDB's buffer pool limit in MB (default `defaultMemoryLimitMb`). */
  readonly memoryLimitMb?: number;
}

export type RunStatus = "running" | "complete" | "failed" | "interrupted";

export interface NewRun {
  readonly backend: string;
  readonly traceKind: string;
  readonly seed: number;
  readonly config: unknown;
  readonly manifest: unknown;
  readonly batchId?: number;
  readonly label?: string;
  readonly sweep?: string;
}

export interface FinishedRun {
  readonly invocations: number;
  readonly streamDigest: string;
  readonly wallMs: number;
  readonly manifest: unknown;
  /** Why the run's pacing cannot be trusted, in words; absent when it can. */
  readonly degraded?: string;
}

export type Row = Record<string, unknown>;

/**
 * The DuckDB file every run lands in. One process may hold a database file at a time, so a
 * RunStore is this process's one handle on it: while a run writer is open the store lends the
 * file to the writer's thread and reopens it when the writer closes (queries in between throw).
 * Parallel sweep workers write private files that the parent imports.
 */
export class RunStore {
  /** Null while the file is lent to a run writer's thread. */
  private instance: DuckDBInstance | null;
  private held: DuckDBConnection | null;

  private constructor(
    instance: DuckDBInstance,
    connection: DuckDBConnection,
    readonly path: string,
    private readonly spillDir: string,
    private readonly options: Readonly<Record<string, string>>,
    private readonly memoryLimitMb: number,
    readonly readOnly: boolean,
  ) {
    this.instance = instance;
    this.held = connection;
  }

  private get connection(): DuckDBConnection {
    if (this.held === null) throw new Error(`${this.path} is lent to a run writer until it closes`);
    return this.held;
  }

  /**
   * Opens (and if needed creates, or upgrades) the store. Commands that only read pass
   * `readOnly: true`, so a mistyped path is an error rather than a new empty store, and a
   * read-only file can be read. Every way the file can be unusable (held by another process, not
   * a DuckDB file, in a directory that cannot be created) is a StoreError with one line to show.
   */
  static async open(path: string, options: OpenOptions = {}): Promise<RunStore> {
    const readOnly = options.readOnly === true || options.existing === true;
    const inMemory = path === ":memory:";
    if (readOnly && !inMemory && !existsSync(path)) {
      throw new StoreNotFoundError(`no store at ${path} (run \`xxbench replay\` or \`xxbench demo\` first, or pass --db)`);
    }
    if (!inMemory && existsSync(path) && !statSync(path).isFile()) throw new StoreError(`--db ${path} is a directory, not a store file`);
    if (!inMemory && !readOnly) {
      try {
        mkdirSync(dirname(path), { recursive: true });
      } catch (e) {
        throw new StoreError(`cannot create the directory for store ${path}: ${systemReason(e)}`);
      }
    }
    const spillDir = makeSpillDirectory();
    const duckdbOptions: Record<string, string> = {
      memory_limit: `${options.memoryLimitMb ?? defaultMemoryLimitMb}MB`,
      temp_directory: spillDir,
      ...(readOnly && !inMemory ? { access_mode: "READ_ONLY" } : {}),
    };
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, duckdbOptions);
    } catch (e) {
      removeSpillDirectory(spillDir);
      throw openError(path, e);
    }
    let connection: DuckDBConnection | undefined;
    try {
      connection = await instance.connect();
      await prepareSchema(connection, path, readOnly && !inMemory);
      // One process holds a writable store, so a run still marked running here belongs to a
      // process that died (killed, out of memory) before it could mark the run.
      if (!readOnly) {
        await connection.run(
          `UPDATE runs SET status = 'failed', ended_at = now()::TIMESTAMP,
                  error = 'the process writing this run stopped before the run ended (found running when the store was next opened)'
           WHERE status = 'running'`,
        );
      }
    } catch (e) {
      connection?.closeSync();
      instance.closeSync();
      removeSpillDirectory(spillDir);
      throw e instanceof StoreError ? e : openError(path, e);
    }
    return new RunStore(instance, connection, path, spillDir, duckdbOptions, options.memoryLimitMb ?? defaultMemoryLimitMb, readOnly);
  }

  async beginRun(run: NewRun): Promise<number> {
    const reader = await this.connection.runAndReadAll(
      `INSERT INTO runs (backend, batch_id, label, sweep, trace_kind, seed, status, started_at, config, manifest)
       VALUES ($backend, $batch, $label, $sweep, $trace_kind, $seed, 'running', now()::TIMESTAMP, $config, $manifest)
       RETURNING run_id`,
      {
        batch: run.batchId ?? null,
        backend: run.backend,
        label: run.label ?? null,
        sweep: run.sweep ?? null,
        trace_kind: run.traceKind,
        seed: run.seed,
        config: JSON.stringify(run.config),
        manifest: JSON.stringify(run.manifest),
      },
    );
    const [[insertedId] = []] = reader.getRows();
    if (insertedId === undefined) throw new Error("INSERT INTO runs … RETURNING run_id returned no row");
    const runId = Number(insertedId);
    if (run.batchId === undefined) await this.connection.run(`UPDATE runs SET batch_id = run_id WHERE run_id = $id`, { id: runId });
    return runId;
  }

  /**
   * A sink for one run: outcome rows, samples and new functions are appended by a writer thread
   * that holds the file until `close()`, which must be awaited before the store is used again.
   */
  async openRunWriter(runId: number): Promise<RunWriter> {
    if (this.path === ":memory:" || this.readOnly) throw new Error(`a run writer needs a writable store file, not ${this.path}${this.readOnly ? " (read-only)" : ""}`);
    const { functionIds, nextFunctionId } = await this.functionDictionary();
    // The writer thread opens the file itself: close it here first (see row-writer-thread.ts).
    this.lend();
    // One DuckDB thread: the writer thread is the second core, and DuckDB's own threads would
    // compete with the simulator for the first (appending costs 25 % less CPU this way).
    const options = { ...this.options, memory_limit: `${Math.min(writerMemoryLimitMb, this.memoryLimitMb)}MB`, threads: "1" };
    return RunWriter.start(runId, { storePath: this.path, options, functionIds, nextFunctionId, reclaim: () => this.reclaim() });
  }

  /** Every function in the store by tenant → app → fn, and the next free id. */
  private async functionDictionary(): Promise<Pick<RunWriterTarget, "functionIds" | "nextFunctionId">> {
    const known = await this.query(`SELECT function_id::INTEGER AS id, tenant, app, fn FROM functions`);
    const functionIds = new Map<string, Map<string, Map<string, number>>>();
    let nextFunctionId = 1;
    for (const r of known) {
      const id = Number(r.id);
      const [tenant, app, fn] = [String(r.tenant), String(r.app), String(r.fn)];
      let apps = functionIds.get(tenant);
      if (apps === undefined) functionIds.set(tenant, (apps = new Map()));
      let fns = apps.get(app);
      if (fns === undefined) apps.set(app, (fns = new Map()));
      fns.set(fn, id);
      nextFunctionId = Math.max(nextFunctionId, id + 1);
    }
    return { functionIds, nextFunctionId };
  }

  private lend(): void {
    this.connection.closeSync();
    this.instance?.closeSync();
    this.held = null;
    this.instance = null;
  }

  private async reclaim(): Promise<void> {
    if (this.held !== null) return;
    try {
      this.instance = await DuckDBInstance.create(this.path, this.options);
    } catch (e) {
      throw openError(this.path, e);
    }
    this.held = await this.instance.connect();
  }

  async completeRun(runId: number, done: FinishedRun): Promise<void> {
    await this.connection.run(
      `UPDATE runs SET status = 'complete', ended_at = now()::TIMESTAMP, wall_ms = $wall, invocations = $n,
              stream_digest = $digest, manifest = $manifest, degraded = $degraded
       WHERE run_id = $id`,
      { id: runId, wall: done.wallMs, n: done.invocations, digest: done.streamDigest, manifest: JSON.stringify(done.manifest), degraded: done.degraded ?? null },
    );
  }

  async endRunUnfinished(runId: number, status: "failed" | "interrupted", error: string, wallMs: number): Promise<void> {
    await this.connection.run(
      `UPDATE runs SET status = $status, ended_at = now()::TIMESTAMP, wall_ms = $wall, error = $error WHERE run_id = $id`,
      { id: runId, status, wall: wallMs, error },
    );
  }

  async registerTrace(digest: string, kind: string, spec: unknown, invocations: number, durationMs: number): Promise<void> {
    await this.connection.run(
      `INSERT OR IGNORE INTO traces VALUES ($digest, $kind, $spec, $n, $duration)`,
      { digest, kind, spec: JSON.stringify(spec), n: invocations, duration: durationMs },
    );
  }

  /** Runs a query and returns plain rows; BIGINT columns arrive as `bigint`, so cast in SQL where a number is wanted. */
  async query(sql: string, params?: Record<string, DuckDBValue>): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS() as Row[];
  }

  async run(sql: string, params?: Record<string, DuckDBValue>): Promise<void> {
    await this.connection.run(sql, params);
  }

  close(): void {
    this.held?.closeSync();
    this.instance?.closeSync();
    this.held = null;
    this.instance = null;
    removeSpillDirectory(this.spillDir);
  }
}

function systemReason(e: unknown): string {
  if (e instanceof Error && "code" in e) {
    const code = String((e as NodeJS.ErrnoException).code);
    const reasons: Record<string, string> = {
      ENOTDIR: "a part of its path is a file, not a directory",
      EACCES: "permission denied",
      EROFS: "the file system is read-only",
      ENOENT: "a part of its path does not exist",
    };
    return reasons[code] ?? `${code}: ${e.message}`;
  }
  return e instanceof Error ? e.message : String(e);
}

/** DuckDB's message for a file it cannot open, turned into one line the user can act on. */
export function openError(path: string, e: unknown): StoreError {
  // The first line only: DuckDB appends context lines that the one-line error has no room for.
  const message = (e instanceof Error ? e.message : String(e)).replace(/\n[\s\S]*/, "");
  if (/Conflicting lock/i.test(message) || /Could not set lock/i.test(message)) {
    const pid = /PID (\d+)/.exec(message)?.[1];
    return new StoreError(
      `${path} is in use by another process${pid ? ` (pid ${pid})` : ""}: DuckDB lets one process open a store file at a time; wait for it to finish or pass another --db`,
    );
  }
  if (/not a valid DuckDB database file/i.test(message) || /Invalid Input Error/i.test(message) || /database file.*(corrupt|invalid)/i.test(message)) {
    return new StoreError(`${path} is not a DuckDB store (${message.replace(/^[A-Za-z ]+Error: /, "")}); pass another --db`);
  }
  if (/Permission denied|Read-only file system|No such file or directory|Not a directory|Cannot open file/i.test(message)) {
    return new StoreError(`cannot open store ${path}: ${message.replace(/^[A-Za-z ]+Error: /, "")}`);
  }
  return new StoreError(`cannot open store ${path}: ${message}`);
}
