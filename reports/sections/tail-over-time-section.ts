import { tailOverTimeChart, type PhaseBand } from "../charts/tail-over-time-chart.ts";
import { classLabel } from "../class-label.ts";
import { completedPerClass, minWindowCount, tailOverTime, windowMs } from "../queries/tail-over-time-query.ts";
import type { ReportRun } from "../report-runs.ts";
import { tailOverTimePanels, type PanelNote } from "../tail-over-time-panels.ts";
import type { ReportContext, ReportSection } from "./report-section.ts";

export interface TailOverTimeSummary {
  readonly windowMs: number;
  /** The fewest completed invocations a window needs for each quantile to be drawn. */
  readonly minWindowCount: typeof minWindowCount;
  /** Windows (of any class) where some run had too few completed invocations for a p99. */
  readonly sparseWindows: number;
  /** Class panels with no p99 at all, and why. */
  readonly emptyPanels: readonly PanelNote[];
  readonly phases: readonly PhaseBand[];
  /** Why no phases are shaded, when none are. */
  readonly phaseNote: string | null;
}

/**
 * The load schedule to shade: the runs' common schedule. Runs with different schedules (a load
 * sweep) have no single one, so nothing is shaded and the caption says why.
 */
export function commonPhases(runs: readonly ReportRun[], endMs: number): { bands: PhaseBand[]; note: string | null } {
  const keys = new Set(runs.map((r) => JSON.stringify(r.phases)));
  const [first] = runs;
  if (keys.size !== 1 || first === undefined) return { bands: [], note: "the runs follow different load schedules, so no phases are shaded" };
  const phases = first.phases;
  if (phases.length === 0) return { bands: [], note: "the trace records no load schedule" };
  // A phase ends where the next begins; the last one at the end of the trace.
  const bands = phases.map((p, i) => {
    const next = phases[i + 1];
    return { startS: p.startMs / 1000, endS: (next !== undefined ? next.startMs : Math.max(endMs, p.startMs)) / 1000, load: p.load };
  });
  return { bands, note: null };
}

export async function tailOverTimeSection(ctx: ReportContext): Promise<ReportSection<TailOverTimeSummary>> {
  const completed = await completedPerClass(ctx.store, ctx.runs);
  // A run that never completed has no recorded last arrival: its latest stored one stands in.
  const ends = [...ctx.runs.map((r) => r.lastArrivalMs), ...completed.map((c) => c.lastArrivalMs)].filter(Number.isFinite);
  const endMs = ends.length > 0 ? Math.max(...ends) : 0;
  // Every run × class in the report counts, including one that completed nothing.
  const sparsest = Math.min(
    ...ctx.runs.flatMap((r) => ctx.classes.map((c) => completed.find((x) => x.runId === r.runId && x.priceClass === c)?.count ?? 0)),
  );
  const window = windowMs(endMs, sparsest);
  const windowCount = Math.max(1, Math.ceil(endMs / window));
  const label = (cls: number): string => classLabel(cls, ctx.prices);
  const topDown = [...ctx.classes].reverse();
  const panels = tailOverTimePanels(await tailOverTime(ctx.store, ctx.runs, window), {
    runs: ctx.runs.map((r) => ({ runId: r.runId, series: r.series })),
    classes: topDown.map((c) => ({ priceClass: c, label: label(c) })),
    windowMs: window,
    windowCount,
  });
  const { bands, note } = commonPhases(ctx.runs, windowCount * window);
  const spec = tailOverTimeChart(panels, bands, topDown.map(label), ctx.runs.map((r) => r.series), window / 1000, (windowCount * window) / 1000);
  const phaseText =
    bands.length > 1
      ? `Load phases: ${bands.map((b) => `ρ = ${b.load} from ${b.startS} s`).join(", ")}.`
      : note !== null
        ? `No load phases shaded: ${note}.`
        : `Constant offered load ρ = ${bands[0]?.load ?? "?"}.`;
  const sparseWindows = new Set(panels.sparse.map((s) => s.startS)).size;
  const sparseText =
    `A p99 is drawn only for a window with at least ${minWindowCount.p99} completed invocations of the class (below that it is set by the window's one or two slowest invocations, an anecdote), a median from ${minWindowCount.p50}; ` +
    (sparseWindows > 0
      ? `${sparseWindows} of ${windowCount} windows fall short for some class and are marked dark along the bottom of its panel, with the line broken there.`
      : "every window meets it.");
  const emptyText = panels.notes.map((n) => ` ${n.priceClass}: ${n.text}.`).join("");
  return {
    key: "tailOverTime",
    charts: [
      {
        id: "tail-over-time",
        title: "Tail latency over time (the seeds' Figure 3)",
        caption: `p99 (solid) and p50 (dashed) latency of the invocations arriving in each ${window / 1000} s window, top price class first. ${sparseText}${emptyText} ${phaseText}`,
        spec,
      },
    ],
    summary: { windowMs: window, minWindowCount, sparseWindows, emptyPanels: panels.notes, phases: bands, phaseNote: note },
    markdown: `## Tail latency over time\n\n${window / 1000} s windows by arrival. ${sparseText} ${phaseText} See charts/tail-over-time.png.\n${panels.notes.map((n) => `\n- ${n.priceClass}: ${n.text}.`).join("")}${panels.notes.length > 0 ? "\n" : ""}`,
  };
}
