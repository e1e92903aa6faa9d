/**
 * Rounds to a fixed number of significant digits. DuckDB sums doubles in parallel, in an order
 * that can change between runs; rounding what the report prints keeps its bytes identical.
 */
export function significant(x: number, digits = 6): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

export function significantOrNull(x: unknown, digits = 6): number | null {
  return x === null || x === undefined ? null : significant(Number(x), digits);
}
