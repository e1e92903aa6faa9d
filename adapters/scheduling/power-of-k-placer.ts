import type { SeededRandom } from "../../traces/seeded-random.ts";

/**
 * Power-of-k-choices placement (Mitzenmacher): sample k distinct machines, take the one with
 * the fewest functions; ties go to the first sampled. Used by XX when its idle list is empty
 * and by Hermod for every placement.
 */
export class PowerOfKPlacer {
  private readonly picked: Int32Array;

  constructor(
    readonly machines: number,
    readonly k: number,
  ) {
    this.picked = new Int32Array(Math.min(k, machines));
  }

  choose(load: ArrayLike<number>, rng: SeededRandom): number {
    const n = this.machines;
    if (this.k >= n) {
      let best = 0;
      for (let m = 1; m < n; m++) if (load[m]! < load[best]!) best = m;
      return best;
    }
    let best = -1;
    for (let i = 0; i < this.picked.length; i++) {
      let m: number;
      let fresh: boolean;
      do {
        m = rng.int(n);
        fresh = true;
        for (let j = 0; j < i; j++) if (this.picked[j] === m) fresh = false;
      } while (!fresh);
      this.picked[i] = m;
      if (best < 0 || load[m]! < load[best]!) best = m;
    }
    return best;
  }
}
