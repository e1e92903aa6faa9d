import { describe, expect, it } from "vitest";
import { boxDownscale, fnv1aHex, runThumbnail, syntheticPixels, thumbnailSpecErrors } from "../../../../adapters/lambda/mu/thumbnail-task.ts";

describe("thumbnail task", () => {
  it.each([
    // 2×2 → 1×1: the mean of four pixels, rounded.
    [2, 1, [0, 0, 0, 10, 20, 30, 20, 40, 60, 30, 60, 91], [15, 30, 45]],
    // 3×3 → 2×2: blocks [0,1) and [1,3): each source pixel counts once.
    [3, 2, Array.from({ length: 27 }, (_, i) => Math.floor(i / 3) * 10), [0, 0, 0, 15, 15, 15, 45, 45, 45, 60, 60, 60]],
    // 1×1 → 1×1: identity.
    [1, 1, [7, 8, 9], [7, 8, 9]],
  ])("box-downscales %i px to %i px", (source, thumb, pixels, expected) => {
    expect([...boxDownscale(Uint8Array.from(pixels), source, thumb)]).toEqual(expected);
  });

  it("FNV-1a: the published test vectors", () => {
    expect(fnv1aHex(new Uint8Array())).toBe("811c9dc5");
    expect(fnv1aHex(new TextEncoder().encode("a"))).toBe("e40c292c");
    expect(fnv1aHex(new TextEncoder().encode("foobar"))).toBe("bf9cf968");
  });

  it("is deterministic per (seed, task) and differs between tasks", () => {
    const a = runThumbnail({ task: 3, seed: 4, sourcePx: 64, thumbPx: 10 });
    expect(runThumbnail({ task: 3, seed: 4, sourcePx: 64, thumbPx: 10 })).toEqual(a);
    expect(runThumbnail({ task: 4, seed: 4, sourcePx: 64, thumbPx: 10 }).checksum).not.toBe(a.checksum);
    expect(runThumbnail({ task: 3, seed: 5, sourcePx: 64, thumbPx: 10 }).checksum).not.toBe(a.checksum);
    // An odd byte count (5 × 5 × 3 = 75) fills its tail too.
    expect(syntheticPixels({ task: 0, seed: 1, sourcePx: 5 })).toHaveLength(75);
  });

  it.each([
    [{ task: 0, seed: 1, sourcePx: 0, thumbPx: 1 }, /sourcePx must be/],
    [{ task: 0, seed: 1, sourcePx: 5000, thumbPx: 1 }, /sourcePx must be/],
    [{ task: 0, seed: 1, sourcePx: 10, thumbPx: 11 }, /thumbPx must be/],
    [{ task: -1, seed: 1, sourcePx: 10, thumbPx: 1 }, /task must be/],
    [{ task: 0, seed: 0.5, sourcePx: 10, thumbPx: 1 }, /seed must be/],
  ])("refuses %j", (spec, message) => {
    expect(thumbnailSpecErrors(spec).join("; ")).toMatch(message);
    expect(() => runThumbnail(spec)).toThrow(message);
  });
});
