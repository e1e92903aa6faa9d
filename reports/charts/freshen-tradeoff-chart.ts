import type { TopLevelSpec } from "vega-lite";
import { chartConfig, vegaLiteSchema } from "./chart-style.ts";

export interface FreshenTradeoffRow {
  readonly series: string;
  /** Freshen's share of the run's whole bill (invocations + freshen), %, under the run's own model. */
  readonly costPercent: number;
  /** Latency saved per predicted call, ms. */
  readonly savedMs: number;
  /** Share of freshen predictions that were wrong, %. */
  readonly mispredictedPercent: number;
}

/** One point per freshen run: what freshen saved against what it cost, labelled with its misprediction share. */
export function freshenTradeoffChart(rows: readonly FreshenTradeoffRow[], seriesOrder: readonly string[]): TopLevelSpec {
  const values = rows.map((r) => ({ ...r, label: `${r.mispredictedPercent.toFixed(0)} % wrong` }));
  const encoding = {
    x: { field: "costPercent", type: "quantitative", title: "freshen's share of the bill (%)", scale: { zero: true } },
    y: { field: "savedMs", type: "quantitative", title: "latency saved per predicted call (ms)", scale: { zero: true } },
  } as const;
  return {
    $schema: vegaLiteSchema,
    title: { text: "Freshen: latency saved against cost" },
    config: chartConfig,
    data: { values },
    width: 420,
    height: 220,
    layer: [
      {
        mark: { type: "point", filled: true, size: 80 },
        encoding: {
          ...encoding,
          color: { field: "series", type: "nominal", sort: [...seriesOrder], title: "run" },
          tooltip: [
            { field: "series", title: "run" },
            { field: "costPercent", title: "cost %", format: ".3~r" },
            { field: "savedMs", title: "saved ms", format: ".4~r" },
            { field: "mispredictedPercent", title: "mispredicted %", format: ".3~r" },
          ],
        },
      },
      { mark: { type: "text", dx: 8, align: "left", fontSize: 11 }, encoding: { ...encoding, text: { field: "label" } } },
    ],
  };
}
