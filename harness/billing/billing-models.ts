import type { Surcharge } from "../../adapters/backend.ts";
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
  /** Billed work without outcome rows (freshen jobs), per tenant × class × per-invocation model. */
  readonly surcharges?: () => readonly Surcharge[];
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
    ...surchargeStatements(id, context.surcharges?.() ?? []),
  ];
}

/** A SQL string literal: the statements run on the writer thread, where there are no parameters. */
const text = (value: string): string => `'${value.replace(/'/g, "''")}'`;

function finite(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`a surcharge must be a finite number (got ${value})`);
  return String(value);
}

/**
 * Adds work that has no outcome row to the run's costs: under each per-invocation model the
 * backend's own bill of it (computed by the same formula as a row's), under `provisioned` its CPU
 * seconds, which then share the fleet's unchanged bill with the rows' CPU. The invocation counts
 * stay the rows' own.
 */
function surchargeStatements(id: number, surcharges: readonly Surcharge[]): string[] {
  if (surcharges.length === 0) return [];
  const tuples = surcharges.map(
    (c) =>
      `(${text(c.model)}::VARCHAR, ${text(c.tenant)}::VARCHAR, ${finite(c.priceClass)}::SMALLINT, ${finite(c.cpuMs / 1000)}::DOUBLE, ${finite(c.gbS)}::DOUBLE, ${finite(c.microCents / microCentsPerUsd)}::DOUBLE)`,
  );
  const extra = `(VALUES ${tuples.join(", ")}) AS s(model, tenant, price_class, cpu_s, gb_s, cost_usd)`;
  // CPU is the same whatever the model: one reading per tenant × class (the xx model's) for the fleet share.
  const fleetShare = `(SELECT 'provisioned' AS model, tenant, price_class, cpu_s, 0::DOUBLE AS gb_s, 0::DOUBLE AS cost_usd FROM ${extra}
                       WHERE model = '${perInvocationModels.xx.name}' AND EXISTS (SELECT 1 FROM costs WHERE run_id = ${id} AND model = 'provisioned'))`;
  const all = `(SELECT * FROM ${extra} UNION ALL SELECT * FROM ${fleetShare}) AS a`;
  return [
    `INSERT INTO costs SELECT ${id}, a.model, a.tenant, a.price_class, 0, 0, 0, 0 FROM ${all}
     WHERE NOT EXISTS (SELECT 1 FROM costs c WHERE c.run_id = ${id} AND c.model = a.model AND c.tenant = a.tenant AND c.price_class = a.price_class)`,
    `UPDATE costs SET cpu_s = costs.cpu_s + a.cpu_s, gb_s = costs.gb_s + a.gb_s, cost_usd = costs.cost_usd + a.cost_usd
     FROM ${all}
     WHERE costs.run_id = ${id} AND costs.model = a.model AND costs.tenant = a.tenant AND costs.price_class = a.price_class`,
    // The fleet's bill is what it was (machines × hours); its shares now count freshen's CPU too.
    `UPDATE costs SET cost_usd = CASE WHEN total.cpu_s > 0 THEN total.usd * costs.cpu_s / total.cpu_s ELSE 0 END
     FROM (SELECT sum(cpu_s) AS cpu_s, sum(cost_usd) AS usd FROM costs WHERE run_id = ${id} AND model = 'provisioned') AS total
     WHERE costs.run_id = ${id} AND costs.model = 'provisioned'`,
  ];
}
