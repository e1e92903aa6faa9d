import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SyntheticWork, WorkDone } from "./synthetic-work.ts";
import type { FromWorker, ToWorker } from "./worker-protocol.ts";

const workerPath = fileURLToPath(new URL("./function-worker.ts", import.meta.url));
// Workers run TypeScript like the rest of xxbench, through tsx's loader, resolved from this
// package so that the server works from any directory.
const tsxLoader = import.meta.resolve("tsx");
/** A worker that is not ready by then is reported as failed to start. */
const startTimeoutMs = 30_000;

interface Pending {
  readonly job: number;
  resolve(done: WorkDone): void;
  reject(error: Error): void;
}

/** One worker process and what it is executing. */
class WorkerSlot {
  pending: Pending | undefined;
  started = false;
  constructor(
    readonly process: ChildProcess,
    readonly ready: Promise<void>,
  ) {}
}

/**
 * N worker processes, each executing one request at a time. Which worker runs what is decided by
 * the caller (DispatchQueue); a worker that dies fails its request and is replaced.
 */
export class WorkerPool {
  private readonly slots: WorkerSlot[] = [];
  private nextJob = 0;
  private closing = false;

  private constructor() {}

  /** Starts `workers` processes and resolves when every one is ready for work. */
  static async create(workers: number): Promise<WorkerPool> {
    const pool = new WorkerPool();
    for (let i = 0; i < workers; i++) pool.slots.push(pool.spawn(i));
    try {
      await Promise.all(pool.slots.map((slot) => slot.ready));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get pids(): number[] {
    return this.slots.map((slot) => slot.process.pid ?? -1);
  }

  private spawn(index: number): WorkerSlot {
    const child = fork(workerPath, [], {
      // Not the parent's execArgv: a test runner's or a debugger's flags are not the worker's.
      execArgv: ["--import", tsxLoader],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let markReady: () => void = () => {};
    let failStart: (error: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    // A failed start is reported through `ready` (awaited by create or by the next run); never unhandled.
    ready.catch(() => {});
    const timer = setTimeout(() => failStart(new Error(`worker ${index} did not start within ${startTimeoutMs / 1000} s`)), startTimeoutMs);
    timer.unref();
    const slot = new WorkerSlot(child, ready);
    child.on("message", (message: FromWorker) => {
      if (message.kind === "ready") {
        clearTimeout(timer);
        slot.started = true;
        markReady();
        return;
      }
      const pending = slot.pending;
      if (!pending || pending.job !== message.job) return;
      slot.pending = undefined;
      if (message.kind === "done") pending.resolve(message.done);
      else pending.reject(new Error(`worker ${index} failed: ${message.error}`));
    });
    child.on("error", (error) => failStart(error));
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const how = signal ? `signal ${signal}` : `code ${code}`;
      failStart(new Error(`worker ${index} exited with ${how} before it was ready`));
      slot.pending?.reject(new Error(`worker ${index} exited with ${how} while executing`));
      slot.pending = undefined;
      // Replaced only once it had started: a worker that cannot start would be respawned forever.
      if (!this.closing && slot.started && this.slots[index] === slot) this.slots[index] = this.spawn(index);
    });
    return slot;
  }

  /** Executes `work` on worker `index`, which must not be executing anything. */
  async run(index: number, work: SyntheticWork): Promise<WorkDone> {
    let current = this.slots[index];
    if (!current) throw new Error(`no worker ${index}`);
    await current.ready;
    // It may have died and been replaced while we waited: wait for the replacement.
    while (this.slots[index] !== current) {
      current = this.slots[index]!;
      await current.ready;
    }
    if (current.process.exitCode !== null || current.process.signalCode !== null) throw new Error(`worker ${index} has exited`);
    if (current.pending) throw new Error(`worker ${index} is already executing a request`);
    const job = this.nextJob++;
    return new Promise<WorkDone>((resolve, reject) => {
      current.pending = { job, resolve, reject };
      const message: ToWorker = { kind: "run", job, work };
      current.process.send(message, (error) => {
        if (error && current.pending?.job === job) {
          current.pending = undefined;
          reject(new Error(`worker ${index} could not be reached: ${error.message}`));
        }
      });
    });
  }

  /** Kills every worker (whatever it is executing fails) and resolves when all have exited. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            const child = slot.process;
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGKILL");
          }),
      ),
    );
  }
}
