import type { TopLevelSpec } from "vega-lite";
import { chartConfig, vegaLiteSchema } from "./chart-style.ts";

export interface ClassBarRow {
  readonly series: string;
  readonly priceClass: string;
  readonly value: number;
}

/** A count or amount per backend × price class as grouped bars (kills, swapped MB in total). */
export function classBarChart(
  rows: readonly ClassBarRow[],
  title: string,
  valueTitle: string,
  seriesOrder: readonly string[],
  classOrder: readonly string[],
): TopLevelSpec {
  return {
    $schema: vegaLiteSchema,
    title: { text: title },
    config: chartConfig,
    data: { values: rows.map((r) => ({ ...r })) },
    width: { step: 18 },
    height: 180,
    mark: { type: "bar" },
    encoding: {
      column: { field: "series", type: "nominal", sort: [...seriesOrder], title: null },
      x: { field: "priceClass", type: "nominal", sort: [...classOrder], title: null, axis: { labels: false, ticks: false } },
      y: { field: "value", type: "quantitative", title: valueTitle },
      color: { field: "priceClass", type: "nominal", sort: [...classOrder], title: "price class" },
      tooltip: [{ field: "series", title: "backend" }, { field: "priceClass", title: "class" }, { field: "value", title: valueTitle, format: ",.0f" }],
    },
  };
}
