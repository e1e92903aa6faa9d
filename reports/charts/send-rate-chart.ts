import type { TopLevelSpec } from "vega-lite";
import { chartConfig, panelHeight, vegaLiteSchema } from "./chart-style.ts";

export interface SendRateRow {
  readonly series: string;
  /** "intended" (the trace's send times) or "sent" (when requests actually left). */
  readonly kind: string;
  /** Start of the one-second bin, seconds from the run's start. */
  readonly tS: number;
  readonly perS: number;
}

export const sendRateKinds = ["intended", "sent"] as const;

/**
 * Requests per second the trace asked for against those the driver sent, per network run, one
 * panel per run: where the solid line falls under the dashed one the driver fell behind (and
 * where it rises above, it caught up in a burst).
 */
export function sendRateChart(rows: readonly SendRateRow[], seriesOrder: readonly string[]): TopLevelSpec {
  // A step-after line ends at its last point: repeat each line's last value one second later so
  // the last bin is drawn as wide as the others.
  const last = new Map<string, SendRateRow>();
  for (const r of rows) {
    const key = `${r.series}\u0000${r.kind}`;
    const seen = last.get(key);
    if (seen === undefined || r.tS > seen.tS) last.set(key, r);
  }
  const closing = [...last.values()].map((r) => ({ ...r, tS: r.tS + 1, closing: true }));
  return {
    $schema: vegaLiteSchema,
    title: { text: "Intended vs achieved send rate per second", subtitle: "dashed: the trace's intended sends; solid: requests that actually left, per 1 s bin" },
    config: chartConfig,
    data: { values: [...rows.map((r) => ({ ...r, closing: false })), ...closing] },
    mark: { type: "line", interpolate: "step-after", strokeWidth: 1.4 },
    width: 720,
    height: panelHeight,
    encoding: {
      row: { field: "series", type: "nominal", sort: [...seriesOrder], title: null },
      x: { field: "tS", type: "quantitative", title: "time from the run's start (s)" },
      y: { field: "perS", type: "quantitative", title: "requests per second" },
      color: { field: "kind", type: "nominal", sort: [...sendRateKinds], scale: { domain: [...sendRateKinds], range: ["#777777", "#4c78a8"] }, title: null },
      strokeDash: { field: "kind", type: "nominal", sort: [...sendRateKinds], scale: { domain: [...sendRateKinds], range: [[5, 3], [1, 0]] }, title: null },
      order: { field: "tS", type: "quantitative" },
      tooltip: [
        { field: "series", title: "run" },
        { field: "kind", title: "" },
        { field: "tS", title: "second" },
        { field: "perS", title: "requests" },
      ],
    },
  };
}
