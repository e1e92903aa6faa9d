import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ClassSample, MachineSample, Outcome, OutcomeSink, OutcomeStatus } from "../../adapters/backend.ts";
import type { Invocation } from "../../traces/invocation.ts";
import { allocateBlock, blockColumns, blockRows, type BlockBuffers } from "./outcome-block.ts";
import type { FromRowWriter, FunctionRow, RowWriterInit, SampleRow, ToRowWriter } from "./row-writer-protocol.ts";
import { outcomeStatuses } from "./schema.ts";

/**
 * Blocks in flight between the threads: bounds the rows held in memory to blocks × blockRows
 * (16 × 16,384 rows, about 26 MB), enough for the simulator to run ahead while the writer
 * thread starts (≈ 0.3 s) instead of waiting for it.
 */
export const blockCount = 16;
/** Samples held before they go to the writer thread (they are few: one per machine per interval). */
const samplesPerMessage = 4096;

const statusIndex: Readonly<Record<OutcomeStatus, number>> = Object.fromEntries(outcomeStatuses.map((s, i) => [s, i])) as Record<OutcomeStatus, number>;

const threadPath = fileURLToPath(new URL("./row-writer-thread.ts", import.meta.url));
const tsxRequireHook = createRequire(import.meta.url).resolve("tsx/cjs/api");
// The thread runs TypeScript like the rest of xxbench, through tsx's require hook rather than its
// ESM loader: the loader runs its hooks on a thread of their own that must start and load tsx
// first (≈ 0.15 s and 0.1 s of CPU, loaded machine), while the require hook transforms in the
// thread itself, from tsx's cache after the first run. If the thread cannot even load, it raises
// the shared failed flag itself, so that a replay thread blocked waiting for a free block (it
// cannot see worker events then) stops waiting.
const bootstrap = `const { workerData, parentPort } = require("node:worker_threads");
try {
  require(${JSON.stringify(tsxRequireHook)}).register();
  require(${JSON.stringify(threadPath)});
} catch (error) {
  const message = String(error && error.message || error).split("\\n")[0];
  const text = new TextEncoder().encode(message).slice(0, workerData.failure.byteLength - 4);
  new Uint8Array(workerData.failure).set(text, 4);
  new Int32Array(workerData.failure, 0, 1)[0] = text.length;
  const state = new Int32Array(workerData.state);
  Atomics.store(state, workerData.blocks.length, 1);
  for (let b = 0; b <= workerData.blocks.length; b++) Atomics.notify(state, b);
  parentPort.postMessage({ kind: "failed", message });
}`;

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
  readonly sentMs: Float64Array;
  readonly httpStatus: Int16Array;
  readonly serverQueueMs: Float64Array;
  readonly serverExecMs: Float64Array;
  readonly initMs: Float64Array;
  readonly billedMs: Float64Array;
  readonly memorySizeMb: Float64Array;
  readonly maxMemoryUsedMb: Float64Array;
  readonly retries: Int16Array;
  readonly freshenSavedMs: Float64Array;
  readonly shardQueueMs: Float64Array;
  readonly machineQueueMs: Float64Array;
  readonly coldStartMs: Float64Array;
  readonly preemptedMs: Float64Array;
  readonly swapInMs: Float64Array;
  /** Validity bitmasks of the nullable columns. */
  readonly ranClassValid: Uint8Array;
  readonly parentIdValid: Uint8Array;
  readonly placedMsValid: Uint8Array;
  readonly startMsValid: Uint8Array;
  readonly endMsValid: Uint8Array;
  readonly machineValid: Uint8Array;
  readonly cpuMsValid: Uint8Array;
  readonly sentMsValid: Uint8Array;
  readonly httpStatusValid: Uint8Array;
  readonly serverQueueMsValid: Uint8Array;
  readonly serverExecMsValid: Uint8Array;
  readonly initMsValid: Uint8Array;
  readonly billedMsValid: Uint8Array;
  readonly memorySizeMbValid: Uint8Array;
  readonly maxMemoryUsedMbValid: Uint8Array;
  readonly retriesValid: Uint8Array;
  readonly freshenSavedMsValid: Uint8Array;
  readonly shardQueueMsValid: Uint8Array;
  readonly machineQueueMsValid: Uint8Array;
  readonly coldStartMsValid: Uint8Array;
  readonly preemptedMsValid: Uint8Array;
  readonly swapInMsValid: Uint8Array;
  errors: [number, string][] = [];
  private readonly usuallyPresent: readonly Uint8Array[];
  private readonly usuallyAbsent: readonly Uint8Array[];

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
    this.sentMs = new Float64Array(data("sent_ms"));
    this.httpStatus = new Int16Array(data("http_status"));
    this.serverQueueMs = new Float64Array(data("server_queue_ms"));
    this.serverExecMs = new Float64Array(data("server_exec_ms"));
    this.initMs = new Float64Array(data("init_ms"));
    this.billedMs = new Float64Array(data("billed_ms"));
    this.memorySizeMb = new Float64Array(data("memory_size_mb"));
    this.maxMemoryUsedMb = new Float64Array(data("max_memory_used_mb"));
    this.retries = new Int16Array(data("retries"));
    this.freshenSavedMs = new Float64Array(data("freshen_saved_ms"));
    this.shardQueueMs = new Float64Array(data("shard_queue_ms"));
    this.machineQueueMs = new Float64Array(data("machine_queue_ms"));
    this.coldStartMs = new Float64Array(data("cold_start_ms"));
    this.preemptedMs = new Float64Array(data("preempted_ms"));
    this.swapInMs = new Float64Array(data("swap_in_ms"));
    this.ranClassValid = valid("ran_class");
    this.parentIdValid = valid("parent_id");
    this.placedMsValid = valid("placed_ms");
    this.startMsValid = valid("start_ms");
    this.endMsValid = valid("end_ms");
    this.machineValid = valid("machine");
    this.cpuMsValid = valid("cpu_ms");
    this.sentMsValid = valid("sent_ms");
    this.httpStatusValid = valid("http_status");
    this.serverQueueMsValid = valid("server_queue_ms");
    this.serverExecMsValid = valid("server_exec_ms");
    this.initMsValid = valid("init_ms");
    this.billedMsValid = valid("billed_ms");
    this.memorySizeMbValid = valid("memory_size_mb");
    this.maxMemoryUsedMbValid = valid("max_memory_used_mb");
    this.retriesValid = valid("retries");
    this.freshenSavedMsValid = valid("freshen_saved_ms");
    this.shardQueueMsValid = valid("shard_queue_ms");
    this.machineQueueMsValid = valid("machine_queue_ms");
    this.coldStartMsValid = valid("cold_start_ms");
    this.preemptedMsValid = valid("preempted_ms");
    this.swapInMsValid = valid("swap_in_ms");
    this.usuallyPresent = [this.ranClassValid, this.placedMsValid, this.startMsValid, this.endMsValid, this.machineValid, this.cpuMsValid];
    this.usuallyAbsent = blockColumns.flatMap((c, k) => {
      const bits = block.validity[k];
      return bits && !this.usuallyPresent.some((p) => p.buffer === bits) ? [new Uint8Array(bits)] : [];
    });
  }

  /**
   * Readies the block to be filled again: every row present in the columns rows usually have,
   * NULL in the rest (parent, and the network, Lambda, freshen and live fields). Called only
   * while the block is the replay thread's (the writer thread has appended its last use).
   */
  reset(): void {
    for (const bits of this.usuallyPresent) bits.fill(0xff);
    for (const bits of this.usuallyAbsent) bits.fill(0);
  }
}

/** Marks row `i` present in a validity bitmask. */
function set(bits: Uint8Array, i: number): void {
  bits[i >> 3]! |= 1 << (i & 7);
}

/** Marks row `i` NULL in a validity bitmask. */
function clear(bits: Uint8Array, i: number): void {
  bits[i >> 3]! &= ~(1 << (i & 7));
}

/** The store's side of a writer: the file the thread opens while the store has lent it. */
export interface RunWriterTarget {
  readonly storePath: string;
  readonly options: Readonly<Record<string, string>>;
  /** Every function already in the store, by tenant → app → fn. */
  readonly functionIds: Map<string, Map<string, Map<string, number>>>;
  readonly nextFunctionId: number;
  /** Reopens the store in the replay thread once the writer thread has closed the file. */
  readonly reclaim: () => Promise<void>;
}

/**
 * Appends one run's records. Outcome rows are written into shared typed column blocks that a
 * worker thread appends to the store, so the simulator does not wait for DuckDB; samples and new
 * functions go to the same thread. The store lends its file to the thread for the run and
 * reopens it on `close`; the run's status says whether the rows are whole.
 */
export class RunWriter implements OutcomeSink {
  /** Outcome rows appended: the replay checks it equals the invocations sent (conservation). */
  outcomes = 0;
  private readonly views: BlockViews[];
  private readonly state: Int32Array;
  private readonly failure: Uint8Array;
  private current = 0;
  private rows = 0;
  private network = false;
  private freshened = false;
  private lambda = false;
  private live = false;
  private nextFunctionId: number;
  private readonly newFunctions: FunctionRow[] = [];
  /** The last function seen under each `fn` name: names are unique per app, not across apps. */
  private readonly byFn = new Map<string, { readonly tenant: string; readonly app: string; readonly id: number }>();
  private machineSamples: SampleRow[] = [];
  private classSamples: SampleRow[] = [];
  private closing: Promise<void> | null = null;

  private constructor(
    readonly runId: number,
    private readonly target: RunWriterTarget,
    private readonly worker: Worker,
    init: RowWriterInit,
    private readonly threadDone: Promise<FromRowWriter>,
    private readonly threadUp: Promise<void>,
  ) {
    this.views = init.blocks.map((b) => new BlockViews(b));
    this.views[0]!.reset();
    this.state = new Int32Array(init.state);
    this.failure = new Uint8Array(init.failure);
    this.nextFunctionId = target.nextFunctionId;
  }

  /**
   * Starts the writer thread on the lent store file. A thread that cannot start fails the run at
   * its first full block or at `close()`, which reclaims the file either way.
   */
  static async start(runId: number, target: RunWriterTarget): Promise<RunWriter> {
    const init: RowWriterInit = {
      storePath: target.storePath,
      options: target.options,
      runId,
      blocks: Array.from({ length: blockCount }, allocateBlock),
      state: new SharedArrayBuffer(4 * (blockCount + 1)),
      failure: new SharedArrayBuffer(1024),
    };
    const worker = new Worker(bootstrap, { eval: true, workerData: init });
    // Not awaited: the simulator starts filling blocks while the thread loads and opens the file.
    // How the thread ended is its last message (or an exit without one).
    let up: () => void = () => undefined;
    const threadUp = new Promise<void>((resolve) => (up = resolve));
    const threadDone = new Promise<FromRowWriter>((resolve) => {
      worker.on("message", (m: FromRowWriter) => {
        if (m.kind === "ready") up();
        else resolve(m);
      });
      worker.on("error", (e) => resolve({ kind: "failed", message: e.message }));
      worker.on("exit", () => resolve({ kind: "failed", message: "the row writer thread exited before it closed the store" }));
    });
    threadDone.then(up, up);
    return new RunWriter(runId, target, worker, init, threadDone, threadUp);
  }

  /**
   * Resolves once the writer thread has loaded and opened the store, or has failed (the failure
   * itself surfaces at the next full block or at `close()`). A simulator need not wait; a run
   * paced on the wall clock waits before its clock starts, since the thread's start (about 0.3 s
   * of a core) would otherwise compete with its first sends.
   */
  ready(): Promise<void> {
    return this.threadUp;
  }

  private functionId(inv: Invocation): number {
    // Most outcomes hit the cache: one Map lookup on `fn`, and the tenant and app compare as the
    // same string instances a trace source reuses per function (three nested lookups cost
    // ~70 ns an outcome, a tenth of the simulator's time per invocation).
    const cached = this.byFn.get(inv.fn);
    if (cached !== undefined && cached.tenant === inv.tenant && cached.app === inv.app) return cached.id;
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
    this.byFn.set(inv.fn, { tenant: inv.tenant, app: inv.app, id });
    return id;
  }

  outcome(inv: Invocation, o: Outcome): void {
    const v = this.views[this.current]!;
    const i = this.rows;
    const id = inv.id;
    v.invocationId[2 * i] = id >>> 0;
    v.invocationId[2 * i + 1] = id < 4294967296 ? 0 : Math.floor(id / 4294967296);
    v.functionId[i] = this.functionId(inv);
    v.priceClass[i] = inv.priceClass;
    // Validity bits start each block set for the columns that are usually present and clear for
    // the rest (BlockViews.reset), so a row touches a bit only where it differs from the usual.
    if (o.ranClass === undefined) clear(v.ranClassValid, i);
    v.ranClass[i] = o.ranClass ?? 0;
    v.workMs[i] = inv.workMs;
    v.memStartMb[i] = inv.memStartMb;
    v.memPeakMb[i] = inv.memPeakMb;
    const parent = inv.parentId;
    if (parent !== undefined) {
      set(v.parentIdValid, i);
      v.parentId[2 * i] = parent >>> 0;
      v.parentId[2 * i + 1] = Math.floor(parent / 4294967296);
    } else {
      v.parentId[2 * i] = 0;
      v.parentId[2 * i + 1] = 0;
    }
    v.status[i] = o.status === "ok" ? 0 : statusIndex[o.status];
    v.arrivalMs[i] = inv.arrivalMs;
    if (o.placedMs === undefined) clear(v.placedMsValid, i);
    v.placedMs[i] = o.placedMs ?? 0;
    if (o.startMs === undefined) clear(v.startMsValid, i);
    v.startMs[i] = o.startMs ?? 0;
    if (o.endMs === undefined) clear(v.endMsValid, i);
    v.endMs[i] = o.endMs ?? 0;
    if (o.machine === undefined) clear(v.machineValid, i);
    v.machine[i] = o.machine ?? 0;
    v.preemptions[i] = o.preemptions;
    v.swappedOutMb[i] = o.swappedOutMb;
    v.swapOuts[i] = o.swapOuts ?? 0;
    v.costMicroCents[i] = o.costMicroCents;
    if (o.cpuMs === undefined) clear(v.cpuMsValid, i);
    v.cpuMs[i] = o.cpuMs ?? 0;
    // Simulators never set the network fields, which start each block NULL: they skip four
    // checks a row. Once a run has set one, every later row checks all four.
    if (this.network || o.sentMs !== undefined || o.httpStatus !== undefined || o.serverQueueMs !== undefined || o.serverExecMs !== undefined) {
      this.network = true;
      if (o.sentMs !== undefined) set(v.sentMsValid, i);
      v.sentMs[i] = o.sentMs ?? 0;
      if (o.httpStatus !== undefined) set(v.httpStatusValid, i);
      v.httpStatus[i] = o.httpStatus ?? 0;
      if (o.serverQueueMs !== undefined) set(v.serverQueueMsValid, i);
      v.serverQueueMs[i] = o.serverQueueMs ?? 0;
      if (o.serverExecMs !== undefined) set(v.serverExecMsValid, i);
      v.serverExecMs[i] = o.serverExecMs ?? 0;
    }
    // Only Lambda sets these; the same shortcut as the network fields.
    if (this.lambda || o.retries !== undefined || o.billedMs !== undefined || o.initMs !== undefined || o.memorySizeMb !== undefined || o.maxMemoryUsedMb !== undefined) {
      this.lambda = true;
      if (o.initMs !== undefined) set(v.initMsValid, i);
      v.initMs[i] = o.initMs ?? 0;
      if (o.billedMs !== undefined) set(v.billedMsValid, i);
      v.billedMs[i] = o.billedMs ?? 0;
      if (o.memorySizeMb !== undefined) set(v.memorySizeMbValid, i);
      v.memorySizeMb[i] = o.memorySizeMb ?? 0;
      if (o.maxMemoryUsedMb !== undefined) set(v.maxMemoryUsedMbValid, i);
      v.maxMemoryUsedMb[i] = o.maxMemoryUsedMb ?? 0;
      if (o.retries !== undefined) set(v.retriesValid, i);
      v.retries[i] = o.retries ?? 0;
    }
    // Only freshen sets it; checked from the first row that has it, as the network fields are.
    if (this.freshened || o.freshenSavedMs !== undefined) {
      this.freshened = true;
      if (o.freshenSavedMs !== undefined) set(v.freshenSavedMsValid, i);
      v.freshenSavedMs[i] = o.freshenSavedMs ?? 0;
    }
    // Only the live plane sets its breakdown; the same shortcut again.
    if (this.live || o.shardQueueMs !== undefined || o.machineQueueMs !== undefined || o.coldStartMs !== undefined || o.preemptedMs !== undefined || o.swapInMs !== undefined) {
      this.live = true;
      if (o.shardQueueMs !== undefined) set(v.shardQueueMsValid, i);
      v.shardQueueMs[i] = o.shardQueueMs ?? 0;
      if (o.machineQueueMs !== undefined) set(v.machineQueueMsValid, i);
      v.machineQueueMs[i] = o.machineQueueMs ?? 0;
      if (o.coldStartMs !== undefined) set(v.coldStartMsValid, i);
      v.coldStartMs[i] = o.coldStartMs ?? 0;
      if (o.preemptedMs !== undefined) set(v.preemptedMsValid, i);
      v.preemptedMs[i] = o.preemptedMs ?? 0;
      if (o.swapInMs !== undefined) set(v.swapInMsValid, i);
      v.swapInMs[i] = o.swapInMs ?? 0;
    }
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
    this.views[this.current]!.reset();
  }

  private throwIfThreadFailed(): void {
    if (Atomics.load(this.state, blockCount) !== 1) return;
    const length = new Int32Array(this.failure.buffer as SharedArrayBuffer, 0, 1)[0]!;
    const text = new TextDecoder().decode(this.failure.slice(4, 4 + length));
    throw new Error(`the store's row writer failed: ${text || "unknown error"}`);
  }

  sample(s: MachineSample): void {
    this.machineSamples.push([s.tMs, s.machine, s.running, s.queued, s.utilization, s.memUsedMb ?? null, s.swapUsedMb ?? null]);
    if (this.machineSamples.length >= samplesPerMessage) this.sendSamples();
  }

  classSample(s: ClassSample): void {
    this.classSamples.push([s.tMs, s.machine, s.priceClass, s.functions, s.residentMb, s.waitingResidentMb, s.swappedMb, s.swapOuts, s.swapIns, s.kills]);
    if (this.classSamples.length >= samplesPerMessage) this.sendSamples();
  }

  private sendSamples(): void {
    this.throwIfThreadFailed();
    const message: ToRowWriter = { kind: "samples", machine: this.machineSamples, classes: this.classSamples };
    this.worker.postMessage(message);
    this.machineSamples = [];
    this.classSamples = [];
  }

  /**
   * Sends the last rows and the new functions, waits for the writer thread to close the file and
   * reopens the store. Safe to call twice (error paths close too); a failed run's rows so far
   * are kept, as its status says they are partial.
   */
  close(statements: readonly string[] = []): Promise<void> {
    this.closing ??= this.finish(statements);
    return this.closing;
  }

  private async finish(statements: readonly string[]): Promise<void> {
    let ended: FromRowWriter;
    try {
      if (Atomics.load(this.state, blockCount) !== 1) {
        if (this.rows > 0) {
          const v = this.views[this.current]!;
          Atomics.store(this.state, this.current, 1);
          const message: ToRowWriter = { kind: "block", index: this.current, rows: this.rows, errors: v.errors };
          this.worker.postMessage(message);
          this.rows = 0;
        }
        const samples: ToRowWriter = { kind: "samples", machine: this.machineSamples, classes: this.classSamples };
        this.worker.postMessage(samples);
        const close: ToRowWriter = { kind: "close", functions: this.newFunctions, statements };
        this.worker.postMessage(close);
      }
      ended = await this.threadDone;
    } finally {
      await this.worker.terminate();
      await this.target.reclaim();
    }
    if (ended.kind !== "closed") throw new Error(`the store's row writer failed: ${ended.kind === "failed" ? ended.message : "it did not close"}`);
  }
}
