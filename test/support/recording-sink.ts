import type { ClassSample, MachineSample, Outcome, OutcomeSink } from "../../adapters/backend.ts";
import type { Invocation } from "../../traces/invocation.ts";

/** Keeps every record in memory: for tests small enough to hold their outcomes. */
export class RecordingSink implements OutcomeSink {
  readonly outcomes: { inv: Invocation; outcome: Outcome }[] = [];
  readonly samples: MachineSample[] = [];
  readonly classSamples: ClassSample[] = [];

  outcome(inv: Invocation, outcome: Outcome): void {
    this.outcomes.push({ inv, outcome });
  }

  sample(s: MachineSample): void {
    this.samples.push(s);
  }

  classSample(s: ClassSample): void {
    this.classSamples.push(s);
  }
}
