import type { TopLevelSpec } from "vega-lite";
import { chartConfig, vegaLiteSchema } from "./chart-style.ts";

/** One line of the percentile table: a run's class, already formatted for reading. */
export interface PercentileTableRow {
  readonly row: string;
  readonly cells: Readonly<Record<string, string>>;
}

const columnWidth = 112;
const rowHeight = 20;

/**
 * The percentile table drawn as a chart (text marks on a grid), so it lands in the SVG/PNG set
 * like every other figure. The stream column shows each run's digest prefix: equal prefixes mean
 * the runs replayed the identical invocation stream.
 */
export function percentileTableChart(
  rows: readonly PercentileTableRow[],
  columns: readonly string[],
  subtitle: string,
  look: { readonly title?: string; readonly columnWidth?: number } = {},
): TopLevelSpec {
  const cells = rows.flatMap((r) => columns.map((c) => ({ row: r.row, column: c, text: r.cells[c] ?? "" })));
  return {
    $schema: vegaLiteSchema,
    title: { text: look.title ?? "Latency and slowdown percentiles per backend × price class", subtitle },
    config: { ...chartConfig, view: { stroke: null } },
    width: columns.length * (look.columnWidth ?? columnWidth),
    height: Math.max(1, rows.length) * rowHeight,
    data: { values: cells },
    mark: { type: "text", fontSize: 11, font: "DejaVu Sans Mono, Liberation Mono, monospace" },
    encoding: {
      x: {
        field: "column",
        type: "ordinal",
        sort: [...columns],
        title: null,
        // Wide columns are for long run names as headers: show them whole (0 = no limit).
        axis: { orient: "top", labelAngle: 0, domain: false, ticks: false, labelFontWeight: "bold", ...(look.columnWidth !== undefined ? { labelLimit: 0 } : {}) },
      },
      y: { field: "row", type: "ordinal", sort: rows.map((r) => r.row), title: null, axis: { domain: false, ticks: false, labelLimit: 320 } },
      text: { field: "text", type: "nominal" },
    },
  };
}
