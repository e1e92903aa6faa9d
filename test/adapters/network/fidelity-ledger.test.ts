import { describe, expect, it } from "vitest";
import { FidelityLedger, ratePerS } from "../../../adapters/network/fidelity-ledger.ts";

describe("ratePerS: events per second over their span", () => {
  const cases: [string, number, number, number, number][] = [
    ["100 sends 10 ms apart are 100/s", 100, 0, 990, 100],
    ["2 sends 1 s apart are 1/s", 2, 5000, 6000, 1],
    ["1 000 over 0.5 s", 1000, 0, 499.5, 2000],
    ["one event has no rate", 1, 0, 0, 0],
    ["none has no rate", 0, Infinity, -Infinity, 0],
    ["all at one instant has no rate", 50, 10, 10, 0],
  ];
  it.each(cases)("%s", (_name, count, first, last, expected) => expect(ratePerS(count, first, last)).toBeCloseTo(expected, 9));
});

describe("FidelityLedger", () => {
  it("summarises lateness (µs precision), rates and counts", () => {
    const ledger = new FidelityLedger();
    // 100 sends 10 ms apart; 98 on time to the µs, one 0.5 ms late, one 40 ms late; 10 drops.
    for (let i = 0; i < 100; i++) ledger.recordSent(i * 10, i * 10 + (i === 50 ? 0.5 : i === 99 ? 40 : 0));
    for (let i = 0; i < 10; i++) ledger.recordDropped(1000 + i * 10);
    const summary = ledger.summary();
    expect(summary).toMatchObject({ sent: 100, dropped: 10, latenessP50Ms: 0 });
    expect(summary.latenessMaxMs).toBe(40);
    expect(summary.latenessP99Ms).toBeCloseTo(0.5, 3);
    expect(ledger.latenessPercentileMs(100)).toBeCloseTo(40, 1);
    // Intended: 110 over 0..1090 ms; achieved: 100 over 0..1030 ms (the last one 40 ms late).
    expect(summary.intendedPerS).toBeCloseTo((109 * 1000) / 1090, 9);
    expect(summary.achievedPerS).toBeCloseTo((99 * 1000) / 1030, 9);
  });

  it("never counts an early send as negative lateness", () => {
    const ledger = new FidelityLedger();
    ledger.recordSent(10, 9);
    expect(ledger.summary().latenessMaxMs).toBe(0);
  });

  it("counts intended and actual sends per second of the run", () => {
    const ledger = new FidelityLedger();
    ledger.recordSent(100, 100.1);
    ledger.recordSent(900, 1200); // intended in second 0, left in second 1
    ledger.recordDropped(2500);
    expect(ledger.perSecond()).toEqual([
      { second: 0, intended: 2, sent: 1 },
      { second: 1, intended: 0, sent: 1 },
      { second: 2, intended: 1, sent: 0 },
    ]);
  });

  it("reports zeros before anything was sent", () => {
    expect(new FidelityLedger().summary()).toEqual({ latenessP50Ms: 0, latenessP99Ms: 0, latenessMaxMs: 0, intendedPerS: 0, achievedPerS: 0, sent: 0, dropped: 0 });
  });
});
