import type { TopLevelSpec } from "vega-lite";
import { minWindowCount } from "../queries/tail-over-time-query.ts";
import type { TailPanels } from "../tail-over-time-panels.ts";
import { backendPalette, chartConfig, type SubSpec, vegaLiteSchema } from "./chart-style.ts";

/** A load phase in seconds, shaded behind the lines. */
export interface PhaseBand {
  readonly startS: number;
  readonly endS: number;
  readonly load: number;
}

/**
 * Neutral ink for everything that is not a backend: load changes, sparse-window marks, panel
 * notes. The backends take the category hues (red among them, see `backendPalette`), so a red
 * rule would read as a backend.
 */
const ink = "#222";
const panelHeight = 150;
const sparseMarkHeight = 5;

/**
 * The seeds' Figure 3: windowed p99 (solid) and p50 (dashed) latency over time, one row per
 * price class from the top class down, load phases shaded darker as the load rises and their
 * boundaries drawn as dark dashed rules. A window with too few completed invocations for a p99
 * breaks the line and gets a dark mark along the panel's bottom edge; a panel with no p99 at all
 * says why in words.
 */
export function tailOverTimeChart(
  panels: TailPanels,
  phases: readonly PhaseBand[],
  classOrder: readonly string[],
  seriesOrder: readonly string[],
  windowS: number,
  endS: number,
): TopLevelSpec {
  const maxLoad = Math.max(1e-9, ...phases.map((p) => p.load));
  const bands = phases.map((p) => ({ ...p, shade: 0.04 + 0.22 * (p.load / maxLoad), text: `ρ = ${p.load}` }));
  const xDomain = [0, Math.max(endS, windowS)];
  const anyLatency = panels.points.some((p) => p.latencyMs !== null);
  // With nothing drawable anywhere a log scale has no extent (vega warns); give it a plain one.
  const yScale = anyLatency ? { type: "log" as const } : { type: "log" as const, domain: [1, 1000] };
  const rows: SubSpec[] = classOrder.map((cls, i) => {
    const x = { field: "startS", type: "quantitative" as const, scale: { domain: xDomain }, title: null };
    const layers: SubSpec[] = [];
    if (bands.length > 0) {
      layers.push({
        data: { values: bands },
        mark: { type: "rect", color: "#888", clip: true },
        encoding: { x, x2: { field: "endS" }, opacity: { field: "shade", type: "quantitative", scale: null, legend: null } },
      });
      // An empty layer would give vega an infinite extent (and a console warning): rules only when the load changes.
      if (bands.length > 1) {
        layers.push({
          data: { values: bands.slice(1) },
          mark: { type: "rule", color: ink, strokeWidth: 1.2, strokeDash: [6, 3] },
          encoding: { x },
        });
      }
      layers.push({
        data: { values: bands },
        mark: { type: "text", align: "left", baseline: "top", dx: 3, dy: 3, fontSize: 10, color: "#444", clip: true },
        encoding: { x, y: { value: 0 }, text: { field: "text", type: "nominal" } },
      });
    }
    const sparse = panels.sparse.filter((s) => s.priceClass === cls);
    if (sparse.length > 0) {
      layers.push({
        data: { values: sparse.map((s) => ({ ...s })) },
        mark: { type: "rect", color: ink, opacity: 0.55 },
        encoding: {
          x,
          x2: { field: "endS" },
          y: { value: panelHeight - sparseMarkHeight },
          y2: { value: panelHeight },
          tooltip: [
            { field: "startS", title: "window start s" },
            { field: "fewest", title: `completed invocations (fewest over the runs; a p99 needs ${minWindowCount.p99})` },
          ],
        },
      });
    }
    layers.push({
      data: { values: panels.points.filter((p) => p.priceClass === cls).map((p) => ({ ...p })) },
      mark: { type: "line", strokeWidth: 1.4 },
      encoding: {
        x: { ...x, field: "tS", title: i === classOrder.length - 1 ? `trace time (s, by arrival; ${windowS} s windows)` : null },
        y: { field: "latencyMs", type: "quantitative", scale: yScale, title: "latency (ms, log)" },
        color: { field: "series", type: "nominal", sort: [...seriesOrder], title: "backend", scale: { range: backendPalette } },
        strokeDash: { field: "quantile", type: "nominal", sort: ["p99", "p50"], title: "percentile", scale: { domain: ["p99", "p50"], range: [[1, 0], [4, 3]] } },
        detail: { field: "series" },
        order: { field: "seq", type: "quantitative" },
        tooltip: [
          { field: "series", title: "backend" },
          { field: "quantile" },
          { field: "tS", title: "time s" },
          { field: "latencyMs", title: "latency ms", format: ",.1f" },
          { field: "count", title: "completed in window" },
        ],
      },
    });
    // The panel's own subtitle says why it has no p99, where no line can cover it.
    const note = panels.notes.find((n) => n.priceClass === cls);
    const title = note === undefined ? { text: cls, fontSize: 12 } : { text: cls, fontSize: 12, subtitle: note.text, subtitleColor: ink, subtitleFontSize: 11 };
    return { title, width: 640, height: panelHeight, layer: layers } as SubSpec;
  });
  const sparseText = `dark marks along the bottom: windows where a run completed fewer than ${minWindowCount.p99} invocations of the class, too few for a p99 (line broken)`;
  return {
    $schema: vegaLiteSchema,
    title: {
      text: "Tail latency over time per price class",
      subtitle:
        phases.length > 1
          ? ["shading: offered load ρ per phase (darker = higher); dark dashed lines: load changes", sparseText]
          : ["windowed p99 (solid) and p50 (dashed)", sparseText],
    },
    config: chartConfig,
    vconcat: rows,
    resolve: { scale: { y: "shared", x: "shared" } },
  };
}
