import { describe, expect, it } from "vitest";
import { liveHeaders } from "../../../adapters/live/live-headers.ts";
import { planeBreakdown } from "../../../adapters/live/live-invoker.ts";

describe("planeBreakdown (the gateway's timing headers read into the invoke result)", () => {
  it("reads every part of the breakdown, swap-in included, in ms", () => {
    const result = planeBreakdown({
      [liveHeaders.shardWait]: "0.384",
      [liveHeaders.machineQueue]: "12.5",
      [liveHeaders.coldStart]: "9.25",
      [liveHeaders.preempted]: "316.001",
      [liveHeaders.swapIn]: "41.75",
      [liveHeaders.preemptions]: "1",
    });
    expect(result).toEqual({ shardQueueMs: 0.384, machineQueueMs: 12.5, coldStartMs: 9.25, preemptedMs: 316.001, swapInMs: 41.75, preemptions: 1 });
  });

  it.each([
    ["absent", undefined],
    ["empty", ""],
    ["not a number", "soon"],
    ["negative", "-3"],
    ["infinite", "Infinity"],
  ])("leaves a part out when its header is %s", (_what, value) => {
    const headers = value === undefined ? {} : { [liveHeaders.shardWait]: value, [liveHeaders.machineQueue]: value, [liveHeaders.coldStart]: value, [liveHeaders.preempted]: value, [liveHeaders.swapIn]: value };
    expect(planeBreakdown(headers)).toEqual({});
  });

  it("takes the first of a repeated header", () => {
    expect(planeBreakdown({ [liveHeaders.swapIn]: ["2", "7"] })).toEqual({ swapInMs: 2 });
  });
});
