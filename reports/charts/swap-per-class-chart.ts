import type { TopLevelSpec } from "vega-lite";
import { chartConfig, vegaLiteSchema } from "./chart-style.ts";

export interface ClassSwapRow {
  readonly series: string;
  readonly priceClass: string;
  readonly tS: number;
  readonly swappedMb: number;
}

/** Swapped-out memory per price class over time (all machines), one row per run: XX should swap only low classes. */
export function swapPerClassChart(rows: readonly ClassSwapRow[], seriesOrder: readonly string[], classOrder: readonly string[]): TopLevelSpec {
  return {
    $schema: vegaLiteSchema,
    title: { text: "Swapped-out memory per price class over time", subtitle: "summed over machines (MB)" },
    config: chartConfig,
    data: { values: rows.map((r) => ({ ...r })) },
    facet: { row: { field: "series", type: "nominal", sort: [...seriesOrder], title: null } },
    spec: {
      width: 640,
      height: 140,
      mark: { type: "line", strokeWidth: 1.5 },
      encoding: {
        x: { field: "tS", type: "quantitative", title: "trace time (s)" },
        y: { field: "swappedMb", type: "quantitative", title: "swapped out (MB)" },
        color: { field: "priceClass", type: "nominal", sort: [...classOrder], title: "price class" },
      },
    },
  };
}
