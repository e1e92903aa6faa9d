import { rmSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";
import type { ClassSample, MachineSample, Outcome, OutcomeSink, OutcomeStatus } from "../../adapters/backend.ts";
import type { Invocation } from "../../traces/invocation.ts";
import { allocateBlock, blockColumns, blockRows, type BlockBuffers } from "./outcome-block.ts";
import type { FromRowWriter, RowWriterInit, ToRowWriter } from "./row-writer-protocol.ts";
import { outcomeStatuses } from "./schema.ts";

/** Blocks in flight between the threads: bounds the rows held in memory to blocks × blockRows. */
const blockCount = 4;
/** Buffer pool of the writer thread's staging instance; the store's own limit is separate. */
const stagingMemoryLimitMb = 64;

const statusIndex: Readonly<Record<OutcomeStatus, number>> = Object.fromEntries(outcomeStatuses.map((s, i) => [s, i])) as Record<OutcomeStatus, number>;

const threadUrl = new URL("./row-writer-thread.ts", import.meta.url).href;
const tsxUrl = import.meta.resolve("tsx/esm/api");
// The thread runs TypeScript like the rest of xxbench: it registers tsx's loader first.
const bootstrap = `import(${JSON.stringify(tsxUrl)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(threadUrl)}); })`;

/** Typed views of one block's columns, named for the fields the replay thread writes. */
class BlockViews {
  readonly invocationId: Int32Array;
  readonly functionId: Int32Array;
  readonly priceClass: Int16Array;
  readonly ranClass: Int16Array;
  readonly workMs: Float64Array;
  readonly memStartMb: Float64Array;
  readonly memPeakMb: Float64Array;
  readonly parentId: Int32Array;
  readonly status: Uint8Array;
  readonly arrivalMs: Float64Array;
  readonly placedMs: Float64Array;
  readonly startMs: Float64Array;
  readonly endMs: Float64Array;
  readonly machine: Int32Array;
  readonly preemptions: Int32Array;
  readonly swappedOutMb: Float64Array;
  readonly swapOuts: Int32Array;
  readonly costMicroCents: Float64Array;
  readonly cpuMs: Float64Array;
  /** Validity bitmasks of the nullable columns. */
  readonly ranClassValid: Uint8Array;
  readonly parentIdValid: Uint8Array;
  readonly placedMsValid: Uint8Array;
  readonly startMsValid: Uint8Array;
  readonly endMsValid: Uint8Array;
  readonly machineValid: Uint8Array;
  readonly cpuMsValid: Uint8Array;
  errors: [number, string][] = [];

  constructor(block: BlockBuffers) {
    const at = (name: string): number => blockColumns.findIndex((c) => c.name === name);
    const data = (name: string): SharedArrayBuffer => block.data[at(name)]!;
    const valid = (name: string): Uint8Array => new Uint8Array(block.validity[at(name)]!);
    this.invocationId = new Int32Array(data("invocation_id"));
    this.functionId = new Int32Array(data("function_id"));
    this.priceClass = new Int16Array(data("price_class"));
    this.ranClass = new Int16Array(data("ran_class"));
    this.workMs = new Float64Array(data("work_ms"));
    this.memStartMb = new Float64Array(data("mem_start_mb"));
    this.memPeakMb = new Float64Array(data("mem_peak_mb"));
    this.parentId = new Int32Array(data("parent_id"));
    this.status = new Uint8Array(data("status"));
    this.arrivalMs = new Float64Array(data("arrival_ms"));
    this.placedMs = new Float64Array(data("placed_ms"));
    this.startMs = new Float64Array(data("start_ms"));
    this.endMs = new Float64Array(data("end_ms"));
    this.machine = new Int32Array(data("machine"));
    this.preemptions = new Int32Array(data("preemptions"));
    this.swappedOutMb = new Float64Array(data("swapped_out_mb"));
    this.swapOuts = new Int32Array(data("swap_outs"));
    this.costMicroCents = new Float64Array(data("cost_micro_cents"));
    this.cpuMs = new Float64Array(data("cpu_ms"));
    this.ranClassValid = valid("ran_class");
    this.parentIdValid = valid("parent_id");
    this.placedMsValid = valid("placed_ms");
    this.startMsValid = valid("start_ms");
    this.endMsValid = valid("end_ms");
    this.machineValid = valid("machine");
    this.cpuMsValid = valid("cpu_ms");
  }
}

/** Sets or clears row `i`'s bit in a validity bitmask. */
function mark(bits: Uint8Array, i: number, present: boolean): void {
  if (present) bits[i >> 3]! |= 1 << (i & 7);
  else bits[i >> 3]! &= ~(1 << (i & 7));
}

/** The store's side of a writer: where the staging rows and new functions go on close. */
export interface RunWriterTarget {
  readonly connection: DuckDBConnection;
  readonly stagingPath: string;
  readonly spillDir: string;
  /** Every function already in the store, by tenant → app → fn. */
  readonly functionIds: Map<string, Map<string, Map<string, number>>>;
  readonly nextFunctionId: number;
}

/**
 * Appends one run's records. Outcome rows are written into shared typed column blocks and
 * appended to DuckDB by a worker thread, so the simulator does not wait for the store; machine
 * and class samples (a few per simulated second) go straight to the store's appenders. Rows
 * reach the store on `close`; the run's status says whether they are whole.
 */
export class RunWriter implements OutcomeSink {
  /** Outcome rows appended: the replay checks it equals the invocations sent (conservation). */
  outcomes = 0;
  private readonly views: BlockViews[];
  private readonly state: Int32Array;
  private readonly failure: Uint8Array;
  private current = 0;
  private rows = 0;
  private nextFunctionId: number;
  private readonly newFunctions: [number, string, string, string][] = [];
  private closing: Promise<void> | null = null;
  private readonly threadDone: Promise<FromRowWriter>;

  private constructor(
    readonly runId: number,
    private readonly target: RunWriterTarget,
    private readonly worker: Worker,
    init: RowWriterInit,
    failure: SharedArrayBuffer,
    threadDone: Promise<FromRowWriter>,
    private readonly samples: DuckDBAppender,
    private readonly classSamples: DuckDBAppender,
  ) {
    this.views = init.blocks.map((b) => new BlockViews(b));
    this.state = new Int32Array(init.state);
    this.failure = new Uint8Array(failure);
    this.nextFunctionId = target.nextFunctionId;
    this.threadDone = threadDone;
  }

  static async start(runId: number, target: RunWriterTarget, memoryLimitMb: number = stagingMemoryLimitMb): Promise<RunWriter> {
    const failure = new SharedArrayBuffer(1024);
    const init: RowWriterInit = {
      stagingPath: target.stagingPath,
      spillDir: target.spillDir,
      memoryLimitMb,
      blocks: Array.from({ length: blockCount }, allocateBlock),
      state: new SharedArrayBuffer(4 * (blockCount + 1)),
      failure,
    };
    const worker = new Worker(bootstrap, { eval: true, workerData: init });
    // The first message says the thread is ready (or why not); the last one, how it ended.
    let ended!: (m: FromRowWriter) => void;
    const threadDone = new Promise<FromRowWriter>((resolve) => (ended = resolve));
    const ready = new Promise<void>((resolve, reject) => {
      worker.on("message", (m: FromRowWriter) => {
        if (m.kind === "ready") resolve();
        else {
          ended(m);
          if (m.kind === "failed") reject(new Error(`the store's row writer could not start: ${m.message}`));
        }
      });
      worker.on("error", (e) => {
        const m: FromRowWriter = { kind: "failed", message: e.message };
        ended(m);
        reject(e);
      });
      worker.on("exit", () => ended({ kind: "failed", message: "the row writer thread exited unexpectedly" }));
    });
    try {
      await ready;
    } catch (error) {
      await worker.terminate();
      rmSync(target.stagingPath, { force: true });
      throw error;
    }
    const samples = await target.connection.createAppender("machine_samples");
    const classSamples = await target.connection.createAppender("class_samples");
    return new RunWriter(runId, target, worker, init, failure, threadDone, samples, classSamples);
  }

  private functionId(inv: Invocation): number {
    const ids = this.target.functionIds;
    let apps = ids.get(inv.tenant);
    if (apps === undefined) ids.set(inv.tenant, (apps = new Map()));
    let fns = apps.get(inv.app);
    if (fns === undefined) apps.set(inv.app, (fns = new Map()));
    let id = fns.get(inv.fn);
    if (id === undefined) {
      id = this.nextFunctionId++;
      fns.set(inv.fn, id);
      this.newFunctions.push([id, inv.tenant, inv.app, inv.fn]);
    }
    return id;
  }

  outcome(inv: Invocation, o: Outcome): void {
    const v = this.views[this.current]!;
    const i = this.rows;
    v.invocationId[2 * i] = inv.id >>> 0;
    v.invocationId[2 * i + 1] = Math.floor(inv.id / 4294967296);
    v.functionId[i] = this.functionId(inv);
    v.priceClass[i] = inv.priceClass;
    mark(v.ranClassValid, i, o.ranClass !== undefined);
    v.ranClass[i] = o.ranClass ?? 0;
    v.workMs[i] = inv.workMs;
    v.memStartMb[i] = inv.memStartMb;
    v.memPeakMb[i] = inv.memPeakMb;
    const parent = inv.parentId;
    mark(v.parentIdValid, i, parent !== undefined);
    v.parentId[2 * i] = parent === undefined ? 0 : parent >>> 0;
    v.parentId[2 * i + 1] = parent === undefined ? 0 : Math.floor(parent / 4294967296);
    v.status[i] = statusIndex[o.status];
    v.arrivalMs[i] = inv.arrivalMs;
    mark(v.placedMsValid, i, o.placedMs !== undefined);
    v.placedMs[i] = o.placedMs ?? 0;
    mark(v.startMsValid, i, o.startMs !== undefined);
    v.startMs[i] = o.startMs ?? 0;
    mark(v.endMsValid, i, o.endMs !== undefined);
    v.endMs[i] = o.endMs ?? 0;
    mark(v.machineValid, i, o.machine !== undefined);
    v.machine[i] = o.machine ?? 0;
    v.preemptions[i] = o.preemptions;
    v.swappedOutMb[i] = o.swappedOutMb;
    v.swapOuts[i] = o.swapOuts ?? 0;
    v.costMicroCents[i] = o.costMicroCents;
    mark(v.cpuMsValid, i, o.cpuMs !== undefined);
    v.cpuMs[i] = o.cpuMs ?? 0;
    if (o.error !== undefined) v.errors.push([i, o.error]);
    this.outcomes++;
    if (++this.rows === blockRows) this.sendBlock();
  }

  /** Hands the current block to the writer thread and waits, if it must, for the next one to be free. */
  private sendBlock(): void {
    this.throwIfThreadFailed();
    const v = this.views[this.current]!;
    Atomics.store(this.state, this.current, 1);
    const message: ToRowWriter = { kind: "block", index: this.current, rows: this.rows, errors: v.errors };
    this.worker.postMessage(message);
    v.errors = [];
    this.rows = 0;
    this.current = (this.current + 1) % blockCount;
    // Backpressure: the simulator stops until the writer thread has appended this block's last use.
    while (Atomics.load(this.state, this.current) === 1) {
      Atomics.wait(this.state, this.current, 1, 100);
      this.throwIfThreadFailed();
    }
  }

  private throwIfThreadFailed(): void {
    if (Atomics.load(this.state, blockCount) !== 1) return;
    const length = new Int32Array(this.failure.buffer as SharedArrayBuffer, 0, 1)[0]!;
    const text = new TextDecoder().decode(this.failure.slice(4, 4 + length));
    throw new Error(`the store's row writer failed: ${text || "unknown error"}`);
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

  /**
   * Sends the last rows, waits for the writer thread to finish its file, and moves the rows and
   * any new functions into the store in one transaction. Safe to call twice (error paths close
   * too); a failed run's rows so far are kept, as its status says they are partial.
   */
  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<void> {
    const { connection, stagingPath } = this.target;
    try {
      this.samples.flushSync();
      this.samples.closeSync();
      this.classSamples.flushSync();
      this.classSamples.closeSync();
      let ended: FromRowWriter;
      if (Atomics.load(this.state, blockCount) === 1) ended = await this.threadDone;
      else {
        if (this.rows > 0) {
          const v = this.views[this.current]!;
          const message: ToRowWriter = { kind: "block", index: this.current, rows: this.rows, errors: v.errors };
          Atomics.store(this.state, this.current, 1);
          this.worker.postMessage(message);
          this.rows = 0;
        }
        const close: ToRowWriter = { kind: "close" };
        this.worker.postMessage(close);
        ended = await this.threadDone;
      }
      if (ended.kind !== "closed") throw new Error(`the store's row writer failed: ${ended.kind === "failed" ? ended.message : "no rows"}`);
      await this.moveRows(connection, stagingPath);
    } finally {
      await this.worker.terminate();
      rmSync(stagingPath, { force: true });
      rmSync(`${stagingPath}.wal`, { force: true });
    }
  }

  private async moveRows(connection: DuckDBConnection, stagingPath: string): Promise<void> {
    const columns = blockColumns.map((c) => c.name).filter((n) => n !== "status");
    await connection.run(`ATTACH '${stagingPath.replace(/'/g, "''")}' AS run_staging (READ_ONLY)`);
    try {
      await connection.run("BEGIN TRANSACTION");
      try {
        for (let at = 0; at < this.newFunctions.length; at += 500) {
          const slice = this.newFunctions.slice(at, at + 500);
          await connection.run(
            `INSERT INTO functions VALUES ${slice.map((_, k) => `($i${k}, $t${k}, $a${k}, $f${k})`).join(", ")}`,
            Object.fromEntries(slice.flatMap(([id, t, a, f], k) => [[`i${k}`, id], [`t${k}`, t], [`a${k}`, a], [`f${k}`, f]])),
          );
        }
        await connection.run(
          `INSERT INTO invocation_rows BY NAME
           SELECT $run::INTEGER AS run_id, ${columns.join(", ")},
                  (enum_range(NULL::outcome_status))[status + 1]::outcome_status AS status, error
           FROM run_staging.outcome_rows`,
          { run: this.runId },
        );
        await connection.run("COMMIT");
      } catch (error) {
        await connection.run("ROLLBACK");
        throw error;
      }
    } finally {
      await connection.run("DETACH run_staging");
    }
  }
}

function optionalDouble(a: DuckDBAppender, v: number | undefined): void {
  if (v === undefined) a.appendNull();
  else a.appendDouble(v);
}
