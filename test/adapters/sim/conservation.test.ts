import { describe, expect, it } from "vitest";
import { simPolicies, type SimPolicyName } from "../../../adapters/sim/policies/index.ts";
import { simulate } from "../../support/simulate.ts";

const policies = Object.keys(simPolicies) as SimPolicyName[];

describe.each(policies)("conservation under %s", (policy) => {
  // Overloaded in the middle so queues, preemptions and long drains all happen.
  const scenario = {
    policy,
    seed: 7,
    trace: { phases: [{ tick: 0, load: 0.8 }, { tick: 10, load: 1.4 }, { tick: 25, load: 0.5 }], durationMs: 40_000 },
    sim: { machines: 10, cores: 4, shards: 3, k: 2, sampleIntervalMs: 500 },
  };

  it("gives every invocation exactly one outcome", async () => {
    const { sink, summary } = await simulate(scenario);
    const seen = new Uint8Array(summary.invocations);
    for (const { inv } of sink.outcomes) seen[inv.id]!++;
    expect(summary.invocations).toBeGreaterThan(10_000);
    expect(sink.outcomes.length).toBe(summary.invocations);
    expect(seen.every((n) => n === 1)).toBe(true);
  });

  it("spends exactly the total work as busy core-time", async () => {
    const { sink, summary } = await simulate(scenario);
    const work = sink.outcomes.reduce((s, o) => s + o.inv.workMs, 0);
    expect(summary.counters.busyCoreMs! / work).toBeCloseTo(1, 9);
  });

  it("never starts before arrival nor ends sooner than the work allows", async () => {
    const { sink } = await simulate(scenario);
    for (const { inv, outcome } of sink.outcomes) {
      expect(outcome.startMs!).toBeGreaterThanOrEqual(inv.arrivalMs);
      expect(outcome.endMs! - outcome.startMs!).toBeGreaterThanOrEqual(inv.workMs * (1 - 1e-9));
    }
  });

  it("samples utilization that integrates to the work done", async () => {
    const { sink, summary } = await simulate(scenario);
    const machines = policy === "edf" ? 1 : 10;
    const coresPerMachine = policy === "edf" ? 40 : 4;
    let busy = 0;
    let previous = 0;
    const times = [...new Set(sink.samples.map((s) => s.tMs))];
    for (const t of times) {
      for (const s of sink.samples.filter((x) => x.tMs === t)) busy += s.utilization * coresPerMachine * (t - previous);
      previous = t;
    }
    expect(sink.samples.length).toBe(times.length * machines);
    // The last sample comes after the last completion, so the samples cover all the work.
    expect(busy / summary.counters.workDoneMs!).toBeCloseTo(1, 6);
  });
});

describe("determinism", () => {
  it("gives identical outcomes for the same seed and different ones for another seed", async () => {
    const scenario = { policy: "xx" as const, trace: { invocations: 20_000 }, sim: { machines: 10, cores: 4 } };
    const key = (r: Awaited<ReturnType<typeof simulate>>): string =>
      JSON.stringify(r.sink.outcomes.map((o) => [o.inv.id, o.outcome.machine, o.outcome.startMs, o.outcome.endMs]));
    const a = key(await simulate({ ...scenario, seed: 5 }));
    const b = key(await simulate({ ...scenario, seed: 5 }));
    const c = key(await simulate({ ...scenario, seed: 6 }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});
