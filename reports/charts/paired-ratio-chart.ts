import type { TopLevelSpec } from "vega-lite";
import { chartConfig, vegaLiteSchema } from "./chart-style.ts";

export interface RatioRow {
  readonly pair: string;
  readonly priceClass: string;
  readonly p01: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/**
 * Per-invocation latency ratio B ÷ A per class, one row per pair of runs (log x: 10× slower and
 * 10× faster sit symmetrically around 1). Thin line p1–p99, thick bar p10–p90, tick median.
 */
export function pairedRatioChart(rows: readonly RatioRow[], pairOrder: readonly string[], classOrder: readonly string[]): TopLevelSpec {
  const y = { field: "priceClass", type: "nominal", sort: [...classOrder], title: null } as const;
  const x = { type: "quantitative", scale: { type: "log" }, title: "latency ratio B ÷ A per invocation (log; < 1: B faster)" } as const;
  return {
    $schema: vegaLiteSchema,
    title: { text: "Paired latency ratios (same invocation, two backends)", subtitle: "line p1–p99, bar p10–p90, tick median; red rule at 1 (equal)" },
    config: chartConfig,
    data: { values: rows.map((r) => ({ ...r })) },
    facet: { row: { field: "pair", type: "nominal", sort: [...pairOrder], title: null, header: { labelOrient: "top", labelAnchor: "start", labelFontWeight: "bold", labelLimit: 600 } } },
    spec: {
      width: 520,
      height: { step: 16 },
      layer: [
        { mark: { type: "rule", color: "#888" }, encoding: { y, x: { ...x, field: "p01" }, x2: { field: "p99" } } },
        { mark: { type: "bar", color: "#6baed6", height: 10 }, encoding: { y, x: { ...x, field: "p10" }, x2: { field: "p90" } } },
        { mark: { type: "tick", color: "#08306b", thickness: 2 }, encoding: { y, x: { ...x, field: "p50" }, tooltip: [{ field: "pair" }, { field: "priceClass", title: "class" }, { field: "p10" }, { field: "p50", title: "median" }, { field: "p90" }] } },
        { mark: { type: "rule", color: "#d62728", strokeDash: [3, 3] }, encoding: { x: { datum: 1, type: "quantitative" } } },
      ],
    },
  };
}
