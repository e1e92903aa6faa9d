import type { SeededRandom } from "../../../traces/seeded-random.ts";

/**
 * The shards' idle lists and the dispatchers' rules for them (seed 000 §3.2, inspired by
 * join-idle-queue): a machine with free memory above a threshold lists itself on the shard, among
 * k sampled, whose list is shortest; it refreshes its entry when free memory has moved by more
 * than a step since the entry was written, and leaves when free memory drops below the threshold.
 * A shard places on its listed machine with the fewest functions.
 */
export class IdleLists {
  /** The shard whose list holds machine m, or -1. */
  readonly shardOf: Int32Array;
  /** Free memory (MB) written in machine m's entry. */
  readonly entryFreeMb: Float64Array;
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
    this.members = Array.from({ length: shards }, () => new Int32Array(machines));
    this.sizes = new Int32Array(shards);
    this.position = new Int32Array(machines);
  }

  size(shard: number): number {
    return this.sizes[shard]!;
  }

  /** The dispatcher of machine m observed `freeMb` free memory. */
  observe(m: number, freeMb: number, thresholdMb: number, stepMb: number, rng: SeededRandom): void {
    const listed = this.shardOf[m]!;
    if (freeMb <= thresholdMb) {
      if (listed >= 0) this.leave(m, listed);
      return;
    }
    if (listed >= 0) {
      if (Math.abs(freeMb - this.entryFreeMb[m]!) > stepMb) {
        this.entryFreeMb[m] = freeMb;
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
    this.joins++;
  }

  /** The listed machine with the fewest functions, or -1 when the shard's list is empty. */
  pick(shard: number, functions: ArrayLike<number>): number {
    const members = this.members[shard]!;
    const n = this.sizes[shard]!;
    let best = -1;
    for (let i = 0; i < n; i++) {
      const m = members[i]!;
      if (best < 0 || functions[m]! < functions[best]!) best = m;
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
