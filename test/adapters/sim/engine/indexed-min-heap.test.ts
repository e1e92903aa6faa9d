import { describe, expect, it } from "vitest";
import { IndexedMinHeap } from "../../../../adapters/sim/engine/indexed-min-heap.ts";
import { SeededRandom } from "../../../../traces/seeded-random.ts";

function drain(heap: IndexedMinHeap): [id: number, key: number][] {
  const out: [number, number][] = [];
  while (heap.size > 0) {
    const id = heap.peekId();
    const key = heap.peekKey();
    expect(heap.pop()).toBe(id);
    expect(heap.has(id)).toBe(false);
    out.push([id, key]);
  }
  return out;
}

type Op = readonly ["set", id: number, key: number] | readonly ["delete", id: number];

describe("IndexedMinHeap (keyed ids, ties on the smaller id)", () => {
  it.each<{ name: string; ops: readonly Op[]; order: [number, number][] }>([
    { name: "pops in key order", ops: [["set", 0, 3], ["set", 1, 1], ["set", 2, 2]], order: [[1, 1], [2, 2], [0, 3]] },
    { name: "ties go to the smaller id, inserted in either order", ops: [["set", 4, 1], ["set", 2, 1], ["set", 3, 1], ["set", 0, 2]], order: [[2, 1], [3, 1], [4, 1], [0, 2]] },
    { name: "negative and infinite keys", ops: [["set", 0, Infinity], ["set", 1, -5], ["set", 2, 0]], order: [[1, -5], [2, 0], [0, Infinity]] },
    { name: "set on a member lowers its key", ops: [["set", 0, 1], ["set", 1, 2], ["set", 2, 3], ["set", 2, 0]], order: [[2, 0], [0, 1], [1, 2]] },
    { name: "set on a member raises its key", ops: [["set", 0, 1], ["set", 1, 2], ["set", 2, 3], ["set", 0, 9]], order: [[1, 2], [2, 3], [0, 9]] },
    { name: "set on a member to an equal key keeps the id tie rule", ops: [["set", 0, 5], ["set", 1, 1], ["set", 1, 5]], order: [[0, 5], [1, 5]] },
    { name: "delete the minimum", ops: [["set", 0, 1], ["set", 1, 2], ["set", 2, 3], ["delete", 0]], order: [[1, 2], [2, 3]] },
    { name: "delete the last in the array", ops: [["set", 0, 1], ["set", 1, 2], ["set", 2, 3], ["delete", 2]], order: [[0, 1], [1, 2]] },
    { name: "delete an absent or out-of-range id is a no-op", ops: [["set", 0, 1], ["delete", 5], ["delete", 1000], ["delete", 0], ["delete", 0]], order: [] },
    {
      // Heap array [0:1, 1:10, 2:2, 3:11, 4:12, 5:3]: deleting id 3 moves id 5 (key 3) under id 1 (key 10): it must go up.
      name: "delete moves the last entry up when it belongs above the hole's parent",
      ops: [["set", 0, 1], ["set", 1, 10], ["set", 2, 2], ["set", 3, 11], ["set", 4, 12], ["set", 5, 3], ["delete", 3]],
      order: [[0, 1], [2, 2], [5, 3], [1, 10], [4, 12]],
    },
    {
      name: "delete moves the last entry down when it belongs below",
      ops: [["set", 0, 1], ["set", 1, 2], ["set", 2, 20], ["set", 3, 3], ["set", 4, 4], ["set", 5, 21], ["set", 6, 22], ["set", 7, 30], ["delete", 1]],
      order: [[0, 1], [3, 3], [4, 4], [2, 20], [5, 21], [6, 22], [7, 30]],
    },
    { name: "an id deleted then set again comes back with its new key", ops: [["set", 0, 1], ["set", 1, 2], ["delete", 0], ["set", 0, 3]], order: [[1, 2], [0, 3]] },
    { name: "an id of exactly twice the capacity grows the heap", ops: [["set", 8, 2], ["set", 0, 3]], order: [[8, 2], [0, 3]] },
    { name: "ids beyond the capacity grow the heap", ops: [["set", 200, 2], ["set", 1, 3], ["set", 70, 1]], order: [[70, 1], [200, 2], [1, 3]] },
  ])("$name", ({ ops, order }) => {
    const heap = new IndexedMinHeap(4);
    for (const op of ops) {
      if (op[0] === "set") heap.set(op[1], op[2]);
      else heap.delete(op[1]);
    }
    expect(heap.size).toBe(order.length);
    for (const [id, key] of order) {
      expect(heap.has(id)).toBe(true);
      expect(heap.key(id)).toBe(key);
    }
    expect(drain(heap)).toEqual(order);
  });

  it("an empty heap peeks +Infinity and -1 and has nothing", () => {
    const heap = new IndexedMinHeap(2);
    expect([heap.size, heap.peekKey(), heap.peekId(), heap.has(0), heap.has(5)]).toEqual([0, Infinity, -1, false, false]);
    heap.set(1, 7);
    expect([heap.size, heap.peekKey(), heap.peekId(), heap.has(0), heap.has(1)]).toEqual([1, 7, 1, false, true]);
  });

  it("agrees with a sorted list over 20,000 random sets, deletes and pops", () => {
    const rng = SeededRandom.forPurpose(3, "indexed heap test operations");
    const heap = new IndexedMinHeap(2);
    const model = new Map<number, number>();
    const modelMin = (): [number, number] | undefined => {
      let best: [number, number] | undefined;
      for (const [id, key] of model) if (best === undefined || key < best[1] || (key === best[1] && id < best[0])) best = [id, key];
      return best;
    };
    for (let step = 0; step < 20_000; step++) {
      const r = rng.next();
      const id = rng.int(300);
      if (r < 0.55) {
        // Few distinct keys, so ties are common.
        const key = rng.int(40);
        heap.set(id, key);
        model.set(id, key);
      } else if (r < 0.75) {
        heap.delete(id);
        model.delete(id);
      } else if (model.size > 0) {
        const [minId, minKey] = modelMin()!;
        expect(heap.peekKey()).toBe(minKey);
        expect(heap.pop()).toBe(minId);
        model.delete(minId);
      }
      expect(heap.size).toBe(model.size);
    }
    const rest = [...model].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    expect(drain(heap)).toEqual(rest);
  });
});
