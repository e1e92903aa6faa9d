import type { RunStore } from "../../harness/store/run-store.ts";
import { runIdList, type ReportRun } from "../report-runs.ts";
import { significant } from "../significant.ts";
import type { StoreShape } from "./store-shape.ts";

export interface TenantClassCost {
  readonly runId: number;
  readonly model: string;
  readonly tenant: string;
  readonly priceClass: number;
  readonly usd: number;
  readonly invocations: number;
}

/** Tenants beyond this many (by cost) are summed as "other tenants", so real traces stay legible. */
export const maxTenants = 12;

/** The billing models (harness/billing) the store holds for these runs, in a stable order. */
export async function billingModels(store: RunStore, shape: StoreShape, runs: readonly ReportRun[]): Promise<string[]> {
  if (!shape.has("costs") || runs.length === 0) return [];
  const rows = await store.query(`SELECT DISTINCT model FROM costs WHERE run_id IN (${runIdList(runs)}) ORDER BY model`);
  return rows.map((r) => String(r.model));
}

/** Cost per run × billing model × tenant × class, in USD; the costliest tenants by name, the rest summed. */
export async function costPerTenantClass(store: RunStore, runs: readonly ReportRun[]): Promise<TenantClassCost[]> {
  const rows = await store.query(
    `WITH t AS (
       SELECT run_id, model, tenant, price_class, sum(cost_usd) AS cost, sum(invocations) AS n
       FROM costs WHERE run_id IN (${runIdList(runs)}) GROUP BY ALL
     ), ranked AS (
       SELECT tenant, row_number() OVER (ORDER BY sum(n) DESC, tenant) AS rank FROM t GROUP BY tenant
     )
     SELECT t.run_id::INTEGER AS run_id, model, CASE WHEN rank <= ${maxTenants} THEN t.tenant ELSE 'other tenants' END AS tenant,
            t.price_class::INTEGER AS price_class, sum(cost) AS cost, sum(n)::DOUBLE AS n
     FROM t JOIN ranked USING (tenant)
     GROUP BY ALL ORDER BY 1, 2, 3, 4`,
  );
  return rows.map((r) => ({
    runId: Number(r.run_id),
    model: String(r.model),
    tenant: String(r.tenant),
    priceClass: Number(r.price_class),
    usd: significant(Number(r.cost), 6),
    invocations: Number(r.n),
  }));
}

/** Runs the store holds costs for: a run missing here was not billed (its chart has no bars). */
export async function billedRuns(store: RunStore, shape: StoreShape, runs: readonly ReportRun[]): Promise<Set<number>> {
  if (!shape.has("costs") || runs.length === 0) return new Set();
  const rows = await store.query(`SELECT DISTINCT run_id::INTEGER AS run_id FROM costs WHERE run_id IN (${runIdList(runs)}) ORDER BY 1`);
  return new Set(rows.map((r) => Number(r.run_id)));
}
