import { describe, expect, it } from "vitest";
import { IdleListMembership } from "../../../adapters/scheduling/idle-list-membership.ts";
import type { IdleListReport } from "../../../adapters/scheduling/idle-list-report.ts";
import { ShardIdleList } from "../../../adapters/scheduling/shard-idle-list.ts";

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

/**
 * Shards' idle lists and machines' memberships wired as the simulator wires them: every report
 * reaches its shard at once. The live plane sends the same reports as messages.
 */
class Cluster {
  readonly lists: ShardIdleList[];
  readonly members: IdleListMembership[];
  readonly reports: IdleListReport[] = [];

  constructor(shards: number, machines: number, k: number) {
    this.lists = Array.from({ length: shards }, () => new ShardIdleList(machines));
    this.members = Array.from({ length: machines }, (_, m) => new IdleListMembership(m, shards, k, threshold, step));
  }

  observe(m: number, freeMb: number, functions: number, rng: { int: (n: number) => number }): void {
    const report = this.members[m]!.observe(freeMb, functions, (s) => this.lists[s]!.size, rng);
    if (!report) return;
    this.reports.push({ ...report });
    this.lists[report.shard]!.receive(report);
  }
}

/** Lists machines on shards so that each shard s holds `sizes[s]` machines, numbered from 10 up. */
function clusterWithSizes(sizes: readonly number[], k: number): Cluster {
  const cluster = new Cluster(sizes.length, 32, k);
  let m = 10;
  sizes.forEach((n, s) => {
    const sample = Array.from({ length: Math.min(k, sizes.length) }, () => s);
    for (let i = 0; i < n; i++) cluster.observe(m++, 1000, 0, draws(...sample));
  });
  return cluster;
}

describe("a dispatcher joins the shortest of k sampled idle lists", () => {
  it.each([
    { name: "k = 2: the shorter of the two sampled", sizes: [3, 1, 2], k: 2, sampled: [0, 2], shard: 2 },
    { name: "k = 2: ties go to the first sampled", sizes: [2, 0, 2], k: 2, sampled: [2, 0], shard: 2 },
    { name: "k = 3: the shortest of three", sizes: [3, 1, 2], k: 3, sampled: [0, 2, 1], shard: 1 },
    { name: "k = 1: the one sampled, however long", sizes: [5, 0], k: 1, sampled: [0], shard: 0 },
    { name: "k above the shard count samples each shard count once", sizes: [2, 1], k: 5, sampled: [0, 1], shard: 1 },
  ])("$name", ({ sizes, k, sampled, shard }) => {
    const cluster = clusterWithSizes(sizes, k);
    cluster.observe(0, 1000, 3, draws(...sampled));
    expect(cluster.members[0]!.shard).toBe(shard);
    expect(cluster.reports.at(-1)).toEqual({ kind: "join", machine: 0, shard, freeMb: 1000, functions: 3 });
    const list = cluster.lists[shard]!;
    expect(list.size).toBe(sizes[shard]! + 1);
    expect([list.has(0), list.entryFreeMb(0), list.entryFunctions(0)]).toEqual([true, 1000, 3]);
  });

  it("does not join at or below the threshold", () => {
    const cluster = new Cluster(2, 4, 2);
    cluster.observe(0, threshold, 0, draws());
    cluster.observe(1, 20, 0, draws());
    expect([cluster.members[0]!.shard, cluster.members[1]!.shard, cluster.reports.length]).toEqual([-1, -1, 0]);
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
    const cluster = new Cluster(1, 1, 1);
    cluster.observe(0, 500, 2, draws(0));
    cluster.observe(0, observedFree, observedCount, draws());
    expect([cluster.lists[0]!.entryFreeMb(0), cluster.lists[0]!.entryFunctions(0)]).toEqual(entry);
    expect(cluster.members[0]!.updates).toBe(updates);
    expect(cluster.reports.map((r) => r.kind)).toEqual(updates ? ["join", "update"] : ["join"]);
    expect(cluster.members[0]!.shard).toBe(0);
  });

  it("measures each step from the value it last wrote, not from the last observation", () => {
    const cluster = new Cluster(1, 1, 1);
    cluster.observe(0, 500, 2, draws(0));
    // Three moves of 30 MB: none alone exceeds the step, the third takes the total to 90.
    for (const free of [530, 560, 590]) cluster.observe(0, free, 2, draws());
    expect(cluster.reports.map((r) => [r.kind, r.freeMb])).toEqual([
      ["join", 500],
      ["update", 560],
    ]);
  });

  it.each([
    { name: "at the threshold", free: threshold },
    { name: "below it", free: threshold - 1 },
  ])("leaves the list when free memory is $name, and the last member takes its place", ({ free }) => {
    const cluster = new Cluster(1, 3, 1);
    for (const m of [0, 1, 2]) cluster.observe(m, 1000, 0, draws(0));
    cluster.observe(0, free, 0, draws());
    expect(cluster.members[0]!.shard).toBe(-1);
    expect(cluster.members[0]!.leaves).toBe(1);
    expect(cluster.reports.at(-1)).toMatchObject({ kind: "leave", machine: 0, shard: 0 });
    expect(cluster.lists[0]!.listed()).toEqual([2, 1]);
    expect(cluster.lists[0]!.has(0)).toBe(false);
    // Rejoining draws a shard again and records fresh values.
    cluster.observe(0, 900, 4, draws(0));
    expect(cluster.lists[0]!.listed()).toEqual([2, 1, 0]);
    expect(cluster.lists[0]!.entryFunctions(0)).toBe(4);
  });

  it("says nothing while an unlisted machine stays at or below the threshold", () => {
    const cluster = new Cluster(1, 1, 1);
    cluster.observe(0, 1000, 0, draws(0));
    cluster.observe(0, 50, 0, draws());
    cluster.observe(0, 60, 3, draws());
    expect(cluster.reports.map((r) => r.kind)).toEqual(["join", "leave"]);
  });
});

describe("a shard's idle list refuses reports that contradict it", () => {
  it.each([
    { name: "a leave from a machine not listed", report: { kind: "leave", machine: 1, shard: 0, freeMb: 0, functions: 0 } },
    { name: "an update from a machine not listed", report: { kind: "update", machine: 1, shard: 0, freeMb: 500, functions: 0 } },
    { name: "a second join", report: { kind: "join", machine: 0, shard: 0, freeMb: 500, functions: 0 } },
  ] as const)("$name", ({ report }) => {
    const list = new ShardIdleList(2);
    list.receive({ kind: "join", machine: 0, shard: 0, freeMb: 500, functions: 0 });
    expect(() => list.receive(report)).toThrow(/machine \d/);
  });
});

describe("a shard picks on recorded values, not live ones", () => {
  /** Machines 0..2 listed on shard 0 with recorded counts 5, 1, 3 and 1000 MB free. */
  function listed(): Cluster {
    const cluster = new Cluster(2, 4, 1);
    [5, 1, 3].forEach((count, m) => cluster.observe(m, 1000, count, draws(0)));
    return cluster;
  }

  it("takes the fewest recorded functions", () => {
    expect(listed().lists[0]!.pick()).toBe(1);
  });

  it("keeps picking a machine whose live count grew while its free memory moved less than a step", () => {
    const cluster = listed();
    cluster.observe(1, 1000 - step, 40, draws());
    expect(cluster.lists[0]!.pick()).toBe(1);
  });

  it("keeps avoiding a machine whose live count fell while its free memory moved less than a step", () => {
    const cluster = listed();
    cluster.observe(0, 1000 + step / 2, 0, draws());
    expect(cluster.lists[0]!.pick()).toBe(1);
  });

  it("switches once the dispatcher rewrites the entry", () => {
    const cluster = listed();
    cluster.observe(1, 1000 - step - 1, 40, draws());
    expect(cluster.lists[0]!.pick()).toBe(2);
    cluster.observe(0, 1000 + step + 1, 0, draws());
    expect(cluster.lists[0]!.pick()).toBe(0);
  });

  it("breaks ties by list order, and an empty list gives -1", () => {
    const cluster = new Cluster(2, 4, 1);
    for (const m of [3, 1, 2]) cluster.observe(m, 1000, 2, draws(0));
    expect(cluster.lists[0]!.pick()).toBe(3);
    expect(cluster.lists[1]!.pick()).toBe(-1);
  });
});
