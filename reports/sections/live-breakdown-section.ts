import { breakdownPartLabels, liveBreakdownChart, type LiveBreakdownBar } from "../charts/live-breakdown-chart.ts";
import { classLabel } from "../class-label.ts";
import { formatNumber } from "../format-number.ts";
import { breakdownParts, liveBreakdownRows, liveBreakdownRunIds, type LiveBreakdownRow } from "../queries/live-breakdown-query.ts";
import { markdownTable } from "../render/markdown-table.ts";
import { runLookup } from "../run-lookup.ts";
import type { ReportContext, ReportSection } from "./report-section.ts";

export interface LiveBreakdownSummary {
  readonly rows: readonly LiveBreakdownRow[];
}

/**
 * Where a live run's client latency goes, per price class: the driver's lateness, the network
 * and gateway, the shard's queue, the machine's queue, cold starts, preemption, swap-in and
 * execution, from the timings the plane sends with every answer. Means add up to the mean
 * latency and are what the chart stacks; the table gives medians beside them. Absent (null) when
 * no run has the plane's breakdown.
 */
export async function liveBreakdownSection(ctx: ReportContext): Promise<ReportSection<LiveBreakdownSummary> | null> {
  const runIds = await liveBreakdownRunIds(ctx.store, ctx.runs);
  if (runIds.length === 0) return null;
  const runOf = runLookup(ctx.runs);
  const rows = await liveBreakdownRows(ctx.store, runIds);
  const groupName = (r: LiveBreakdownRow): string => {
    const cls = classLabel(r.priceClass, ctx.prices);
    return runIds.length === 1 ? cls : `${cls} · run ${r.runId} ${runOf(r.runId).series}`;
  };
  const bars: LiveBreakdownBar[] = rows.flatMap((r) => breakdownParts.map((part) => ({ group: groupName(r), part, ms: r.meanMs[part] })));
  const table = (figure: "mean" | "p50"): string =>
    markdownTable(
      ["run", "class", "invocations", `latency ${figure} ms`, ...breakdownParts.map((p) => `${breakdownPartLabels[p]} ${figure} ms`)],
      rows.map((r) => [
        runOf(r.runId).series,
        classLabel(r.priceClass, ctx.prices),
        r.invocations,
        formatNumber(figure === "mean" ? r.latencyMeanMs : r.latencyP50Ms),
        ...breakdownParts.map((p) => formatNumber(figure === "mean" ? r.meanMs[p] : r.p50Ms[p])),
      ]),
    );
  return {
    key: "liveBreakdown",
    charts: [
      {
        id: "live-breakdown",
        title: "Live plane: where the time goes, per class",
        caption:
          "Mean client latency (end − intended send) of each price class's ok invocations, split into the driver's lateness, the network and gateway " +
          "(what the plane's clocks do not cover: hops, the gateway's work, the placement round trip), the shard's queue, the machine's queue, " +
          "cold starts, time preempted, swap-in, and execution, from the timing headers the plane answers with.",
        spec: liveBreakdownChart(bars, rows.map(groupName)),
      },
    ],
    summary: { rows },
    markdown:
      `## Live plane: where the time goes, per class\n\n` +
      `Over each class's ok invocations: the means add up to the mean latency (end − intended send); network + gateway is the latency ` +
      `less the driver's lateness and the plane's own parts, so it also takes up any clock difference between the plane's processes. ` +
      `Medians do not add up.\n\n${table("mean")}\n\n${table("p50")}\n`,
  };
}
