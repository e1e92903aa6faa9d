import { microCentsPerUsd } from "../billing/price-table.ts";

const monthMs = 30 * 24 * 3600 * 1000;

export type BudgetDecision = "full" | "demote" | "reject";

/**
 * XX's monthly budgets (seed 000 §3.1): a guideline, not a hard cap. A tenant whose spend runs
 * ahead of its budget's pro-rata line (budget × elapsed / month) is throttled: first its
 * invocations are demoted to the lowest class; once spend is more than `rejectFactor` times the
 * line, new invocations are rejected (outcome `throttled`). Tenants without a budget are never
 * throttled. Time enters only as the `now` argument.
 */
export class BudgetGovernor {
  private readonly budgetMicroCents = new Map<string, number>();
  private readonly spentMicroCents = new Map<string, number>();
  demoted = 0;
  rejected = 0;

  constructor(
    budgetsUsdPerMonth: Readonly<Record<string, number>>,
    private readonly rejectFactor = 2,
  ) {
    for (const [tenant, usd] of Object.entries(budgetsUsdPerMonth)) this.budgetMicroCents.set(tenant, usd * microCentsPerUsd);
  }

  decide(tenant: string, now: number): BudgetDecision {
    const budget = this.budgetMicroCents.get(tenant);
    if (budget === undefined) return "full";
    const line = (budget * Math.max(now, 1)) / monthMs;
    const spent = this.spentMicroCents.get(tenant) ?? 0;
    if (spent > this.rejectFactor * line) {
      this.rejected++;
      return "reject";
    }
    if (spent > line) {
      this.demoted++;
      return "demote";
    }
    return "full";
  }

  charge(tenant: string, costMicroCents: number): void {
    if (!this.budgetMicroCents.has(tenant)) return;
    this.spentMicroCents.set(tenant, (this.spentMicroCents.get(tenant) ?? 0) + costMicroCents);
  }
}
