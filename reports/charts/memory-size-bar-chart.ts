import type { TopLevelSpec } from "vega-lite";
import { backendPalette, chartConfig, vegaLiteSchema } from "./chart-style.ts";

export interface MemorySizeBarRow {
  readonly backend: string;
  readonly memoryMb: number;
  readonly value: number;
  /** The value as the tooltip and the bar's label write it. */
  readonly text: string;
}

/** One quantity per Lambda memory size, a bar per backend side by side (seed 004's Figures 2–4). */
export function memorySizeBarChart(rows: readonly MemorySizeBarRow[], title: string, subtitle: string, valueTitle: string, backendOrder: readonly string[]): TopLevelSpec {
  return {
    $schema: vegaLiteSchema,
    title: { text: title, subtitle },
    config: chartConfig,
    data: { values: rows.map((r) => ({ ...r })) },
    facet: { column: { field: "memoryMb", type: "ordinal", title: "memory size (MB)", header: { labelOrient: "bottom", titleOrient: "bottom" } } },
    spec: {
      width: { step: 34 },
      height: 200,
      encoding: {
        x: { field: "backend", type: "nominal", sort: [...backendOrder], title: null, axis: { labels: false, ticks: false } },
        y: { field: "value", type: "quantitative", title: valueTitle },
        color: { field: "backend", type: "nominal", sort: [...backendOrder], title: "backend", scale: { range: backendPalette } },
        tooltip: [{ field: "backend" }, { field: "memoryMb", title: "memory (MB)" }, { field: "text", title: valueTitle }],
      },
      layer: [{ mark: { type: "bar" } }, { mark: { type: "text", dy: -6, fontSize: 8 }, encoding: { text: { field: "text" }, color: { value: "#333" } } }],
    },
  };
}
