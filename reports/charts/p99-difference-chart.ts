import type { TopLevelSpec } from "vega-lite";
import { chartConfig, vegaLiteSchema } from "./chart-style.ts";

export interface DifferenceRow {
  readonly pair: string;
  readonly priceClass: string;
  readonly differenceMs: number;
  readonly lowMs: number;
  readonly highMs: number;
  /** e.g. "+21,120 ms [20,870, 21,390]": the interval is often narrower than a pixel. */
  readonly text: string;
}

/**
 * p99(B) − p99(A) per class with its bootstrap 95 % interval. Each pair gets its own linear x
 * scale (differences run from milliseconds to tens of seconds across pairs), and the numbers are
 * printed beside each point because on millions of invocations the interval is often narrower
 * than a pixel.
 */
export function p99DifferenceChart(rows: readonly DifferenceRow[], pairOrder: readonly string[], classOrder: readonly string[]): TopLevelSpec {
  const y = { field: "priceClass", type: "nominal", sort: [...classOrder], title: null } as const;
  const x = { type: "quantitative", scale: { zero: true }, title: "p99(B) − p99(A) in ms (> 0: B slower)" } as const;
  return {
    $schema: vegaLiteSchema,
    title: { text: "Difference in p99 latency, with bootstrap 95 % confidence intervals", subtitle: "paired Poisson bootstrap over invocations, 1000 resamples; red rule at 0" },
    config: chartConfig,
    data: { values: rows.map((r) => ({ ...r })) },
    facet: { row: { field: "pair", type: "nominal", sort: [...pairOrder], title: null, header: { labelOrient: "top", labelAnchor: "start", labelFontWeight: "bold", labelLimit: 600 } } },
    spec: {
      width: 520,
      height: { step: 16 },
      layer: [
        { mark: { type: "rule", strokeWidth: 2, color: "#555" }, encoding: { y, x: { ...x, field: "lowMs" }, x2: { field: "highMs" } } },
        {
          mark: { type: "point", filled: true, size: 40, color: "#08306b" },
          encoding: {
            y,
            x: { ...x, field: "differenceMs" },
            tooltip: [{ field: "pair" }, { field: "priceClass", title: "class" }, { field: "differenceMs", title: "Δp99 ms", format: ",.1f" }, { field: "lowMs", title: "CI low", format: ",.1f" }, { field: "highMs", title: "CI high", format: ",.1f" }],
          },
        },
        { mark: { type: "rule", color: "#d62728", strokeDash: [3, 3] }, encoding: { x: { datum: 0, type: "quantitative" } } },
        { mark: { type: "text", align: "left", dx: 6, fontSize: 10, color: "#333" }, encoding: { y, x: { ...x, field: "highMs" }, text: { field: "text", type: "nominal" } } },
      ],
    },
    resolve: { scale: { x: "independent" } },
  };
}
