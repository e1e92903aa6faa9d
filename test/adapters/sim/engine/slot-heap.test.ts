import { describe, expect, it } from "vitest";
import { JobTable } from "../../../../adapters/sim/engine/job-table.ts";
import { SlotHeap } from "../../../../adapters/sim/engine/slot-heap.ts";
import { SeededRandom } from "../../../../traces/seeded-random.ts";

/** A heap over slots 0..keys.length-1 with those keys in the job table. */
function heapWithKeys(keys: readonly number[]): SlotHeap {
  const jobs = new JobTable(Math.max(keys.length, 1));
  expect(jobs.key.length).toBeGreaterThanOrEqual(keys.length);
  keys.forEach((key, slot) => (jobs.key[slot] = key));
  return new SlotHeap(jobs);
}

function drain(heap: SlotHeap): number[] {
  const out: number[] = [];
  while (heap.size > 0) {
    const top = heap.peek();
    expect(heap.pop()).toBe(top);
    out.push(top);
  }
  return out;
}

type Op = readonly ["push", slot: number] | readonly ["pop", answer: number] | readonly ["remove", slot: number];

describe("SlotHeap (slots ordered by job key, ties on the smaller slot)", () => {
  it.each<{ name: string; keys: number[]; ops: readonly Op[]; rest: number[] }>([
    { name: "pops in key order", keys: [3, 1, 2], ops: [["push", 0], ["push", 1], ["push", 2]], rest: [1, 2, 0] },
    { name: "ties go to the smaller slot, pushed in either order", keys: [1, 1, 1, 0], ops: [["push", 2], ["push", 0], ["push", 1], ["push", 3]], rest: [3, 0, 1, 2] },
    { name: "pop then push", keys: [5, 1, 3, 2], ops: [["push", 0], ["push", 1], ["pop", 1], ["push", 3], ["push", 2]], rest: [3, 2, 0] },
    { name: "pop to empty", keys: [5, 1], ops: [["push", 0], ["push", 1], ["pop", 1], ["pop", 0]], rest: [] },
    { name: "remove the top", keys: [1, 2, 3], ops: [["push", 0], ["push", 1], ["push", 2], ["remove", 0]], rest: [1, 2] },
    { name: "remove the last in the array", keys: [1, 2, 3], ops: [["push", 0], ["push", 1], ["push", 2], ["remove", 2]], rest: [0, 1] },
    {
      // Array [0:1, 1:10, 2:2, 3:11, 4:12, 5:3]: removing slot 3 moves slot 5 (key 3) under slot 1 (key 10): it must go up.
      name: "remove moves the last entry up when it belongs above the hole's parent",
      keys: [1, 10, 2, 11, 12, 3],
      ops: [["push", 0], ["push", 1], ["push", 2], ["push", 3], ["push", 4], ["push", 5], ["remove", 3]],
      rest: [0, 2, 5, 1, 4],
    },
    {
      name: "remove moves the last entry down when it belongs below",
      keys: [1, 2, 20, 3, 4, 21, 22, 30],
      ops: [["push", 0], ["push", 1], ["push", 2], ["push", 3], ["push", 4], ["push", 5], ["push", 6], ["push", 7], ["remove", 1]],
      rest: [0, 3, 4, 2, 5, 6, 7],
    },
    { name: "remove with equal keys keeps the slot tie rule", keys: [1, 1, 1, 1, 1], ops: [["push", 4], ["push", 3], ["push", 2], ["push", 1], ["push", 0], ["remove", 2]], rest: [0, 1, 3, 4] },
    { name: "grows past eight", keys: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0], ops: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((s) => ["push", s] as const), rest: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0] },
  ])("$name", ({ keys, ops, rest }) => {
    const heap = heapWithKeys(keys);
    ops.forEach((op, n) => {
      if (op[0] === "push") heap.push(op[1]);
      else if (op[0] === "pop") expect(heap.pop(), `op ${n}`).toBe(op[1]);
      else heap.remove(op[1]);
    });
    expect(heap.size).toBe(rest.length);
    expect(Array.from({ length: heap.size }, (_, i) => heap.at(i)).sort((a, b) => a - b)).toEqual([...rest].sort((a, b) => a - b));
    expect(drain(heap)).toEqual(rest);
  });

  it("an empty heap peeks -1; removing a slot not in it throws", () => {
    const heap = heapWithKeys([1, 2]);
    expect(heap.peek()).toBe(-1);
    heap.push(0);
    expect(() => heap.remove(1)).toThrow("slot 1 is not in this heap");
    heap.pop();
    expect(() => heap.remove(0)).toThrow("slot 0 is not in this heap");
  });

  it("agrees with a sorted list over 20,000 random pushes, removes and pops", () => {
    const rng = SeededRandom.forPurpose(5, "slot heap test operations");
    const slots = 500;
    // Few distinct keys, so ties are common.
    const keys = Array.from({ length: slots }, () => rng.int(30));
    const heap = heapWithKeys(keys);
    const inHeap = new Set<number>();
    const order = (a: number, b: number): number => keys[a]! - keys[b]! || a - b;
    for (let step = 0; step < 20_000; step++) {
      const r = rng.next();
      const slot = rng.int(slots);
      if (r < 0.5) {
        if (!inHeap.has(slot)) {
          heap.push(slot);
          inHeap.add(slot);
        }
      } else if (r < 0.7) {
        if (inHeap.has(slot)) {
          heap.remove(slot);
          inHeap.delete(slot);
        }
      } else if (inHeap.size > 0) {
        const min = [...inHeap].sort(order)[0]!;
        expect(heap.pop()).toBe(min);
        inHeap.delete(min);
      }
      expect(heap.size).toBe(inHeap.size);
    }
    expect(drain(heap)).toEqual([...inHeap].sort(order));
  });
});
