import type { SeededRandom } from "../seeded-random.ts";
import { wassersteinDistance } from "./wasserstein-distance.ts";

/** The per-minute counts of every candidate function (dense ids 0..functions−1), minute by minute. */
export interface SampleSource {
  readonly functions: number;
  /** Resource weight of one invocation of each function: mean duration (ms) × memory (MB) / 1e6, In-Vitro's normalisation. */
  readonly resourcePerInvocation: Float64Array;
  /** A fresh pass over the minutes; each yields the non-zero (function, count) pairs. */
  minutes(): AsyncIterable<{ readonly functions: Uint32Array; readonly counts: Uint32Array }>;
}

/** One chosen sample and how far it is from the full set. */
export interface ChosenSample {
  readonly size: number;
  /** Dense function ids, ascending. */
  readonly members: Uint32Array;
  /** Mean over minutes of the Wasserstein distance of per-function invocation counts to the full set. */
  readonly invocationsDistance: number;
  /** The same for count × mean duration × memory / 1e6. */
  readonly resourcesDistance: number;
  /** (invocations + resources) / 2, the score the best candidate minimises. */
  readonly score: number;
  /** The scores of all candidates at this size, to show how much the choice mattered. */
  readonly candidateScores: readonly number[];
}

/**
 * In-Vitro's representative sampling (sampler/sample.py), roll-down variant: for each size in
 * `sizes` (descending), draw `trials` uniformly random subsets — the first size from all
 * functions, each later size from the previous size's winner, so samples are nested and a sweep
 * over sizes has monotone load — and keep the one whose per-minute distributions are closest
 * to the full set's.
 */
export async function representativeSamples(
  source: SampleSource,
  sizes: readonly number[],
  trials: number,
  rng: SeededRandom,
): Promise<ChosenSample[]> {
  const chosen: ChosenSample[] = [];
  let pool: Uint32Array = Uint32Array.from({ length: source.functions }, (_, i) => i);
  for (const size of sizes) {
    const candidates = Array.from({ length: trials }, () => drawSubset(pool, size, rng));
    const scored = await scoreCandidates(source, candidates);
    // The first of the lowest scores, so ties go to the earlier trial.
    let best: ScoredCandidate | undefined;
    for (const candidate of scored) if (best === undefined || candidate.score < best.score) best = candidate;
    if (best === undefined) throw new Error(`a function sample needs at least one trial (got ${trials})`);
    const { members, invocationsDistance, resourcesDistance, score } = best;
    chosen.push({ size, members, invocationsDistance, resourcesDistance, score, candidateScores: scored.map((s) => s.score) });
    pool = members;
  }
  return chosen;
}

/** A uniform subset of `size` from `pool` (partial Fisher–Yates), sorted ascending. */
function drawSubset(pool: Uint32Array, size: number, rng: SeededRandom): Uint32Array {
  const work = pool.slice();
  // Per function per trial: i ≤ j < work.length, so `!` is kept rather than checked.
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(work.length - i);
    const t = work[i]!;
    work[i] = work[j]!;
    work[j] = t;
  }
  return work.slice(0, size).sort();
}

interface ScoredCandidate {
  readonly members: Uint32Array;
  readonly invocationsDistance: number;
  readonly resourcesDistance: number;
  readonly score: number;
}

async function scoreCandidates(source: SampleSource, candidates: readonly Uint32Array[]): Promise<ScoredCandidate[]> {
  const n = source.functions;
  const dense = new Float64Array(n);
  // Each candidate's distances summed over the minutes.
  const sums = candidates.map((members) => ({ members, invocations: 0, resources: 0 }));
  let minutes = 0;
  // Per minute × function × trial: functions and members are function ids < n (the length of
  // dense and of resourcePerInvocation), and k < functions.length = counts.length, so `!` is kept.
  for await (const minute of source.minutes()) {
    minutes++;
    const { functions, counts } = minute;
    for (let k = 0; k < functions.length; k++) dense[functions[k]!] = counts[k]!;
    const fullCounts = Float64Array.from(counts).sort();
    const fullResources = positive(Float64Array.from(functions, (f, k) => counts[k]! * source.resourcePerInvocation[f]!).sort());
    const fullZeros = n - counts.length;
    for (const sum of sums) {
      const { members } = sum;
      const c: number[] = [];
      const r: number[] = [];
      for (const f of members) {
        const v = dense[f]!;
        if (v > 0) {
          c.push(v);
          const w = v * source.resourcePerInvocation[f]!;
          if (w > 0) r.push(w);
        }
      }
      c.sort((a, b) => a - b);
      r.sort((a, b) => a - b);
      sum.invocations += wassersteinDistance(c, members.length - c.length, fullCounts, fullZeros);
      sum.resources += wassersteinDistance(r, members.length - r.length, fullResources, n - fullResources.length);
    }
    for (let k = 0; k < functions.length; k++) dense[functions[k]!] = 0;
  }
  return sums.map(({ members, invocations, resources }) => {
    const i = minutes > 0 ? invocations / minutes : 0;
    const r = minutes > 0 ? resources / minutes : 0;
    return { members, invocationsDistance: i, resourcesDistance: r, score: (i + r) / 2 };
  });
}

/** A sorted array without its leading zeros (a function with zero-ms work has zero resources). */
function positive(sorted: Float64Array): Float64Array {
  let i = 0;
  while (i < sorted.length && sorted[i] === 0) i++;
  return i === 0 ? sorted : sorted.subarray(i);
}
