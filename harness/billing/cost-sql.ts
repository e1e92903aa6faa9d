import { usage } from "../../adapters/billing/billed-usage.ts";
import type { CostExpression } from "../../adapters/billing/cost-expression.ts";

/**
 * Prints a cost expression as a DOUBLE-valued SQL expression over the columns of `invocations`,
 * fully parenthesised so DuckDB applies each operation in the order `compile-cost.ts` does.
 * Numbers go through a string cast so DuckDB reads exactly the double JavaScript holds (a bare
 * literal such as 0.1 would be a DECIMAL).
 */
export function costSql(expression: CostExpression, prices: readonly number[]): string {
  switch (expression.op) {
    case "number":
      return doubleLiteral(expression.value);
    case "usage":
      return `(${usage[expression.name].sql})`;
    case "classPrice":
      // DuckDB lists are 1-based; a class past the end reads NULL, billed at 0 as in TypeScript.
      return `coalesce(([${prices.map(doubleLiteral).join(", ")}]::DOUBLE[])[(${usage.ranClass.sql}) + 1], ${doubleLiteral(0)})`;
    case "add":
      return `(${costSql(expression.left, prices)} + ${costSql(expression.right, prices)})`;
    case "mul":
      return `(${costSql(expression.left, prices)} * ${costSql(expression.right, prices)})`;
    case "div":
      return `(${costSql(expression.left, prices)} / ${costSql(expression.right, prices)})`;
    case "ceil":
      return `ceil(${costSql(expression.of, prices)})`;
    case "clamp":
      return `least(greatest(${costSql(expression.of, prices)}, ${doubleLiteral(expression.min)}), ${doubleLiteral(expression.max)})`;
    case "unlessRefused":
      return `(CASE WHEN (${usage.refused.sql}) = 1 THEN ${doubleLiteral(0)} ELSE ${costSql(expression.of, prices)} END)`;
  }
}

function doubleLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`a bill cannot use the number ${value}`);
  return `'${String(value)}'::DOUBLE`;
}
