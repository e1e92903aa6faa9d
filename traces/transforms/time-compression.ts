import { roundCumulative } from "./systematic-rounding.ts";

/**
 * Two ways to replay a trace faster:
 * - "thumbnails" (FaaSRail's shrinkray): every `factor` minutes of counts merge into one
 *   minute, and arrivals are laid out inside the merged minute as usual. The shape of the day
 *   survives; the spacing inside a minute is re-drawn.
 * - "scale": every arrival time is divided by `factor`, so gaps shrink uniformly (the only
 *   choice for a trace with real per-invocation times, like 2021).
 * Either way work and memory are untouched, so offered load grows by `factor`.
 */
export type CompressionMode = "thumbnails" | "scale";
export const compressionModes: readonly CompressionMode[] = ["thumbnails", "scale"];

/** Minutes a window of `minutes` becomes under thumbnails with `factor` (the last bucket may be partial). */
export function thumbnailMinutes(minutes: number, factor: number): number {
  return Math.max(1, Math.ceil(minutes / factor - 1e-9));
}

/**
 * Merges minute counts into thumbnails of `factor` minutes. Any real factor works: a bucket
 * boundary inside a minute takes that minute's count pro rata, rounded systematically with
 * `offset` so the function's total is preserved exactly.
 */
export function thumbnailCounts(counts: Uint32Array, factor: number, offset: number): Uint32Array {
  const n = counts.length;
  const out = thumbnailMinutes(n, factor);
  if (factor === 1) return counts;
  // Every minute of every replayed function: m < n, and `through` reads prefix[0..n] and
  // counts[0..n) (whole < x < n), so `!` is kept rather than checked.
  const prefix = new Float64Array(n + 1);
  for (let m = 0; m < n; m++) prefix[m + 1] = prefix[m]! + counts[m]!;
  // Cumulative count through trace time x (minutes), linear inside a minute.
  const through = (x: number): number => {
    if (x >= n) return prefix[n]!;
    const whole = Math.floor(x);
    return prefix[whole]! + (x - whole) * counts[whole]!;
  };
  return roundCumulative(out, (j) => through((j + 1) * factor), offset);
}
