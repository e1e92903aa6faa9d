import { describe, expect, it } from "vitest";
import { paceDecision, type PaceDecision } from "../../../adapters/network/pace-decision.ts";

describe("paceDecision: sleep, spin, send or drop", () => {
  // [due, now, inFlight, max, margin] → decision
  const cases: [string, [number, number, number, number, number], PaceDecision][] = [
    ["far ahead: sleep until the margin before it", [110, 100, 0, 10, 1.5], { kind: "sleep", ms: 8.5 }],
    ["just past the margin: sleep a little", [101.6, 100, 0, 10, 1.5], { kind: "sleep", ms: 0.1 + 1e-12 }],
    ["exactly at the margin: spin", [101.5, 100, 0, 10, 1.5], { kind: "spin" }],
    ["within the margin: spin", [100.2, 100, 0, 10, 1.5], { kind: "spin" }],
    ["due now, a slot free: send", [100, 100, 9, 10, 1.5], { kind: "send" }],
    ["overdue, a slot free: send", [90, 100, 0, 10, 1.5], { kind: "send" }],
    ["due now, every slot taken: drop", [100, 100, 10, 10, 1.5], { kind: "drop" }],
    ["overdue, every slot taken: drop, never wait for a slot", [50, 100, 10, 10, 1.5], { kind: "drop" }],
    ["not yet due and full: spin, the bound only counts at send time", [100.5, 100, 10, 10, 1.5], { kind: "spin" }],
    ["margin 0: sleep all the way", [105, 100, 0, 1, 0], { kind: "sleep", ms: 5 }],
  ];
  it.each(cases)("%s", (_name, [due, now, inFlight, max, margin], expected) => {
    const decision = paceDecision(due, now, inFlight, max, margin);
    if (expected.kind === "sleep" && decision.kind === "sleep") expect(decision.ms).toBeCloseTo(expected.ms, 9);
    else expect(decision).toEqual(expected);
  });
});
