import type { BillingModel } from "./billing-model.ts";
import type { UsageName } from "./billed-usage.ts";

/**
 * A small arithmetic language for bills. A model's formula is written once as a tree of these;
 * `compile-cost.ts` evaluates the tree in TypeScript and `harness/billing/cost-sql.ts` prints it
 * as SQL. Both walk the same tree in the same order, so each row's cost comes out bit for bit the
 * same in the simulator and in DuckDB (IEEE doubles on both sides).
 */
export type CostExpression =
  | { readonly op: "number"; readonly value: number }
  | { readonly op: "usage"; readonly name: UsageName }
  /** µ¢ per cpu-second of the class the invocation ran at; 0 for a class without a price. */
  | { readonly op: "classPrice" }
  | { readonly op: "add" | "mul" | "div"; readonly left: CostExpression; readonly right: CostExpression }
  | { readonly op: "ceil"; readonly of: CostExpression }
  | { readonly op: "clamp"; readonly of: CostExpression; readonly min: number; readonly max: number }
  /** `of` unless the invocation was refused (throttled) or never sent (dropped), then 0. */
  | { readonly op: "unlessRefused"; readonly of: CostExpression };

export interface BillingFormula {
  /** CPU seconds received, reported beside the bill whatever the model charges for. */
  readonly cpuSeconds: CostExpression;
  /** The GB-seconds the model bills memory by. */
  readonly gbSeconds: CostExpression;
  /** The bill, in µ¢. */
  readonly microCents: CostExpression;
}

const num = (value: number): CostExpression => ({ op: "number", value });
const use = (name: UsageName): CostExpression => ({ op: "usage", name });
const add = (left: CostExpression, right: CostExpression): CostExpression => ({ op: "add", left, right });
const mul = (left: CostExpression, right: CostExpression): CostExpression => ({ op: "mul", left, right });
const div = (left: CostExpression, right: CostExpression): CostExpression => ({ op: "div", left, right });

/** CPU seconds the invocation received, whatever the model. */
export const cpuSeconds: CostExpression = div(use("cpuMs"), num(1000));

/** The one place a model's declaration becomes arithmetic. */
export function billingFormula(model: BillingModel): BillingFormula {
  const memory = model.memory;
  const gbSeconds =
    memory.measure === "used"
      ? div(div(mul(div(add(use("memStartMb"), use("memReachedMb")), num(2)), use("heldMs")), num(1024)), num(1000))
      : mul(
          div({ op: "clamp", of: { op: "ceil", of: use("memPeakMb") }, min: memory.minMb, max: memory.maxMb }, num(1024)),
          div({ op: "ceil", of: use("heldMs") }, num(1000)),
        );
  const terms: CostExpression[] = [];
  if (model.cpu === "class-price") terms.push(div(mul({ op: "classPrice" }, use("cpuMs")), num(1000)));
  if (memory.microCentsPerGbSecond > 0) terms.push(mul(gbSeconds, num(memory.microCentsPerGbSecond)));
  if (model.requestMicroCents > 0) terms.push(num(model.requestMicroCents));
  const sum = terms.length === 0 ? num(0) : terms.reduce((total, term) => add(total, term));
  return { cpuSeconds, gbSeconds, microCents: { op: "unlessRefused", of: sum } };
}
