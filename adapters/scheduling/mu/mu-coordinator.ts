import { answerPoll, type AdmissionLimits, type WorkerReport } from "./mu-worker-admission.ts";

/** What a poll gets back: a task to run, carry on, or shut down. */
export type CoordinatorAnswer = { readonly kind: "assign"; readonly task: number } | { readonly kind: "continue" } | { readonly kind: "shutdown" };

export interface MuCoordinatorOptions {
  readonly limits: AdmissionLimits;
  /**
   * A task handed to a worker is leased to it for this long; each poll that reports it running
   * renews the lease. A worker that dies stops polling, its leases run out, and its tasks go back
   * to the front of the pool for another worker: at-least-once execution, and `complete` accepts
   * only the first completion of a task, so each task completes exactly once.
   */
  readonly leaseMs: number;
  /**
   * Times a task may be handed out. One whose lease runs out on its last attempt is given up
   * (a task longer than the workers live would otherwise circle for ever), as Lambda gives up an
   * asynchronous invocation after two retries.
   */
  readonly maxAttempts: number;
}

/** What a lease check did: tasks back in the pool, and tasks given up after their last attempt. */
export interface LeaseExpiry {
  readonly reclaimed: readonly number[];
  readonly abandoned: readonly number[];
}

interface WorkerEntry {
  readonly startMs: number;
  readonly vcpus: number;
  lastPollMs: number;
}

interface Lease {
  readonly worker: number;
  expiresMs: number;
}

/**
 * μ's coordinator (seed 004 §3.2): a request pool of task ids and Algorithm 1 answering workers'
 * polls, with leases so a task on a worker that dies is handed out again. Clock-free: every call
 * takes `now`, so the simulator and a live coordinator (an HTTP server) share it.
 */
export class MuCoordinator {
  /** Pool order: reclaimed tasks first (they have waited longest), then arrivals in order. */
  private readonly reclaimed: number[] = [];
  private readonly arrivals: number[] = [];
  private arrivalHead = 0;
  private readonly pooled = new Set<number>();
  private readonly leases = new Map<number, Lease>();
  private readonly workers = new Map<number, WorkerEntry>();
  private readonly attempts = new Map<number, number>();
  /** Leases that ran out and sent their task back to the pool. */
  reassignments = 0;
  /** Completions refused because the task had already completed (or was never submitted). */
  duplicateCompletions = 0;

  constructor(private readonly options: MuCoordinatorOptions) {}

  get pooledTasks(): number {
    return this.pooled.size;
  }

  get leasedTasks(): number {
    return this.leases.size;
  }

  get registeredWorkers(): number {
    return this.workers.size;
  }

  /** A client's task enters the request pool. */
  submit(task: number): void {
    if (this.pooled.has(task) || this.leases.has(task)) throw new Error(`task ${task} was submitted twice`);
    this.pooled.add(task);
    this.arrivals.push(task);
  }

  /** A worker instance started and introduced itself. */
  register(worker: number, now: number, vcpus: number): void {
    if (this.workers.has(worker)) throw new Error(`worker ${worker} registered twice`);
    this.workers.set(worker, { startMs: now, vcpus, lastPollMs: now });
  }

  /** Algorithm 1 for one poll; renews the leases of the tasks the worker reports running. */
  poll(worker: number, now: number, report: WorkerReport, runningTasks: readonly number[]): CoordinatorAnswer {
    const entry = this.workers.get(worker);
    // A worker the coordinator has given up on (its leases ran out) is told to stop.
    if (entry === undefined) return { kind: "shutdown" };
    entry.lastPollMs = now;
    for (const task of runningTasks) {
      const lease = this.leases.get(task);
      if (lease !== undefined && lease.worker === worker) lease.expiresMs = now + this.options.leaseMs;
    }
    const answer = answerPoll(now, entry.startMs, entry.vcpus, report, this.pooled.size > 0, this.options.limits);
    if (answer.kind === "assign") {
      const task = this.take();
      this.leases.set(task, { worker, expiresMs: now + this.options.leaseMs });
      this.attempts.set(task, (this.attempts.get(task) ?? 0) + 1);
      return { kind: "assign", task };
    }
    if (answer.kind === "shutdown") this.workers.delete(worker);
    return answer;
  }

  /**
   * A worker finished a task. True the first time the task completes (its result goes to the
   * client); false for a task that already completed, e.g. run twice after a lease ran out.
   */
  complete(worker: number, task: number): boolean {
    const lease = this.leases.get(task);
    if (lease !== undefined) {
      this.leases.delete(task);
      this.attempts.delete(task);
      return true;
    }
    // Its lease ran out and it waits in the pool, but the first worker finished it after all.
    if (this.pooled.delete(task)) {
      this.attempts.delete(task);
      return true;
    }
    this.duplicateCompletions++;
    void worker;
    return false;
  }

  /**
   * Sends every task whose lease ran out by `now` back to the pool, or gives it up after its last
   * attempt; forgets workers silent as long.
   */
  expireLeases(now: number): LeaseExpiry {
    const expired: number[] = [];
    for (const [task, lease] of this.leases) {
      if (lease.expiresMs <= now) {
        this.leases.delete(task);
        expired.push(task);
      }
    }
    expired.sort((a, b) => a - b);
    const reclaimed: number[] = [];
    const abandoned: number[] = [];
    for (const task of expired) {
      if ((this.attempts.get(task) ?? 0) >= this.options.maxAttempts) {
        this.attempts.delete(task);
        abandoned.push(task);
        continue;
      }
      this.pooled.add(task);
      this.reclaimed.push(task);
      reclaimed.push(task);
    }
    this.reassignments += reclaimed.length;
    for (const [worker, entry] of this.workers) if (entry.lastPollMs + this.options.leaseMs <= now) this.workers.delete(worker);
    return { reclaimed, abandoned };
  }

  /** When the next lease runs out if no poll renews it (+Infinity when none is held). */
  nextLeaseExpiry(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const lease of this.leases.values()) if (lease.expiresMs < next) next = lease.expiresMs;
    return next;
  }

  private take(): number {
    while (this.reclaimed.length > 0) {
      const task = this.reclaimed.shift()!;
      if (this.pooled.delete(task)) return task;
    }
    while (this.arrivalHead < this.arrivals.length) {
      const task = this.arrivals[this.arrivalHead++]!;
      // Compact now and then so the array does not grow with the whole run.
      if (this.arrivalHead > 1024 && this.arrivalHead * 2 > this.arrivals.length) {
        this.arrivals.splice(0, this.arrivalHead);
        this.arrivalHead = 0;
      }
      if (this.pooled.delete(task)) return task;
    }
    throw new Error("the request pool is empty");
  }
}
