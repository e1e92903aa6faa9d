import { BudgetGovernor } from "./budget-governor.ts";
import { ClassInheritance } from "./class-inheritance.ts";

/** `classFor` refused the invocation: its tenant's budget is exhausted (outcome `throttled`). */
export const throttled = -1;

/**
 * XX's front door (seed 000 §3.1): the class an invocation runs at is its own, raised to its
 * caller's along a call chain, and lowered to the cheapest when its tenant spends ahead of its
 * monthly budget, which refuses it outright further ahead. What each invocation ends up costing
 * comes back through `charge`. Time is only the `now` argument.
 */
export class XxAdmission {
  private readonly inheritance = new ClassInheritance();
  private readonly governor: BudgetGovernor | null;

  constructor(budgetsUsdPerMonth: Readonly<Record<string, number>>) {
    this.governor = Object.keys(budgetsUsdPerMonth).length > 0 ? new BudgetGovernor(budgetsUsdPerMonth) : null;
  }

  /** The class the invocation runs at, or `throttled`. */
  classFor(id: number, ownClass: number, parentId: number | undefined, tenant: string, now: number): number {
    let cls = this.inheritance.inheritedClass(ownClass, parentId);
    if (this.governor) {
      const decision = this.governor.decide(tenant, now);
      if (decision === "reject") {
        // Its callees still inherit what it would have run at.
        this.inheritance.record(id, cls);
        return throttled;
      }
      if (decision === "demote") cls = 0;
    }
    this.inheritance.record(id, cls);
    return cls;
  }

  /** What an invocation of `tenant` cost, once it completed or was killed. */
  charge(tenant: string, costMicroCents: number): void {
    this.governor?.charge(tenant, costMicroCents);
  }
}
