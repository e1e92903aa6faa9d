import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { planLambda } from "../../../adapters/lambda/lambda-plan.ts";
import { billedMicroCents, lambdaPrice } from "../../../adapters/lambda/lambda-prices.ts";
import { probeTrace, type ProbeSpec } from "../../../adapters/lambda/probe-trace.ts";
import { defaultNetworkOptions } from "../../../adapters/network/network-options.ts";
import { probeSweep, runLambdaProbe } from "../../../harness/lambda/run-probe.ts";
import type { RunStore } from "../../../harness/store/run-store.ts";
import { loadReportRuns } from "../../../reports/report-runs.ts";
import { lambdaSection } from "../../../reports/sections/lambda-section.ts";
import type { Invocation } from "../../../traces/invocation.ts";
import { startInvokeApiStandIn, type InvokeApiStandIn } from "../../support/invoke-api-stand-in.ts";
import { openTempStore } from "../../support/temp-store.ts";

async function read(spec: ProbeSpec): Promise<Invocation[]> {
  const all: Invocation[] = [];
  for await (const batch of probeTrace(spec).open()) all.push(...batch);
  return all;
}

describe("probeTrace", () => {
  it("is N invocations of the 20 ms sleep, first at 0, gaps uniform in [0, max] from its own seeded stream", async () => {
    const spec: ProbeSpec = { invocations: 2000, maxGapS: 600, workMs: 20, memMb: 16, seed: 3 };
    const invocations = await read(spec);
    expect(invocations).toHaveLength(2000);
    expect(invocations[0]!.arrivalMs).toBe(0);
    const gaps = invocations.slice(1).map((inv, i) => inv.arrivalMs - invocations[i]!.arrivalMs);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(600_000);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    // Uniform on [0, 600 s]: mean 300 s, sd of the mean 173/√1999 ≈ 3.9 s.
    expect(Math.abs(mean - 300_000)).toBeLessThan(4 * 3_900);
    expect(invocations.every((inv) => inv.workMs === 20 && inv.fn === "probe")).toBe(true);
    expect((await read(spec)).map((i) => i.arrivalMs)).toEqual(invocations.map((i) => i.arrivalMs));
    expect((await read({ ...spec, seed: 4 }))[1]!.arrivalMs).not.toBe(invocations[1]!.arrivalMs);
  });
});

describe("xxbench lambda probe against the Invoke-API stand-in (keep-alive 150 ms, init 30 ms)", () => {
  let server: InvokeApiStandIn;
  let store: RunStore;
  let dispose: () => void;
  const keepAliveMs = 150;
  // Gaps up to 0.5 s against a 150 ms keep-alive: the seeds' 10 minutes against Lambda's, shrunk.
  const spec: ProbeSpec = { invocations: 14, maxGapS: 0.5, workMs: 20, memMb: 16, seed: 11 };

  beforeAll(async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDSTANDIN");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "stand-in-secret");
    [server, { store, dispose }] = await Promise.all([startInvokeApiStandIn({ initMs: 30, memorySizeMb: 128, keepAliveMs }), openTempStore()]);
  });
  afterAll(async () => {
    await server?.close();
    dispose?.();
    vi.unstubAllEnvs();
  });

  it("stand-in: cold starts follow the long gaps; the report panel splits cold from warm and reconciles the bill with the estimate", async () => {
    const plans: number[] = [];
    const run = await runLambdaProbe({
      store,
      region: "us-east-1",
      arch: "arm64",
      memoryMb: 128,
      functionName: "xxbench-probe",
      spec,
      network: defaultNetworkOptions,
      signal: new AbortController().signal,
      endpoint: server.url,
      onPlan: (plan) => plans.push(plan.usd.arm64),
    });
    expect(run.summary.outcomes).toMatchObject({ ok: 14 });
    expect(plans).toHaveLength(1);

    // A gap well past the keep-alive must find the instance gone; one well inside it must not.
    // Gaps within 60 ms of the boundary may go either way on a loaded machine.
    const invocations = await read(spec);
    const gaps = invocations.slice(1).map((inv, i) => inv.arrivalMs - invocations[i]!.arrivalMs);
    const surelyCold = 1 + gaps.filter((g) => g - spec.workMs > keepAliveMs + 60).length;
    const maybeCold = 1 + gaps.filter((g) => g - spec.workMs > keepAliveMs - 60).length;
    expect(surelyCold).toBeGreaterThanOrEqual(3);
    expect(server.counts.cold).toBeGreaterThanOrEqual(surelyCold);
    expect(server.counts.cold).toBeLessThanOrEqual(maybeCold);

    const runs = await loadReportRuns(store, { sweep: probeSweep });
    expect(runs.map((r) => r.runId)).toEqual([run.runId]);
    const section = await lambdaSection({ store, runs, classes: [0], prices: [1] });
    expect(section).not.toBeNull();
    const { groups, costs } = section!.summary;
    const cold = groups.find((g) => g.start === "cold")!;
    const warm = groups.find((g) => g.start === "warm")!;
    expect(cold.invocations).toBe(server.counts.cold);
    expect(cold.invocations + warm.invocations).toBe(14);
    expect(cold.initP50Ms).toBe(30);
    expect(warm.initP50Ms).toBe(0);
    expect(cold.execP50Ms).toBeGreaterThanOrEqual(20);
    expect(cold.responseP50Ms).toBeGreaterThan(warm.responseP50Ms);
    expect(section!.charts.map((c) => c.id)).toEqual(["lambda-cold-warm", "lambda-breakdown"]);

    const rows = await store.query(`SELECT billed_ms, memory_size_mb FROM invocation_rows WHERE run_id = ${run.runId}`);
    const price = lambdaPrice("us-east-1");
    const billed = rows.reduce((sum, r) => sum + billedMicroCents(price, "arm64", Number(r.billed_ms), Number(r.memory_size_mb)), 0) / 1e8;
    const [cost] = costs;
    expect(cost!.billedUsd).toBeCloseTo(billed, 12);
    // The estimate is the planner's own number for this trace: the report reconciles like with like.
    expect(cost!.estimateUsd).toBeCloseTo(plans[0]!, 12);
    expect(cost!.initGbSeconds).toBeCloseTo((server.counts.cold * 30 * 128) / 1000 / 1024, 9);
    expect(cost!.billedUsd).toBeGreaterThan(cost!.estimateUsd);
    expect(section!.markdown).toContain("| run | start | invocations |");
  });

  it("planLambda: Little's law per second, GB-s and dollars per architecture, exactly", async () => {
    // 4 invocations of 500 ms at 0, 250, 500, 750 ms, then one of 2,000 ms at 3,000 ms.
    const trace = {
      kind: "test",
      spec: {},
      prices: [1],
      open: async function* () {
        yield [0, 250, 500, 750].map((arrivalMs, id) => ({ id, arrivalMs, tenant: "t", app: "a", fn: "f", priceClass: 0, workMs: 500, memStartMb: 1, memPeakMb: 1 }));
        yield [{ id: 4, arrivalMs: 3000, tenant: "t", app: "a", fn: "f", priceClass: 0, workMs: 1999.2, memStartMb: 1, memPeakMb: 1 }];
      },
    };
    const plan = await planLambda(trace, { region: "us-east-1", memoryMb: 1024, price: lambdaPrice("us-east-1") });
    // Second 0 holds 500 + 500 + 500 + 250 ms of execution: mean concurrency 1.75.
    expect(plan.peakConcurrency).toBe(1.75);
    expect(plan.peakSecond).toBe(0);
    expect(plan.invocations).toBe(5);
    expect(plan.spanS).toBe(5);
    expect(plan.gbSeconds).toBeCloseTo(4, 12);
    expect(plan.usd.x86_64).toBeCloseTo(4 * 0.0000166667 + 5 * 0.2e-6, 15);
    expect(plan.usd.arm64).toBeCloseTo(4 * 0.0000133334 + 5 * 0.2e-6, 15);
  });
});
