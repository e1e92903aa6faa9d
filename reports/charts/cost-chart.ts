import type { TopLevelSpec } from "vega-lite";
import { chartConfig, vegaLiteSchema } from "./chart-style.ts";

export interface CostRow {
  readonly series: string;
  readonly model: string;
  readonly tenant: string;
  readonly priceClass: string;
  readonly usd: number;
}

/** Cost per tenant, stacked by price class; one column per backend, one row per billing model. */
export function costChart(rows: readonly CostRow[], seriesOrder: readonly string[], classOrder: readonly string[], tenantOrder: readonly string[]): TopLevelSpec {
  return {
    $schema: vegaLiteSchema,
    title: { text: "Cost per tenant and price class", subtitle: "US dollars; one row per billing model, each with its own scale (the seeds' XX prices are fictitious)" },
    config: chartConfig,
    data: { values: rows.map((r) => ({ ...r })) },
    width: { step: 14 },
    height: 160,
    mark: { type: "bar" },
    encoding: {
      row: { field: "model", type: "nominal", title: "billing model" },
      column: { field: "series", type: "nominal", sort: [...seriesOrder], title: null },
      x: { field: "tenant", type: "nominal", sort: [...tenantOrder], title: "tenant", axis: { labelAngle: -60 } },
      y: { field: "usd", type: "quantitative", title: "cost (USD)", axis: { format: ".2~s" } },
      color: { field: "priceClass", type: "nominal", sort: [...classOrder], title: "price class" },
      order: { field: "priceClass", type: "nominal", sort: "ascending" },
      tooltip: [{ field: "series", title: "backend" }, { field: "model" }, { field: "tenant" }, { field: "priceClass", title: "class" }, { field: "usd", title: "USD", format: ".4~g" }],
    },
    resolve: { scale: { y: "independent" } },
  };
}
