import { microCentsPerUsd, priceTable } from "./price-table.ts";

/**
 * What a per-invocation billing model charges, as data. `cost-expression.ts` turns it into the one
 * cost formula that both the simulator (each row's `cost_micro_cents`, the budget governor) and
 * the SQL billing (the `costs` table) evaluate, so the two cannot drift apart.
 *
 * Rules shared by every model: a throttled or dropped invocation is billed nothing; every other outcome
 * (ok, killed, failed, timeout) is billed what it used until it ended: a killed invocation pays
 * for the CPU it received and the memory it held until the kill.
 */
export interface BillingModel {
  /** As stored in `costs.model` and in a run's config (`billingModel`). */
  readonly name: string;
  /**
   * `class-price`: each CPU-ms the invocation received, at the µ¢ per cpu-second of the class it
   * ran at (after chain inheritance or budget demotion). `free`: CPU is not billed as such.
   */
  readonly cpu: "class-price" | "free";
  readonly memory: MemoryBilling;
  /** Fee per invocation, in µ¢. */
  readonly requestMicroCents: number;
}

export type MemoryBilling =
  /**
   * Memory by use (XX): the function's memory grows linearly with its CPU progress from its start
   * value towards its peak, so it holds (start + what it reached) / 2 MB on average, from when it
   * first got CPU to its end. What it reached is its peak if it got all its work, less if killed.
   */
  | { readonly measure: "used"; readonly microCentsPerGbSecond: number }
  /**
   * Memory as configured (Lambda): the peak rounded up to a whole MB and kept within
   * [minMb, maxMb], times the duration from first start to end rounded up to a whole ms.
   */
  | { readonly measure: "configured"; readonly microCentsPerGbSecond: number; readonly minMb: number; readonly maxMb: number };

/** AWS Lambda's tariff on one architecture: configured memory × duration plus the request fee, CPU free. */
function lambdaModel(name: string, usdPerGbSecond: number): BillingModel {
  return {
    name,
    cpu: "free",
    memory: {
      measure: "configured",
      microCentsPerGbSecond: usdPerGbSecond * microCentsPerUsd,
      minMb: priceTable.lambda.minMemoryMb,
      maxMb: priceTable.lambda.maxMemoryMb,
    },
    requestMicroCents: priceTable.lambda.usdPerRequest * microCentsPerUsd,
  };
}

/** The models that bill each invocation on its own, so a backend can use one for its rows. */
export const perInvocationModels = {
  xx: {
    name: "xx",
    cpu: "class-price",
    memory: { measure: "used", microCentsPerGbSecond: priceTable.xx.memoryMicroCentsPerGbSecond },
    requestMicroCents: 0,
  },
  "lambda-x86": lambdaModel("lambda-x86", priceTable.lambda.x86UsdPerGbSecond),
  "lambda-arm": lambdaModel("lambda-arm", priceTable.lambda.armUsdPerGbSecond),
} as const satisfies Record<string, BillingModel>;

export type PerInvocationModelName = keyof typeof perInvocationModels;

export function isPerInvocationModelName(name: string): name is PerInvocationModelName {
  return Object.hasOwn(perInvocationModels, name);
}
