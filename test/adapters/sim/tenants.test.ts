import { describe, expect, it } from "vitest";
import { simulate } from "../../support/simulate.ts";

describe("class inheritance along call chains", () => {
  it("runs every callee at least at its caller's class", async () => {
    const { sink } = await simulate({
      policy: "xx",
      seed: 2,
      trace: { chainShare: 0.5, chainFanOut: 2, chainDepth: 2, durationMs: 20_000 },
      sim: { machines: 10, cores: 8 },
    });
    const ran = new Map(sink.outcomes.map((o) => [o.inv.id, o.outcome.ranClass!]));
    let raised = 0;
    for (const { inv, outcome } of sink.outcomes) {
      if (inv.parentId === undefined) {
        expect(outcome.ranClass).toBe(inv.priceClass);
        continue;
      }
      expect(outcome.ranClass).toBe(Math.max(inv.priceClass, ran.get(inv.parentId)!));
      if (outcome.ranClass! > inv.priceClass) raised++;
    }
    expect(raised).toBeGreaterThan(1000);
  });
});

describe("monthly budgets", () => {
  it("demotes then throttles a runaway tenant while every other tenant is untouched", async () => {
    // 10 tenants share the load equally; tenant-0's budget is far below its spend, the others' far above.
    const budgetsUsd: Record<string, number> = { "tenant-0": 0.03 };
    for (let t = 1; t < 10; t++) budgetsUsd[`tenant-${t}`] = 1e6;
    const { sink, summary } = await simulate({
      policy: "xx",
      seed: 3,
      trace: { durationMs: 30_000 },
      sim: { machines: 10, cores: 8, budgetsUsd },
    });
    const runaway = sink.outcomes.filter((o) => o.inv.tenant === "tenant-0");
    const others = sink.outcomes.filter((o) => o.inv.tenant !== "tenant-0");
    const throttled = runaway.filter((o) => o.outcome.status === "throttled");
    const demoted = runaway.filter((o) => o.outcome.status === "ok" && o.outcome.ranClass === 0 && o.inv.priceClass > 0);
    expect(throttled.length).toBeGreaterThan(runaway.length / 10);
    expect(demoted.length).toBeGreaterThan(0);
    expect(throttled.every((o) => o.outcome.machine === undefined && o.outcome.costMicroCents === 0)).toBe(true);
    expect(others.every((o) => o.outcome.status === "ok" && o.outcome.ranClass === o.inv.priceClass)).toBe(true);
    expect(summary.outcomes.throttled).toBe(throttled.length);
    expect(sink.outcomes.length).toBe(summary.invocations);
  });
});
