import { describe, expect, it } from "vitest";
import { processorShare } from "../../../adapters/scheduling/processor-share.ts";

describe("processor sharing (each of n functions on c cores runs at min(1, c/n))", () => {
  it.each([
    { functions: 0, cores: 4, share: 1 },
    { functions: 1, cores: 4, share: 1 },
    { functions: 4, cores: 4, share: 1 },
    { functions: 5, cores: 4, share: 0.8 },
    { functions: 8, cores: 2, share: 0.25 },
    { functions: 3, cores: 1, share: 1 / 3 },
  ])("$functions functions on $cores cores → $share", ({ functions, cores, share }) => {
    expect(processorShare(functions, cores)).toBe(share);
  });
});
