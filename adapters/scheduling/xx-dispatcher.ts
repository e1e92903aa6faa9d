import type { SeededRandom } from "../../traces/seeded-random.ts";
import { IdleListMembership } from "./idle-list-membership.ts";
import type { IdleListReport } from "./idle-list-report.ts";
import { chooseKillVictim, chooseSwapVictims } from "./price-class-swapper.ts";
import type { XxMachine } from "./xx-machine.ts";

/** Below this many MB, headroom counts as none: keeps float noise from reading as room (or as overflow). */
export const epsilonMb = 1e-6;

export interface XxDispatcherOptions {
  /** The machine's index, as idle-list reports name it. */
  readonly machine: number;
  readonly ramMb: number;
  readonly swapMb: number;
  /** Idle-list membership, or null when XX runs without idle lists. */
  readonly idleList: {
    readonly shards: number;
    /** Shards sampled when joining. */
    readonly k: number;
    /** The machine is listed while its free memory exceeds this. */
    readonly thresholdMb: number;
    /** A listed machine rewrites its entry when free memory moved by more than this. */
    readonly stepMb: number;
  } | null;
}

/**
 * One machine's XX dispatcher (seed 000 §3.2): it keeps the machine's idle-list entry, and
 * under memory pressure swaps out the waiting functions of the lowest classes (the ones the
 * priority scheduler runs last), killing only when swap is exhausted too. It decides from the
 * resident memory the caller measures (the simulator computes it from its memory model, the
 * live agent reads it from the kernel); the caller carries each decision out on the XxMachine,
 * measures again and asks again:
 *
 * ```
 * dispatcher.chooseSwapOuts(resident, victims); for each victim: machine.swapOut(v); measure
 * while (dispatcher.mustKill(resident)) { kill dispatcher.chooseKill(); measure }
 * report = dispatcher.observeIdle(resident, …): deliver it to report.shard
 * ```
 */
export class XxDispatcher {
  readonly machine: XxMachine;
  readonly membership: IdleListMembership | null;
  private readonly ramMb: number;
  private readonly swapMb: number;

  constructor(machine: XxMachine, options: XxDispatcherOptions) {
    this.machine = machine;
    this.ramMb = options.ramMb;
    this.swapMb = options.swapMb;
    const idle = options.idleList;
    this.membership = idle ? new IdleListMembership(options.machine, idle.shards, idle.k, idle.thresholdMb, idle.stepMb) : null;
  }

  /**
   * With RAM full (within epsilonMb: a crossing moment computed in floating point lands there),
   * appends to `victims` the waiting functions to swap out, lowest class first, until enough
   * would be freed or none is left. Appends nothing while RAM has room.
   */
  chooseSwapOuts(residentMb: number, victims: number[]): void {
    const full = this.ramMb - epsilonMb;
    if (residentMb > full) chooseSwapVictims(this.machine.scheduler, this.machine, residentMb - full, victims);
  }

  /**
   * Running functions alone may overflow RAM; the overflow pages to swap until swap is full. A
   * kill is due while swap holds more than it can, or while both RAM and swap are full (growth
   * has nowhere to go); a full swap alone with room in RAM (e.g. no swap at all) needs none.
   */
  mustKill(residentMb: number): boolean {
    if (this.machine.functions === 0) return false;
    const swapUsed = this.machine.swappedMb + Math.max(0, residentMb - this.ramMb);
    if (swapUsed > this.swapMb + epsilonMb) return true;
    return residentMb > this.ramMb - epsilonMb && swapUsed > this.swapMb - epsilonMb;
  }

  /** The function to kill: the newest of the lowest class present. */
  chooseKill(): number {
    return chooseKillVictim(this.machine.scheduler);
  }

  /**
   * How many more MB the running functions can grow before the dispatcher must act again: what
   * is left of RAM, or once RAM is full, what is left of swap.
   */
  roomMb(residentMb: number): number {
    const headroom = this.ramMb - residentMb;
    return headroom > epsilonMb ? headroom : this.swapMb - this.machine.swappedMb - (residentMb - this.ramMb);
  }

  /**
   * Updates the idle-list entry from the resident memory now: the report to deliver to
   * `report.shard`, or null (no change, or no idle lists). See IdleListMembership.
   */
  observeIdle(residentMb: number, listSize: (shard: number) => number, rng: Pick<SeededRandom, "int">): IdleListReport | null {
    if (!this.membership) return null;
    return this.membership.observe(this.ramMb - residentMb, this.machine.functions, listSize, rng);
  }
}
