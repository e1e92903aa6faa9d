import type { TopLevelSpec } from "vega-lite";
import { chartConfig, panelHeight, vegaLiteSchema } from "./chart-style.ts";

export interface LatenessCdfRow {
  readonly series: string;
  readonly p: number;
  readonly latenessMs: number;
}

/**
 * How late the driver sent, per network run: the CDF of lateness (actual − intended send time) on
 * a log axis like the latency CDF's, since lateness spans decades from microseconds to a stall.
 * Sends at or below `floorMs` (on time, early) are drawn at the floor, where the curve starts.
 */
export function latenessCdfChart(rows: readonly LatenessCdfRow[], seriesOrder: readonly string[], floorMs: number): TopLevelSpec {
  return {
    $schema: vegaLiteSchema,
    title: {
      text: "Send lateness CDF per network run",
      subtitle: `lateness = actual − intended send time; sends at or below ${floorMs} ms (on time or early) are drawn at ${floorMs} ms`,
    },
    config: chartConfig,
    data: { values: rows.map((r) => ({ ...r })) },
    mark: { type: "line", interpolate: "step-after", strokeWidth: 1.6 },
    width: 440,
    height: panelHeight,
    encoding: {
      x: { field: "latenessMs", type: "quantitative", scale: { type: "log" }, title: "lateness (ms, log scale)", axis: { tickCount: 5 } },
      y: { field: "p", type: "quantitative", scale: { domain: [0, 1] }, title: "fraction of sends ≤ lateness", axis: { format: "%" } },
      color: { field: "series", type: "nominal", sort: [...seriesOrder], title: "run" },
      order: { field: "latenessMs", type: "quantitative" },
      tooltip: [
        { field: "series", title: "run" },
        { field: "p", title: "fraction", format: ".4f" },
        { field: "latenessMs", title: "lateness ms", format: ",.3~f" },
      ],
    },
  };
}
