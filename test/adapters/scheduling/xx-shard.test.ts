import { describe, expect, it } from "vitest";
import { XxShard } from "../../../adapters/scheduling/xx-shard.ts";
import { ScriptedRandom } from "./scripted-random.ts";

const prices = [1, 4];
const shard = (options: Partial<{ strict: boolean; idleList: boolean; machines: number; k: number }> = {}): XxShard =>
  new XxShard(prices, { machines: 4, k: 2, strict: false, idleList: false, ...options });

describe("XxShard's pick rule: the class head with the largest price × time waited", () => {
  // Function 0 is class 0 (price 1), function 1 class 1 (price 4); each waits from `enqueued`.
  it.each([
    { name: "the cheap head has waited 4× longer and a bit: it goes first", enqueued: [0, 0.9], now: 1, first: 0 },
    { name: "the dear head has waited a quarter as long and more: it goes first", enqueued: [0, 0.5], now: 1, first: 1 },
    { name: "equal scores (1 × 1 = 4 × 0.25): the higher class wins the tie", enqueued: [0, 0.75], now: 1, first: 1 },
    { name: "the same queue read later: 1 × 101 < 4 × 100.1", enqueued: [0, 0.9], now: 101, first: 1 },
    { name: "both just arrived (scores 0): the higher class", enqueued: [5, 5], now: 5, first: 1 },
  ])("$name", ({ enqueued, now, first }) => {
    const s = shard();
    s.enqueue(0, 0, enqueued[0]!);
    s.enqueue(1, 1, enqueued[1]!);
    expect([s.takeNext(now), s.takeNext(now), s.takeNext(now)]).toEqual([first, 1 - first, -1]);
  });

  it("in the strict variant takes the highest class however long the cheap head waited", () => {
    const s = shard({ strict: true });
    s.enqueue(0, 0, 0);
    s.enqueue(1, 1, 999);
    expect([s.takeNext(1000), s.takeNext(1000)]).toEqual([1, 0]);
  });

  it("keeps FIFO within a class whatever the time", () => {
    const s = shard();
    [7, 3, 9, 1].forEach((fn, i) => s.enqueue(fn, 0, i));
    expect(s.queued).toBe(4);
    expect([s.takeNext(4), s.takeNext(1e6), s.takeNext(1e6), s.takeNext(1e6)]).toEqual([7, 3, 9, 1]);
    expect(s.queued).toBe(0);
  });
});

describe("XxShard's choice of machine", () => {
  const load = [5, 2, 9, 4];

  it.each([
    { name: "power-of-k: the less loaded of the two sampled", draws: [3, 1], machine: 1 },
    { name: "power-of-k: ties go to the first sampled", draws: [1, 3], machine: 1 },
    { name: "power-of-k: two loaded ones sampled", draws: [2, 0], machine: 0 },
  ])("without an idle list, $name", ({ draws, machine }) => {
    const rng = new ScriptedRandom(draws);
    expect(shard().chooseMachine(load, rng)).toBe(machine);
    expect(rng.used).toBe(2);
  });

  it("takes the idle list's pick first, drawing nothing", () => {
    const s = shard({ idleList: true });
    s.receive({ kind: "join", machine: 2, shard: 0, freeMb: 900, functions: 3 });
    s.receive({ kind: "join", machine: 3, shard: 0, freeMb: 500, functions: 1 });
    // Machine 3 is the most loaded by the live count, but its entry records 1 function.
    expect(s.chooseMachine([0, 0, 0, 50], new ScriptedRandom([]))).toBe(3);
  });

  it("falls back to power-of-k once every listed machine has left", () => {
    const s = shard({ idleList: true });
    s.receive({ kind: "join", machine: 2, shard: 0, freeMb: 900, functions: 0 });
    s.receive({ kind: "leave", machine: 2, shard: 0, freeMb: 0, functions: 0 });
    expect(s.chooseMachine(load, new ScriptedRandom([0, 3]))).toBe(3);
  });

  it("refuses an idle-list report when it keeps no idle list", () => {
    expect(() => shard().receive({ kind: "join", machine: 0, shard: 0, freeMb: 1, functions: 0 })).toThrow(/no idle list/);
  });
});

describe("XxShard.placeNext: pick and place in one step", () => {
  it("gives each waiting function its machine in pick order, then null", () => {
    const s = shard();
    s.enqueue(10, 0, 0);
    s.enqueue(11, 1, 0.5);
    const rng = new ScriptedRandom([0, 1, 2, 3]);
    const placed: [number, number][] = [];
    for (let p = s.placeNext(1, [3, 1, 0, 2], rng); p !== null; p = s.placeNext(1, [3, 1, 0, 2], rng)) placed.push([p.fn, p.machine]);
    expect(placed).toEqual([
      [11, 1],
      [10, 2],
    ]);
    expect(rng.used).toBe(4);
  });
});
