import type { OutcomeSink, Outcome } from "../../adapters/backend.ts";
import type { Invocation } from "../../traces/invocation.ts";

/**
 * Keeps only what a mean response needs from each outcome, in arrival-of-outcome order: for
 * million-invocation runs, where holding every record (RecordingSink) costs more than the
 * simulation. mean() gives the same number as meanResponse() on a RecordingSink of the same run.
 */
export class ResponseTimeSink implements OutcomeSink {
  private readonly ids: number[] = [];
  private readonly classes: number[] = [];
  private readonly responses: number[] = [];

  outcome(inv: Invocation, outcome: Outcome): void {
    this.ids.push(inv.id);
    this.classes.push(inv.priceClass);
    this.responses.push((outcome.endMs ?? Number.NaN) - inv.arrivalMs);
  }

  sample(): void {}

  classSample(): void {}

  /** Mean of (end − arrival) after discarding the first `warmup` fraction by arrival. */
  mean(warmup = 0.1, filter?: (cls: number) => boolean): number {
    const cut = Math.floor(this.ids.length * warmup);
    let sum = 0;
    let n = 0;
    for (let i = 0; i < this.ids.length; i++) {
      // Indices are in range by construction: the three arrays grow together.
      if (this.ids[i]! < cut) continue;
      if (filter && !filter(this.classes[i]!)) continue;
      sum += this.responses[i]!;
      n++;
    }
    return sum / n;
  }
}
