import type { SeededRandom } from "../seeded-random.ts";

/** How a minute's invocation count is spread over the minute (In-Vitro's IAT modes). */
export type ArrivalsInMinute = "poisson" | "uniform" | "equidistant";
export const arrivalsInMinuteModes: readonly ArrivalsInMinute[] = ["poisson", "uniform", "equidistant"];

export const minuteMs = 60_000;
/** The largest offset strictly inside a minute; rounding must never push an arrival to the next. */
const lastOffsetMs = minuteMs - 1e-6;

/**
 * Writes `count` sorted arrival offsets in [0, 60 000) ms into `out[at … at+count)`.
 *
 * Gaps are drawn iid (exponential for "poisson", uniform for "uniform", equal for
 * "equidistant") and rescaled so the `count` gaps sum to the minute, so the minute holds exactly
 * the trace's count (the Poisson process conditioned on its count, as In-Vitro and the ATC'20
 * paper do). The first arrival sits on the minute boundary; with `phaseShift` the pattern is
 * rotated by a uniform phase (`phase` stream) so busy minutes of different functions do not all
 * start together.
 */
export function writeMinuteArrivals(
  mode: ArrivalsInMinute,
  count: number,
  gaps: SeededRandom,
  phase: SeededRandom | undefined,
  out: Float64Array,
  at: number,
): void {
  if (count === 0) return;
  const end = at + count;
  // Per arrival: every i is in [at, end), which the caller sized `out` for, so `!` is kept.
  if (mode === "equidistant") {
    const step = minuteMs / count;
    for (let i = 0; i < count; i++) out[at + i] = i * step;
  } else {
    // out[at+i] first holds gap i; the running sum of gaps 0..i-1 is arrival i.
    let total = 0;
    for (let i = at; i < end; i++) {
      const g = mode === "poisson" ? -Math.log(1 - gaps.next()) : gaps.next();
      out[i] = g;
      total += g;
    }
    const scale = total > 0 ? minuteMs / total : 0;
    let t = 0;
    for (let i = at; i < end; i++) {
      const g = out[i]!;
      out[i] = t;
      t += g * scale;
    }
  }
  if (phase !== undefined) rotate(out, at, end, phase.next() * minuteMs);
  for (let i = at; i < end; i++) if (out[i]! > lastOffsetMs) out[i] = lastOffsetMs;
}

/** Adds `shift` modulo the minute and restores sorted order: the wrapped tail moves to the front. */
function rotate(out: Float64Array, at: number, end: number, shift: number): void {
  let wrap = end;
  // Per arrival: i in [at, end), inside `out` (see writeMinuteArrivals), so `!` is kept.
  for (let i = at; i < end; i++) {
    const t = out[i]! + shift;
    if (t >= minuteMs && wrap === end) wrap = i;
    out[i] = t >= minuteMs ? t - minuteMs : t;
  }
  if (wrap === end || wrap === at) return;
  const head = out.slice(at, wrap);
  out.copyWithin(at, wrap, end);
  out.set(head, at + (end - wrap));
}
