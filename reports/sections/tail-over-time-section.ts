import { tailOverTimeChart, type PhaseBand } from "../charts/tail-over-time-chart.ts";
import { classLabel } from "../class-label.ts";
import { tailOverTime, windowMs } from "../queries/tail-over-time-query.ts";
import type { ReportRun } from "../report-runs.ts";
import type { ReportContext, ReportSection } from "./report-section.ts";

export interface TailOverTimeSummary {
  readonly windowMs: number;
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
  if (keys.size !== 1) return { bands: [], note: "the runs follow different load schedules, so no phases are shaded" };
  const phases = runs[0]!.phases;
  if (phases.length === 0) return { bands: [], note: "the trace records no load schedule" };
  const bands = phases.map((p, i) => ({
    startS: p.startMs / 1000,
    endS: (i + 1 < phases.length ? phases[i + 1]!.startMs : Math.max(endMs, p.startMs)) / 1000,
    load: p.load,
  }));
  return { bands, note: null };
}

export async function tailOverTimeSection(ctx: ReportContext): Promise<ReportSection<TailOverTimeSummary>> {
  const finite = ctx.runs.map((r) => r.lastArrivalMs).filter(Number.isFinite);
  const endMs = finite.length > 0 ? Math.max(...finite) : 0;
  const window = windowMs(endMs);
  const byRun = new Map(ctx.runs.map((r) => [r.runId, r]));
  const label = (cls: number): string => classLabel(cls, ctx.prices);
  const windows = await tailOverTime(ctx.store, ctx.runs, window);
  const points = windows.flatMap((w) => {
    const base = { series: byRun.get(w.runId)!.series, priceClass: label(w.priceClass), startS: w.startS };
    return [
      { ...base, quantile: "p99" as const, latencyMs: w.p99Ms },
      { ...base, quantile: "p50" as const, latencyMs: w.p50Ms },
    ];
  });
  const { bands, note } = commonPhases(ctx.runs, endMs);
  const classOrder = [...ctx.classes].reverse().map(label);
  const spec = tailOverTimeChart(points, bands, classOrder, ctx.runs.map((r) => r.series), window / 1000);
  const phaseText =
    bands.length > 1
      ? `Load phases: ${bands.map((b) => `ρ = ${b.load} from ${b.startS} s`).join(", ")}.`
      : note !== null
        ? `No load phases shaded: ${note}.`
        : `Constant offered load ρ = ${bands[0]?.load ?? "?"}.`;
  return {
    key: "tailOverTime",
    charts: [
      {
        id: "tail-over-time",
        title: "Tail latency over time (the seeds' Figure 3)",
        caption: `p99 (solid) and p50 (dashed) latency of the invocations arriving in each ${window / 1000} s window, top price class first. ${phaseText}`,
        spec,
      },
    ],
    summary: { windowMs: window, phases: bands, phaseNote: note },
    markdown: `## Tail latency over time\n\n${window / 1000} s windows by arrival. ${phaseText} See charts/tail-over-time.png.\n`,
  };
}
