import { describe, expect, it } from "vitest";
import { freshenLaunchMs, mispredictionsAfter } from "../../../../adapters/scheduling/freshen/freshen-launch.ts";
import { decideReuse, isFresh, type FreshenState } from "../../../../adapters/scheduling/freshen/freshen-reuse.ts";
import { functionOverheadMs, invocationOverheadMs } from "../../../../adapters/scheduling/freshen/function-overhead.ts";
import { triggerDelaysMs } from "../../../../adapters/scheduling/freshen/trigger-delays.ts";
import { SeededRandom } from "../../../../traces/seeded-random.ts";

describe("decideReuse (FrFetch/FrWarm)", () => {
  it.each<[FreshenState, boolean, ReturnType<typeof decideReuse>]>([
    ["finished", false, { kind: "reuse", source: "prediction" }],
    ["finished", true, { kind: "reuse", source: "prediction" }],
    ["running", false, { kind: "wait" }],
    ["running", true, { kind: "reuse", source: "cache" }],
    ["queued", false, { kind: "do-now" }],
    ["queued", true, { kind: "reuse", source: "cache" }],
    ["none", false, { kind: "do-now" }],
    ["none", true, { kind: "reuse", source: "cache" }],
  ])("own freshen %s, cache fresh %s", (state, fresh, decision) => {
    expect(decideReuse(state, fresh)).toEqual(decision);
  });
});

describe("isFresh", () => {
  it.each([
    [1000, 1000, 500, true],
    [1000, 1499.999, 500, true],
    [1000, 1500, 500, false],
    [1000, 1000, 0, false],
  ])("fetched at %d, used at %d, TTL %d ms: %s", (fetched, now, ttl, fresh) => {
    expect(isFresh(fetched, now, ttl)).toBe(fresh);
  });
});

describe("freshenLaunchMs", () => {
  it.each([
    // parent arrival, call arrival, delay, launch
    [0, 1000, triggerDelaysMs.direct, 940],
    [0, 1000, triggerDelaysMs.s3, 0],
    [500, 1000, triggerDelaysMs.sns, 747],
    [990, 1000, triggerDelaysMs["step-functions"], 990],
    [Number.NEGATIVE_INFINITY, 1000, 64, 936],
  ])("parent %d, call %d, delay %d → %d", (parent, call, delay, launch) => {
    expect(freshenLaunchMs(parent, call, delay)).toBe(launch);
  });

  it("keeps seed 003 Table 1's delays", () => {
    expect(triggerDelaysMs).toEqual({ "step-functions": 64, direct: 60, sns: 253, s3: 1282 });
  });
});

describe("mispredictionsAfter", () => {
  it("is 0 at rate 0 and counts draws below the rate", () => {
    expect(mispredictionsAfter(0, () => 0)).toBe(0);
    const draws = [0.1, 0.2, 0.6];
    expect(mispredictionsAfter(0.5, () => draws.shift()!)).toBe(2);
  });

  it("makes wrong / all predictions the rate", () => {
    const rng = SeededRandom.forPurpose(1, "test-mispredictions");
    let wrong = 0;
    const right = 20000;
    for (let i = 0; i < right; i++) wrong += mispredictionsAfter(0.3, () => rng.next());
    expect(wrong / (wrong + right)).toBeCloseTo(0.3, 2);
  });
});

describe("function overhead", () => {
  it.each([
    [0, 11],
    [1 / 2, Math.sqrt(11 * 622)],
  ])("log-uniform over seed 003's 11-622 ms at u = %d", (u, ms) => {
    expect(functionOverheadMs({ minMs: 11, maxMs: 622 }, u)).toBeCloseTo(ms, 9);
  });

  it("is fixed when the range is one value, and never more than the work", () => {
    expect(functionOverheadMs({ minMs: 50, maxMs: 50 }, 0.9)).toBe(50);
    expect(invocationOverheadMs(50, 20)).toBe(20);
    expect(invocationOverheadMs(50, 200)).toBe(50);
  });
});
