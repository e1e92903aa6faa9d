import type { SeededRandom } from "../../traces/seeded-random.ts";

/**
 * The shards' idle lists and the dispatchers' rules for them (seed 000 §3.2, inspired by
 * join-idle-queue). Each entry records what the machine's dispatcher last wrote: its free memory
 * and its function count. A machine with free memory above a threshold lists itself on the
 * shard, among k sampled, whose list is shortest; it rewrites its entry (both values) only when
 * free memory has moved by more than a step since the entry was written, and leaves when free
 * memory drops to the threshold or below. A shard places on the listed machine with the fewest
 * recorded functions, so between rewrites it acts on stale values, as the real design must.
 *
 * Only dispatchers write entries. A shard that places on a listed machine does not bump its
 * recorded count, although it knows it placed there: measured on the seeds' cluster (100 × 8
 * cores, 32 GB, ρ = 0.7), bumping made things worse (class-0 median 401 ms against 94 ms), since
 * a bumped count only grows until the next rewrite and so steers every placement to the machines
 * rewritten last. Between rewrites a burst from one shard lands on one machine; that herding is
 * the staleness the design lives with.
 */
export class IdleLists {
  /** The shard whose list holds machine m, or -1. */
  readonly shardOf: Int32Array;
  /** Free memory (MB) recorded in machine m's entry. */
  readonly entryFreeMb: Float64Array;
  /** Function count recorded in machine m's entry. */
  readonly entryFunctions: Int32Array;
  private readonly members: Int32Array[];
  private readonly sizes: Int32Array;
  private readonly position: Int32Array;
  joins = 0;
  updates = 0;
  leaves = 0;

  constructor(
    readonly shards: number,
    machines: number,
    private readonly k: number,
  ) {
    this.shardOf = new Int32Array(machines).fill(-1);
    this.entryFreeMb = new Float64Array(machines);
    this.entryFunctions = new Int32Array(machines);
    this.members = Array.from({ length: shards }, () => new Int32Array(machines));
    this.sizes = new Int32Array(shards);
    this.position = new Int32Array(machines);
  }

  size(shard: number): number {
    return this.sizes[shard]!;
  }

  /** The listed machines of a shard, in list order. */
  listed(shard: number): number[] {
    return Array.from(this.members[shard]!.subarray(0, this.sizes[shard]!));
  }

  /** The dispatcher of machine m observed `freeMb` free memory and `functions` functions. */
  observe(m: number, freeMb: number, functions: number, thresholdMb: number, stepMb: number, rng: Pick<SeededRandom, "int">): void {
    const listed = this.shardOf[m]!;
    if (freeMb <= thresholdMb) {
      if (listed >= 0) this.leave(m, listed);
      return;
    }
    if (listed >= 0) {
      if (Math.abs(freeMb - this.entryFreeMb[m]!) > stepMb) {
        this.entryFreeMb[m] = freeMb;
        this.entryFunctions[m] = functions;
        this.updates++;
      }
      return;
    }
    let best = rng.int(this.shards);
    for (let i = 1; i < Math.min(this.k, this.shards); i++) {
      const s = rng.int(this.shards);
      if (this.sizes[s]! < this.sizes[best]!) best = s;
    }
    const members = this.members[best]!;
    this.position[m] = this.sizes[best]!;
    members[this.sizes[best]!++] = m;
    this.shardOf[m] = best;
    this.entryFreeMb[m] = freeMb;
    this.entryFunctions[m] = functions;
    this.joins++;
  }

  /** The listed machine with the fewest recorded functions (first in list order on ties), or -1. */
  pick(shard: number): number {
    const members = this.members[shard]!;
    const n = this.sizes[shard]!;
    let best = -1;
    for (let i = 0; i < n; i++) {
      const m = members[i]!;
      if (best < 0 || this.entryFunctions[m]! < this.entryFunctions[best]!) best = m;
    }
    return best;
  }

  private leave(m: number, shard: number): void {
    const members = this.members[shard]!;
    const last = members[--this.sizes[shard]!]!;
    const at = this.position[m]!;
    members[at] = last;
    this.position[last] = at;
    this.shardOf[m] = -1;
    this.leaves++;
  }
}
