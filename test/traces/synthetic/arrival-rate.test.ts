import { describe, expect, it } from "vitest";
import type { Invocation } from "../../../traces/invocation.ts";
import { bimodalWeights, syntheticDefaults, type SyntheticConfig } from "../../../traces/synthetic/synthetic-config.ts";
import { syntheticTrace } from "../../../traces/synthetic/synthetic-trace.ts";

async function collect(overrides: Partial<SyntheticConfig>): Promise<Invocation[]> {
  const source = syntheticTrace({ ...syntheticDefaults, classWeights: bimodalWeights(4), ...overrides });
  const all: Invocation[] = [];
  for await (const batch of source.open()) all.push(...batch);
  return all;
}

const perSecond = (all: readonly Invocation[], seconds: number): number[] => {
  const counts = new Array<number>(seconds).fill(0);
  for (const inv of all) {
    const s = Math.floor(inv.arrivalMs / 1000);
    if (s < seconds) counts[s]!++;
  }
  return counts;
};

describe("a synthetic trace at a rate in invocations per second (--rate)", () => {
  it("constant arrivals at 200/s put exactly 200 in every second, whatever the cluster's cores", async () => {
    for (const cores of [8, 800]) {
      const all = await collect({ phases: [{ tick: 0, load: 200 }], phaseUnit: "per-second", arrivals: "constant", durationMs: 10_000, cores });
      expect(perSecond(all, 10).slice(1)).toEqual(new Array(9).fill(200));
    }
  });

  it("follows a schedule in per-second rates: 100/s, then 300/s from second 5", async () => {
    const all = await collect({ phases: [{ tick: 0, load: 100 }, { tick: 5, load: 300 }], phaseUnit: "per-second", arrivals: "constant", durationMs: 10_000 });
    const counts = perSecond(all, 10);
    expect(counts.slice(1, 5)).toEqual([100, 100, 100, 100]);
    expect(counts.slice(6, 9)).toEqual([300, 300, 300]);
  });

  it("counts a chain's calls in the rate: Poisson arrivals with chains average 150/s over 100 s", async () => {
    const all = await collect({ phases: [{ tick: 0, load: 150 }], phaseUnit: "per-second", durationMs: 100_000, chainShare: 0.3, chainFanOut: 2, chainDepth: 1 });
    // 15,000 expected; the count of a Poisson-like process has sd ≈ √(15,000 × 1.6) ≈ 155 with chains (calls come in groups).
    expect(all.length).toBeGreaterThan(15_000 - 800);
    expect(all.length).toBeLessThan(15_000 + 800);
    expect(all.some((inv) => inv.parentId !== undefined)).toBe(true);
  });

  it("states the rate as the load it puts on the cluster's cores, for the report's phase rules", () => {
    const source = syntheticTrace({ ...syntheticDefaults, classWeights: bimodalWeights(4), phases: [{ tick: 0, load: 400 }], phaseUnit: "per-second", durationMs: 1000, cores: 80 });
    const meanWork = Number(source.spec.meanWorkMs);
    expect(source.phases?.[0]?.load).toBeCloseTo((0.4 * meanWork) / 80, 12);
  });
});
