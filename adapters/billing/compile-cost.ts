import type { Invocation } from "../../traces/invocation.ts";
import { usage, type BillableOutcome, type UsageName } from "./billed-usage.ts";
import type { BillingModel } from "./billing-model.ts";
import { billingFormula, type CostExpression } from "./cost-expression.ts";

export type CostFunction = (inv: Invocation, o: BillableOutcome) => number;

/**
 * Turns a cost expression into a function of one invocation and its outcome, once per run.
 *
 * The expression is printed as one straight-line JavaScript function (as `cost-sql.ts` prints it
 * as SQL, operation for operation) rather than evaluated as a tree of closures: the simulator
 * bills every invocation, and a closure tree's shared call sites cannot be inlined (about three
 * times slower per bill, which halved `sim:xx` throughput). Nothing but finite numbers from the
 * model and fixed identifiers is ever printed, so the generated source cannot carry input.
 */
export function compileCost(expression: CostExpression, prices: readonly number[]): CostFunction {
  for (const price of prices) finiteLiteral(price);
  const used = new Set<UsageName>();
  const body = javascript(expression, used);
  const reads = [...used].map((name) => `const ${name} = usage.${name}.read;`).join("\n");
  const factory = new Function("usage", "prices", `"use strict";\n${reads}\nreturn function cost(inv, o) { return ${body}; };`) as (
    quantities: typeof usage,
    classPrices: readonly number[],
  ) => CostFunction;
  return factory(usage, Object.freeze([...prices]));
}

/** A model's per-invocation bill in µ¢, at the run's class prices. */
export function compileModelCost(model: BillingModel, prices: readonly number[]): CostFunction {
  return compileCost(billingFormula(model).microCents, prices);
}

function javascript(expression: CostExpression, used: Set<UsageName>): string {
  switch (expression.op) {
    case "number":
      return finiteLiteral(expression.value);
    case "usage":
      used.add(expression.name);
      return `${expression.name}(inv, o)`;
    case "classPrice":
      used.add("ranClass");
      return `(prices[ranClass(inv, o)] ?? 0)`;
    case "add":
      return `(${javascript(expression.left, used)} + ${javascript(expression.right, used)})`;
    case "mul":
      return `(${javascript(expression.left, used)} * ${javascript(expression.right, used)})`;
    case "div":
      return `(${javascript(expression.left, used)} / ${javascript(expression.right, used)})`;
    case "ceil":
      return `Math.ceil(${javascript(expression.of, used)})`;
    case "clamp":
      return `Math.min(Math.max(${javascript(expression.of, used)}, ${finiteLiteral(expression.min)}), ${finiteLiteral(expression.max)})`;
    case "unlessRefused":
      used.add("refused");
      return `(refused(inv, o) === 1 ? 0 : ${javascript(expression.of, used)})`;
  }
}

function finiteLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`a bill cannot use the number ${value}`);
  return `(${String(value)})`;
}
