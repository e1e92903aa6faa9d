import { costChart } from "../charts/cost-chart.ts";
import { noDataChart } from "../charts/no-data-chart.ts";
import { classLabel } from "../class-label.ts";
import { formatUsd } from "../format-usd.ts";
import { billedRuns, billingModels, costPerTenantClass, type TenantClassCost } from "../queries/cost-query.ts";
import { storeShape } from "../queries/store-shape.ts";
import { markdownTable } from "../render/markdown-table.ts";
import { runLookup } from "../run-lookup.ts";
import type { ReportContext, ReportSection } from "./report-section.ts";

export interface CostSummary {
  readonly models: readonly string[];
  readonly perTenantClass: readonly TenantClassCost[];
}

const title = "Cost per tenant and price class";

export async function costSection(ctx: ReportContext): Promise<ReportSection<CostSummary>> {
  const shape = await storeShape(ctx.store);
  const models = await billingModels(ctx.store, shape, ctx.runs);
  if (models.length === 0) {
    const why = "No cost data: these runs were not billed (the store has no costs for them)";
    return { key: "cost", charts: [{ id: "cost", title, caption: `${why}.`, spec: noDataChart(title, `${why}.`) }], summary: { models: [], perTenantClass: [] }, markdown: `## Cost\n\n${why}.\n` };
  }
  const runOf = runLookup(ctx.runs);
  const label = (cls: number): string => classLabel(cls, ctx.prices);
  const billed = await billedRuns(ctx.store, shape, ctx.runs);
  const unbilled = ctx.runs.filter((r) => !billed.has(r.runId)).map((r) => r.series);
  // A run without costs has no bars: say so, or its absence reads as "free".
  const unbilledText = unbilled.length === 0 ? "" : ` Not billed (no costs stored, so no bars): ${unbilled.join(", ")}.`;
  const costs = await costPerTenantClass(ctx.store, ctx.runs);
  const tenants = [...new Set(costs.map((c) => c.tenant))].sort((a, b) => tenantKey(a) - tenantKey(b) || a.localeCompare(b));
  const spec = costChart(
    costs.map((c) => ({ series: runOf(c.runId).series, model: c.model, tenant: c.tenant, priceClass: label(c.priceClass), usd: c.usd, usdText: formatUsd(c.usd) })),
    models,
    ctx.runs.map((r) => r.series),
    ctx.classes.map(label),
    tenants,
  );
  const totals = new Map<string, { runId: number; model: string; priceClass: number; usd: number }>();
  for (const c of costs) {
    const key = `${c.runId}\u0000${c.model}\u0000${c.priceClass}`;
    const total = totals.get(key);
    if (total === undefined) totals.set(key, { runId: c.runId, model: c.model, priceClass: c.priceClass, usd: c.usd });
    else total.usd += c.usd;
  }
  const table = markdownTable(
    ["backend", "billing model", "class", "cost"],
    [...totals.values()].map((t) => [runOf(t.runId).series, t.model, String(t.priceClass), formatUsd(t.usd)]),
  );
  return {
    key: "cost",
    charts: [
      {
        id: "cost",
        title,
        caption: `What each tenant pays, per price class, under each billing model (${models.join(", ")}): xx bills CPU at the class price plus memory by use (the seeds' fictitious prices); lambda bills GB-seconds per 1 ms at the peak memory plus a request fee; provisioned shares the fleet's machine-hours by CPU. Backends share a scale within a billing model (equal bars, equal cost); each model's row has its own scale.${unbilledText}`,
        spec,
      },
    ],
    summary: { models, perTenantClass: costs },
    markdown: `## Cost per class\n\n${unbilledText === "" ? "" : `${unbilledText.trim()}\n\n`}${table}\n`,
  };
}

/** tenant-2 before tenant-10: sort by the number in the name when there is one. */
function tenantKey(name: string): number {
  const m = /(\d+)$/.exec(name);
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
}
