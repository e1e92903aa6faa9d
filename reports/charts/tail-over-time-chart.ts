import type { TopLevelSpec } from "vega-lite";
import { chartConfig, type SubSpec, vegaLiteSchema } from "./chart-style.ts";

export interface TailPoint {
  readonly series: string;
  readonly priceClass: string;
  readonly quantile: "p50" | "p99";
  readonly startS: number;
  readonly latencyMs: number;
}

/** A load phase in seconds, shaded behind the lines. */
export interface PhaseBand {
  readonly startS: number;
  readonly endS: number;
  readonly load: number;
}

/**
 * The seeds' Figure 3: windowed p99 (solid) and p50 (dashed) latency over time, one row per
 * price class from the top class down, load phases shaded darker as the load rises and their
 * boundaries marked in red as in the seeds.
 */
export function tailOverTimeChart(
  points: readonly TailPoint[],
  phases: readonly PhaseBand[],
  classOrder: readonly string[],
  seriesOrder: readonly string[],
  windowS: number,
): TopLevelSpec {
  const maxLoad = Math.max(1e-9, ...phases.map((p) => p.load));
  const bands = phases.map((p) => ({ ...p, shade: 0.04 + 0.22 * (p.load / maxLoad), text: `ρ = ${p.load}` }));
  const rows: SubSpec[] = classOrder.map((cls, i) => {
    const layers: SubSpec[] = [];
    if (bands.length > 0) {
      layers.push({
        data: { values: bands },
        mark: { type: "rect", color: "#888" },
        encoding: { x: { field: "startS", type: "quantitative" }, x2: { field: "endS" }, opacity: { field: "shade", type: "quantitative", scale: null, legend: null } },
      });
      // An empty layer would give vega an infinite extent (and a console warning): rules only when the load changes.
      if (bands.length > 1) {
        layers.push({
          data: { values: bands.slice(1) },
          mark: { type: "rule", color: "#d62728", strokeWidth: 1.2 },
          encoding: { x: { field: "startS", type: "quantitative" } },
        });
      }
      layers.push({
        data: { values: bands },
        mark: { type: "text", align: "left", baseline: "top", dx: 3, dy: 3, fontSize: 10, color: "#444" },
        encoding: { x: { field: "startS", type: "quantitative" }, y: { value: 0 }, text: { field: "text", type: "nominal" } },
      });
    }
    layers.push({
      data: { values: points.filter((p) => p.priceClass === cls).map((p) => ({ ...p })) },
      mark: { type: "line", strokeWidth: 1.4, interpolate: "step-after" },
      encoding: {
        x: { field: "startS", type: "quantitative", title: i === classOrder.length - 1 ? `trace time (s, by arrival; ${windowS} s windows)` : null },
        y: { field: "latencyMs", type: "quantitative", scale: { type: "log" }, title: "latency (ms, log)" },
        color: { field: "series", type: "nominal", sort: [...seriesOrder], title: "backend" },
        strokeDash: { field: "quantile", type: "nominal", sort: ["p99", "p50"], title: "percentile", scale: { domain: ["p99", "p50"], range: [[1, 0], [4, 3]] } },
        detail: { field: "series" },
        tooltip: [
          { field: "series", title: "backend" },
          { field: "quantile" },
          { field: "startS", title: "window start s" },
          { field: "latencyMs", title: "latency ms", format: ",.1f" },
        ],
      },
    });
    return { title: { text: cls, fontSize: 12 }, width: 640, height: 150, layer: layers } as SubSpec;
  });
  return {
    $schema: vegaLiteSchema,
    title: {
      text: "Tail latency over time per price class",
      subtitle: phases.length > 1 ? "shading: offered load ρ per phase (darker = higher); red lines: load changes" : "windowed p99 (solid) and p50 (dashed)",
    },
    config: chartConfig,
    vconcat: rows,
    resolve: { scale: { y: "shared", x: "shared" } },
  };
}
