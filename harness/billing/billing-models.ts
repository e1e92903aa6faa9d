import { microCentsPerUsd, priceTable } from "../../adapters/billing/price-table.ts";
import type { RunStore } from "../store/run-store.ts";

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
 * `costs`. All from SQL over the stored rows, so any run can be re-billed later:
 * - xx: CPU used at the class it ran at, plus memory by use at one price for all classes; memory
 *   grows linearly from start to peak, so its use is (start + peak) / 2 × time from first start
 *   to end;
 * - lambda-x86 / lambda-arm: memory configured at the peak rounded up to a whole MB within
 *   Lambda's 128–10,240 MB, duration from first start to end billed per 1 ms, plus the request
 *   fee; throttled invocations are not billed, as Lambda does not bill throttles;
 * - provisioned: the fleet's machine-hours over the run (first arrival to last end), shared out
 *   by each tenant × class's CPU seconds.
 */
export async function billRun(store: RunStore, runId: number, context: BillingContext): Promise<void> {
  const lambda = priceTable.lambda;
  const classPrices = `([${context.prices.map((p) => Number(p)).join(", ")}]::DOUBLE[])`;
  await store.run(`DELETE FROM costs WHERE run_id = $id`, { id: runId });
  await store.run(
    `INSERT INTO costs
     WITH used AS (
       SELECT tenant, price_class, coalesce(ran_class, price_class) AS ran_class, status,
              CASE WHEN status = 'ok' THEN work_ms ELSE 0 END / 1000.0 AS cpu_s,
              CASE WHEN start_ms IS NULL THEN 0
                   ELSE (mem_start_mb + mem_peak_mb) / 2 / 1024 * (end_ms - start_ms) / 1000 END AS xx_gb_s,
              CASE WHEN start_ms IS NULL THEN 0
                   ELSE least(greatest(ceil(mem_peak_mb), ${lambda.minMemoryMb}), ${lambda.maxMemoryMb}) / 1024.0
                        * ceil(end_ms - start_ms) / 1000 END AS lambda_gb_s
       FROM invocations WHERE run_id = $id
     ),
     billed AS (
       SELECT 'xx' AS model, tenant, price_class, cpu_s, xx_gb_s AS gb_s,
              (cpu_s * ${classPrices}[ran_class + 1] + xx_gb_s * ${priceTable.xx.memoryMicroCentsPerGbSecond}) / ${microCentsPerUsd} AS cost_usd
       FROM used
       UNION ALL
       SELECT 'lambda-x86', tenant, price_class, cpu_s, lambda_gb_s,
              CASE WHEN status = 'throttled' THEN 0 ELSE lambda_gb_s * ${lambda.x86UsdPerGbSecond} + ${lambda.usdPerRequest} END
       FROM used
       UNION ALL
       SELECT 'lambda-arm', tenant, price_class, cpu_s, lambda_gb_s,
              CASE WHEN status = 'throttled' THEN 0 ELSE lambda_gb_s * ${lambda.armUsdPerGbSecond} + ${lambda.usdPerRequest} END
       FROM used
     )
     SELECT $id, model, tenant, price_class, count(*), sum(cpu_s), sum(gb_s), sum(cost_usd)
     FROM billed GROUP BY ALL`,
    { id: runId },
  );
  if (context.machines === undefined) return;
  await store.run(
    `INSERT INTO costs
     WITH span AS (SELECT (max(end_ms) - min(arrival_ms)) / 3600000.0 AS hours FROM invocations WHERE run_id = $id),
          cpu AS (SELECT tenant, price_class, count(*) AS n,
                         sum(CASE WHEN status = 'ok' THEN work_ms ELSE 0 END) / 1000.0 AS cpu_s
                  FROM invocations WHERE run_id = $id GROUP BY ALL),
          total AS (SELECT sum(cpu_s) AS cpu_s FROM cpu)
     SELECT $id, 'provisioned', tenant, price_class, n, cpu.cpu_s, 0,
            CASE WHEN total.cpu_s > 0
                 THEN ${Number(context.machines)} * span.hours * ${priceTable.provisioned.usdPerMachineHour} * cpu.cpu_s / total.cpu_s
                 ELSE 0 END
     FROM cpu, span, total`,
    { id: runId },
  );
}
