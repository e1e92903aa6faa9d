import { loadSweepChart } from "../charts/load-sweep-chart.ts";
import { noDataChart } from "../charts/no-data-chart.ts";
import { classLabel } from "../class-label.ts";
import { formatNumber } from "../format-number.ts";
import { classPercentiles } from "../queries/class-percentiles-query.ts";
import { utilizationSpread, type UtilizationSpread } from "../queries/utilization-query.ts";
import { markdownTable } from "../render/markdown-table.ts";
import type { ReportRun } from "../report-runs.ts";
import { noSamplesText } from "../no-samples-text.ts";
import { runLookup } from "../run-lookup.ts";
import type { ReportContext, ReportSection } from "./report-section.ts";

export interface LoadSweepSummary {
  readonly loads: readonly number[];
  readonly points: readonly { runId: number; backend: string; load: number; seed: number; priceClass: number; p99Ms: number | null }[];
  readonly utilization: readonly (UtilizationSpread & { backend: string; load: number })[];
  readonly note: string | null;
  /** Why some runs have no utilization (no machine samples); null when every run has it. */
  readonly utilizationNote: string | null;
}

const title = "Tail latency and utilization across load (the seeds' Figure 4)";

/** A run at one constant offered load: the only kind a load sweep compares. */
type ConstantLoadRun = ReportRun & { readonly constantLoad: number };

const hasConstantLoad = (r: ReportRun): r is ConstantLoadRun => r.constantLoad !== null;

/** Runs at a constant offered load, compared across loads: needs two or more distinct loads. */
export async function loadSweepSection(ctx: ReportContext): Promise<ReportSection<LoadSweepSummary>> {
  const runs = ctx.runs.filter(hasConstantLoad);
  const loads = [...new Set(runs.map((r) => r.constantLoad))].sort((a, b) => a - b);
  if (loads.length < 2) {
    const note = "these runs are not a load sweep: it needs runs at two or more constant offered loads (see `xxbench sweep`)";
    return {
      key: "loadSweep",
      charts: [{ id: "load-sweep", title, caption: `No data: ${note}.`, spec: noDataChart(title, `No load sweep: ${note}.`) }],
      summary: { loads, points: [], utilization: [], note, utilizationNote: null },
      markdown: `## Load sweep\n\nNo data: ${note}.\n`,
    };
  }
  const runOf = runLookup(runs);
  const label = (cls: number): string => classLabel(cls, ctx.prices);
  const percentiles = await classPercentiles(ctx.store, runs);
  const points = percentiles.map((p) => {
    const run = runOf(p.runId);
    return { runId: p.runId, backend: run.backend, load: run.constantLoad, seed: run.seed, priceClass: p.priceClass, p99Ms: p.p99Ms };
  });
  const utilization = (await utilizationSpread(ctx.store, runs)).map((u) => ({ ...u, backend: runOf(u.runId).backend, load: runOf(u.runId).constantLoad }));
  const backends = [...new Set(runs.map((r) => r.backend))];
  const spec = loadSweepChart(
    points.flatMap((p) => (p.p99Ms === null ? [] : [{ backend: p.backend, load: p.load, seed: p.seed, priceClass: label(p.priceClass), p99Ms: p.p99Ms }])),
    utilization.map((u) => ({ backend: u.backend, load: u.load, seed: runOf(u.runId).seed, p10: u.p10, p50: u.p50, p90: u.p90 })),
    backends,
    [...ctx.classes].reverse().map(label),
  );
  const table = markdownTable(
    ["backend", "load", "seed", ...ctx.classes.map((c) => `p99 ms class ${c}`), "utilization p50"],
    runs.map((r) => [
      r.backend,
      r.constantLoad,
      r.seed,
      ...ctx.classes.map((c) => formatNumber(points.find((p) => p.runId === r.runId && p.priceClass === c)?.p99Ms ?? null)),
      formatNumber(utilization.find((u) => u.runId === r.runId)?.p50 ?? null),
    ]),
  );
  // Utilization comes from machine samples, which a network run does not have.
  const unsampled = noSamplesText(runs);
  const utilizationNote = unsampled === null ? "" : ` No utilization for some runs: ${unsampled}.`;
  return {
    key: "loadSweep",
    charts: [
      {
        id: "load-sweep",
        title,
        caption: `p99 latency per price class (top) and compute utilization across machines and time (bottom; band p10–p90, line median; samples after the last arrival excluded) at loads ${loads.join(", ")}.${utilizationNote}`,
        spec,
      },
    ],
    summary: { loads, points, utilization, note: null, utilizationNote: unsampled },
    markdown: `## Load sweep\n\n${utilizationNote === "" ? "" : `${utilizationNote.trim()}\n\n`}${table}\n`,
  };
}
