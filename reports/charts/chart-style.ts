import type { Config, TopLevelSpec } from "vega-lite";

/** One look for every chart: the page, the SVGs and the README PNGs agree. */
export const chartConfig: Config = {
  font: "DejaVu Sans, Liberation Sans, Arial, sans-serif",
  view: { stroke: "#ddd" },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#eee" },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 15, anchor: "start", subtitleFontSize: 11, subtitleColor: "#555" },
};

export const vegaLiteSchema = "https://vega.github.io/schema/vega-lite/v6.json";

/** Facet panels: wide enough to read a log axis, small enough for four classes side by side. */
export const panelWidth = 220;
export const panelHeight = 170;

/** A chart inside a vconcat/hconcat: vega-lite exports no name for it, so derive one. */
export type SubSpec = Extract<TopLevelSpec, { vconcat: unknown }>["vconcat"][number];

/**
 * Backend colours where a chart also draws neutral marks (load changes, sparse windows): vega's
 * category scheme without its grey, so every grey on the chart means "not a backend".
 */
export const backendPalette = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d"];

/** The latency axis every latency-distribution chart shares, so the CDF and the tail read alike. */
export const logLatencyX = {
  field: "latencyMs",
  type: "quantitative",
  scale: { type: "log" },
  title: "latency (ms, log scale)",
  axis: { tickCount: 5 },
} as const;
