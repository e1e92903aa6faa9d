import type { TopLevelSpec } from "vega-lite";
import { chartConfig, vegaLiteSchema } from "./chart-style.ts";

export interface SweepLatencyPoint {
  readonly backend: string;
  readonly load: number;
  readonly priceClass: string;
  readonly seed: number;
  readonly p99Ms: number;
}

export interface SweepUtilizationPoint {
  readonly backend: string;
  readonly load: number;
  readonly seed: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

/**
 * The seeds' Figure 4 (seed 001): one column per backend; top, p99 latency per price class
 * against offered load (log y: overload sends it up by decades); bottom, compute utilization
 * across machines and time (band p10–p90, line median). Seeds of one load are averaged by the
 * line and shown as points.
 */
export function loadSweepChart(
  latency: readonly SweepLatencyPoint[],
  utilization: readonly SweepUtilizationPoint[],
  backendOrder: readonly string[],
  classOrder: readonly string[],
): TopLevelSpec {
  const x = { field: "load", type: "quantitative", title: "offered load ρ", scale: { zero: false } } as const;
  const column = { field: "backend", type: "nominal" as const, sort: [...backendOrder], title: null };
  return {
    $schema: vegaLiteSchema,
    title: { text: "Tail latency and compute utilization across offered load", subtitle: "one column per backend; latency on a log axis" },
    config: chartConfig,
    vconcat: [
      {
        data: { values: latency.map((p) => ({ ...p })) },
        facet: { column },
        spec: {
          width: 220,
          height: 180,
          layer: [
            {
              mark: { type: "line", point: false, strokeWidth: 1.6 },
              encoding: {
                x,
                y: { aggregate: "mean", field: "p99Ms", type: "quantitative", scale: { type: "log" }, title: "p99 latency (ms, log)" },
                color: { field: "priceClass", type: "nominal", sort: [...classOrder], title: "price class" },
              },
            },
            {
              mark: { type: "point", filled: true, size: 22 },
              encoding: {
                x,
                y: { field: "p99Ms", type: "quantitative" },
                color: { field: "priceClass", type: "nominal", sort: [...classOrder] },
                tooltip: [{ field: "backend" }, { field: "load" }, { field: "seed" }, { field: "priceClass", title: "class" }, { field: "p99Ms", title: "p99 ms", format: ",.1f" }],
              },
            },
          ],
        },
      },
      {
        data: { values: utilization.map((p) => ({ ...p })) },
        facet: { column },
        spec: {
          width: 220,
          height: 120,
          layer: [
            {
              mark: { type: "area", opacity: 0.25, color: "#4c78a8" },
              encoding: {
                x,
                y: { aggregate: "mean", field: "p10", type: "quantitative", scale: { domain: [0, 1] }, axis: { format: "%" }, title: "compute utilization" },
                y2: { aggregate: "mean", field: "p90" },
              },
            },
            {
              mark: { type: "line", color: "#4c78a8", point: true },
              encoding: {
                x,
                y: { aggregate: "mean", field: "p50", type: "quantitative" },
                tooltip: [{ field: "backend" }, { field: "load" }, { aggregate: "mean", field: "p50", title: "median", format: ".1%" }],
              },
            },
          ],
        },
      },
    ],
  };
}
