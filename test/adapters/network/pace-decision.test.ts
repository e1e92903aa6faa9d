import { describe, expect, it } from "vitest";
import { paceDecision, type PaceDecision } from "../../../adapters/network/pace-decision.ts";

describe("paceDecision: sleep, hold, yield, send or drop", () => {
  const timing = { spinMarginMs: 1.5, holdMs: 0.025 };
  // [due, now, inFlight, max, turnUsed] → decision
  const cases: [string, [number, number, number, number, boolean], PaceDecision][] = [
    ["far ahead: sleep until the margin before it", [110, 100, 0, 10, false], { kind: "sleep", ms: 8.5 }],
    ["just past the margin: sleep a little", [101.6, 100, 0, 10, false], { kind: "sleep", ms: 0.1 }],
    ["exactly at the margin: hold for one stretch, not to the due time", [101.5, 100, 0, 10, false], { kind: "hold", untilMs: 100.025 }],
    ["within one stretch: hold until the due time itself", [100.01, 100, 0, 10, false], { kind: "hold", untilMs: 100.01 }],
    ["within the margin after a send this turn: yield so answers get read", [100.01, 100, 0, 10, true], { kind: "yield" }],
    ["far ahead after a send this turn: still sleep", [110, 100, 0, 10, true], { kind: "sleep", ms: 8.5 }],
    ["due now, a slot free: send", [100, 100, 9, 10, false], { kind: "send" }],
    ["due now after a send this turn: send in the same turn", [100, 100, 9, 10, true], { kind: "send" }],
    ["overdue, a slot free: send", [90, 100, 0, 10, false], { kind: "send" }],
    ["due now, every slot taken: drop", [100, 100, 10, 10, false], { kind: "drop" }],
    ["overdue, every slot taken: drop, never wait for a slot", [50, 100, 10, 10, false], { kind: "drop" }],
    ["not yet due and full: hold, the bound only counts at send time", [100.02, 100, 10, 10, false], { kind: "hold", untilMs: 100.02 }],
  ];
  it.each(cases)("%s", (_name, [due, now, inFlight, max, turnUsed], expected) => {
    const decision = paceDecision(due, now, inFlight, max, turnUsed, timing);
    expect(decision.kind).toBe(expected.kind);
    if (expected.kind === "sleep" && decision.kind === "sleep") expect(decision.ms).toBeCloseTo(expected.ms, 9);
    else if (expected.kind === "hold" && decision.kind === "hold") expect(decision.untilMs).toBeCloseTo(expected.untilMs, 9);
    else expect(decision).toEqual(expected);
  });
  it("margin 0: sleep all the way, never hold", () => {
    expect(paceDecision(105, 100, 0, 1, false, { spinMarginMs: 0, holdMs: 0.025 })).toEqual({ kind: "sleep", ms: 5 });
  });
});
