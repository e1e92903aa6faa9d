/**
 * One freshen run on a machine agent, as billing needs it: whose it was, at which class, and what
 * it cost, whether or not the prediction came true (seed 003: freshen's work is the tenant's, so
 * mispredictions are billed too).
 */
export interface FreshenJobRecord {
  /** 1, 2, … per agent process, in the order the runs ended. */
  readonly seq: number;
  readonly tenant: string;
  /** The class the predicting call ran at: freshen runs at its chain's class. */
  readonly priceClass: number;
  /** The function predicted. */
  readonly fn: string;
  /** Process CPU and wall time of the freshen run, ms. */
  readonly cpuMs: number;
  readonly wallMs: number;
  /**
   * The trace memory of the predicting call, MB: the live plane knows no more of the predicted
   * function's sandbox than its chain's, so freshen is billed at that size (see freshen-charges.ts).
   */
  readonly memStartMb: number;
  readonly memPeakMb: number;
}

/** What `GET /freshen-jobs?after=N` answers. */
export interface FreshenLogPage {
  /** The records with seq > after, oldest first, at most the page limit. */
  readonly jobs: readonly FreshenJobRecord[];
  /** The seq to ask after next (the last one returned, or `after` when none). */
  readonly next: number;
  /** The newest seq recorded so far (0: none). */
  readonly last: number;
  /** Freshen runs started and not yet recorded: their cost is still to come. */
  readonly running: number;
  /** Records after `after` already dropped from the log (it keeps the newest `capacity`). */
  readonly lost: number;
}

/**
 * An agent's freshen runs, newest `capacity` kept, read by sequence number: a `live:` run reads
 * the last seq when it starts and everything after it when it ends, so it bills exactly the
 * freshens that ended during the run, whatever ran before on the same plane.
 */
export class FreshenLog {
  private readonly records: FreshenJobRecord[] = [];
  /** Index of the oldest kept record in `records` (dropping from the front without shifting). */
  private head = 0;
  private lastSeq = 0;
  running = 0;

  constructor(private readonly capacity = 1 << 16) {}

  get last(): number {
    return this.lastSeq;
  }

  record(job: Omit<FreshenJobRecord, "seq">): FreshenJobRecord {
    const full: FreshenJobRecord = { seq: ++this.lastSeq, ...job };
    this.records.push(full);
    if (this.records.length - this.head > this.capacity) this.head++;
    // Compact once the dropped prefix is as long as what is kept.
    if (this.head >= this.capacity) {
      this.records.splice(0, this.head);
      this.head = 0;
    }
    return full;
  }

  page(after: number, limit: number): FreshenLogPage {
    const kept = this.records.length - this.head;
    const oldestSeq = this.lastSeq - kept + 1;
    const from = Math.max(0, Math.floor(after) - oldestSeq + 1);
    const lost = Math.max(0, oldestSeq - 1 - Math.floor(after));
    const jobs = this.records.slice(this.head + from, this.head + from + Math.max(0, limit));
    return { jobs, next: jobs.length > 0 ? jobs[jobs.length - 1]!.seq : Math.max(after, 0), last: this.lastSeq, running: this.running, lost };
  }
}
