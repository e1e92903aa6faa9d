/**
 * Turns a non-decreasing real cumulative curve into integer counts per step by systematic
 * rounding: step i gets ⌊c(i) + u⌋ − ⌊c(i−1) + u⌋ for one offset u ∈ [0, 1). The counts sum to
 * ⌊c(n) + u⌋ — the exact total when c(n) is an integer — and with u uniform the expected count
 * of every step is exactly its real share, so scaling by 0.3 does not drop every function that
 * has one invocation (plain rounding would), and nothing is duplicated or thinned at random.
 */
export function roundCumulative(steps: number, cumulative: (i: number) => number, offset: number): Uint32Array {
  const out = new Uint32Array(steps);
  let previous = Math.floor(offset);
  for (let i = 0; i < steps; i++) {
    const next = Math.floor(cumulative(i) + offset);
    out[i] = next > previous ? next - previous : 0;
    if (next > previous) previous = next;
  }
  return out;
}
