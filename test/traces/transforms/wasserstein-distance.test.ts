import { describe, expect, it } from "vitest";
import { wassersteinDistance } from "../../../traces/transforms/wasserstein-distance.ts";

describe("wassersteinDistance", () => {
  it.each([
    // scipy.stats.wasserstein_distance values, worked by hand.
    [[1], 0, [3], 0, 2],
    [[1, 2, 3], 0, [1, 2, 3], 0, 0],
    [[1, 2], 0, [1], 1, 1], // {1,2} vs {0,1}: each half of the mass moves by 1
    [[], 3, [6], 0, 6],
    [[5], 1, [5], 3, 1.25], // F differs by 1/2 − 3/4 on [0,5)
  ])("%j (+%d zeros) vs %j (+%d zeros) = %d", (a, az, b, bz, expected) => {
    expect(wassersteinDistance(a, az, b, bz)).toBeCloseTo(expected, 12);
  });

  it("is symmetric", () => {
    const a = [0.5, 2, 2, 7];
    const b = [1, 3];
    expect(wassersteinDistance(a, 2, b, 5)).toBeCloseTo(wassersteinDistance(b, 5, a, 2), 12);
  });
});
