import { latencyCcdfChart } from "../charts/latency-ccdf-chart.ts";
import { latencyCdfChart } from "../charts/latency-cdf-chart.ts";
import { percentileTableChart } from "../charts/percentile-table-chart.ts";
import { classLabel } from "../class-label.ts";
import { formatNumber } from "../format-number.ts";
import { classPercentiles, type ClassPercentiles } from "../queries/class-percentiles-query.ts";
import { latencyCdf } from "../queries/latency-cdf-query.ts";
import { markdownTable } from "../render/markdown-table.ts";
import { runLookup } from "../run-lookup.ts";
import type { ReportContext, ReportSection } from "./report-section.ts";

export interface PercentileSummary extends ClassPercentiles {
  readonly backend: string;
  readonly streamDigest: string | null;
}

/** The table's columns, each with how a row's cell is written. */
const columnCells: readonly (readonly [string, (s: PercentileSummary) => string])[] = [
  ["stream", (s) => s.streamDigest?.slice(0, 12) ?? "–"],
  ["count", (s) => s.count.toLocaleString("en-US")],
  ["p50 ms", (s) => formatNumber(s.p50Ms)],
  ["p90 ms", (s) => formatNumber(s.p90Ms)],
  ["p99 ms", (s) => formatNumber(s.p99Ms)],
  ["p99.9 ms", (s) => formatNumber(s.p999Ms)],
  ["slowdown p50", (s) => formatNumber(s.p50Slowdown)],
  ["slowdown p99", (s) => formatNumber(s.p99Slowdown)],
];
const columns = columnCells.map(([name]) => name);

/** Latency CDFs and the percentile table, both per backend × price class. */
export async function latencyDistributionSection(ctx: ReportContext): Promise<ReportSection<PercentileSummary[]>> {
  const runOf = runLookup(ctx.runs);
  const label = (cls: number): string => classLabel(cls, ctx.prices);
  const cdf = await latencyCdf(ctx.store, ctx.runs);
  const cdfChart = latencyCdfChart(
    cdf.map((p) => ({ series: runOf(p.runId).series, priceClass: label(p.priceClass), p: p.p, latencyMs: p.latencyMs })),
    ctx.classes.map(label),
    ctx.runs.map((r) => r.series),
  );
  const ccdfChart = latencyCcdfChart(
    cdf.filter((p) => p.slower > 0).map((p) => ({ series: runOf(p.runId).series, priceClass: label(p.priceClass), slower: p.slower, latencyMs: p.latencyMs })),
    ctx.classes.map(label),
    ctx.runs.map((r) => r.series),
  );

  const rows: PercentileSummary[] = (await classPercentiles(ctx.store, ctx.runs)).map((s) => ({
    ...s,
    backend: runOf(s.runId).backend,
    streamDigest: runOf(s.runId).streamDigest,
  }));
  const cellsOf = (s: PercentileSummary): string[] => columnCells.map(([, cell]) => cell(s));
  const rowName = (s: PercentileSummary): string => `${runOf(s.runId).series} · class ${s.priceClass}`;
  const digests = new Set(ctx.runs.map((r) => r.streamDigest));
  const subtitle =
    digests.size === 1
      ? `every run replayed the identical invocation stream ${[...digests][0]?.slice(0, 12) ?? "?"}… (SHA-256 of the stream, from each run's manifest)`
      : `the runs replayed ${digests.size} different streams (see the stream column): compare only rows with equal prefixes`;
  const networkNote = ctx.runs.some((r) => r.network)
    ? " For a network run latency runs from the intended send time, so a late driver counts against it (coordinated omission corrected); the sending fidelity section gives its response time from the actual send."
    : "";
  const tableChart = percentileTableChart(
    rows.map((s) => ({ row: rowName(s), cells: Object.fromEntries(columnCells.map(([name, cell]) => [name, cell(s)])) })),
    columns,
    subtitle,
  );
  return {
    key: "percentiles",
    charts: [
      {
        id: "percentile-table",
        title: "Percentiles per backend × price class",
        caption: `Latency (ms) and slowdown (latency ÷ work) percentiles of completed invocations. ${subtitle}.${networkNote}`,
        spec: tableChart,
      },
      {
        id: "latency-cdf",
        title: "Latency CDF",
        caption: "One panel per price class, one curve per backend; latency on a log axis because it spans decades. A curve further left is faster.",
        spec: cdfChart,
      },
      {
        id: "latency-ccdf",
        title: "Latency tail (CCDF)",
        caption:
          "The tail the CDF hides: the fraction of completed invocations slower than each latency, on log–log axes, one panel per price class. The grey rules mark 1 % (p99) and 0.1 % (p99.9): where a curve crosses a rule is that percentile; a curve lower and further left has the shorter tail. Curves end at the slowest invocation but one (a fraction of 1 ÷ the class count).",
        spec: ccdfChart,
      },
    ],
    summary: rows,
    markdown: `## Percentiles per backend × price class\n\n${subtitle}.${networkNote}\n\n${markdownTable(["run", "backend · class", ...columns], rows.map((s) => [s.runId, rowName(s), ...cellsOf(s)]))}\n`,
  };
}
