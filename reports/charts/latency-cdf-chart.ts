import type { TopLevelSpec } from "vega-lite";
import { chartConfig, logLatencyX, panelHeight, panelWidth, vegaLiteSchema } from "./chart-style.ts";

export interface CdfRow {
  readonly series: string;
  readonly priceClass: string;
  readonly p: number;
  readonly latencyMs: number;
}

/** Latency CDF per backend, one panel per price class, log latency axis (latencies span decades). */
export function latencyCdfChart(rows: readonly CdfRow[], classOrder: readonly string[], seriesOrder: readonly string[]): TopLevelSpec {
  return {
    $schema: vegaLiteSchema,
    title: { text: "Latency CDF per backend and price class", subtitle: "completed invocations; latency = end − scheduled arrival" },
    config: chartConfig,
    data: { values: rows.map((r) => ({ ...r })) },
    mark: { type: "line", interpolate: "monotone", strokeWidth: 1.6 },
    width: panelWidth,
    height: panelHeight,
    encoding: {
      column: { field: "priceClass", type: "nominal", sort: [...classOrder], title: "price class" },
      x: logLatencyX,
      y: { field: "p", type: "quantitative", scale: { domain: [0, 1] }, title: "fraction of invocations ≤ latency", axis: { format: "%" } },
      color: { field: "series", type: "nominal", sort: [...seriesOrder], title: "backend" },
      order: { field: "p", type: "quantitative" },
      tooltip: [
        { field: "series", title: "backend" },
        { field: "priceClass", title: "class" },
        { field: "p", title: "fraction", format: ".4f" },
        { field: "latencyMs", title: "latency ms", format: ",.1f" },
      ],
    },
  };
}
