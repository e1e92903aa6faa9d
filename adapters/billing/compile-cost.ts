import type { Invocation } from "../../traces/invocation.ts";
import { usage, type BillableOutcome } from "./billed-usage.ts";
import type { BillingModel } from "./billing-model.ts";
import { billingFormula, type CostExpression } from "./cost-expression.ts";

export type CostFunction = (inv: Invocation, o: BillableOutcome) => number;

/**
 * Turns a cost expression into a function of one invocation and its outcome, once per run, so
 * billing a row is a few closure calls and no tree walk. Operations are applied in exactly the
 * order `cost-sql.ts` prints them.
 */
export function compileCost(expression: CostExpression, prices: readonly number[]): CostFunction {
  switch (expression.op) {
    case "number": {
      const value = expression.value;
      return () => value;
    }
    case "usage":
      return usage[expression.name].read;
    case "classPrice": {
      const ranClass = usage.ranClass.read;
      return (inv, o) => prices[ranClass(inv, o)] ?? 0;
    }
    case "add": {
      const left = compileCost(expression.left, prices);
      const right = compileCost(expression.right, prices);
      return (inv, o) => left(inv, o) + right(inv, o);
    }
    case "mul": {
      const left = compileCost(expression.left, prices);
      const right = compileCost(expression.right, prices);
      return (inv, o) => left(inv, o) * right(inv, o);
    }
    case "div": {
      const left = compileCost(expression.left, prices);
      const right = compileCost(expression.right, prices);
      return (inv, o) => left(inv, o) / right(inv, o);
    }
    case "ceil": {
      const of = compileCost(expression.of, prices);
      return (inv, o) => Math.ceil(of(inv, o));
    }
    case "clamp": {
      const of = compileCost(expression.of, prices);
      const { min, max } = expression;
      return (inv, o) => Math.min(Math.max(of(inv, o), min), max);
    }
    case "unlessThrottled": {
      const of = compileCost(expression.of, prices);
      const throttled = usage.throttled.read;
      return (inv, o) => (throttled(inv, o) === 1 ? 0 : of(inv, o));
    }
  }
}

/** A model's per-invocation bill in µ¢, at the run's class prices. */
export function compileModelCost(model: BillingModel, prices: readonly number[]): CostFunction {
  return compileCost(billingFormula(model).microCents, prices);
}
