import { describe, expect, it } from "vitest";
import { pairedP99Bootstrap, type PairedTailItem } from "../../reports/stats/paired-p99-bootstrap.ts";
import { SeededRandom } from "../../traces/seeded-random.ts";

/** Nearest-rank p99 of a full sample: what the bootstrap's point estimate must equal. */
function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.99 * sorted.length) - 1]!;
}

/** The tail as the query collects it: invocations in A's or B's top `fraction`. */
function tailOf(items: PairedTailItem[], fraction: number): PairedTailItem[] {
  const cut = (side: "a" | "b"): number => [...items].map((x) => x[side]).sort((x, y) => y - x)[Math.ceil(fraction * items.length) - 1]!;
  const [ta, tb] = [cut("a"), cut("b")];
  return items.filter((x) => x.a >= ta || x.b >= tb);
}

function sample(n: number, seed: number, b: (a: number, rng: SeededRandom) => number): PairedTailItem[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => {
    const a = rng.exponential(100);
    return { a, b: b(a, rng) };
  });
}

describe("paired p99 bootstrap", () => {
  it("computes the point estimate from the tail exactly as from the whole sample", () => {
    const items = sample(50_000, 1, (a, rng) => a * (0.5 + rng.next()));
    const ci = pairedP99Bootstrap({ n: items.length, items: tailOf(items, 0.015) }, 7);
    expect(ci.differenceMs).toBe(p99(items.map((x) => x.b)) - p99(items.map((x) => x.a)));
    expect(ci.lowMs).toBeLessThanOrEqual(ci.differenceMs);
    expect(ci.highMs).toBeGreaterThanOrEqual(ci.differenceMs);
  });

  it("gives a zero-width interval when B is A shifted by a constant", () => {
    const items = sample(20_000, 2, (a) => a + 250);
    const ci = pairedP99Bootstrap({ n: items.length, items: tailOf(items, 0.015) }, 3);
    expect([ci.differenceMs, ci.lowMs, ci.highMs].map((v) => Number(v.toFixed(6)))).toEqual([250, 250, 250]);
  });

  it("covers 0 for two independent draws of one distribution, and narrows as n grows", () => {
    const width = (n: number, seed: number): number => {
      const rng = new SeededRandom(seed + 100);
      const items = sample(n, seed, () => rng.exponential(100));
      const ci = pairedP99Bootstrap({ n, items: tailOf(items, n >= 20_000 ? 0.015 : 0.2) }, seed);
      expect(ci.lowMs).toBeLessThan(0);
      expect(ci.highMs).toBeGreaterThan(0);
      return ci.highMs - ci.lowMs;
    };
    expect(width(200_000, 4)).toBeLessThan(width(5_000, 5) / 3);
  });

  it("is a pure function of its seed", () => {
    const items = sample(30_000, 6, (a, rng) => a + rng.exponential(10));
    const tail = { n: items.length, items: tailOf(items, 0.015) };
    expect(pairedP99Bootstrap(tail, 9)).toEqual(pairedP99Bootstrap(tail, 9));
    expect(pairedP99Bootstrap(tail, 9).lowMs).not.toBe(pairedP99Bootstrap(tail, 10).lowMs);
  });
});
