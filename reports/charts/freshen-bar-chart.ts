import type { TopLevelSpec } from "vega-lite";
import { chartConfig, vegaLiteSchema } from "./chart-style.ts";

export interface FreshenBarRow {
  readonly series: string;
  /** A trigger kind or a chain position. */
  readonly category: string;
  /** What the bar measures, e.g. "overhead" beside "saved". */
  readonly measure: string;
  readonly value: number;
}

/** Bars of one or more measures per category, one panel per run: freshen's savings beside what they could be. */
export function freshenBarChart(
  rows: readonly FreshenBarRow[],
  title: string,
  valueTitle: string,
  categoryTitle: string,
  order: { readonly series: readonly string[]; readonly categories: readonly string[]; readonly measures: readonly string[] },
): TopLevelSpec {
  return {
    $schema: vegaLiteSchema,
    title: { text: title },
    config: chartConfig,
    data: { values: rows.map((r) => ({ ...r })) },
    width: { step: 14 },
    height: 180,
    mark: { type: "bar" },
    encoding: {
      column: { field: "series", type: "nominal", sort: [...order.series], title: null },
      x: { field: "category", type: "nominal", sort: [...order.categories], title: categoryTitle, axis: { labelLimit: 200 } },
      xOffset: { field: "measure", type: "nominal", sort: [...order.measures] },
      y: { field: "value", type: "quantitative", title: valueTitle },
      color: { field: "measure", type: "nominal", sort: [...order.measures], title: null },
      tooltip: [
        { field: "series", title: "run" },
        { field: "category", title: categoryTitle },
        { field: "measure", title: "measure" },
        { field: "value", title: valueTitle, format: ",.4~r" },
      ],
    },
  };
}
