import type { TopLevelSpec } from "vega-lite";
import { chartConfig, logLatencyX, panelHeight, panelWidth, vegaLiteSchema } from "./chart-style.ts";

export interface CcdfRow {
  readonly series: string;
  readonly priceClass: string;
  /** Fraction of the class's completed invocations slower than `latencyMs`; > 0. */
  readonly slower: number;
  readonly latencyMs: number;
}

/** The tail quantiles marked on the chart: where a curve crosses the rule is that percentile. */
const tailMarks = [
  { slower: 0.01, text: "p99" },
  { slower: 0.001, text: "p99.9" },
];

/**
 * The latency tail on log–log axes (complementary CDF): the fraction of completed invocations
 * slower than each latency, one panel per price class, one curve per backend. On a linear CDF the
 * top percent is a sliver against 100 %; here p99 and p99.9 are whole decades of the y axis, and
 * a curve further left or lower has the shorter tail. The y axis reaches down to one invocation
 * (1 ÷ the largest class count), so the slowest invocations are drawn, not cut off.
 */
export function latencyCcdfChart(rows: readonly CcdfRow[], classOrder: readonly string[], seriesOrder: readonly string[]): TopLevelSpec {
  const smallest = Math.min(1, ...rows.map((r) => r.slower));
  const bottom = Number((10 ** Math.min(-3, Math.floor(Math.log10(smallest)))).toPrecision(1));
  const decades = Array.from({ length: Math.round(-Math.log10(bottom)) + 1 }, (_, i) => Number((10 ** -i).toPrecision(1)));
  const y = {
    field: "slower",
    type: "quantitative" as const,
    scale: { type: "log" as const, domain: [bottom, 1], nice: false },
    title: "fraction slower than latency (log)",
    axis: { values: decades, labelExpr: "format(datum.value * 100, '~r') + '%'" },
  };
  return {
    $schema: vegaLiteSchema,
    title: {
      text: "Latency tail (CCDF) per backend and price class",
      subtitle: "completed invocations; log–log axes so p99 and p99.9 (grey rules) are visible; lower and further left is better",
    },
    config: chartConfig,
    data: { values: rows.map((r) => ({ ...r })) },
    facet: { column: { field: "priceClass", type: "nominal", sort: [...classOrder], title: "price class" } },
    spec: {
      width: panelWidth,
      height: panelHeight,
      layer: [
        { data: { values: tailMarks }, mark: { type: "rule", color: "#777", strokeDash: [4, 3], strokeWidth: 1 }, encoding: { y } },
        {
          data: { values: tailMarks },
          // At the left edge, where every curve is still near 100 %, the labels never sit on a curve.
          mark: { type: "text", align: "left", baseline: "bottom", dx: 3, dy: -1, fontSize: 10, color: "#555" },
          encoding: { y, x: { value: 0 }, text: { field: "text", type: "nominal" } },
        },
        {
          mark: { type: "line", interpolate: "step-before", strokeWidth: 1.6 },
          encoding: {
            x: logLatencyX,
            y,
            color: { field: "series", type: "nominal", sort: [...seriesOrder], title: "backend" },
            order: { field: "latencyMs", type: "quantitative" },
            tooltip: [
              { field: "series", title: "backend" },
              { field: "priceClass", title: "class" },
              { field: "slower", title: "fraction slower", format: ".3~%" },
              { field: "latencyMs", title: "latency ms", format: ",.1f" },
            ],
          },
        },
      ],
    },
  };
}
