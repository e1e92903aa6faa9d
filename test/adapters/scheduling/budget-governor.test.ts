import { describe, expect, it } from "vitest";
import { BudgetGovernor, type BudgetDecision } from "../../../adapters/scheduling/budget-governor.ts";

const monthMs = 30 * 24 * 3600 * 1000;
/** 10 USD a month in µ¢: the pro-rata line is 5e8 µ¢ at mid-month, exactly. */
const budget = 10e8;

describe("BudgetGovernor (pro-rata monthly budget: full, then demote, then reject)", () => {
  it.each<{ spent: number; now: number; decision: BudgetDecision; factor?: number }>([
    { spent: 0, now: monthMs / 2, decision: "full" },
    { spent: budget / 2, now: monthMs / 2, decision: "full" },
    { spent: budget / 2 + 1, now: monthMs / 2, decision: "demote" },
    { spent: budget, now: monthMs / 2, decision: "demote" },
    { spent: budget + 1, now: monthMs / 2, decision: "reject" },
    { spent: budget / 2, now: monthMs / 4, decision: "demote" },
    { spent: budget / 2 + 1, now: monthMs / 4, decision: "reject" },
    { spent: budget, now: monthMs, decision: "full" },
    { spent: budget + 1, now: monthMs, decision: "demote" },
    // The line keeps rising past a month: a run longer than a month is not reset.
    { spent: 2 * budget, now: 2 * monthMs, decision: "full" },
    { spent: 2 * budget + 1, now: 2 * monthMs, decision: "demote" },
    // At time 0 the line is one millisecond's worth (≈ 0.386 µ¢), not zero.
    { spent: 0, now: 0, decision: "full" },
    { spent: 0.3, now: 0, decision: "full" },
    { spent: 0.5, now: 0, decision: "demote" },
    { spent: 0.8, now: 0, decision: "reject" },
    { spent: 1.5 * budget, now: monthMs / 2, decision: "demote", factor: 3 },
    { spent: 1.5 * budget + 1, now: monthMs / 2, decision: "reject", factor: 3 },
  ])("spent $spent µ¢ of 10 USD at $now ms (reject factor $factor) → $decision", ({ spent, now, decision, factor }) => {
    const governor = factor === undefined ? new BudgetGovernor({ t: 10 }) : new BudgetGovernor({ t: 10 }, factor);
    governor.charge("t", spent);
    expect(governor.decide("t", now)).toBe(decision);
    expect([governor.demoted, governor.rejected]).toEqual([decision === "demote" ? 1 : 0, decision === "reject" ? 1 : 0]);
  });

  it("never throttles a tenant without a budget, and keeps no spend for it", () => {
    const governor = new BudgetGovernor({ t: 10 });
    governor.charge("other", 1e15);
    expect(governor.decide("other", monthMs / 2)).toBe("full");
    expect(governor.decide("other", 0)).toBe("full");
    expect(governor.decide("t", monthMs / 2)).toBe("full");
    expect([governor.demoted, governor.rejected]).toEqual([0, 0]);
  });

  it("a zero budget rejects any spend", () => {
    const governor = new BudgetGovernor({ t: 0 });
    expect(governor.decide("t", monthMs)).toBe("full");
    governor.charge("t", 1);
    expect(governor.decide("t", monthMs)).toBe("reject");
  });

  it("charges add up per tenant, and each decision counts once", () => {
    const governor = new BudgetGovernor({ a: 10, b: 10 });
    const mid = monthMs / 2;
    governor.charge("a", 3e8);
    expect(governor.decide("a", mid)).toBe("full");
    governor.charge("a", 3e8);
    governor.charge("b", 1e8);
    expect([governor.decide("a", mid), governor.decide("a", mid), governor.decide("b", mid)]).toEqual(["demote", "demote", "full"]);
    governor.charge("a", 5e8);
    expect(governor.decide("a", mid)).toBe("reject");
    expect([governor.demoted, governor.rejected]).toEqual([2, 1]);
  });
});
