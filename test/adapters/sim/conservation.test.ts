import { beforeAll, describe, expect, it } from "vitest";
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
  // One run serves every check below: they read it, none changes it.
  let run: Awaited<ReturnType<typeof simulate>>;
  beforeAll(async () => {
    run = await simulate(scenario);
  });

  it("gives every invocation exactly one outcome", () => {
    const { sink, summary } = run;
    const seen = new Uint8Array(summary.invocations);
    for (const { inv } of sink.outcomes) seen[inv.id]!++;
    expect(summary.invocations).toBeGreaterThan(10_000);
    expect(sink.outcomes.length).toBe(summary.invocations);
    expect(seen.every((n) => n === 1)).toBe(true);
  });

  it("spends exactly the total work as busy core-time", () => {
    const { sink, summary } = run;
    const work = sink.outcomes.reduce((s, o) => s + o.inv.workMs, 0);
    expect(summary.counters.busyCoreMs! / work).toBeCloseTo(1, 9);
  });

  it("never starts before arrival nor ends sooner than the work allows", () => {
    const { sink } = run;
    for (const { inv, outcome } of sink.outcomes) {
      expect(outcome.startMs!).toBeGreaterThanOrEqual(inv.arrivalMs);
      expect(outcome.endMs! - outcome.startMs!).toBeGreaterThanOrEqual(inv.workMs * (1 - 1e-9));
    }
  });

  it("samples utilization that integrates to the work done", () => {
    const { sink, summary } = run;
    // EDF is one 40-core machine; the Lambda models sample the platform as one machine whose
    // "cores" are the concurrency cap's task slots (1000 instances of 2048 MB: one task each).
    const machines = policy === "edf" || policy === "faas" || policy === "mu" ? 1 : 10;
    const coresPerMachine = policy === "edf" ? 40 : policy === "faas" || policy === "mu" ? 1000 : 4;
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

describe.each(["xx", "hermod"] as const)("conservation under %s with memory pressure, kills, chains and budgets", (policy) => {
  it("still gives one outcome per invocation, in order, and bills exactly the CPU the cores spent", async () => {
    const { sink, summary } = await simulate({
      policy,
      seed: 17,
      trace: { phases: [{ tick: 0, load: 1.2 }], durationMs: 20_000, chainShare: 0.3, chainFanOut: 2, chainDepth: 2 },
      sim: { machines: 8, cores: 4, ramMb: 8 * 1024, swapMb: 6 * 1024, idleList: true, budgetsUsd: { "tenant-1": 0.01 }, sampleIntervalMs: 500 },
    });
    const seen = new Uint8Array(summary.invocations);
    const statuses = { ok: 0, killed: 0, throttled: 0 } as Record<string, number>;
    for (const { inv, outcome } of sink.outcomes) {
      seen[inv.id]!++;
      statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
      if (outcome.status === "throttled") continue;
      expect(outcome.placedMs!).toBeGreaterThanOrEqual(inv.arrivalMs);
      if (outcome.startMs !== undefined) expect(outcome.startMs).toBeGreaterThanOrEqual(outcome.placedMs!);
      expect(outcome.endMs!).toBeGreaterThanOrEqual(outcome.startMs ?? outcome.placedMs!);
    }
    expect(seen.every((n) => n === 1)).toBe(true);
    expect(statuses.killed).toBeGreaterThan(0);
    if (policy === "xx") {
      expect(statuses.throttled).toBeGreaterThan(0);
      expect(sink.outcomes.some((o) => o.outcome.swapOuts! > 0)).toBe(true);
    }
    expect(summary.counters.busyCoreMs! / summary.counters.workDoneMs!).toBeCloseTo(1, 9);
    for (const s of sink.samples) expect(s.memUsedMb!).toBeLessThanOrEqual(8 * 1024 + 1e-6);
  });
});
