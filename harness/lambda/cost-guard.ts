import type { Backend } from "../../adapters/backend.ts";
import { LambdaBackend } from "../../adapters/lambda/lambda-backend.ts";
import { fitSuggestions, planLambda, type LambdaPlan } from "../../adapters/lambda/lambda-plan.ts";
import { lambdaPrice } from "../../adapters/lambda/lambda-prices.ts";
import type { TraceSource } from "../../traces/invocation.ts";
import { formatUsd } from "../../reports/format-usd.ts";
import { UsageError } from "../cli/usage-error.ts";

export interface CostGuard {
  /** `--max-cost`: USD the Lambda runs of one replay may be estimated to cost together. */
  readonly maxCostUsd?: number;
  /** `--accept-cost`: go on past the limit (the estimate is still printed). */
  readonly accept: boolean;
}

/** Each Lambda backend's pre-flight plan: from the trace alone, at its region, arch and configured memory. */
export async function lambdaPlans(backends: readonly Backend[], trace: TraceSource): Promise<{ backend: LambdaBackend; plan: LambdaPlan }[]> {
  const plans: { backend: LambdaBackend; plan: LambdaPlan }[] = [];
  for (const backend of backends) {
    if (!(backend instanceof LambdaBackend)) continue;
    const { region, memoryMb } = backend.target;
    plans.push({ backend, plan: await planLambda(trace, { region, memoryMb, price: lambdaPrice(region) }) });
  }
  return plans;
}

/**
 * Refuses (a UsageError, before anything is sent or stored) a replay whose Lambda runs are
 * estimated to cost more than `--max-cost`, unless `--accept-cost` says go on; says how to fit.
 * Returns the estimate line to print, or undefined when there is no Lambda backend.
 */
export async function guardLambdaCost(backends: readonly Backend[], trace: TraceSource, guard: CostGuard): Promise<string | undefined> {
  if (guard.maxCostUsd !== undefined && !(guard.maxCostUsd >= 0)) throw new UsageError(`--max-cost must be a number of US dollars ≥ 0 (got ${guard.maxCostUsd})`);
  const plans = await lambdaPlans(backends, trace);
  if (plans.length === 0) {
    if (guard.maxCostUsd !== undefined) throw new UsageError(`--max-cost has no effect without a lambda: backend`);
    return undefined;
  }
  const usd = plans.reduce((sum, { backend, plan }) => sum + plan.usd[backend.target.arch], 0);
  const line = `Lambda estimate: ${plans.map(({ backend, plan }) => `${backend.id} ${formatUsd(plan.usd[backend.target.arch])} (${plan.invocations} requests, ${plan.gbSeconds.toFixed(1)} GB-s, peak concurrency ${plan.peakConcurrency.toFixed(1)})`).join("; ")}`;
  if (guard.maxCostUsd !== undefined && usd > guard.maxCostUsd && !guard.accept) {
    const hints = plans.flatMap(({ backend, plan }) => fitSuggestions(plan, { budgetUsd: guard.maxCostUsd! / plans.length, arch: backend.target.arch }));
    throw new UsageError(`estimated ${formatUsd(usd)} exceeds --max-cost ${guard.maxCostUsd} USD (${line}); ${hints.join("; ")}; pass --accept-cost to run anyway`);
  }
  return line;
}
