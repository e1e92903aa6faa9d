import { SeededRandom } from "../../../traces/seeded-random.ts";

/**
 * A SeededRandom whose `int` answers come from a script, so a table row can say exactly which
 * machines a decision samples. Drawing past the script's end fails the test: a decision that
 * should not draw (or should draw fewer times) cannot do so silently.
 */
export class ScriptedRandom extends SeededRandom {
  private drawn = 0;
  /** The bound `int` was asked for on each draw. */
  readonly bounds: number[] = [];

  constructor(private readonly draws: readonly number[]) {
    super(0);
  }

  override int(n: number): number {
    const value = this.draws[this.drawn++];
    if (value === undefined) throw new Error(`scripted random ran out after ${this.draws.length} draws`);
    if (value < 0 || value >= n) throw new Error(`scripted draw ${value} is outside [0, ${n})`);
    this.bounds.push(n);
    return value;
  }

  get used(): number {
    return this.drawn;
  }
}
