import { describe, expect, it } from "vitest";
import { ReorderBuffer } from "../../../traces/azure2021/reorder-buffer.ts";
import { SeededRandom } from "../../../traces/seeded-random.ts";

/**
 * One call on the buffer: push a start (item = its label) and whether it is accepted, or
 * release (all = drain) and the labels released.
 */
type Op = readonly ["push", start: number, label: string, accepted: boolean] | readonly ["release", all: boolean, released: string[]];

describe("ReorderBuffer (start-time order in bounded memory)", () => {
  it.each<{ name: string; window: number; ops: readonly Op[]; size: number }>([
    {
      name: "holds items until something a window later is seen",
      window: 10,
      ops: [
        ["push", 5, "a", true],
        ["push", 3, "b", true],
        ["push", 12, "c", true],
        ["release", false, []],
        ["push", 15, "d", true],
        ["release", false, ["b", "a"]],
      ],
      size: 2,
    },
    {
      name: "releases an item exactly a window behind the latest start",
      window: 10,
      ops: [
        ["push", 5, "a", true],
        ["push", 14, "b", true],
        ["release", false, []],
        ["push", 15, "c", true],
        ["release", false, ["a"]],
      ],
      size: 2,
    },
    {
      name: "refuses an item starting before one already released, accepts one starting with it",
      window: 10,
      ops: [
        ["push", 5, "a", true],
        ["push", 15, "b", true],
        ["release", false, ["a"]],
        ["push", 4, "late", false],
        ["push", 5, "tie", true],
        ["release", false, ["tie"]],
        ["push", 30, "c", true],
        ["release", false, ["b"]],
        ["release", true, ["c"]],
      ],
      size: 0,
    },
    {
      name: "equal starts leave in arrival order",
      window: 0,
      ops: [
        ["push", 7, "x", true],
        ["push", 7, "y", true],
        ["push", 7, "z", true],
        ["push", 6, "w", true],
        ["release", true, ["w", "x", "y", "z"]],
      ],
      size: 0,
    },
    {
      name: "a refused item does not move the window",
      window: 10,
      ops: [
        ["push", 20, "a", true],
        ["push", 40, "b", true],
        ["release", false, ["a"]],
        ["push", 19, "late", false],
        ["release", false, []],
        ["release", true, ["b"]],
      ],
      size: 0,
    },
    {
      name: "an earlier start does not pull the window back",
      window: 10,
      ops: [
        ["push", 30, "a", true],
        ["push", 19, "b", true],
        ["push", 25, "c", true],
        ["release", false, ["b"]],
        ["release", true, ["c", "a"]],
      ],
      size: 0,
    },
    {
      name: "release(all) drains everything in order, then nothing is left",
      window: 1000,
      ops: [
        ["push", 3, "c", true],
        ["push", 1, "a", true],
        ["push", 2, "b", true],
        ["release", false, []],
        ["release", true, ["a", "b", "c"]],
        ["release", true, []],
      ],
      size: 0,
    },
  ])("$name", ({ window, ops, size }) => {
    const buffer = new ReorderBuffer<string>(window);
    ops.forEach((op, n) => {
      if (op[0] === "push") expect(buffer.push(op[1], op[2]), `op ${n}`).toBe(op[3]);
      else expect([...buffer.release(op[1])], `op ${n}`).toEqual(op[2]);
    });
    expect(buffer.size).toBe(size);
  });

  it("restores order of 20,000 starts shuffled within the window, holding no more than the window", () => {
    const rng = SeededRandom.forPurpose(11, "reorder buffer test jitter");
    const window = 50;
    // Item i starts at i; it is read up to `window` positions late.
    const items = Array.from({ length: 20_000 }, (_, i) => ({ start: i, readAt: i + rng.next() * window }));
    items.sort((a, b) => a.readAt - b.readAt);
    const buffer = new ReorderBuffer<number>(window);
    const out: number[] = [];
    let most = 0;
    for (const { start } of items) {
      expect(buffer.push(start, start)).toBe(true);
      most = Math.max(most, buffer.size);
      for (const s of buffer.release()) out.push(s);
    }
    for (const s of buffer.release(true)) out.push(s);
    expect(out).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
    expect(most).toBeLessThanOrEqual(2 * window + 1);
  });
});
