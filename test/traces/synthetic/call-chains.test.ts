import { describe, expect, it } from "vitest";
import type { Invocation } from "../../../traces/invocation.ts";
import { bimodalWeights, syntheticDefaults } from "../../../traces/synthetic/synthetic-config.ts";
import { syntheticTrace } from "../../../traces/synthetic/synthetic-trace.ts";

async function collect(overrides: Record<string, unknown>): Promise<Invocation[]> {
  const source = syntheticTrace({ ...syntheticDefaults, classWeights: bimodalWeights(4), durationMs: 60_000, cores: 80, ...overrides });
  const all: Invocation[] = [];
  for await (const batch of source.open()) all.push(...batch);
  return all;
}

describe("synthetic call chains", () => {
  const chains = { chainShare: 0.3, chainFanOut: 2, chainDepth: 2 };

  it("emits callees after their callers, in the callers' tenant, in one sorted stream with dense ids", async () => {
    const all = await collect(chains);
    const byId = new Map(all.map((inv) => [inv.id, inv]));
    all.forEach((inv, i) => {
      expect(inv.id).toBe(i);
      if (i > 0) expect(inv.arrivalMs).toBeGreaterThanOrEqual(all[i - 1]!.arrivalMs);
      if (inv.parentId === undefined) return;
      const parent = byId.get(inv.parentId)!;
      expect(parent.id).toBeLessThan(inv.id);
      expect(inv.arrivalMs).toBeGreaterThanOrEqual(parent.arrivalMs);
      expect(inv.arrivalMs).toBeLessThanOrEqual(parent.arrivalMs + parent.workMs);
      expect(inv.tenant).toBe(parent.tenant);
    });
  });

  it("makes 0.3 × (2 + 4) = 1.8 calls per top-level invocation, two levels deep", async () => {
    const all = await collect(chains);
    const roots = all.filter((inv) => inv.parentId === undefined).length;
    expect((all.length - roots) / roots).toBeCloseTo(1.8, 1);
    const depth = (inv: Invocation): number => (inv.parentId === undefined ? 0 : 1 + depth(all[inv.parentId]!));
    expect(Math.max(...all.map(depth))).toBe(2);
  });

  it("keeps the offered load: chains replace top-level arrivals rather than add to them", async () => {
    const work = async (o: Record<string, unknown>) => (await collect({ ...o, phases: [{ tick: 0, load: 0.8 }] })).reduce((s, inv) => s + inv.workMs, 0);
    const plain = await work({});
    const chained = await work(chains);
    expect(chained / plain).toBeGreaterThan(0.93);
    expect(chained / plain).toBeLessThan(1.07);
  });

  it("leaves every other stream untouched when chains are off", async () => {
    const a = await collect({ chainShare: 0 });
    const b = await collect({ chainShare: 0, chainFanOut: 5, chainDepth: 3 });
    expect(b).toEqual(a);
  });
});
