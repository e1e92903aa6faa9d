import { describe, expect, it } from "vitest";
import type { RunSummary } from "../../../../adapters/backend.ts";
import { freshenDefaults, type FreshenConfig } from "../../../../adapters/sim/freshen/freshen-config.ts";
import type { SimPolicyName } from "../../../../adapters/sim/policies/index.ts";
import { SimBackend } from "../../../../adapters/sim/sim-backend.ts";
import { simDefaults, type SimConfig } from "../../../../adapters/sim/sim-config.ts";
import type { Invocation } from "../../../../traces/invocation.ts";
import { RecordingSink } from "../../../support/recording-sink.ts";
import { invocation } from "../../../support/run-invocations.ts";
import { simulate } from "../../../support/simulate.ts";

const prices = [1000, 4000];

/** An uncontended fleet: every function gets a core at once, so latencies are exact sums. */
const idleFleet: Partial<SimConfig> = { machines: 4, cores: 8, shardCostMs: 0 };

async function run(
  policy: SimPolicyName,
  invs: readonly Invocation[],
  freshen: Partial<FreshenConfig> | null,
  sim: Partial<SimConfig> = idleFleet,
): Promise<{ latency: Map<number, number>; sink: RecordingSink; summary: RunSummary }> {
  const config: SimConfig = {
    ...simDefaults,
    sampleIntervalMs: 0,
    seed: 7,
    ...sim,
    freshen: freshen === null ? null : { ...freshenDefaults, ...freshen },
  };
  const sink = new RecordingSink();
  async function* stream(): AsyncGenerator<readonly Invocation[]> {
    yield invs;
  }
  const summary = await new SimBackend(policy, config, prices).run(stream(), sink, new AbortController().signal);
  const latency = new Map(sink.outcomes.map(({ inv, outcome }) => [inv.id, outcome.endMs! - inv.arrivalMs]));
  return { latency, sink, summary };
}

/** A caller of function f at 0 (work 2 s) and calls of g at the given times, each with work 300 ms. */
function chain(callsAt: readonly number[]): Invocation[] {
  return [
    invocation({ id: 0, arrivalMs: 0, workMs: 2000, fn: "f" }),
    ...callsAt.map((at, i) => invocation({ id: i + 1, arrivalMs: at, workMs: 300, fn: "g", parentId: 0 })),
  ];
}

const policies: SimPolicyName[] = ["xx", "hermod", "edf", "openwhisk", "knative"];

describe.each(policies)("freshen on sim:%s", (policy) => {
  it("saves every predicted call its whole overhead when the trigger delay exceeds it", async () => {
    const invs = chain([200, 400, 600]);
    // direct: 60 ms ahead, overhead 50 ms: freshen is done 10 ms before each call arrives.
    const on = await run(policy, invs, { overheadMs: { minMs: 50, maxMs: 50 }, triggers: ["direct"] });
    const off = await run(policy, invs, null);
    for (const id of [1, 2, 3]) {
      expect(off.latency.get(id)).toBe(300);
      expect(on.latency.get(id)).toBe(250);
    }
    // The caller is not predicted (no parent) and with TTL 0 nothing else reuses: unchanged.
    expect(on.latency.get(0)).toBe(off.latency.get(0));
    const c = on.summary.counters;
    expect(c["freshen.predictions"]).toBe(3);
    expect(c["freshen.trigger.direct.whole"]).toBe(3);
    expect(c["freshen.trigger.direct.savedMs"]).toBe(150);
    expect(c["freshen.cpuMs"]).toBe(150);
    // The call's own CPU lost the overhead; freshen's CPU carries it.
    const cpu = new Map(on.sink.outcomes.map(({ inv, outcome }) => [inv.id, outcome.cpuMs]));
    expect(cpu.get(1)).toBe(250);
    expect(cpu.get(0)).toBe(2000);
    // The row says what freshen did for it (memory billing counts it as progress); nothing for the caller.
    const saved = new Map(on.sink.outcomes.map(({ inv, outcome }) => [inv.id, outcome.freshenSavedMs]));
    expect([0, 1, 2, 3].map((id) => saved.get(id))).toEqual([undefined, 50, 50, 50]);
  });

  it("saves exactly the part freshen finished when the trigger delay is shorter than the overhead", async () => {
    // overhead 200 ms; direct gives 60 ms of lead; s3 (1,282 ms) is cut to the caller's arrival (0).
    const direct = await run(policy, chain([500]), { overheadMs: { minMs: 200, maxMs: 200 }, triggers: ["direct"] });
    expect(direct.latency.get(1)).toBe(300 - 60);
    expect(direct.summary.counters["freshen.outcome.wait"]).toBe(1);
    expect(direct.summary.counters["freshen.savedMs"]).toBe(60);
    const s3 = await run(policy, chain([120]), { overheadMs: { minMs: 200, maxMs: 200 }, triggers: ["s3"] });
    expect(s3.latency.get(1)).toBe(300 - 120);
    expect(s3.summary.counters["freshen.trigger.s3.savedMs"]).toBe(120);
    // Freshen's CPU is the whole overhead either way: the call waited for it rather than redoing it.
    expect(direct.summary.counters["freshen.cpuMs"]).toBe(200);
  });
});

describe("a freshen still queued when its call arrives", () => {
  it.each<SimPolicyName>(["xx", "openwhisk", "knative"])("takes no CPU on sim:%s: the call does the overhead itself and freshen finds it done", async (policy) => {
    // One core, busy with the caller until 2,000: freshen (launched at 440) and the call (500) both
    // queue (EDF would preempt the caller for them, Hermod shares the core: neither queues).
    const oneCore = { machines: 1, cores: 1, k: 1, shardCostMs: 0 };
    const invs = chain([500]);
    const on = await run(policy, invs, { overheadMs: { minMs: 50, maxMs: 50 }, triggers: ["direct"] }, oneCore);
    const off = await run(policy, invs, null, oneCore);
    expect(off.latency.get(1)).toBe(1800);
    expect(on.latency.get(1)).toBe(1800);
    expect(on.summary.counters["freshen.skipped"]).toBe(1);
    expect(on.summary.counters["freshen.outcome.do-now"]).toBe(2);
    expect(on.summary.counters["freshen.cpuMs"]).toBe(0);
    expect(on.summary.counters["busyCoreMs"]).toBe(2300);
  });
});

describe("freshen placement (not pinned to the call's machine)", () => {
  // Calls spaced so each freshen (60 ms ahead, 50 ms of work) is done before its call arrives.
  const calls = Array.from({ length: 40 }, (_, i) => 100 + 45 * i);
  const freshen = { overheadMs: { minMs: 50, maxMs: 50 }, triggers: ["direct" as const] };

  it("credits a call wherever it runs, and counts how often that is another machine than its freshen's", async () => {
    const { latency, summary } = await run("hermod", chain(calls), freshen, { machines: 8, cores: 8, k: 2 });
    for (let id = 1; id <= calls.length; id++) expect(latency.get(id)).toBe(250);
    const same = summary.counters["freshen.servedOnFreshenMachine"] ?? 0;
    const other = summary.counters["freshen.servedOnOtherMachine"] ?? 0;
    expect(same + other).toBe(calls.length);
    // Power-of-2 placement over 8 machines puts most calls away from their freshen's machine.
    expect(other).toBeGreaterThan(0);
  });

  it.each<[SimPolicyName, Partial<SimConfig>]>([
    ["edf", { machines: 8, cores: 8 }],
    ["hermod", { machines: 1, cores: 64, k: 1 }],
  ])("is exact on one machine (sim:%s)", async (policy, sim) => {
    const { summary } = await run(policy, chain(calls), freshen, sim);
    expect(summary.counters["freshen.servedOnFreshenMachine"]).toBe(calls.length);
    expect(summary.counters["freshen.servedOnOtherMachine"]).toBeUndefined();
  });
});

describe("freshen mispredictions", () => {
  it("are billed and change no latency", async () => {
    const invs = chain([200, 400, 600, 800, 1000, 1200]);
    const freshen = { overheadMs: { minMs: 50, maxMs: 50 }, triggers: ["direct" as const] };
    const right = await run("xx", invs, freshen);
    const wrong = await run("xx", invs, { ...freshen, mispredictionRate: 0.6 });
    expect(wrong.latency).toEqual(right.latency);
    const n = wrong.summary.counters["freshen.mispredictions"]!;
    expect(n).toBeGreaterThan(0);
    expect(right.summary.counters["freshen.mispredictions"]).toBeUndefined();
    expect(wrong.summary.counters["freshen.mispredictedCpuMs"]).toBe(50 * n);
    expect(wrong.summary.counters["freshen.cpuMs"]).toBe(50 * (6 + n));
    // Billed under every model: the wrong predictions add exactly their own jobs' bills.
    for (const model of ["xx", "lambda-x86", "lambda-arm"]) {
      const perJob = right.summary.counters[`freshen.costMicroCents.${model}`]! / 6;
      expect(perJob).toBeGreaterThan(0);
      expect(wrong.summary.counters[`freshen.costMicroCents.${model}`]).toBeCloseTo(perJob * (6 + n), 6);
    }
    // The rows are the invocations' own: the same bills with or without wrong predictions.
    expect(wrong.sink.outcomes.map((o) => o.outcome.costMicroCents)).toEqual(right.sink.outcomes.map((o) => o.outcome.costMicroCents));
  });
});

describe("freshen TTL", () => {
  it("lets later calls reuse a prefetched result until exactly its expiry", async () => {
    // The call at 100 is freshened from 40 to 90 (direct, 50 ms). With TTL 1 s the result serves
    // calls of g arriving before 1,090 and none from 1,090 on. The predicted call at 600 finds
    // it fresh when its own freshen launches (540): that freshen skips its work.
    const invs = [
      ...chain([100, 600]),
      invocation({ id: 3, arrivalMs: 1089.5, workMs: 300, fn: "g" }),
      invocation({ id: 4, arrivalMs: 1090, workMs: 300, fn: "g" }),
      invocation({ id: 5, arrivalMs: 1095, workMs: 300, fn: "other" }),
    ];
    const { latency, summary } = await run("xx", invs, { overheadMs: { minMs: 50, maxMs: 50 }, triggers: ["direct"], ttlMs: 1000 });
    expect([1, 2, 3, 4, 5].map((id) => latency.get(id))).toEqual([250, 250, 250, 300, 300]);
    expect(summary.counters["freshen.outcome.cache"]).toBe(2);
    expect(summary.counters["freshen.skipped"]).toBe(1);
    expect(summary.counters["freshen.cpuMs"]).toBe(50);
    // TTL 0: only the predicted calls use a result, each its own.
    const noTtl = await run("xx", invs, { overheadMs: { minMs: 50, maxMs: 50 }, triggers: ["direct"] });
    expect([1, 2, 3, 4, 5].map((id) => noTtl.latency.get(id))).toEqual([250, 250, 300, 300, 300]);
    expect(noTtl.summary.counters["freshen.cpuMs"]).toBe(100);
  });
});

describe("freshen on a synthetic chain workload", () => {
  const trace = { invocations: 4000, phases: [{ tick: 0, load: 0.7 }], chainShare: 0.5, chainFanOut: 2, chainDepth: 2 };
  const sim = { machines: 10, cores: 4, freshen: { ...freshenDefaults, mispredictionRate: 0.2, ttlMs: 500 } };

  it.each<SimPolicyName>(["xx", "hermod"])("conserves core-time on sim:%s: busy = work + freshen work", async (policy) => {
    const { sink, summary } = await simulate({ policy, trace, sim, seed: 11 });
    const c = summary.counters;
    expect(c["freshenCpuMs"]).toBeGreaterThan(0);
    expect(c["busyCoreMs"]).toBeCloseTo(c["workDoneMs"]! + c["freshenCpuMs"]!, 3);
    // Every row's CPU is its work less the overhead freshen did for it: summed, the saved CPU.
    let savedCpu = 0;
    for (const { inv, outcome } of sink.outcomes) savedCpu += inv.workMs - outcome.cpuMs!;
    const reused = c["freshen.outcome.prediction"]! + c["freshen.outcome.cache"]! + c["freshen.outcome.wait"]!;
    expect(reused).toBeGreaterThan(0);
    expect(savedCpu).toBeGreaterThan(0);
    expect(c["workDoneMs"]! + savedCpu).toBeCloseTo(sink.outcomes.reduce((s, o) => s + o.inv.workMs, 0), 3);
  });

  it("changes nothing when no call has a parent and nothing is cached", async () => {
    const flat = { ...trace, chainShare: 0 };
    const off = await simulate({ policy: "xx", trace: flat, sim: { machines: 10, cores: 4 }, seed: 11 });
    const on = await simulate({ policy: "xx", trace: flat, sim: { machines: 10, cores: 4, freshen: freshenDefaults }, seed: 11 });
    expect(on.sink.outcomes).toEqual(off.sink.outcomes);
  });
});

describe("the lookahead", () => {
  it("reads far enough ahead for the slowest trigger: S3 launches 1,282 ms before the call", async () => {
    // Many callers, each with a call 1.3 s later: every freshen is planned before the clock gets there.
    const invs: Invocation[] = [];
    for (let i = 0; i < 200; i++) invs.push(invocation({ id: i, arrivalMs: i * 10, workMs: 5000, fn: "f" }));
    for (let i = 0; i < 200; i++) invs.push(invocation({ id: 200 + i, arrivalMs: 2000 + i * 10, workMs: 300, fn: "g", parentId: i }));
    const { latency, summary } = await run("hermod", invs, { overheadMs: { minMs: 50, maxMs: 50 }, triggers: ["s3"] }, { machines: 20, cores: 32, k: 2 });
    expect(summary.counters["freshen.trigger.s3.whole"]).toBe(200);
    for (let id = 200; id < 400; id++) expect(latency.get(id)).toBe(250);
  });
});
