import { describe, expect, it } from "vitest";
import { SlotDeque } from "../../../adapters/scheduling/slot-deque.ts";

/** One call on the deque; `popFront` and `removeAt` must answer the slot they take out. */
type Op = readonly ["push", slot: number] | readonly ["pop", answer: number] | readonly ["removeAt", index: number, answer: number];

function contents(deque: SlotDeque): number[] {
  return Array.from({ length: deque.length }, (_, i) => deque.at(i));
}

const pushes = (from: number, to: number): Op[] => Array.from({ length: to - from }, (_, i) => ["push", from + i] as const);
const pops = (from: number, to: number): Op[] => Array.from({ length: to - from }, (_, i) => ["pop", from + i] as const);

describe("SlotDeque (ring buffer of job slots)", () => {
  it.each([
    { name: "push then pop is FIFO", ops: [...pushes(10, 13), ["pop", 10]], expected: [11, 12] },
    { name: "pops empty it", ops: [...pushes(0, 3), ...pops(0, 3)], expected: [] },
    { name: "fills the first buffer exactly", ops: pushes(0, 8), expected: [0, 1, 2, 3, 4, 5, 6, 7] },
    { name: "grows past eight in order", ops: pushes(0, 20), expected: Array.from({ length: 20 }, (_, i) => i) },
    {
      name: "wraps around the ring, then grows while wrapped",
      ops: [...pushes(0, 8), ...pops(0, 3), ...pushes(8, 11), ["push", 11], ["push", 12]],
      expected: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    },
    { name: "removes the front", ops: [...pushes(0, 4), ["removeAt", 0, 0]], expected: [1, 2, 3] },
    { name: "removes from the middle", ops: [...pushes(0, 5), ["removeAt", 2, 2]], expected: [0, 1, 3, 4] },
    { name: "removes the back", ops: [...pushes(0, 5), ["removeAt", 4, 4]], expected: [0, 1, 2, 3] },
    {
      name: "removes across the wrap point",
      ops: [...pushes(0, 8), ...pops(0, 6), ...pushes(8, 12), ["removeAt", 3, 9]],
      expected: [6, 7, 8, 10, 11],
    },
    {
      name: "keeps working at both ends after removals",
      ops: [...pushes(0, 4), ["removeAt", 1, 1], ["push", 4], ["pop", 0], ["removeAt", 2, 4], ["push", 5]],
      expected: [2, 3, 5],
    },
  ] as const)("$name", ({ ops, expected }) => {
    const deque = new SlotDeque();
    ops.forEach((op, n) => {
      if (op[0] === "push") deque.pushBack(op[1]);
      else if (op[0] === "pop") expect(deque.popFront(), `op ${n}`).toBe(op[1]);
      else expect(deque.removeAt(op[1]), `op ${n}`).toBe(op[2]);
    });
    expect(contents(deque)).toEqual(expected);
    expect(deque.length).toBe(expected.length);
  });

  it.each([
    { slot: 12, limit: undefined, index: 0 },
    { slot: 15, limit: undefined, index: 3 },
    { slot: 19, limit: undefined, index: 7 },
    { slot: 99, limit: undefined, index: -1 },
    { slot: 15, limit: 3, index: -1 },
    { slot: 15, limit: 4, index: 3 },
    { slot: 12, limit: 0, index: -1 },
  ])("indexOf($slot, limit $limit) is $index in a wrapped deque", ({ slot, limit, index }) => {
    // Six pushes and pops move the head to buffer index 6, so slots 12..19 sit across the wrap point.
    const deque = new SlotDeque();
    for (let s = 0; s < 6; s++) deque.pushBack(s);
    for (let s = 0; s < 6; s++) deque.popFront();
    for (let s = 12; s < 20; s++) deque.pushBack(s);
    expect(contents(deque)).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
    expect(deque.indexOf(slot, limit)).toBe(index);
  });

  it("indexOf looks only at live elements, not slots left behind in the buffer", () => {
    const deque = new SlotDeque();
    for (let s = 0; s < 4; s++) deque.pushBack(s);
    deque.popFront();
    deque.removeAt(2);
    expect(contents(deque)).toEqual([1, 2]);
    expect(deque.indexOf(0)).toBe(-1);
    expect(deque.indexOf(3)).toBe(-1);
    expect(deque.indexOf(2)).toBe(1);
  });
});
