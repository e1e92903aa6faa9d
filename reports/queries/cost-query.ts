import type { RunStore } from "../../harness/store/run-store.ts";
import { runIdList, type ReportRun } from "../report-runs.ts";
import { significant } from "../significant.ts";
import type { StoreShape } from "./store-shape.ts";

/** A billing model the store carries: a `cost…micro_cents` column of `invocations`. */
export interface BillingModel {
  readonly column: string;
  readonly name: string;
}

export interface TenantClassCost {
  readonly runId: number;
  readonly model: string;
  readonly tenant: string;
  readonly priceClass: number;
  readonly microCents: number;
  readonly invocations: number;
}

/** Tenants beyond this many (by cost) are summed as "other tenants", so real traces stay legible. */
export const maxTenants = 12;

/**
 * Every billing model the store has a column for: `cost_micro_cents` is each backend's own
 * billing; further `cost_<model>_micro_cents` columns (e.g. Lambda GB-seconds) are other models
 * priced over the same invocations.
 */
export function billingModels(shape: StoreShape): BillingModel[] {
  const columns = [...(shape.get("invocations") ?? [])].filter((c) => /^cost_(.+_)?micro_cents$/.test(c)).sort();
  return columns.map((column) => ({
    column,
    name: column === "cost_micro_cents" ? "backend's own billing" : column.replace(/^cost_/, "").replace(/_micro_cents$/, "").replace(/_/g, " "),
  }));
}

/** Cost per run × billing model × tenant × class; the costliest tenants by name, the rest summed. */
export async function costPerTenantClass(store: RunStore, runs: readonly ReportRun[], models: readonly BillingModel[]): Promise<TenantClassCost[]> {
  const out: TenantClassCost[] = [];
  for (const model of models) {
    const rows = await store.query(
      `WITH t AS (
         SELECT run_id, tenant, price_class, sum(${model.column}) AS cost, count(*) AS n
         FROM invocations WHERE run_id IN (${runIdList(runs)}) GROUP BY ALL
       ), ranked AS (
         SELECT tenant, row_number() OVER (ORDER BY sum(cost) DESC, tenant) AS rank FROM t GROUP BY tenant
       )
       SELECT t.run_id::INTEGER AS run_id, CASE WHEN rank <= ${maxTenants} THEN t.tenant ELSE 'other tenants' END AS tenant,
              t.price_class::INTEGER AS price_class, sum(cost) AS cost, sum(n)::DOUBLE AS n
       FROM t JOIN ranked USING (tenant)
       GROUP BY ALL ORDER BY 1, 2, 3`,
    );
    for (const r of rows) {
      out.push({
        runId: Number(r.run_id),
        model: model.name,
        tenant: String(r.tenant),
        priceClass: Number(r.price_class),
        microCents: significant(Number(r.cost), 6),
        invocations: Number(r.n),
      });
    }
  }
  return out;
}
