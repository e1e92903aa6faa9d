import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { lambdaSize } from "../../scheduling/mu/lambda-size-table.ts";
import { MuCoordinator } from "../../scheduling/mu/mu-coordinator.ts";
import { paperAdmission, taskSlots, withinTakingWindow, type AdmissionLimits } from "../../scheduling/mu/mu-worker-admission.ts";
import { BadRequestError, parseComplete, parsePoll, parseRegister, parseSubmit, type CompleteAnswer, type MuTask, type PollReply, type RegisterAnswer } from "./mu-wire-messages.ts";

export interface MuCoordinatorServiceOptions {
  /** The worker function's timeout, ms (Algorithm 1's execTimeout). */
  readonly timeoutMs: number;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  /** Tasks the service will hold over its life. */
  readonly maxTasks?: number;
  /** Workers that may register over its life. */
  readonly maxWorkers?: number;
}

/** One run of a task that a worker reported complete (accepted or not). */
export interface TaskRun {
  readonly worker: number;
  /** Worker time from its handler's start to the task's start, ms, and as a share of the timeout. */
  readonly startedAtMs: number;
  readonly startShare: number;
  readonly runMs: number;
  readonly checksum: string;
  readonly accepted: boolean;
}

export interface TaskRecord {
  readonly spec: MuTask;
  /** Times handed to a worker. */
  attempts: number;
  /** The worker holding its lease now, if any. */
  holder?: number;
  status: "pending" | "ok" | "abandoned";
  /** Coordinator time (ms since the service started) of its first assignment and of its end. */
  firstAssignedMs?: number;
  endMs?: number;
  readonly runs: TaskRun[];
}

export interface WorkerRecord {
  readonly memoryMb: number;
  readonly vcpus: number;
  /** Its handler's start on the coordinator's clock (registration time less the time it had already run). */
  readonly startMs: number;
  /** Tasks leased to it and neither completed nor taken back: running, or declined and waiting out their leases. */
  readonly outstanding: Set<number>;
  /** The most tasks ever leased to it at once. */
  peakOutstanding: number;
  /** The most tasks it ever said it was running (Algorithm 1's currTasks): ≤ vCPUs − 1. */
  peakReportedRunning: number;
  assigned: number;
  completed: number;
  /** Set by the driver when its invocation returned (or failed). */
  ended: boolean;
}

export interface MuStatus {
  readonly submitted: number;
  readonly pooled: number;
  readonly leased: number;
  readonly completed: number;
  readonly abandoned: number;
  readonly workers: number;
  readonly reassignments: number;
  readonly duplicateCompletions: number;
}

const maxBodyBytes = 1 << 20;
const maxTasksPerSubmit = 10_000;

/**
 * μ's coordinator as an HTTP service on loopback (seed 004 §3.3: "an HTTP server … internal
 * endpoints, to be used by the workers, and external endpoints, to be used by the client"). It
 * holds the clock-free `MuCoordinator` and drives it with the wall clock: POST /tasks (client),
 * POST /register, /poll, /complete (workers), GET /status; a timer sends the tasks of workers
 * whose leases ran out back to the pool. Every body is bounded and validated: bad input gets a
 * 4xx and one line of text. It also keeps the per-task and per-worker records the driver stores
 * and the tests check.
 */
export class MuCoordinatorService {
  readonly tasks = new Map<number, TaskRecord>();
  readonly workers = new Map<number, WorkerRecord>();
  private readonly coordinator: MuCoordinator;
  private readonly limits: AdmissionLimits;
  private readonly origin = performance.now();
  private readonly waiters = new Set<() => void>();
  private readonly leaseTimer: NodeJS.Timeout;
  private settledCount = 0;
  private abandonedCount = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: MuCoordinatorServiceOptions,
  ) {
    this.limits = { timeoutMs: options.timeoutMs, ...paperAdmission };
    this.coordinator = new MuCoordinator({ limits: this.limits, leaseMs: options.leaseMs, maxAttempts: options.maxAttempts });
    this.leaseTimer = setInterval(() => this.expireLeases(), Math.max(10, Math.min(100, options.leaseMs / 4)));
    this.leaseTimer.unref();
  }

  static async start(options: MuCoordinatorServiceOptions): Promise<MuCoordinatorService> {
    if (!(options.timeoutMs > 0 && options.leaseMs > 0 && Number.isInteger(options.maxAttempts) && options.maxAttempts >= 1)) {
      throw new RangeError(`the coordinator needs timeoutMs > 0, leaseMs > 0 and maxAttempts ≥ 1 (got ${options.timeoutMs}, ${options.leaseMs}, ${options.maxAttempts})`);
    }
    let service: MuCoordinatorService | undefined;
    const server = createServer((req, res) => {
      service!.handle(req, res).catch((error: unknown) => reply(res, 500, { error: error instanceof Error ? error.message : String(error) }));
    });
    server.keepAliveTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    const { port } = server.address() as AddressInfo;
    service = new MuCoordinatorService(server, `http://127.0.0.1:${port}`, options);
    return service;
  }

  /** Milliseconds since the service started: the clock every record uses. */
  now(): number {
    return performance.now() - this.origin;
  }

  /** Puts tasks in the request pool (the in-process form of POST /tasks). */
  submit(tasks: readonly MuTask[]): void {
    const max = this.options.maxTasks ?? 1_000_000;
    if (this.tasks.size + tasks.length > max) throw new BadRequestError(`the coordinator holds at most ${max} tasks (has ${this.tasks.size}, ${tasks.length} more sent)`);
    const seen = new Set<number>();
    for (const t of tasks) {
      if (this.tasks.has(t.task) || seen.has(t.task)) throw new ConflictError(`task ${t.task} was submitted already`);
      seen.add(t.task);
    }
    for (const t of tasks) {
      this.tasks.set(t.task, { spec: t, attempts: 0, status: "pending", runs: [] });
      this.coordinator.submit(t.task);
    }
    this.wake();
  }

  status(): MuStatus {
    return {
      submitted: this.tasks.size,
      pooled: this.coordinator.pooledTasks,
      leased: this.coordinator.leasedTasks,
      completed: this.settledCount - this.abandonedCount,
      abandoned: this.abandonedCount,
      workers: this.workers.size,
      reassignments: this.coordinator.reassignments,
      duplicateCompletions: this.coordinator.duplicateCompletions,
    };
  }

  /** Every submitted task completed or was given up. */
  get settled(): boolean {
    return this.settledCount === this.tasks.size;
  }

  /** Task slots still free on registered workers that have not ended and may still take work. */
  freeSlots(): number {
    const now = this.now();
    let free = 0;
    for (const w of this.workers.values()) {
      if (!w.ended && withinTakingWindow(now, w.startMs, this.limits)) free += Math.max(0, taskSlots(w.vcpus) - w.outstanding.size);
    }
    return free;
  }

  /** The driver saw the worker's invocation end: its slots no longer count. */
  workerEnded(worker: number): void {
    const w = this.workers.get(worker);
    if (w !== undefined) w.ended = true;
    this.wake();
  }

  /** Resolves at the next change of a task or worker (or after `ms`). */
  changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  async close(): Promise<void> {
    clearInterval(this.leaseTimer);
    for (const w of [...this.waiters]) w();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private expireLeases(): void {
    const { reclaimed, abandoned } = this.coordinator.expireLeases(this.now());
    for (const task of reclaimed) this.release(task);
    for (const task of abandoned) {
      const record = this.release(task);
      record.status = "abandoned";
      record.endMs = this.now();
      this.settledCount++;
      this.abandonedCount++;
    }
    if (reclaimed.length + abandoned.length > 0) this.wake();
  }

  /** The task leaves its holder's outstanding set (its lease ran out, or it completed). */
  private release(task: number): TaskRecord {
    const record = this.tasks.get(task)!;
    if (record.holder !== undefined) this.workers.get(record.holder)?.outstanding.delete(task);
    delete record.holder;
    return record;
  }

  private register(body: unknown): RegisterAnswer {
    const req = parseRegister(body);
    if (this.workers.has(req.worker)) throw new ConflictError(`worker ${req.worker} registered already`);
    const max = this.options.maxWorkers ?? 100_000;
    if (this.workers.size >= max) throw new ConflictError(`the coordinator takes at most ${max} workers`);
    const vcpus = lambdaSize(req.memoryMb).vcpus;
    // Its start on this clock: what it had already run (timeout − remaining) before registering.
    const startMs = this.now() - Math.max(0, this.options.timeoutMs - req.remainingMs);
    this.coordinator.register(req.worker, startMs, vcpus);
    this.workers.set(req.worker, { memoryMb: req.memoryMb, vcpus, startMs, outstanding: new Set(), peakOutstanding: 0, peakReportedRunning: 0, assigned: 0, completed: 0, ended: false });
    this.wake();
    return { vcpus, slots: taskSlots(vcpus), timeoutMs: this.options.timeoutMs };
  }

  private poll(body: unknown): PollReply {
    const req = parsePoll(body, 64);
    const w = this.workers.get(req.worker);
    if (w === undefined) throw new NotFoundError(`worker ${req.worker} is not registered`);
    w.peakReportedRunning = Math.max(w.peakReportedRunning, req.running.length);
    const answer = this.coordinator.poll(req.worker, this.now(), { cpuShare: req.cpuShare, memShare: req.memShare, runningTasks: req.running.length }, req.running);
    if (answer.kind !== "assign") return answer;
    const record = this.tasks.get(answer.task)!;
    record.attempts++;
    record.holder = req.worker;
    record.firstAssignedMs ??= this.now();
    w.outstanding.add(answer.task);
    w.peakOutstanding = Math.max(w.peakOutstanding, w.outstanding.size);
    w.assigned++;
    this.wake();
    return { kind: "assign", task: record.spec };
  }

  private complete(body: unknown): CompleteAnswer {
    const req = parseComplete(body);
    const record = this.tasks.get(req.task);
    if (record === undefined) throw new NotFoundError(`task ${req.task} was never submitted`);
    const w = this.workers.get(req.worker);
    if (w === undefined) throw new NotFoundError(`worker ${req.worker} is not registered`);
    // First completion wins: the coordinator refuses (and counts) any later one.
    const accepted = this.coordinator.complete(req.worker, req.task);
    record.runs.push({ worker: req.worker, startedAtMs: req.startedAtMs, startShare: req.startedAtMs / this.options.timeoutMs, runMs: req.runMs, checksum: req.checksum, accepted });
    w.outstanding.delete(req.task);
    if (accepted) {
      this.release(req.task);
      record.status = "ok";
      record.endMs = this.now();
      w.completed++;
      this.settledCount++;
    }
    this.wake();
    return { accepted };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    const routes: Record<string, "GET" | "POST"> = { "/status": "GET", "/tasks": "POST", "/register": "POST", "/poll": "POST", "/complete": "POST" };
    const method = path !== undefined ? routes[path] : undefined;
    if (method === undefined) return drainAndReply(req, res, 404, { error: `no such route: ${path ?? ""}` });
    if (req.method !== method) return drainAndReply(req, res, 405, { error: `${path} takes ${method} (got ${req.method ?? "?"})` });
    if (method === "GET") return reply(res, 200, this.status());
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (error) {
      if (error instanceof TooLargeError) return reply(res, 413, { error: error.message });
      return reply(res, 400, { error: `the body is not JSON: ${error instanceof Error ? error.message : String(error)}` });
    }
    try {
      switch (path) {
        case "/tasks": {
          const submitted = parseSubmit(body, maxTasksPerSubmit);
          this.submit(submitted.tasks);
          return reply(res, 202, { accepted: submitted.tasks.length });
        }
        case "/register":
          return reply(res, 200, this.register(body));
        case "/poll":
          return reply(res, 200, this.poll(body));
        default:
          return reply(res, 200, this.complete(body));
      }
    } catch (error) {
      if (error instanceof BadRequestError) return reply(res, 400, { error: error.message });
      if (error instanceof NotFoundError) return reply(res, 404, { error: error.message });
      if (error instanceof ConflictError) return reply(res, 409, { error: error.message });
      if (error instanceof RangeError) return reply(res, 400, { error: error.message });
      throw error;
    }
  }
}

class NotFoundError extends Error {}
class ConflictError extends Error {}
class TooLargeError extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBodyBytes) {
    req.resume();
    throw new TooLargeError(`the body is over ${maxBodyBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) {
      req.resume();
      throw new TooLargeError(`the body is over ${maxBodyBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function drainAndReply(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  req.resume();
  reply(res, status, body);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
