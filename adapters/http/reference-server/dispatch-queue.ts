/** What happens to a request on arrival; `waiting` counts the requests in the queue afterwards. */
export type Admission<J> = { kind: "run"; worker: number; job: J } | { kind: "queued"; waiting: number } | { kind: "rejected"; waiting: number };

/** What a worker does when it finishes a request. */
export type Handoff<J> = { kind: "run"; worker: number; job: J } | { kind: "idle" };

/**
 * Admission and dispatch, without I/O: a request runs at once on an idle worker (the lowest
 * numbered, so runs are reproducible), else waits in a FIFO of at most `capacity`, else is
 * rejected (the server answers 429). Each worker runs one request at a time.
 */
export class DispatchQueue<J> {
  private readonly idle: number[];
  private readonly waiting: J[] = [];

  constructor(
    workers: number,
    private readonly capacity: number,
  ) {
    this.idle = Array.from({ length: workers }, (_, i) => i);
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /** A request arrives. */
  offer(job: J): Admission<J> {
    const worker = this.idle.shift();
    if (worker !== undefined) return { kind: "run", worker, job };
    if (this.waiting.length >= this.capacity) return { kind: "rejected", waiting: this.waiting.length };
    this.waiting.push(job);
    return { kind: "queued", waiting: this.waiting.length };
  }

  /** A worker finished its request: it takes the oldest waiting one, or goes idle. */
  release(worker: number): Handoff<J> {
    const job = this.waiting.shift();
    if (job !== undefined) return { kind: "run", worker, job };
    const above = this.idle.findIndex((w) => w > worker);
    this.idle.splice(above < 0 ? this.idle.length : above, 0, worker);
    return { kind: "idle" };
  }

  /** A waiting request went away (its client disconnected); false when it was not waiting. */
  withdraw(job: J): boolean {
    const at = this.waiting.indexOf(job);
    if (at < 0) return false;
    this.waiting.splice(at, 1);
    return true;
  }

  /** Empties the queue (shutdown) and returns what was waiting, oldest first. */
  drain(): J[] {
    return this.waiting.splice(0);
  }
}
