import type { TopLevelSpec } from "vega-lite";
import { breakdownParts, type BreakdownPart } from "../queries/live-breakdown-query.ts";
import { chartConfig, panelWidth, vegaLiteSchema } from "./chart-style.ts";

export interface LiveBreakdownBar {
  /** "class 0 · 0.5 µ¢/cpu-s", with the run when the report has more than one live run. */
  readonly group: string;
  readonly part: BreakdownPart;
  readonly ms: number;
}

/** What each part is called on the chart, in the order time passes. */
export const breakdownPartLabels: Readonly<Record<BreakdownPart, string>> = {
  lateness: "driver lateness",
  network: "network + gateway",
  shardQueue: "shard queue",
  machineQueue: "machine queue",
  coldStart: "cold start",
  preempted: "preempted",
  swapIn: "swap-in",
  execution: "execution",
};

const labels = breakdownParts.map((p) => breakdownPartLabels[p]);
// Waiting in greys and oranges, the plane's own penalties in reds, running in blue.
const colours = ["#d9d9d9", "#bab0ac", "#fdae6b", "#f58518", "#9d755d", "#e45756", "#b279a2", "#4c78a8"];

/** The live plane's mean client latency per run × class, stacked into where the time went. */
export function liveBreakdownChart(bars: readonly LiveBreakdownBar[], groupOrder: readonly string[]): TopLevelSpec {
  return {
    $schema: vegaLiteSchema,
    title: { text: "Where a live invocation's time goes, per class", subtitle: "means, which add up to the mean client latency (end − intended send)" },
    config: chartConfig,
    // A part whose mean is below zero (clock skew between components) is drawn at zero: a bar cannot go back.
    data: { values: bars.map((b) => ({ group: b.group, part: breakdownPartLabels[b.part], ms: Math.max(0, b.ms), order: breakdownParts.indexOf(b.part) })) },
    mark: { type: "bar" },
    width: panelWidth * 2,
    height: { step: 22 },
    encoding: {
      y: { field: "group", type: "nominal", sort: [...groupOrder], title: null, axis: { labelLimit: 320 } },
      x: { field: "ms", type: "quantitative", stack: "zero", title: "mean ms" },
      color: { field: "part", type: "nominal", sort: labels, scale: { domain: labels, range: colours }, title: "part" },
      order: { field: "order", type: "quantitative" },
      tooltip: [
        { field: "group", title: "class" },
        { field: "part", title: "part" },
        { field: "ms", title: "mean ms", format: ",.2f" },
      ],
    },
  };
}
