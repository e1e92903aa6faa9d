import type { TopLevelSpec } from "vega-lite";
import { usdLabelExpr } from "../format-usd.ts";
import { chartConfig, type SubSpec, vegaLiteSchema } from "./chart-style.ts";

export interface CostRow {
  readonly series: string;
  readonly model: string;
  readonly tenant: string;
  readonly priceClass: string;
  readonly usd: number;
  /** The cost as the tooltip writes it ("$0.0012"). */
  readonly usdText: string;
}

/**
 * Cost per tenant, stacked by price class: one row per billing model, one column per backend.
 * Backends share the y scale within a billing model, so bars of equal height cost the same and
 * backends compare at a glance; models differ by orders of magnitude (and the seeds' XX prices
 * are fictitious), so each model's row has its own scale.
 */
export function costChart(
  rows: readonly CostRow[],
  modelOrder: readonly string[],
  seriesOrder: readonly string[],
  classOrder: readonly string[],
  tenantOrder: readonly string[],
): TopLevelSpec {
  const perModel: SubSpec[] = modelOrder.map(
    (model) =>
      ({
        title: { text: `billing model: ${model}`, fontSize: 12, anchor: "start" },
        data: { values: rows.filter((r) => r.model === model).map((r) => ({ ...r })) },
        facet: { column: { field: "series", type: "nominal", sort: [...seriesOrder], title: null, } },
        spec: {
          width: { step: 14 },
          height: 160,
          mark: { type: "bar" },
          encoding: {
            x: { field: "tenant", type: "nominal", sort: [...tenantOrder], title: null, axis: { labelAngle: -60 } },
            y: { field: "usd", type: "quantitative", title: "cost (USD)", axis: { labelExpr: usdLabelExpr } },
            color: { field: "priceClass", type: "nominal", sort: [...classOrder], title: "price class" },
            order: { field: "priceClass", type: "nominal", sort: "ascending" },
            tooltip: [{ field: "series", title: "backend" }, { field: "model", title: "billing model" }, { field: "tenant" }, { field: "priceClass", title: "class" }, { field: "usdText", title: "cost" }],
          },
        },
        resolve: { scale: { y: "shared" } },
      }) as SubSpec,
  );
  return {
    $schema: vegaLiteSchema,
    title: {
      text: "Cost per tenant and price class",
      subtitle: "US dollars; backends share a scale within each billing model, each model has its own (the seeds' XX prices are fictitious)",
    },
    config: chartConfig,
    vconcat: perModel,
    resolve: { scale: { y: "independent", color: "shared" } },
  };
}
