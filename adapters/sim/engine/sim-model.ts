import type { ClassSample, MachineSample } from "../../backend.ts";
import type { IndexedMinHeap } from "./indexed-min-heap.ts";
import type { JobTable } from "./job-table.ts";

/**
 * What a policy model sees of the engine. Event "entities" are the model's own numbered
 * things with at most one pending wake-up each (a machine's next completion, a shard's next
 * placement); the engine owns the clock and calls back at the right virtual time.
 */
export interface SimContext {
  readonly jobs: JobTable;
  /** Entity wake-ups keyed by virtual time: `events.set(entity, t)` (re)schedules, `delete` cancels. */
  readonly events: IndexedMinHeap;
  /** The job ran to completion at `now`: the engine emits its outcome, frees its slot, returns its cost (µ¢). */
  complete(slot: number, now: number): number;
  /** The job was killed at `now` (memory exhausted): outcome `killed`, what it used so far billed. */
  kill(slot: number, now: number): number;
  /** The job was refused at arrival (budget throttling): outcome `throttled`, nothing billed. */
  reject(slot: number, now: number): void;
  /**
   * The job ended at `now` (`ok`, or `timeout` when the platform cut it off) with the bill its
   * policy computed: for policies that bill instances rather than invocations (Lambda's instance
   * billing under sim:faas and sim:mu), where no per-row formula can give the cost.
   */
  endBilled(slot: number, now: number, status: "ok" | "timeout", cpuMs: number, costMicroCents: number): void;
}

/** A scheduling policy bound to the simulator's virtual clock. */
export interface SimModel {
  /** How many event entities the model numbers 0..entities-1. */
  readonly entities: number;
  arrive(slot: number, now: number): void;
  wake(entity: number, now: number): void;
  /** One sample per machine of the state at `now`, utilization since the previous sample. */
  sample(now: number, emit: (s: MachineSample) => void, emitClass: (s: ClassSample) => void): void;
  /** Core-milliseconds spent running functions so far (conservation: equals the work done). */
  busyCoreMs(now: number): number;
  /** Counters the policy keeps beyond the engine's (instance invocations, cold starts, …), for the run's summary. */
  counters?(): Readonly<Record<string, number>>;
}
