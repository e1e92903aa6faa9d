/**
 * The 1-Wasserstein (earth mover's) distance between two empirical distributions of
 * non-negative values, ∫ |F_a(x) − F_b(x)| dx, as scipy.stats.wasserstein_distance computes it
 * (In-Vitro's sampler score). Each side is given as its positive values, sorted ascending, plus
 * a count of zeros: per-minute invocation counts are mostly zero, and keeping the zeros implicit
 * makes the cost linear in the non-zero values.
 */
export function wassersteinDistance(aPositive: ArrayLike<number>, aZeros: number, bPositive: ArrayLike<number>, bZeros: number): number {
  const na = aPositive.length + aZeros;
  const nb = bPositive.length + bZeros;
  if (na === 0 || nb === 0) return 0;
  let i = 0;
  let j = 0;
  let fa = aZeros / na;
  let fb = bZeros / nb;
  let x = 0;
  let area = 0;
  // Per minute × trial × sampled function: each read is guarded by its length check, so `!` is kept.
  while (i < aPositive.length || j < bPositive.length) {
    const va = i < aPositive.length ? aPositive[i]! : Number.POSITIVE_INFINITY;
    const vb = j < bPositive.length ? bPositive[j]! : Number.POSITIVE_INFINITY;
    const next = va < vb ? va : vb;
    area += Math.abs(fa - fb) * (next - x);
    x = next;
    while (i < aPositive.length && aPositive[i] === next) {
      i++;
      fa += 1 / na;
    }
    while (j < bPositive.length && bPositive[j] === next) {
      j++;
      fb += 1 / nb;
    }
  }
  return area;
}
