import { describe, expect, it } from "vitest";
import { LaunchQueue } from "../../../../adapters/sim/freshen/launch-queue.ts";
import { SeededRandom } from "../../../../traces/seeded-random.ts";

describe("LaunchQueue", () => {
  it("pops earliest first, ties in planning order", () => {
    const q = new LaunchQueue<string>();
    q.push(5, "a");
    q.push(1, "b");
    q.push(5, "c");
    q.push(3, "d");
    q.push(1, "e");
    const out: string[] = [];
    while (q.size > 0) out.push(q.pop());
    expect(out).toEqual(["b", "e", "d", "a", "c"]);
    expect(q.peekAt()).toBe(Number.POSITIVE_INFINITY);
  });

  it("sorts a random batch", () => {
    const rng = SeededRandom.forPurpose(3, "test-launch-queue");
    const q = new LaunchQueue<number>();
    const times = Array.from({ length: 500 }, () => rng.int(50));
    times.forEach((t, i) => q.push(t, i));
    const out: number[] = [];
    while (q.size > 0) out.push(q.pop());
    const expected = times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
    expect(out).toEqual(expected);
  });
});
