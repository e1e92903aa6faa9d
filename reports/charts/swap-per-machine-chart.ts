import type { TopLevelSpec } from "vega-lite";
import { chartConfig, vegaLiteSchema } from "./chart-style.ts";

export interface MachineSwapRow {
  readonly series: string;
  readonly machine: number;
  readonly peakMb: number;
  readonly meanMb: number;
}

/** Peak (bar) and mean (tick) swap used per machine, one row per run: even bars mean even swapping. */
export function swapPerMachineChart(rows: readonly MachineSwapRow[], seriesOrder: readonly string[]): TopLevelSpec {
  const x = { field: "machine", type: "ordinal", title: "machine", axis: { labels: false, ticks: false } } as const;
  return {
    $schema: vegaLiteSchema,
    title: { text: "Swap used per machine", subtitle: "bar: peak over the run; tick: mean over the run (MB)" },
    config: chartConfig,
    data: { values: rows.map((r) => ({ ...r })) },
    facet: { row: { field: "series", type: "nominal", sort: [...seriesOrder], title: null } },
    spec: {
      width: 640,
      height: 120,
      layer: [
        { mark: { type: "bar", color: "#9ecae9" }, encoding: { x, y: { field: "peakMb", type: "quantitative", title: "swap used (MB)" }, tooltip: [{ field: "machine" }, { field: "peakMb", title: "peak MB", format: ",.0f" }, { field: "meanMb", title: "mean MB", format: ",.0f" }] } },
        { mark: { type: "tick", color: "#1f4e79", thickness: 2 }, encoding: { x, y: { field: "meanMb", type: "quantitative" } } },
      ],
    },
  };
}
