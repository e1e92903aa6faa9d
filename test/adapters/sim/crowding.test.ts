import { quantile } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { simulate } from "../../support/simulate.ts";
import type { RecordingSink } from "../../support/recording-sink.ts";

// The seeds' Figure 3 (seed 000 §4.2): medium load, raised above capacity from tick 50, lowered at
// tick 80. Under preemptive priority the top class sees only its own load; under PS all slow alike.
const figure3 = {
  trace: { phases: [{ tick: 0, load: 0.7 }, { tick: 50, load: 1.3 }, { tick: 80, load: 0.7 }], tickMs: 1000, durationMs: 120_000 },
  sim: { machines: 20, cores: 8 },
  seed: 3,
};
const high = 3;
const low = 0;

function latencies(sink: RecordingSink, cls: number, fromS: number, toS: number): number[] {
  return sink.outcomes
    .filter((o) => o.inv.priceClass === cls && o.inv.arrivalMs >= fromS * 1000 && o.inv.arrivalMs < toS * 1000)
    .map((o) => o.outcome.endMs! - o.inv.arrivalMs);
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("the crowding problem (Figure 3)", async () => {
  const xx = (await simulate({ policy: "xx", ...figure3 })).sink;
  const hermod = (await simulate({ policy: "hermod", ...figure3 })).sink;
  const p99 = (sink: RecordingSink, cls: number, from: number, to: number): number => quantile(latencies(sink, cls, from, to), 0.99);

  it("keeps xx's high-class p99 during the spike within 2× its base-load value", () => {
    expect(p99(xx, high, 50, 80)).toBeLessThan(2 * p99(xx, high, 10, 50));
  });

  it("lets hermod's high-class p99 grow far more (over 10×) during the spike", () => {
    expect(p99(hermod, high, 50, 80)).toBeGreaterThan(10 * p99(hermod, high, 10, 50));
  });

  it("makes xx's low class pay: its mean and median latency from the spike on exceed hermod's", () => {
    const xxLow = latencies(xx, low, 50, 120);
    const hermodLow = latencies(hermod, low, 50, 120);
    expect(mean(xxLow)).toBeGreaterThan(1.5 * mean(hermodLow));
    expect(quantile(xxLow, 0.5)).toBeGreaterThan(quantile(hermodLow, 0.5));
  });

  it("treats every class alike under hermod: class means within 10% of each other during the spike", () => {
    const means = [0, 1, 2, 3].map((c) => mean(latencies(hermod, c, 50, 80)));
    expect(Math.max(...means) / Math.min(...means)).toBeLessThan(1.1);
  });
});

describe("late-binding baselines suffer the crowding problem too", async () => {
  for (const policy of ["openwhisk", "knative"] as const) {
    const sink = (await simulate({ policy, ...figure3 })).sink;
    it(`${policy}'s high-class p99 grows over 10× during the spike, like every other class's`, () => {
      const growth = (cls: number): number => quantile(latencies(sink, cls, 50, 80), 0.99) / quantile(latencies(sink, cls, 10, 50), 0.99);
      expect(growth(high)).toBeGreaterThan(10);
      expect(growth(high) / growth(low)).toBeGreaterThan(0.5);
    });
  }
});
