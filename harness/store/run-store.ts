import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DuckDBDataChunk, DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import type { ClassSample, MachineSample, Outcome, OutcomeSink } from "../../adapters/backend.ts";
import type { Invocation } from "../../traces/invocation.ts";
import { schemaStatements, schemaVersion } from "./schema.ts";

/** The store file a read-only command was pointed at does not exist. */
export class StoreNotFoundError extends Error {
  override readonly name = "StoreNotFoundError";
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
}

export type Row = Record<string, unknown>;

/**
 * The DuckDB file every run lands in. One process may hold a database file at a time, so a
 * RunStore is the single writer; parallel workers hand their rows to it.
 */
export class RunStore {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly path: string,
  ) {}

  /**
   * Opens (and if needed creates) the store. Commands that only read pass `existing: true`, so a
   * mistyped path is an error rather than a new empty store.
   */
  static async open(path: string, options: { existing?: boolean } = {}): Promise<RunStore> {
    if (options.existing && path !== ":memory:" && !existsSync(path)) {
      throw new StoreNotFoundError(`no store at ${path} (run \`xxbench replay\` or \`xxbench demo\` first, or pass --db)`);
    }
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (/lock/i.test(message)) {
        throw new Error(`${path} is open in another process (DuckDB allows one at a time); close it and retry`);
      }
      throw new Error(`cannot open store ${path}: ${message}`);
    }
    const connection = await instance.connect();
    for (const sql of schemaStatements) await connection.run(sql);
    const found = await connection.runAndReadAll(`SELECT value FROM meta WHERE key = 'schema_version'`);
    const rows = found.getRows();
    if (rows.length === 0) {
      await connection.run(`INSERT INTO meta VALUES ('schema_version', $v)`, { v: String(schemaVersion) });
    } else if (rows[0]![0] !== String(schemaVersion)) {
      throw new Error(`${path} has store schema ${String(rows[0]![0])}; this xxbench writes schema ${schemaVersion}`);
    }
    return new RunStore(instance, connection, path);
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
    const runId = Number(reader.getRows()[0]![0]);
    if (run.batchId === undefined) await this.connection.run(`UPDATE runs SET batch_id = run_id WHERE run_id = $id`, { id: runId });
    return runId;
  }

  /** A sink that appends the run's outcomes and machine samples in bulk. */
  async openRunWriter(runId: number): Promise<RunWriter> {
    const invocations = await this.connection.createAppender("invocations");
    const samples = await this.connection.createAppender("machine_samples");
    const classSamples = await this.connection.createAppender("class_samples");
    return new RunWriter(runId, invocations, samples, classSamples);
  }

  async completeRun(runId: number, done: FinishedRun): Promise<void> {
    await this.connection.run(
      `UPDATE runs SET status = 'complete', ended_at = now()::TIMESTAMP, wall_ms = $wall, invocations = $n,
              stream_digest = $digest, manifest = $manifest
       WHERE run_id = $id`,
      { id: runId, wall: done.wallMs, n: done.invocations, digest: done.streamDigest, manifest: JSON.stringify(done.manifest) },
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
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

const chunkRows = 2048;

/** The part of DuckDB's typed vectors the writer uses: set a row's value, then copy to native. */
interface ColumnVector {
  setItem(row: number, value: DuckDBValue): void;
  flush(): void;
}

/** Appends one run's records. Rows reach the file on `flush`/`close`; the run's status says whether they are whole. */
export class RunWriter implements OutcomeSink {
  private pending = 0;
  /** Outcome rows appended: the replay checks it equals the invocations sent (conservation). */
  outcomes = 0;
  private closed = false;
  private readonly chunk: DuckDBDataChunk;
  private readonly vectors: ColumnVector[];
  private rows = 0;

  constructor(
    readonly runId: number,
    private readonly invocations: DuckDBAppender,
    private readonly samples: DuckDBAppender,
    private readonly classSamples: DuckDBAppender,
  ) {
    const types = Array.from({ length: invocations.columnCount }, (_, c) => invocations.columnType(c));
    this.chunk = DuckDBDataChunk.create(types, chunkRows);
    this.vectors = types.map((_, c) => this.chunk.getColumnVector(c) as unknown as ColumnVector);
  }

  /**
   * Outcome rows go in column by column into a reused DataChunk (plain typed-array writes per
   * row, one native copy per 2,048 rows): about twice the rate of appending value by value.
   * The column order is the table's, as in schema.ts.
   */
  outcome(inv: Invocation, o: Outcome): void {
    const v = this.vectors;
    const i = this.rows;
    v[0]!.setItem(i, this.runId);
    v[1]!.setItem(i, BigInt(inv.id));
    v[2]!.setItem(i, inv.tenant);
    v[3]!.setItem(i, inv.app);
    v[4]!.setItem(i, inv.fn);
    v[5]!.setItem(i, inv.priceClass);
    v[6]!.setItem(i, o.ranClass ?? null);
    v[7]!.setItem(i, inv.workMs);
    v[8]!.setItem(i, inv.memStartMb);
    v[9]!.setItem(i, inv.memPeakMb);
    v[10]!.setItem(i, inv.parentId === undefined ? null : BigInt(inv.parentId));
    v[11]!.setItem(i, o.status);
    v[12]!.setItem(i, inv.arrivalMs);
    v[13]!.setItem(i, o.placedMs ?? null);
    v[14]!.setItem(i, o.startMs ?? null);
    v[15]!.setItem(i, o.endMs ?? null);
    v[16]!.setItem(i, o.machine ?? null);
    v[17]!.setItem(i, o.preemptions);
    v[18]!.setItem(i, o.swappedOutMb);
    v[19]!.setItem(i, o.swapOuts ?? 0);
    v[20]!.setItem(i, o.costMicroCents);
    v[21]!.setItem(i, o.error ?? null);
    v[22]!.setItem(i, o.cpuMs ?? null);
    this.outcomes++;
    if (++this.rows === chunkRows) this.appendChunk();
  }

  private appendChunk(): void {
    if (this.rows === 0) return;
    this.chunk.rowCount = this.rows;
    for (const vector of this.vectors) vector.flush();
    this.invocations.appendDataChunk(this.chunk);
    this.rows = 0;
    if ((this.pending += chunkRows) >= 100_000) {
      this.invocations.flushSync();
      this.pending = 0;
    }
  }

  sample(s: MachineSample): void {
    const a = this.samples;
    a.appendInteger(this.runId);
    a.appendDouble(s.tMs);
    a.appendInteger(s.machine);
    a.appendInteger(s.running);
    a.appendInteger(s.queued);
    a.appendDouble(s.utilization);
    optionalDouble(a, s.memUsedMb);
    optionalDouble(a, s.swapUsedMb);
    a.endRow();
  }

  classSample(s: ClassSample): void {
    const a = this.classSamples;
    a.appendInteger(this.runId);
    a.appendDouble(s.tMs);
    a.appendInteger(s.machine);
    a.appendSmallInt(s.priceClass);
    a.appendInteger(s.functions);
    a.appendDouble(s.residentMb);
    a.appendDouble(s.waitingResidentMb);
    a.appendDouble(s.swappedMb);
    a.appendInteger(s.swapOuts);
    a.appendInteger(s.swapIns);
    a.appendInteger(s.kills);
    a.endRow();
  }

  flush(): void {
    this.appendChunk();
    this.invocations.flushSync();
    this.samples.flushSync();
    this.classSamples.flushSync();
    this.pending = 0;
  }

  /** Flushes and releases the appenders; safe to call twice (error paths close too). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    this.invocations.closeSync();
    this.samples.closeSync();
    this.classSamples.closeSync();
  }
}

function optionalDouble(a: DuckDBAppender, v: number | undefined): void {
  if (v === undefined) a.appendNull();
  else a.appendDouble(v);
}
