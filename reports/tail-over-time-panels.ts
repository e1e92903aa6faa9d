import { minWindowCount, type WindowQuantiles } from "./queries/tail-over-time-query.ts";
import { significant } from "./significant.ts";

/** One vertex of a windowed-quantile line; a null latency breaks the line (a window too sparse to draw). */
export interface TailLinePoint {
  readonly series: string;
  readonly priceClass: string;
  readonly quantile: "p99" | "p50";
  /** Drawing order along the line: each window is a flat step from its start to its end. */
  readonly seq: number;
  readonly tS: number;
  readonly latencyMs: number | null;
  readonly count: number;
}

/** A window of a class panel where at least one run completed too few invocations for a p99. */
export interface SparseWindow {
  readonly priceClass: string;
  readonly startS: number;
  readonly endS: number;
  /** The fewest completed invocations of the class in the window, over the runs. */
  readonly fewest: number;
}

/** Words drawn inside a class panel that has no p99 line at all, saying why. */
export interface PanelNote {
  readonly priceClass: string;
  readonly text: string;
}

export interface TailPanels {
  readonly points: TailLinePoint[];
  readonly sparse: SparseWindow[];
  readonly notes: PanelNote[];
}

export interface TailPanelLayout {
  readonly runs: readonly { readonly runId: number; readonly series: string }[];
  /** Classes top to bottom, with their labels. */
  readonly classes: readonly { readonly priceClass: number; readonly label: string }[];
  readonly windowMs: number;
  /** Windows covering the trace: 0 … windowCount − 1. */
  readonly windowCount: number;
}

const quantiles = [
  ["p99", "p99Ms"],
  ["p50", "p50Ms"],
] as const;

/**
 * Lays the windows out as the tail-over-time chart draws them: every window of every run × class
 * × quantile is either a flat step at its quantile, or (too few invocations, or none) a break in
 * the line, so the chart never draws a line across a gap. Windows where some run has fewer than
 * `minWindowCount.p99` are listed to be marked, and a panel with no p99 at all gets a note.
 */
export function tailOverTimePanels(windows: readonly WindowQuantiles[], layout: TailPanelLayout): TailPanels {
  const key = (runId: number, cls: number, w: number): string => `${runId}:${cls}:${w}`;
  const byKey = new Map(windows.map((w) => [key(w.runId, w.priceClass, w.window), w]));
  const seconds = (w: number): number => significant((w * layout.windowMs) / 1000);
  const points: TailLinePoint[] = [];
  const sparse: SparseWindow[] = [];
  const notes: PanelNote[] = [];
  for (const { priceClass, label } of layout.classes) {
    let drawnP99 = 0;
    let drawnP50 = 0;
    let most = 0;
    for (let w = 0; w < layout.windowCount; w++) {
      let fewest = Number.POSITIVE_INFINITY;
      for (const run of layout.runs) {
        const found = byKey.get(key(run.runId, priceClass, w));
        const count = found?.count ?? 0;
        fewest = Math.min(fewest, count);
        most = Math.max(most, count);
        for (const [quantile, field] of quantiles) {
          const base = { series: run.series, priceClass: label, quantile, count };
          if (found !== undefined && count >= minWindowCount[quantile]) {
            points.push({ ...base, seq: 2 * w, tS: seconds(w), latencyMs: found[field] });
            points.push({ ...base, seq: 2 * w + 1, tS: seconds(w + 1), latencyMs: found[field] });
            if (quantile === "p99") drawnP99++;
            else drawnP50++;
          } else {
            points.push({ ...base, seq: 2 * w, tS: seconds(w), latencyMs: null });
          }
        }
      }
      if (layout.runs.length > 0 && fewest < minWindowCount.p99) sparse.push({ priceClass: label, startS: seconds(w), endS: seconds(w + 1), fewest });
    }
    if (drawnP99 === 0) notes.push({ priceClass: label, text: panelNote(most, drawnP50 > 0, layout.windowMs) });
  }
  return { points, sparse, notes };
}

function panelNote(most: number, medianDrawn: boolean, windowMs: number): string {
  if (most === 0) return "nothing drawn: no completed invocation of this class in these runs";
  const window = `${windowMs / 1000} s window`;
  return medianDrawn
    ? `no p99 drawn: no ${window} holds ${minWindowCount.p99} completed invocations of this class (at most ${most}); medians only`
    : `nothing drawn: no ${window} holds ${minWindowCount.p50} completed invocations of this class (at most ${most}), too few for a p99 or a median`;
}
