import type { TopLevelSpec } from "vega-lite";
import { chartConfig, vegaLiteSchema } from "./chart-style.ts";

export interface MemorySpreadRow {
  readonly series: string;
  readonly tS: number;
  readonly minGb: number;
  readonly p10Gb: number;
  readonly p50Gb: number;
  readonly p90Gb: number;
  readonly maxGb: number;
  /** RAM per machine, drawn as a rule; null when unbounded. */
  readonly ramGb: number | null;
}

/**
 * Memory used across machines over time, one row per run: light band min–max, dark band p10–p90,
 * line median, dashed rule at the machine's RAM. A tight band is the seeds' "small spread".
 */
export function memorySpreadChart(rows: readonly MemorySpreadRow[], seriesOrder: readonly string[]): TopLevelSpec {
  const x = { field: "tS", type: "quantitative", title: "trace time (s)" } as const;
  return {
    $schema: vegaLiteSchema,
    title: { text: "Memory used per machine over time", subtitle: "bands: min–max and p10–p90 across machines; line: median; dashed: RAM per machine" },
    config: chartConfig,
    data: { values: rows.map((r) => ({ ...r })) },
    facet: { row: { field: "series", type: "nominal", sort: [...seriesOrder], title: null } },
    spec: {
      width: 640,
      height: 140,
      layer: [
        { mark: { type: "area", opacity: 0.18, color: "#4c78a8" }, encoding: { x, y: { field: "minGb", type: "quantitative", title: "memory used (GB)" }, y2: { field: "maxGb" } } },
        { mark: { type: "area", opacity: 0.35, color: "#4c78a8" }, encoding: { x, y: { field: "p10Gb", type: "quantitative" }, y2: { field: "p90Gb" } } },
        { mark: { type: "line", color: "#1f4e79", strokeWidth: 1.4 }, encoding: { x, y: { field: "p50Gb", type: "quantitative" } } },
        { mark: { type: "rule", strokeDash: [4, 3], color: "#d62728" }, encoding: { y: { aggregate: "max", field: "ramGb", type: "quantitative" } } },
      ],
    },
  };
}
