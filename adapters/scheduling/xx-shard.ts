import type { SeededRandom } from "../../traces/seeded-random.ts";
import type { IdleListReport } from "./idle-list-report.ts";
import { PowerOfKPlacer } from "./power-of-k-placer.ts";
import { PriceWaitMultiQueue } from "./price-wait-multi-queue.ts";
import { ShardIdleList } from "./shard-idle-list.ts";

/** A shard's decision: place function `fn` on `machine`. */
export interface ShardPlacement {
  readonly fn: number;
  readonly machine: number;
}

export interface XxShardOptions {
  readonly machines: number;
  /** Machines sampled per power-of-k placement. */
  readonly k: number;
  /** Take the highest non-empty class instead of the largest price × time waited. */
  readonly strict: boolean;
  /** Keep an idle list that dispatchers report to, and place on it first. */
  readonly idleList: boolean;
}

/**
 * One shard of XX's global scheduler (seed 000 §3.2): a multi-queue with one FIFO per price
 * class, of which the next function to place is the head with the largest price × time waited
 * (or, `strict`, the highest class); it goes to the machine with the fewest recorded functions
 * on the shard's idle list, else to the least loaded of k sampled machines (early binding: a
 * placed function never moves). Functions are the caller's numbers; time is only the `now`
 * argument. A shard places one function at a time: the caller decides how long a placement takes
 * (the simulator's `shardCostMs`, the live shard's real work) and when the next one starts.
 */
export class XxShard {
  readonly idleList: ShardIdleList | null;
  private readonly queue: PriceWaitMultiQueue;
  private readonly placer: PowerOfKPlacer;
  private readonly placement = { fn: -1, machine: -1 };

  constructor(prices: readonly number[], options: XxShardOptions) {
    this.queue = new PriceWaitMultiQueue(prices, options.strict);
    this.placer = new PowerOfKPlacer(options.machines, options.k);
    this.idleList = options.idleList ? new ShardIdleList(options.machines) : null;
  }

  /** Functions waiting in the shard's multi-queue. */
  get queued(): number {
    return this.queue.length;
  }

  /** Function `fn` of class `cls` reaches the shard at `now`. */
  enqueue(fn: number, cls: number, now: number): void {
    this.queue.push(fn, cls, now);
  }

  /** Removes and returns the function the pick rule places next at `now`, or -1 when none waits. */
  takeNext(now: number): number {
    return this.queue.pickNext(now);
  }

  /**
   * The machine a function goes to, read from machine state when the placement is made: the
   * idle list's pick, else power-of-k over `load` (functions per machine) drawing from `rng`.
   */
  chooseMachine(load: ArrayLike<number>, rng: SeededRandom): number {
    const listed = this.idleList ? this.idleList.pick() : -1;
    return listed >= 0 ? listed : this.placer.choose(load, rng);
  }

  /**
   * `takeNext` and `chooseMachine` in one step, for a placement that takes no time; null when no
   * function waits. The returned object is reused by the next call.
   */
  placeNext(now: number, load: ArrayLike<number>, rng: SeededRandom): ShardPlacement | null {
    const fn = this.takeNext(now);
    if (fn < 0) return null;
    this.placement.fn = fn;
    this.placement.machine = this.chooseMachine(load, rng);
    return this.placement;
  }

  /** A dispatcher's report about its machine's entry on this shard's idle list. */
  receive(report: IdleListReport): void {
    if (!this.idleList) throw new Error("this shard keeps no idle list");
    this.idleList.receive(report);
  }
}
