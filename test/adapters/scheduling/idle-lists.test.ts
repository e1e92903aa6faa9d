import { describe, expect, it } from "vitest";
import { IdleLists } from "../../../adapters/scheduling/idle-lists.ts";

/** Draws the given shard numbers in order, so a join's power-of-k sample is chosen by the test. */
function draws(...values: number[]): { int: (n: number) => number } {
  return {
    int: (n) => {
      const v = values.shift();
      if (v === undefined || v >= n) throw new Error(`unexpected draw from ${n}`);
      return v;
    },
  };
}

const threshold = 100;
const step = 50;

/** Lists machines on shards so that each shard s holds `sizes[s]` machines, numbered from 10 up. */
function listsWithSizes(sizes: readonly number[], k: number): IdleLists {
  const lists = new IdleLists(sizes.length, 32, k);
  let m = 10;
  sizes.forEach((n, s) => {
    const sample = Array.from({ length: Math.min(k, sizes.length) }, () => s);
    for (let i = 0; i < n; i++) lists.observe(m++, 1000, 0, threshold, step, draws(...sample));
  });
  return lists;
}

describe("a dispatcher joins the shortest of k sampled idle lists", () => {
  it.each([
    { name: "k = 2: the shorter of the two sampled", sizes: [3, 1, 2], k: 2, sampled: [0, 2], shard: 2 },
    { name: "k = 2: ties go to the first sampled", sizes: [2, 0, 2], k: 2, sampled: [2, 0], shard: 2 },
    { name: "k = 3: the shortest of three", sizes: [3, 1, 2], k: 3, sampled: [0, 2, 1], shard: 1 },
    { name: "k = 1: the one sampled, however long", sizes: [5, 0], k: 1, sampled: [0], shard: 0 },
    { name: "k above the shard count samples each shard count once", sizes: [2, 1], k: 5, sampled: [0, 1], shard: 1 },
  ])("$name", ({ sizes, k, sampled, shard }) => {
    const lists = listsWithSizes(sizes, k);
    lists.observe(0, 1000, 3, threshold, step, draws(...sampled));
    expect(lists.shardOf[0]).toBe(shard);
    expect(lists.size(shard)).toBe(sizes[shard]! + 1);
    expect(lists.entryFreeMb[0]).toBe(1000);
    expect(lists.entryFunctions[0]).toBe(3);
  });

  it("does not join at or below the threshold", () => {
    const lists = new IdleLists(2, 4, 2);
    lists.observe(0, threshold, 0, threshold, step, draws());
    lists.observe(1, 20, 0, threshold, step, draws());
    expect([lists.shardOf[0], lists.shardOf[1], lists.joins]).toEqual([-1, -1, 0]);
  });
});

describe("a listed machine's entry", () => {
  it.each([
    { name: "moved by more than a step: rewritten", observedFree: 551, observedCount: 7, entry: [551, 7], updates: 1 },
    { name: "dropped by more than a step: rewritten", observedFree: 449, observedCount: 0, entry: [449, 0], updates: 1 },
    { name: "moved by exactly a step: kept", observedFree: 550, observedCount: 7, entry: [500, 2], updates: 0 },
    { name: "moved by less than a step, count changed: kept", observedFree: 530, observedCount: 9, entry: [500, 2], updates: 0 },
    { name: "unchanged: kept", observedFree: 500, observedCount: 2, entry: [500, 2], updates: 0 },
  ])("$name", ({ observedFree, observedCount, entry, updates }) => {
    const lists = new IdleLists(1, 1, 1);
    lists.observe(0, 500, 2, threshold, step, draws(0));
    lists.observe(0, observedFree, observedCount, threshold, step, draws());
    expect([lists.entryFreeMb[0], lists.entryFunctions[0]]).toEqual(entry);
    expect(lists.updates).toBe(updates);
    expect(lists.shardOf[0]).toBe(0);
  });

  it.each([
    { name: "at the threshold", free: threshold },
    { name: "below it", free: threshold - 1 },
  ])("leaves the list when free memory is $name, and the last member takes its place", ({ free }) => {
    const lists = new IdleLists(1, 3, 1);
    for (const m of [0, 1, 2]) lists.observe(m, 1000, 0, threshold, step, draws(0));
    lists.observe(0, free, 0, threshold, step, draws());
    expect(lists.shardOf[0]).toBe(-1);
    expect(lists.leaves).toBe(1);
    expect(lists.listed(0)).toEqual([2, 1]);
    // Rejoining draws a shard again and records fresh values.
    lists.observe(0, 900, 4, threshold, step, draws(0));
    expect(lists.listed(0)).toEqual([2, 1, 0]);
    expect(lists.entryFunctions[0]).toBe(4);
  });
});

describe("a shard picks on recorded values, not live ones", () => {
  /** Machines 0..2 listed on shard 0 with recorded counts 5, 1, 3 and 1000 MB free. */
  function listed(): IdleLists {
    const lists = new IdleLists(2, 4, 1);
    [5, 1, 3].forEach((count, m) => lists.observe(m, 1000, count, threshold, step, draws(0)));
    return lists;
  }

  it("takes the fewest recorded functions", () => {
    expect(listed().pick(0)).toBe(1);
  });

  it("keeps picking a machine whose live count grew while its free memory moved less than a step", () => {
    const lists = listed();
    lists.observe(1, 1000 - step, 40, threshold, step, draws());
    expect(lists.pick(0)).toBe(1);
  });

  it("keeps avoiding a machine whose live count fell while its free memory moved less than a step", () => {
    const lists = listed();
    lists.observe(0, 1000 + step / 2, 0, threshold, step, draws());
    expect(lists.pick(0)).toBe(1);
  });

  it("switches once the dispatcher rewrites the entry", () => {
    const lists = listed();
    lists.observe(1, 1000 - step - 1, 40, threshold, step, draws());
    expect(lists.pick(0)).toBe(2);
    lists.observe(0, 1000 + step + 1, 0, threshold, step, draws());
    expect(lists.pick(0)).toBe(0);
  });

  it("breaks ties by list order, and an empty list gives -1", () => {
    const lists = new IdleLists(2, 4, 1);
    for (const m of [3, 1, 2]) lists.observe(m, 1000, 2, threshold, step, draws(0));
    expect(lists.pick(0)).toBe(3);
    expect(lists.pick(1)).toBe(-1);
  });
});
