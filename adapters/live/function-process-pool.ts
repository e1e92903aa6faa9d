import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ReuseTally } from "./freshen-cache.ts";
import type { FromFunction, FunctionChain, LiveWorkMode, ToFunction } from "./function-runtime-protocol.ts";

const runtimePath = fileURLToPath(new URL("./function-runtime.ts", import.meta.url));
const tsxLoader = import.meta.resolve("tsx");
const startTimeoutMs = 30_000;

export interface WorkResult {
  readonly cpuMs: number;
  readonly memMb: number;
  /** A user handler's return value. */
  readonly result?: unknown;
  /** How a user handler's fetches met their resources (freshen-cache.ts). */
  readonly reuse?: ReuseTally;
}

/** What a freshen run cost in its process, ms. */
export interface FreshenSpent {
  readonly cpuMs: number;
  readonly wallMs: number;
  /** Set when the module's freshen threw; its cost is billed all the same. */
  readonly error?: string;
}

/** One OS process that executes one invocation at a time. */
export class FunctionProcess {
  private pending: { job: number; resolve(r: WorkResult): void; reject(e: Error): void } | undefined;
  private nextJob = 0;
  private touching: { resolve(): void; reject(e: Error): void }[] = [];
  /** Freshen runs apart from `pending`: the predicted call may be handed this process while freshen is still going. */
  private readonly freshening = new Map<number, { resolve(s: FreshenSpent): void; reject(e: Error): void }>();
  exited = false;

  constructor(
    readonly child: ChildProcess,
    readonly ready: Promise<void>,
  ) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /**
   * Starts the work; resolves when the process reports it done (after `finish`, in timed mode).
   * `caller`: whose invocation it is (the handler sees only that tenant's freshen cache) and the
   * function it invokes.
   */
  run(mode: LiveWorkMode, workMs: number, memMb: number, payload?: unknown, caller: { tenant: string; fn?: string } = { tenant: "" }): Promise<WorkResult> {
    if (this.pending) return Promise.reject(new Error(`function process ${this.pid} is busy`));
    const job = this.nextJob++;
    return new Promise((resolve, reject) => {
      this.pending = { job, resolve, reject };
      this.send({ kind: "run", job, mode, workMs, memMb, tenant: caller.tenant, ...(caller.fn !== undefined ? { fn: caller.fn } : {}), ...(payload !== undefined ? { payload } : {}) });
    });
  }

  /**
   * Timed mode: the agent's clock says the work is done. The run resolves at once with `result`
   * and the process is free again: it reads `finish` (letting its memory go) before any next `run`,
   * since IPC messages arrive in order; its own `done` for this job is then ignored.
   */
  finish(result: WorkResult): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    this.send({ kind: "finish", job: pending.job });
    pending.resolve(result);
  }

  /** Runs the module's freshen for `tenant`'s `fn` (seed 003); resolves with what it cost once it is done. */
  freshen(fn: string, tenant: string): Promise<FreshenSpent> {
    const job = this.nextJob++;
    return new Promise((resolve, reject) => {
      this.freshening.set(job, { resolve, reject });
      this.send({ kind: "freshen", job, fn, tenant });
    });
  }

  /** Brings the held memory back in (a swap-in when it was pushed out); resolves once every page was read. */
  touch(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.touching.push({ resolve, reject });
      this.send({ kind: "touch" });
    });
  }

  stop(): void {
    if (!this.exited) this.child.kill("SIGSTOP");
  }

  resume(): void {
    if (!this.exited) this.child.kill("SIGCONT");
  }

  onMessage(message: FromFunction): void {
    if (message.kind === "touched") {
      this.touching.shift()?.resolve();
      return;
    }
    if (message.kind === "freshened" || message.kind === "freshen-failed") {
      const waiting = this.freshening.get(message.job);
      this.freshening.delete(message.job);
      waiting?.resolve({ cpuMs: message.cpuMs, wallMs: message.wallMs, ...(message.kind === "freshen-failed" ? { error: message.error } : {}) });
      return;
    }
    const pending = this.pending;
    if (message.kind === "ready" || !pending || pending.job !== message.job) return;
    this.pending = undefined;
    if (message.kind === "done") pending.resolve({ cpuMs: message.cpuMs, memMb: message.memMb, ...("result" in message ? { result: message.result } : {}), ...(message.reuse ? { reuse: message.reuse } : {}) });
    else pending.reject(new Error(`the function failed: ${message.error}`));
  }

  onExit(how: string): void {
    this.exited = true;
    for (const t of this.touching.splice(0)) t.reject(new Error(`its function process ${this.pid} exited with ${how}`));
    this.pending?.reject(new Error(`its function process ${this.pid} exited with ${how}`));
    for (const f of this.freshening.values()) f.reject(new Error(`its function process ${this.pid} exited with ${how}`));
    this.freshening.clear();
    this.pending = undefined;
  }

  private send(message: ToFunction): void {
    this.child.send(message, (error) => {
      if (error) this.onExit(`an IPC error (${error.message})`);
    });
  }
}

/**
 * A machine agent's pre-started function processes (seed 000's warm sandboxes): an invocation
 * takes an idle one, or starts a new one if none is idle (a cold start, timed), and gives it back
 * when done. Stopped (preempted) invocations keep their process, so a machine holds as many as
 * it has functions started; `warm` are started up front.
 */
export class FunctionProcessPool {
  private readonly idle: FunctionProcess[] = [];
  private readonly all = new Set<FunctionProcess>();
  private closing = false;
  private starting = 0;
  coldStarts = 0;
  /** The module's function chain, as its first process reported it (empty: no freshen hook or no chain). */
  chain: FunctionChain = {};

  /** `functionModule`: a user function module each process loads (function-runtime-protocol.ts), or none for synthetic work. */
  private constructor(private readonly functionModule: string | undefined) {}

  static async create(warm: number, functionModule?: string): Promise<FunctionProcessPool> {
    const pool = new FunctionProcessPool(functionModule);
    const started = Array.from({ length: warm }, () => pool.spawn());
    await Promise.all(started.map((p) => p.ready));
    pool.idle.push(...started);
    return pool;
  }

  get pids(): number[] {
    return [...this.all].map((p) => p.pid);
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /** An idle process, or a fresh one; `coldMs` is how long the fresh one took to be ready (0 when warm). */
  async acquire(): Promise<{ process: FunctionProcess; coldMs: number }> {
    for (let p = this.idle.pop(); p !== undefined; p = this.idle.pop()) {
      if (p.exited) continue;
      if (this.idle.length === 0) this.prestart();
      return { process: p, coldMs: 0 };
    }
    const t0 = performance.now();
    const fresh = this.spawn();
    await fresh.ready;
    this.coldStarts++;
    return { process: fresh, coldMs: performance.now() - t0 };
  }

  /**
   * Starts one process in the background for the idle list, so the invocation after the one that
   * took the last idle process does not pay a cold start (a fresh Node + tsx takes 0.3–2 s here).
   */
  private prestart(): void {
    if (this.closing || this.starting > 0) return;
    this.starting++;
    const fresh = this.spawn();
    fresh.ready.then(
      () => {
        this.starting--;
        this.release(fresh);
      },
      () => {
        this.starting--;
      },
    );
  }

  release(p: FunctionProcess): void {
    if (!p.exited && !this.closing) this.idle.push(p);
  }

  private spawn(): FunctionProcess {
    // Same process group as the agent: if the agent dies, the kernel sends a stopped member of the
    // orphaned group SIGHUP + SIGCONT, so a preempted function process cannot outlive it.
    const child = fork(runtimePath, this.functionModule === undefined ? [] : [this.functionModule], { execArgv: ["--import", tsxLoader], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let markReady: () => void = () => {};
    let failStart: (e: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    ready.catch(() => {});
    const timer = setTimeout(() => failStart(new Error(`a function process did not start within ${startTimeoutMs / 1000} s`)), startTimeoutMs);
    timer.unref();
    const p = new FunctionProcess(child, ready);
    this.all.add(p);
    child.on("message", (message: FromFunction) => {
      if (message.kind === "ready") {
        if (message.chain) this.chain = message.chain;
        clearTimeout(timer);
        markReady();
      } else p.onMessage(message);
    });
    child.on("error", (error) => failStart(error));
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const how = signal ? `signal ${signal}` : `code ${code}`;
      failStart(new Error(`a function process exited with ${how} before it was ready`));
      p.onExit(how);
      this.all.delete(p);
    });
    return p;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.all].map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
            p.child.once("exit", () => resolve());
            p.child.kill("SIGKILL");
          }),
      ),
    );
  }
}
