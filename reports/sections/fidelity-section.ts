import type { SendingSummary } from "../../harness/summary/sending-summary.ts";
import { latenessCdfChart } from "../charts/lateness-cdf-chart.ts";
import { percentileTableChart } from "../charts/percentile-table-chart.ts";
import { sendRateChart } from "../charts/send-rate-chart.ts";
import { formatNumber } from "../format-number.ts";
import { fidelity, latenessCdf, latenessFloorMs, type LatenessFloorShare } from "../queries/fidelity-query.ts";
import { markdownTable } from "../render/markdown-table.ts";
import { runLookup } from "../run-lookup.ts";
import { significantOrNull } from "../significant.ts";
import type { ReportContext, ReportSection } from "./report-section.ts";

export interface FidelitySummary {
  /** Per network run: sent, dropped, refusals, lateness, response time and latency, rates, degraded. */
  readonly runs: readonly SendingSummary[];
  readonly latenessFloorMs: number;
  /** Per network run, the sends at or below the floor (drawn at it on the CDF). */
  readonly atFloor: readonly LatenessFloorShare[];
}

/** The table's rows (measures) with how a run's cell is written: one column per network run. */
const measureCells: readonly (readonly [string, (s: SendingSummary) => string])[] = [
  ["sent", (s) => `${s.sent.toLocaleString("en-US")} of ${s.invocations.toLocaleString("en-US")}`],
  ["dropped (never sent)", (s) => s.dropped.toLocaleString("en-US")],
  ["failed", (s) => s.failed.toLocaleString("en-US")],
  ["timeout", (s) => s.timeout.toLocaleString("en-US")],
  ["throttled", (s) => s.throttled.toLocaleString("en-US")],
  ["lateness p50 ms", (s) => formatNumber(s.latenessP50Ms)],
  ["lateness p99 ms", (s) => formatNumber(s.latenessP99Ms)],
  ["lateness max ms", (s) => formatNumber(s.latenessMaxMs)],
  ["response p50 ms (from sent)", (s) => formatNumber(s.responseP50Ms)],
  ["response p99 ms (from sent)", (s) => formatNumber(s.responseP99Ms)],
  ["latency p50 ms (from intended)", (s) => formatNumber(s.latencyP50Ms)],
  ["latency p99 ms (from intended)", (s) => formatNumber(s.latencyP99Ms)],
  ["intended rate /s", (s) => formatNumber(s.intendedPerS)],
  ["achieved rate /s", (s) => formatNumber(s.achievedPerS)],
  ["degraded", (s) => (s.degraded === null ? "no" : "DEGRADED")],
];

/**
 * How faithfully each network run's driver replayed the trace: a table of what it sent, how late
 * and with what response, the lateness CDF, and intended against achieved sends per second. A
 * simulator sends every invocation exactly when the trace says, so without network runs the
 * section is left out (null).
 */
export async function fidelitySection(ctx: ReportContext): Promise<ReportSection<FidelitySummary> | null> {
  const networkRuns = ctx.runs.filter((r) => r.network);
  if (networkRuns.length === 0) return null;
  const runOf = runLookup(networkRuns);
  const seriesOrder = networkRuns.map((r) => r.series);
  const { sending, rates } = await fidelity(ctx.store, networkRuns);
  const rounded = sending.map(roundedSummary);
  const cdf = await latenessCdf(ctx.store, networkRuns);

  const floorText = cdf.floor
    .map((f) => `${runOf(f.runId).series}: ${f.atFloor.toLocaleString("en-US")} of ${f.sent.toLocaleString("en-US")} sends (${formatNumber((100 * f.atFloor) / Math.max(1, f.sent))} %)`)
    .join("; ");
  const degraded = rounded.filter((s) => s.degraded !== null).map((s) => `run ${s.runId} (${s.backend}) is DEGRADED: ${s.degraded}`);
  const degradedText = degraded.length === 0 ? "" : ` ${degraded.join("; ")}.`;
  const columns = rounded.map((s) => runOf(s.runId).series);
  const table = percentileTableChart(
    measureCells.map(([measure, cell]) => ({ row: measure, cells: Object.fromEntries(rounded.map((s) => [runOf(s.runId).series, cell(s)])) })),
    columns,
    "lateness = sent − intended; response = end − sent; latency = end − intended (corrected for coordinated omission)",
    { title: "Sending fidelity per network run", columnWidth: 280 },
  );
  const md = markdownTable(
    ["run", "backend", ...measureCells.map(([measure]) => measure)],
    rounded.map((s) => [s.runId, runOf(s.runId).series, ...measureCells.map(([, cell]) => cell(s))]),
  );
  return {
    key: "fidelity",
    charts: [
      {
        id: "sending-table",
        title: "Sending fidelity per network run",
        caption:
          `What each network run's driver sent against what the trace asked for. Lateness is how long after its intended time a request left; dropped requests were never sent (the driver's in-flight bound was full). ` +
          `Response time runs from the actual send, latency from the intended one, so latency includes the driver's lateness and a slow target cannot hide behind a late driver.${degradedText}`,
        spec: table,
      },
      {
        id: "lateness-cdf",
        title: "Send lateness CDF",
        caption: `Fraction of sent requests that left at most so late, one curve per network run, lateness on a log axis. Sends at or below ${latenessFloorMs} ms late (on time or early) are drawn at ${latenessFloorMs} ms: ${floorText}. A curve that reaches 100 % further left is a more faithful driver.${degradedText}`,
        spec: latenessCdfChart(cdf.points.map((p) => ({ series: runOf(p.runId).series, p: p.p, latenessMs: p.latenessMs })), seriesOrder, latenessFloorMs),
      },
      {
        id: "send-rate",
        title: "Intended vs achieved send rate",
        caption: "Requests per 1 s bin that the trace meant to send (dashed) and that actually left (solid), one panel per network run: a solid line under the dashed one is the driver falling behind, dropped requests never reach it.",
        spec: sendRateChart(
          rates.flatMap((r) => [
            { series: runOf(r.runId).series, kind: "intended", tS: r.second, perS: r.intended },
            { series: runOf(r.runId).series, kind: "sent", tS: r.second, perS: r.sent },
          ]),
          seriesOrder,
        ),
      },
    ],
    summary: { runs: rounded, latenessFloorMs, atFloor: cdf.floor },
    markdown: [
      "## Sending fidelity (network runs)",
      "",
      "Lateness = actual − intended send time; response time = end − actual send; latency = end − intended send (corrected for coordinated omission).",
      ...(degraded.length === 0 ? [] : ["", ...degraded.map((d) => `> **Warning:** ${d}.`)]),
      "",
      md,
      "",
    ].join("\n"),
  };
}

/** The report prints what it rounds: six significant digits keep summary.json byte-stable. */
function roundedSummary(s: SendingSummary): SendingSummary {
  const r = (x: number | null): number | null => significantOrNull(x);
  return {
    ...s,
    latenessP50Ms: r(s.latenessP50Ms),
    latenessP99Ms: r(s.latenessP99Ms),
    latenessMaxMs: r(s.latenessMaxMs),
    responseP50Ms: r(s.responseP50Ms),
    responseP99Ms: r(s.responseP99Ms),
    latencyP50Ms: r(s.latencyP50Ms),
    latencyP99Ms: r(s.latencyP99Ms),
    intendedPerS: r(s.intendedPerS) ?? 0,
    achievedPerS: r(s.achievedPerS) ?? 0,
  };
}
