import { describe, expect, it } from "vitest";
import { MinuteMajorCounts } from "../../../traces/azure2019/minute-major-counts.ts";
import { writeMinuteArrivals } from "../../../traces/azure2019/minute-arrivals.ts";
import { PercentileDistribution, durationPercentileProbabilities } from "../../../traces/azure2019/percentile-distribution.ts";
import { mergeSortedRuns } from "../support/sorted-runs-merge.ts";
import { SeededRandom } from "../../../traces/seeded-random.ts";

async function snapshot(store: MinuteMajorCounts): Promise<string[]> {
  const out: string[] = [];
  for await (const m of store.byMinute()) out.push(`${m.minute}:${[...m.functions].join(".")}=${[...m.counts].join(".")}`);
  return out;
}

describe("MinuteMajorCounts", () => {
  const rows = Array.from({ length: 200 }, (_, f) => Uint32Array.from({ length: 95 }, (_, m) => ((f * 7 + m * 13) % 11 === 0 ? f + m : 0)));

  it("transposes function rows into minutes, functions ascending within a minute", async () => {
    const store = new MinuteMajorCounts(95);
    rows.forEach((r, f) => store.addFunction(f, r));
    const minutes = await snapshot(store);
    expect(minutes.length).toBe(95);
    for (let m = 0; m < 95; m++) {
      const fns = rows.map((r, f) => (r[m]! > 0 ? f : -1)).filter((f) => f >= 0);
      expect(minutes[m]).toBe(`${m}:${fns.join(".")}=${fns.map((f) => rows[f]![m]).join(".")}`);
    }
    expect(store.usedDisk).toBe(false);
  });

  it("gives the same minutes when it spills to disk under a tiny budget", async () => {
    const inMemory = new MinuteMajorCounts(95);
    const spilling = new MinuteMajorCounts(95, { memoryBudgetBytes: 256, bucketMinutes: 7 });
    rows.forEach((r, f) => {
      inMemory.addFunction(f, r);
      spilling.addFunction(f, r);
    });
    expect(spilling.usedDisk).toBe(true);
    expect(await snapshot(spilling)).toEqual(await snapshot(inMemory));
    spilling.dispose();
  });
});

describe("writeMinuteArrivals", () => {
  it("keeps every offset in [0, 60 000) ms, sorted, for every mode with and without the phase shift", () => {
    const gaps = SeededRandom.forPurpose(1, "arrivals");
    const phase = SeededRandom.forPurpose(1, "arrival-phase");
    for (const mode of ["poisson", "uniform", "equidistant"] as const) {
      for (const count of [1, 2, 17, 1000]) {
        const out = new Float64Array(count + 3);
        writeMinuteArrivals(mode, count, gaps, phase, out, 3);
        const xs = [...out.subarray(3)];
        expect(xs.every((x, i) => x >= 0 && x < 60_000 && (i === 0 || x >= xs[i - 1]!))).toBe(true);
      }
    }
  });
});

describe("mergeSortedRuns", () => {
  it("merges runs into ascending order, ties to the lower run", () => {
    const values = Float64Array.from([1, 5, 9, 2, 5, 3]);
    const starts = Int32Array.from([0, 3, 5, 6]);
    const order = new Int32Array(6);
    const runOf = new Int32Array(6);
    mergeSortedRuns(values, starts, 3, order, runOf);
    expect([...order].map((i) => values[i])).toEqual([1, 2, 3, 5, 5, 9]);
    expect([...runOf]).toEqual([0, 1, 2, 0, 1, 0]);
  });
});

describe("PercentileDistribution", () => {
  const d = new PercentileDistribution(durationPercentileProbabilities, [1, 247, 269, 282, 304, 481, 130686]);

  it("passes through every percentile point", () => {
    durationPercentileProbabilities.forEach((p, i) => expect(d.sample(p === 1 ? 1 - 1e-12 : p)).toBeCloseTo(d.values[i]!, 3));
  });

  it("has the mean its samples have", () => {
    let sum = 0;
    const n = 1_000_000;
    for (let i = 0; i < n; i++) sum += d.sample((i + 0.5) / n);
    expect(d.mean()).toBeCloseTo(sum / n, 1);
  });

  it("holds memory's mass under 1 % at p1 (there is no pct0)", () => {
    const m = new PercentileDistribution([0.01, 0.05, 1], [100, 120, 200]);
    expect(m.sample(0)).toBe(100);
    expect(m.sample(0.005)).toBe(100);
  });
});
