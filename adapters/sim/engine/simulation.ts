import type { ClassSample, MachineSample, Outcome, OutcomeSink, OutcomeStatus } from "../../backend.ts";
import { perInvocationModels, type BillingModel } from "../../billing/billing-model.ts";
import { compileModelCost, type CostFunction } from "../../billing/compile-cost.ts";
import type { Invocation } from "../../../traces/invocation.ts";
import { IndexedMinHeap } from "./indexed-min-heap.ts";
import { JobTable } from "./job-table.ts";
import type { SimContext, SimModel } from "./sim-model.ts";

export interface SimulationOptions {
  /** Machine samples every this many virtual ms (0 disables them). */
  readonly sampleIntervalMs: number;
  /** µ¢ per cpu-second of each price class, for models that bill CPU by class. */
  readonly prices: readonly number[];
  /**
   * The backend's own billing model: what each outcome's `costMicroCents` is. Absent: XX's, whose
   * price classes the simulator models (SimBackend always says which).
   */
  readonly billing?: BillingModel;
}

export class OutOfOrderArrivalError extends Error {
  constructor(inv: Invocation, previousMs: number) {
    super(`invocation ${inv.id} arrives at ${inv.arrivalMs} ms, before the previous one (${previousMs} ms): the stream must be sorted by arrival`);
  }
}

/**
 * The discrete-event loop. Arrivals come from the caller in time order (a cursor over the sorted
 * trace, never through the heap); everything else is an entity wake-up in one indexed heap.
 * No I/O, no wall clock, no global randomness: outcomes leave through the sink.
 */
export class Simulation implements SimContext {
  readonly jobs = new JobTable();
  readonly events = new IndexedMinHeap(64);
  private readonly model: SimModel;
  private readonly sampleEntity: number;
  private now = 0;
  private lastArrival = Number.NEGATIVE_INFINITY;
  private ended = false;
  private readonly emitSample: (s: MachineSample) => void;
  private readonly emitClassSample: (s: ClassSample) => void;
  private readonly cost: CostFunction;
  arrivals = 0;
  completions = 0;
  kills = 0;
  rejections = 0;
  timeouts = 0;
  wakeups = 0;
  workDoneMs = 0;

  constructor(
    createModel: (context: SimContext) => SimModel,
    private readonly sink: OutcomeSink,
    private readonly options: SimulationOptions,
  ) {
    this.model = createModel(this);
    this.sampleEntity = this.model.entities;
    this.emitSample = (s) => this.sink.sample(s);
    this.emitClassSample = (s) => this.sink.classSample(s);
    this.cost = compileModelCost(options.billing ?? perInvocationModels.xx, options.prices);
    if (options.sampleIntervalMs > 0) this.events.set(this.sampleEntity, options.sampleIntervalMs);
  }

  get clockMs(): number {
    return this.now;
  }

  arrive(inv: Invocation): void {
    if (inv.arrivalMs < this.lastArrival) throw new OutOfOrderArrivalError(inv, this.lastArrival);
    this.lastArrival = inv.arrivalMs;
    this.runUntil(inv.arrivalMs);
    this.now = inv.arrivalMs;
    this.arrivals++;
    this.model.arrive(this.jobs.admit(inv), inv.arrivalMs);
  }

  /** The stream ended: run until every admitted invocation has its outcome. */
  finish(): void {
    this.ended = true;
    this.runUntil(Number.POSITIVE_INFINITY);
  }

  busyCoreMs(): number {
    return this.model.busyCoreMs(this.now);
  }

  modelCounters(): Readonly<Record<string, number>> {
    return this.model.counters?.() ?? {};
  }

  complete(slot: number, now: number): number {
    this.completions++;
    return this.end(slot, now, "ok", this.jobs.invocation[slot]!.workMs);
  }

  kill(slot: number, now: number): number {
    this.kills++;
    const jobs = this.jobs;
    const ranFor = Number.isNaN(jobs.runStart[slot]!) ? 0 : Math.max(0, now - jobs.runStart[slot]!);
    const done = jobs.invocation[slot]!.workMs - jobs.remaining[slot]! + ranFor;
    return this.end(slot, now, "killed", Math.max(0, done));
  }

  reject(slot: number, now: number): void {
    this.rejections++;
    this.end(slot, now, "throttled", 0);
  }

  endBilled(slot: number, now: number, status: "ok" | "timeout", cpuMs: number, costMicroCents: number): void {
    if (status === "ok") this.completions++;
    else this.timeouts++;
    this.end(slot, now, status, cpuMs, costMicroCents);
  }

  /**
   * Emits the outcome, billed under the backend's own model by the same formula the SQL billing
   * uses (adapters/billing/cost-expression.ts): what it used is billed, killed or not.
   */
  private end(slot: number, now: number, status: OutcomeStatus, cpuMs: number, billedMicroCents?: number): number {
    const jobs = this.jobs;
    const inv = jobs.invocation[slot]!;
    const firstStart = jobs.firstStart[slot]!;
    const placed = jobs.placedAt[slot]!;
    const machine = jobs.machine[slot]!;
    // One object shape for every outcome (absent values undefined, not missing), so the sink's
    // hot path stays monomorphic. The cost is billed from the rest of the outcome, then filled in
    // (NaN until then: a double from the start, and never a plausible cost if left unfilled).
    const outcome: { -readonly [K in keyof Outcome]: Outcome[K] } = {
      status,
      placedMs: Number.isNaN(placed) ? undefined : placed,
      startMs: Number.isNaN(firstStart) ? undefined : firstStart,
      endMs: now,
      machine: machine >= 0 ? machine : undefined,
      preemptions: jobs.preemptions[slot]!,
      swappedOutMb: jobs.swappedOutMb[slot]!,
      swapOuts: jobs.swapOuts[slot]!,
      costMicroCents: Number.NaN,
      ranClass: jobs.cls[slot]!,
      cpuMs,
    };
    const cost = billedMicroCents ?? this.cost(inv, outcome);
    outcome.costMicroCents = cost;
    this.workDoneMs += cpuMs;
    jobs.release(slot);
    this.sink.outcome(inv, outcome);
    return cost;
  }

  private runUntil(t: number): void {
    const events = this.events;
    while (events.size > 0 && events.peekKey() <= t) {
      const at = events.peekKey();
      const entity = events.pop();
      this.now = at;
      this.wakeups++;
      if (entity === this.sampleEntity) this.sampleAt(at);
      else this.model.wake(entity, at);
    }
  }

  private sampleAt(now: number): void {
    this.model.sample(now, this.emitSample, this.emitClassSample);
    // Keep sampling while anything can still happen; stop once the stream is over and drained.
    if (!this.ended || this.jobs.inFlight > 0) this.events.set(this.sampleEntity, now + this.options.sampleIntervalMs);
  }
}
