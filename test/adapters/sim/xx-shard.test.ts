import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { simDefaults } from "../../../adapters/sim/sim-config.ts";
import type { RecordingSink } from "../../support/recording-sink.ts";
import { invocation, runInvocations } from "../../support/run-invocations.ts";
import { simulate } from "../../support/simulate.ts";

/** Shard wait (placed − arrival) of each completed invocation of a class arriving in [fromMs, ∞). */
function shardWaits(sink: RecordingSink, cls: number, fromMs = 0): number[] {
  return sink.outcomes
    .filter((o) => o.inv.priceClass === cls && o.inv.arrivalMs >= fromMs)
    .map((o) => o.outcome.placedMs! - o.inv.arrivalMs)
    .sort((a, b) => a - b);
}
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const p99 = (sorted: readonly number[]): number => sorted[Math.floor(0.99 * (sorted.length - 1))]!;

function fingerprint(sink: RecordingSink): string {
  const hash = createHash("sha1");
  for (const { inv, outcome } of sink.outcomes) hash.update(`${inv.id}:${outcome.machine}:${outcome.placedMs}:${outcome.endMs};`);
  return hash.digest("hex");
}

describe("an XX shard is a server with a cost per placement", () => {
  // Prices 1 and 4, one shard spending 1 ms per placement. Invocation 0 finds the shard free and
  // is placed at 1; by then 1 (class 0, since 0.1) and 2 (class 1, since 0.9) wait. At t = 1
  // price × wait is 1 × 0.9 = 0.9 for 1 against 4 × 0.1 = 0.4 for 2, so 1 goes first;
  // strict takes the higher class first.
  const arrivals = [
    invocation({ id: 0, arrivalMs: 0, workMs: 10, priceClass: 0 }),
    invocation({ id: 1, arrivalMs: 0.1, workMs: 10, priceClass: 0 }),
    invocation({ id: 2, arrivalMs: 0.9, workMs: 10, priceClass: 1 }),
  ];
  const placed = (strict: boolean): number[] => {
    const sink = runInvocations("xx", arrivals, { machines: 1, cores: 4, shards: 1, k: 1, shardCostMs: 1, strict }, [1, 4]);
    return [0, 1, 2].map((id) => sink.outcomes.find((o) => o.inv.id === id)!.outcome.placedMs!);
  };

  it.each([
    { rule: "price × time waited", strict: false, placedMs: [1, 2, 3] },
    { rule: "strict", strict: true, placedMs: [1, 3, 2] },
  ])("places in the order the $rule rule gives, each when the shard finishes placing it", ({ strict, placedMs }) => {
    expect(placed(strict)).toEqual(placedMs);
  });

  it("places at arrival with a cost of 0", () => {
    const sink = runInvocations("xx", arrivals, { machines: 1, cores: 4, shards: 1, k: 1, shardCostMs: 0 }, [1, 4]);
    expect(sink.outcomes.map((o) => o.outcome.placedMs! - o.inv.arrivalMs)).toEqual([0, 0, 0]);
  });
});

describe("at the seeds' base load (ρ = 0.7, 100 × 8 cores, 4 shards) the default shard cost is no bottleneck", async () => {
  const durationMs = 10_000;
  const { sink } = await simulate({ policy: "xx", seed: 21, trace: { phases: [{ tick: 0, load: 0.7 }], durationMs }, sim: {} });
  const all = [0, 1, 2, 3].flatMap((c) => shardWaits(sink, c, 1000)).sort((a, b) => a - b);

  it("keeps each shard busy about 56 % of the time (Dirigent's 2,500 placements/s against ≈ 1,400 arrivals/s)", () => {
    const busy = (sink.outcomes.length * simDefaults.shardCostMs) / (simDefaults.shards * durationMs);
    expect(busy).toBeGreaterThan(0.5);
    expect(busy).toBeLessThan(0.6);
  });

  it("adds under 1 ms of shard wait on average and under 5 % of the 100 ms mean work at p99", () => {
    expect(mean(all)).toBeGreaterThanOrEqual(simDefaults.shardCostMs);
    expect(mean(all)).toBeLessThan(1);
    expect(p99(all)).toBeLessThan(5);
  });
});

describe("under overload (ρ = 1.2) the shards' multi-queues hold work and the pick rule decides", async () => {
  const scenario = (strict: boolean) =>
    simulate({ policy: "xx", seed: 22, trace: { phases: [{ tick: 0, load: 1.2 }], durationMs: 10_000 }, sim: { strict } });
  const byPriceWait = (await scenario(false)).sink;
  const strict = (await scenario(true)).sink;

  it("gives different outcomes with --strict than with price × time waited", () => {
    expect(fingerprint(strict)).not.toBe(fingerprint(byPriceWait));
  });

  it("makes every class wait in the shard, the lowest class longest and the highest shortest", () => {
    const means = [0, 1, 2, 3].map((c) => mean(shardWaits(byPriceWait, c, 2000)));
    expect(means[3]!).toBeGreaterThan(2 * simDefaults.shardCostMs);
    expect(means[0]! / means[3]!).toBeGreaterThan(2);
    for (let c = 1; c < 4; c++) expect(means[c]!).toBeLessThan(means[c - 1]!);
  });

  it("under --strict the top class waits less and the lowest class more than under price × time waited", () => {
    expect(mean(shardWaits(strict, 3, 2000))).toBeLessThan(mean(shardWaits(byPriceWait, 3, 2000)));
    expect(mean(shardWaits(strict, 0, 2000))).toBeGreaterThan(mean(shardWaits(byPriceWait, 0, 2000)));
  });
});
