import { describe, expect, it } from "vitest";
import { PriceWaitMultiQueue } from "../../../adapters/scheduling/price-wait-multi-queue.ts";

const prices = [0.5, 1, 1.5, 2];

describe("a shard's multi-queue", () => {
  it("places the head with the largest price × time waited", () => {
    const q = new PriceWaitMultiQueue(prices, false);
    q.push(10, 0, 0); // class 0 waiting since 0
    q.push(11, 3, 90); // class 3 waiting since 90
    // At t = 100: class 0 scores 0.5 × 100 = 50, class 3 scores 2 × 10 = 20.
    expect(q.pickNext(100)).toBe(10);
    expect(q.pickNext(100)).toBe(11);
    expect(q.pickNext(100)).toBe(-1);
  });

  it("prefers the higher class when it has waited long enough, and on ties", () => {
    const q = new PriceWaitMultiQueue(prices, false);
    q.push(1, 0, 0);
    q.push(2, 3, 75); // at t = 100: 0.5 × 100 = 50 = 2 × 25: a tie goes to the higher class
    expect(q.pickNext(100)).toBe(2);
  });

  it("keeps FIFO order within a class and grows past its initial capacity", () => {
    const q = new PriceWaitMultiQueue(prices, false);
    for (let i = 0; i < 50; i++) q.push(i, 1, i);
    const order: number[] = [];
    for (let i = 0; i < 50; i++) order.push(q.pickNext(1000));
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("keeps each function's enqueue time through wrap-around and growth of its class's ring", () => {
    // Equal prices, so the score is the time waited alone and only correct times give this order.
    const q = new PriceWaitMultiQueue([1, 1], false);
    for (let i = 0; i < 5; i++) q.push(i, 0, i);
    expect([q.pickNext(5), q.pickNext(5), q.pickNext(5)]).toEqual([0, 1, 2]);
    for (let i = 0; i < 10; i++) q.push(100 + i, 0, 10 + i); // wraps the 8-slot ring, then grows it
    q.push(500, 1, 10.5);
    const order: number[] = [];
    for (let slot = q.pickNext(100); slot >= 0; slot = q.pickNext(100)) order.push(slot);
    // At t = 100: waits 97, 96, 90 (class 0), then 89.5 (class 1) beats 89 (class 0's next).
    expect(order).toEqual([3, 4, 100, 500, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    expect(q.length).toBe(0);
  });

  it("in the strict variant always takes the highest non-empty class", () => {
    const q = new PriceWaitMultiQueue(prices, true);
    q.push(10, 0, 0);
    q.push(11, 2, 999);
    q.push(12, 1, 500);
    expect([q.pickNext(1000), q.pickNext(1000), q.pickNext(1000)]).toEqual([11, 12, 10]);
  });
});

describe("shard cost makes the multi-queue matter", async () => {
  const { simulate } = await import("../../support/simulate.ts");
  it("with a busy shard, high classes wait less for placement than low classes", async () => {
    const { sink } = await simulate({
      policy: "xx",
      seed: 5,
      trace: { invocations: 30_000 },
      sim: { machines: 10, cores: 8, shards: 1, shardCostMs: 0.12 },
    });
    const meanWait = (cls: number): number => {
      const waits = sink.outcomes.filter((o) => o.inv.priceClass === cls).map((o) => o.outcome.placedMs! - o.inv.arrivalMs);
      return waits.reduce((a, b) => a + b, 0) / waits.length;
    };
    expect(meanWait(0)).toBeGreaterThan(0);
    expect(meanWait(3)).toBeLessThan(meanWait(0));
  });
});
