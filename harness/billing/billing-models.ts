import { perInvocationModels } from "../../adapters/billing/billing-model.ts";
import { billingFormula, cpuSeconds } from "../../adapters/billing/cost-expression.ts";
import { microCentsPerUsd, priceTable } from "../../adapters/billing/price-table.ts";
import type { RunStore } from "../store/run-store.ts";
import { costSql } from "./cost-sql.ts";

/** What the billing models need to know about a run beyond its rows. */
export interface BillingContext {
  /** µ¢ per cpu-second of each class the run used. */
  readonly prices: readonly number[];
  /** Machines provisioned for the run, when the backend has a fixed fleet. */
  readonly machines?: number;
}

export const billingModels = ["xx", "lambda-x86", "lambda-arm", "provisioned"] as const;

/**
 * Bills one run's outcome rows under every model and stores the result per tenant × class in
 * `costs`. All from SQL over the stored rows, so any run can be re-billed later.
 * - xx, lambda-x86, lambda-arm bill each invocation by the formula its declaration in
 *   `adapters/billing/billing-model.ts` gives: the very formula a backend using that model
 *   evaluates for its rows' `cost_micro_cents`, so under a backend's own model the two agree.
 * - provisioned: the fleet's machine-hours over the run (first arrival to last end), shared out
 *   by each tenant × class's CPU seconds (killed invocations' CPU included: the fleet ran it).
 *   It bills the run as a whole, so no backend can use it for its rows.
 */
export async function billRun(store: RunStore, runId: number, context: BillingContext): Promise<void> {
  for (const sql of billingStatements(runId, context)) await store.run(sql);
}

/**
 * The SQL that bills one run, with the run id written in: the replay hands it to the store's
 * writer thread, which runs it on its warm connection as the run's rows close.
 */
export function billingStatements(runId: number, context: BillingContext): string[] {
  const id = Number(runId);
  if (!Number.isInteger(id)) throw new Error(`billing needs an integer run id (got ${runId})`);
  // One scan and one grouping for every model (each model's sums are columns of per_class), then
  // a row per model: on 1 M rows about half the time of grouping a union of one scan per model.
  const models = Object.values(perInvocationModels);
  const sums = models.map((model, m) => {
    const formula = billingFormula(model);
    return `sum(${costSql(formula.gbSeconds, context.prices)}) AS gb_s_${m}, sum(${costSql(formula.microCents, context.prices)}) AS micro_cents_${m}`;
  });
  const rows = models.map(
    (model, m) => `SELECT ${id}, '${model.name}', tenant, price_class, n, cpu_s, gb_s_${m}, micro_cents_${m} / ${microCentsPerUsd} FROM per_class`,
  );
  if (context.machines !== undefined) {
    const fleetUsd = `${Number(context.machines)} * span.hours * ${priceTable.provisioned.usdPerMachineHour}`;
    rows.push(
      `SELECT ${id}, 'provisioned', tenant, price_class, n, per_class.cpu_s, 0,
              CASE WHEN total.cpu_s > 0 THEN ${fleetUsd} * per_class.cpu_s / total.cpu_s ELSE 0 END
       FROM per_class,
            (SELECT (max(end_ms) - min(arrival_ms)) / 3600000.0 AS hours FROM invocations WHERE run_id = ${id}) AS span,
            (SELECT sum(cpu_s) AS cpu_s FROM per_class) AS total`,
    );
  }
  return [
    `DELETE FROM costs WHERE run_id = ${id}`,
    `INSERT INTO costs
     WITH per_class AS MATERIALIZED (
       SELECT tenant, price_class, count(*) AS n, sum(${costSql(cpuSeconds, context.prices)}) AS cpu_s, ${sums.join(", ")}
       FROM invocations WHERE run_id = ${id} GROUP BY ALL
     )
     ${rows.join("\n     UNION ALL\n     ")}`,
  ];
}
