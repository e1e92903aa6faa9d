import type { SeededRandom } from "../../traces/seeded-random.ts";
import type { IdleListReport } from "./idle-list-report.ts";

/**
 * A machine's dispatcher's rules for its idle-list entry (seed 000 §3.2): with free memory above
 * a threshold the machine lists itself on the shard, among k sampled, whose list is shortest; it
 * rewrites its entry (free memory and function count) only when free memory has moved by more
 * than a step since it last wrote it, and leaves when free memory drops to the threshold or
 * below. The dispatcher keeps what it wrote, so it decides alone; the shard learns through the
 * returned report.
 */
export class IdleListMembership {
  /** The shard whose list holds this machine, or -1. */
  shard = -1;
  /** Free memory the machine last wrote into its entry. */
  private writtenFreeMb = 0;
  private readonly report: { -readonly [K in keyof IdleListReport]: IdleListReport[K] };
  joins = 0;
  updates = 0;
  leaves = 0;

  constructor(
    readonly machine: number,
    private readonly shards: number,
    private readonly k: number,
    private readonly thresholdMb: number,
    private readonly stepMb: number,
  ) {
    this.report = { kind: "join", machine, shard: -1, freeMb: 0, functions: 0 };
  }

  /**
   * The dispatcher observed `freeMb` free memory and `functions` functions on its machine.
   * Returns the report to deliver to `report.shard`, or null when the entry stays as it is. A join
   * samples k shards (`rng`) and reads their list sizes (`listSize`). The report object is reused
   * by the next call: deliver or copy it first.
   */
  observe(freeMb: number, functions: number, listSize: (shard: number) => number, rng: Pick<SeededRandom, "int">): IdleListReport | null {
    const report = this.report;
    if (freeMb <= this.thresholdMb) {
      if (this.shard < 0) return null;
      report.kind = "leave";
      report.shard = this.shard;
      this.shard = -1;
      this.leaves++;
      return report;
    }
    if (this.shard >= 0) {
      if (!(Math.abs(freeMb - this.writtenFreeMb) > this.stepMb)) return null;
      report.kind = "update";
      this.updates++;
    } else {
      let best = rng.int(this.shards);
      for (let i = 1; i < Math.min(this.k, this.shards); i++) {
        const s = rng.int(this.shards);
        if (listSize(s) < listSize(best)) best = s;
      }
      this.shard = best;
      report.kind = "join";
      this.joins++;
    }
    this.writtenFreeMb = freeMb;
    report.shard = this.shard;
    report.freeMb = freeMb;
    report.functions = functions;
    return report;
  }
}
