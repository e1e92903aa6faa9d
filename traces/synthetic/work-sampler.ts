import type { SeededRandom } from "../seeded-random.ts";
import type { WorkDistribution } from "./synthetic-config.ts";

/** Draws one invocation's work (ms) with the given mean from the chosen distribution family. */
export type WorkSampler = (rng: SeededRandom, meanMs: number) => number;

export function workSampler(kind: WorkDistribution, alpha: number, lognormalSigma: number): WorkSampler {
  switch (kind) {
    case "pareto": {
      // Pareto(x_m, α) has mean α x_m / (α − 1); inverse CDF x_m (1 − u)^(−1/α).
      const xmPerMean = (alpha - 1) / alpha;
      const exponent = -1 / alpha;
      return (rng, meanMs) => meanMs * xmPerMean * Math.pow(1 - rng.next(), exponent);
    }
    case "exponential":
      return (rng, meanMs) => rng.exponential(meanMs);
    case "deterministic":
      return (_rng, meanMs) => meanMs;
    case "lognormal": {
      // exp(μ + σZ) has mean exp(μ + σ²/2): choose μ so the mean is meanMs.
      const shift = (lognormalSigma * lognormalSigma) / 2;
      return (rng, meanMs) => Math.exp(Math.log(meanMs) - shift + lognormalSigma * rng.normal());
    }
  }
}
