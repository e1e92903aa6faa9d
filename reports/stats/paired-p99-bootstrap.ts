import { quantileSorted } from "simple-statistics";
import { SeededRandom } from "../../traces/seeded-random.ts";

/** One invocation's latency under run A and under run B (same invocation, same stream). */
export interface PairedTailItem {
  readonly a: number;
  readonly b: number;
}

/**
 * The invocations that can decide a p99: those in A's or B's top latencies, paired. Every other
 * invocation lies below both tails, so the bootstrap needs only their count, `n − items.length`.
 */
export interface PairedTail {
  readonly n: number;
  readonly items: readonly PairedTailItem[];
}

export interface P99DifferenceCi {
  /** p99(B) − p99(A) on the data itself (nearest-rank p99, as in the resamples). */
  readonly differenceMs: number;
  readonly lowMs: number;
  readonly highMs: number;
  readonly replicates: number;
}

const quantile = 0.99;

/**
 * Paired percentile bootstrap of p99(B) − p99(A), with Poisson(1) weights per invocation (the
 * Poisson bootstrap: for large n it matches the multinomial resample and needs no shuffling).
 * Resampling keeps each invocation's A and B latencies together, so the interval reflects
 * the pairing. Only the tail's weights are drawn one by one; the rest of the sample enters as a
 * single Poisson(n − |tail|) count, drawn as a rounded normal when that count is large. A
 * resample whose p99 would fall below the tail (never seen with the margin above) is an error,
 * not a silent bias.
 */
export function pairedP99Bootstrap(tail: PairedTail, seed: number, replicates = 1000): P99DifferenceCi {
  const items = tail.items;
  const sortedBy = (side: "a" | "b"): { order: Int32Array; values: Float64Array } => {
    const ranked = items.map((item, index) => ({ index, value: item[side] })).sort((x, y) => y.value - x.value);
    return { order: Int32Array.from(ranked, (r) => r.index), values: Float64Array.from(ranked, (r) => r.value) };
  };
  const a = sortedBy("a");
  const b = sortedBy("b");
  const rest = tail.n - items.length;
  const rng = SeededRandom.forPurpose(seed, "paired-p99-bootstrap");
  const weights = new Float64Array(items.length).fill(1);
  const differenceMs = weightedP99(b.order, b.values, weights, tail.n) - weightedP99(a.order, a.values, weights, tail.n);
  const differences = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i] = poissonOne(rng);
    total += poisson(rng, rest);
    differences[r] = weightedP99(b.order, b.values, weights, total) - weightedP99(a.order, a.values, weights, total);
  }
  const sorted = [...differences].sort((x, y) => x - y);
  return { differenceMs, lowMs: quantileSorted(sorted, 0.025), highMs: quantileSorted(sorted, 0.975), replicates };
}

/** Nearest-rank p99 of a weighted sample, walking down from the largest value. */
function weightedP99(order: Int32Array, values: Float64Array, weights: Float64Array, total: number): number {
  const above = total - Math.ceil(quantile * total);
  let cumulative = 0;
  // The hot loop (replicates × tail length): `order` holds indices into `weights` and is as long
  // as `values`, so every read is in range and `!` is kept rather than checked.
  for (let k = 0; k < order.length; k++) {
    cumulative += weights[order[k]!]!;
    if (cumulative > above) return values[k]!;
  }
  throw new Error("the p99 of a bootstrap resample fell below the collected tail; collect a larger tail");
}

/** Poisson(1)'s CDF scaled to 32-bit integers, so a draw is one generator step and ~1.6 comparisons. */
const poissonOneCdf = (() => {
  const cdf: number[] = [];
  let p = Math.exp(-1);
  let acc = 0;
  for (let k = 0; k < 13; k++) {
    acc += p;
    cdf.push(Math.min(4294967295, Math.floor(acc * 4294967296)));
    p /= k + 1;
  }
  cdf[cdf.length - 1] = 4294967295;
  return Uint32Array.from(cdf);
})();

/** Poisson(1) by inversion with 32-bit resolution (mass beyond k = 12 is below 1e-10). */
function poissonOne(rng: SeededRandom): number {
  const u = rng.nextUint32();
  let k = 0;
  // Called once per tail invocation per replicate: the last entry is 2³² − 1, which no u
  // exceeds, so k stays in range and `!` is kept rather than checked.
  while (u > poissonOneCdf[k]!) k++;
  return k;
}

/** Poisson(mean): Knuth's product method when small, else a rounded normal (error O(1/√mean)). */
function poisson(rng: SeededRandom, mean: number): number {
  if (mean <= 0) return 0;
  if (mean < 50) {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = rng.next();
    while (p > limit) {
      k++;
      p *= rng.next();
    }
    return k;
  }
  return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
}
