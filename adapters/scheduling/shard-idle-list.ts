import type { IdleListReport } from "./idle-list-report.ts";

/**
 * One shard's idle list (seed 000 §3.2, inspired by join-idle-queue): the machines whose
 * dispatchers listed themselves here, each entry holding what its dispatcher last wrote (free
 * memory and function count). Only dispatchers write entries, through their reports; the shard
 * places on the listed machine with the fewest recorded functions, so between rewrites it acts
 * on stale values, as the real design must.
 *
 * The shard does not bump a machine's recorded count when it places there, although it knows it
 * did: measured on the seeds' cluster (100 × 8 cores, 32 GB, ρ = 0.7), bumping made things worse
 * (class-0 median 401 ms against 94 ms), since a bumped count only grows until the next rewrite
 * and so steers every placement to the machines rewritten last. Between rewrites a burst from
 * one shard lands on one machine; that herding is the staleness the design lives with.
 */
export class ShardIdleList {
  private readonly members: Int32Array;
  /** Index of machine m in `members`, or -1 when it is not listed here. */
  private readonly position: Int32Array;
  private readonly freeMb: Float64Array;
  private readonly functions: Int32Array;
  size = 0;

  constructor(machines: number) {
    this.members = new Int32Array(machines);
    this.position = new Int32Array(machines).fill(-1);
    this.freeMb = new Float64Array(machines);
    this.functions = new Int32Array(machines);
  }

  has(m: number): boolean {
    return this.position[m]! >= 0;
  }

  /** Free memory (MB) recorded in machine m's entry. */
  entryFreeMb(m: number): number {
    return this.freeMb[m]!;
  }

  /** Function count recorded in machine m's entry. */
  entryFunctions(m: number): number {
    return this.functions[m]!;
  }

  /** The listed machines, in list order. */
  listed(): number[] {
    return Array.from(this.members.subarray(0, this.size));
  }

  receive(report: IdleListReport): void {
    const m = report.machine;
    if (report.kind === "leave") {
      const at = this.position[m]!;
      if (at < 0) throw new Error(`machine ${m} leaves an idle list it is not on`);
      // The last member takes the leaver's place: O(1), and list order stays a function of the reports.
      const last = this.members[--this.size]!;
      this.members[at] = last;
      this.position[last] = at;
      this.position[m] = -1;
      return;
    }
    if (report.kind === "join") {
      if (this.position[m]! >= 0) throw new Error(`machine ${m} joins an idle list it is already on`);
      this.position[m] = this.size;
      this.members[this.size++] = m;
    } else if (this.position[m]! < 0) {
      throw new Error(`machine ${m} updates an idle list it is not on`);
    }
    this.freeMb[m] = report.freeMb;
    this.functions[m] = report.functions;
  }

  /** The listed machine with the fewest recorded functions (first in list order on ties), or -1. */
  pick(): number {
    const members = this.members;
    const n = this.size;
    let best = -1;
    for (let i = 0; i < n; i++) {
      const m = members[i]!;
      if (best < 0 || this.functions[m]! < this.functions[best]!) best = m;
    }
    return best;
  }
}
