import type { TopLevelSpec } from "vega-lite";
import { chartConfig, panelWidth, vegaLiteSchema } from "./chart-style.ts";

export interface BreakdownRow {
  readonly group: string;
  readonly part: "setup" | "init" | "execution";
  readonly ms: number;
}

const parts = ["setup", "init", "execution"] as const;

/** The seeds' Figure 1, right: the median response split into setup, initialization and execution. */
export function latencyBreakdownChart(rows: readonly BreakdownRow[], groupOrder: readonly string[]): TopLevelSpec {
  return {
    $schema: vegaLiteSchema,
    title: { text: "Where the time goes: setup / init / execution", subtitle: "medians; setup = response − init − execution (network, routing, placement)" },
    config: chartConfig,
    data: { values: rows.map((r) => ({ ...r, order: parts.indexOf(r.part) })) },
    mark: { type: "bar" },
    width: panelWidth * 2,
    height: { step: 22 },
    encoding: {
      y: { field: "group", type: "nominal", sort: [...groupOrder], title: null, axis: { labelLimit: 320 } },
      x: { field: "ms", type: "quantitative", stack: "zero", title: "median ms" },
      color: { field: "part", type: "nominal", sort: [...parts], scale: { domain: [...parts], range: ["#bab0ac", "#e45756", "#4c78a8"] }, title: "part" },
      order: { field: "order", type: "quantitative" },
      tooltip: [
        { field: "group", title: "run / start" },
        { field: "part", title: "part" },
        { field: "ms", title: "median ms", format: ",.1f" },
      ],
    },
  };
}
