import { costChart } from "../charts/cost-chart.ts";
import { noDataChart } from "../charts/no-data-chart.ts";
import { classLabel } from "../class-label.ts";
import { formatNumber } from "../format-number.ts";
import { billingModels, costPerTenantClass, type TenantClassCost } from "../queries/cost-query.ts";
import { storeShape } from "../queries/store-shape.ts";
import { markdownTable } from "../render/markdown-table.ts";
import type { ReportContext, ReportSection } from "./report-section.ts";

export interface CostSummary {
  readonly models: readonly string[];
  readonly perTenantClass: readonly TenantClassCost[];
}

const title = "Cost per tenant and price class";

export async function costSection(ctx: ReportContext): Promise<ReportSection<CostSummary>> {
  const models = billingModels(await storeShape(ctx.store));
  if (models.length === 0) {
    const why = "No cost data: the store has no cost column";
    return { key: "cost", charts: [{ id: "cost", title, caption: `${why}.`, spec: noDataChart(title, `${why}.`) }], summary: { models: [], perTenantClass: [] }, markdown: `## Cost\n\n${why}.\n` };
  }
  const byRun = new Map(ctx.runs.map((r) => [r.runId, r]));
  const label = (cls: number): string => classLabel(cls, ctx.prices);
  const costs = await costPerTenantClass(ctx.store, ctx.runs, models);
  const tenants = [...new Set(costs.map((c) => c.tenant))].sort((a, b) => tenantKey(a) - tenantKey(b) || a.localeCompare(b));
  const spec = costChart(
    costs.map((c) => ({ series: byRun.get(c.runId)!.series, model: c.model, tenant: c.tenant, priceClass: label(c.priceClass), microCents: c.microCents })),
    ctx.runs.map((r) => r.series),
    ctx.classes.map(label),
    tenants,
  );
  const totals = new Map<string, number>();
  for (const c of costs) {
    const key = `${c.runId}\u0000${c.model}\u0000${c.priceClass}`;
    totals.set(key, (totals.get(key) ?? 0) + c.microCents);
  }
  const table = markdownTable(
    ["backend", "billing model", "class", "cost µ¢"],
    [...totals].map(([key, v]) => {
      const [runId, model, cls] = key.split("\u0000");
      return [byRun.get(Number(runId))!.series, model!, cls!, formatNumber(v)];
    }),
  );
  return {
    key: "cost",
    charts: [
      {
        id: "cost",
        title,
        caption: `What each tenant pays, per price class, under ${models.map((m) => m.name).join(" and ")}. The backend's own billing is XX's price-class CPU billing for the simulator.`,
        spec,
      },
    ],
    summary: { models: models.map((m) => m.name), perTenantClass: costs },
    markdown: `## Cost per class\n\n${table}\n`,
  };
}

/** tenant-2 before tenant-10: sort by the number in the name when there is one. */
function tenantKey(name: string): number {
  const m = /(\d+)$/.exec(name);
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
}
