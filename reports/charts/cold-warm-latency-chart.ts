import type { TopLevelSpec } from "vega-lite";
import { chartConfig, logLatencyX, panelHeight, panelWidth, vegaLiteSchema } from "./chart-style.ts";

export interface ColdWarmCdfRow {
  readonly series: string;
  readonly start: "cold" | "warm";
  readonly p: number;
  readonly latencyMs: number;
}

/** The seeds' Figure 1, left: response time on a log axis, cold starts against warm ones, one panel per run. */
export function coldWarmLatencyChart(rows: readonly ColdWarmCdfRow[], seriesOrder: readonly string[]): TopLevelSpec {
  return {
    $schema: vegaLiteSchema,
    title: { text: "Response time, cold vs warm starts", subtitle: "invocations with a REPORT line; cold = the line has an Init Duration" },
    config: chartConfig,
    data: { values: rows.map((r) => ({ ...r })) },
    mark: { type: "line", interpolate: "monotone", strokeWidth: 1.6, point: false },
    width: panelWidth,
    height: panelHeight,
    encoding: {
      column: { field: "series", type: "nominal", sort: [...seriesOrder], title: "run" },
      x: { ...logLatencyX, title: "response time (ms, log scale)" },
      y: { field: "p", type: "quantitative", scale: { domain: [0, 1] }, title: "fraction of invocations ≤ time", axis: { format: "%" } },
      color: { field: "start", type: "nominal", sort: ["warm", "cold"], scale: { range: ["#4c78a8", "#e45756"] }, title: "start" },
      order: { field: "p", type: "quantitative" },
      tooltip: [
        { field: "series", title: "run" },
        { field: "start", title: "start" },
        { field: "p", title: "fraction", format: ".2f" },
        { field: "latencyMs", title: "ms", format: ",.1f" },
      ],
    },
  };
}
