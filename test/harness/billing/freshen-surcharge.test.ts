import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { microCentsPerUsd } from "../../../adapters/billing/price-table.ts";
import { freshenDefaults } from "../../../adapters/sim/freshen/freshen-config.ts";
import { SimBackend } from "../../../adapters/sim/sim-backend.ts";
import { simDefaults, type SimConfig } from "../../../adapters/sim/sim-config.ts";
import { replay, type ReplayedRun } from "../../../harness/replay/replay.ts";
import type { RunStore } from "../../../harness/store/run-store.ts";
import { bimodalWeights, syntheticDefaults } from "../../../traces/synthetic/synthetic-config.ts";
import { syntheticTrace } from "../../../traces/synthetic/synthetic-trace.ts";
import { openTempStore } from "../../support/temp-store.ts";

/** One chained stream through sim:xx (XX billing) and sim:hermod (Lambda billing), each with and without freshen. */
const machines = 4;
const cores = 8;
const trace = syntheticTrace({
  ...syntheticDefaults,
  seed: 5,
  cores: machines * cores,
  phases: [{ tick: 0, load: 0.6 }],
  invocations: 1500,
  classWeights: bimodalWeights(4),
  chainShare: 0.5,
  chainFanOut: 2,
  chainDepth: 2,
});
const plain: SimConfig = { ...simDefaults, machines, cores, sampleIntervalMs: 0, seed: 5 };
const freshened: SimConfig = { ...plain, freshen: { ...freshenDefaults, mispredictionRate: 0.25 } };

let store: RunStore;
let dispose: () => void;
let runs: ReplayedRun[];

beforeAll(async () => {
  ({ store, dispose } = await openTempStore());
  runs = await replay({
    store,
    trace,
    seed: 5,
    signal: new AbortController().signal,
    backends: [
      new SimBackend("xx", plain, trace.prices),
      new SimBackend("xx", freshened, trace.prices),
      new SimBackend("hermod", plain, trace.prices),
      new SimBackend("hermod", freshened, trace.prices),
    ],
  });
});

afterAll(() => dispose());

async function costUsd(runId: number, model: string): Promise<{ usd: number; cpuS: number; invocations: number }> {
  const rows = await store.query(`SELECT sum(cost_usd) AS usd, sum(cpu_s) AS cpu_s, sum(invocations)::BIGINT AS n FROM costs WHERE run_id = $id AND model = $model`, { id: runId, model });
  const r = rows[0] as { usd: number; cpu_s: number; n: bigint };
  return { usd: r.usd, cpuS: r.cpu_s, invocations: Number(r.n) };
}

async function rowsUsd(runId: number): Promise<number> {
  const rows = await store.query(`SELECT sum(cost_micro_cents) AS c FROM invocations WHERE run_id = $id`, { id: runId });
  return (rows[0] as { c: number }).c / microCentsPerUsd;
}

describe("freshen in the costs table", () => {
  it.each(["xx", "lambda-x86", "lambda-arm"])("bills every freshen job, mispredictions included, under %s", async (model) => {
    for (const run of runs.filter((_, i) => i % 2 === 1)) {
      const c = run.summary.counters;
      expect(c["freshen.mispredictions"]).toBeGreaterThan(0);
      const cost = await costUsd(run.runId, model);
      const freshenUsd = c[`freshen.costMicroCents.${model}`]! / microCentsPerUsd;
      expect(freshenUsd).toBeGreaterThan(0);
      // The rows' own bills plus freshen's, and the CPU of both; invocation counts stay the rows'.
      expect(cost.invocations).toBe(1500);
      expect(cost.cpuS).toBeCloseTo((c["workDoneMs"]! + c["freshenCpuMs"]!) / 1000, 6);
      if ((run.backend === "sim:xx" && model === "xx") || (run.backend === "sim:hermod" && model === "lambda-x86")) {
        expect(cost.usd).toBeCloseTo((await rowsUsd(run.runId)) + freshenUsd, 9);
      }
    }
  });

  it("shares the unchanged fleet bill over rows' and freshen's CPU under provisioned", async () => {
    for (const run of runs.filter((_, i) => i % 2 === 1)) {
      const cost = await costUsd(run.runId, "provisioned");
      const c = run.summary.counters;
      expect(cost.cpuS).toBeCloseTo((c["workDoneMs"]! + c["freshenCpuMs"]!) / 1000, 6);
      const xxShare = await store.query(
        `SELECT cost_usd, cpu_s FROM costs WHERE run_id = $id AND model = 'provisioned' ORDER BY tenant, price_class`,
        { id: run.runId },
      );
      const rows = xxShare as { cost_usd: number; cpu_s: number }[];
      for (const r of rows) expect(r.cost_usd / cost.usd).toBeCloseTo(r.cpu_s / cost.cpuS, 9);
    }
  });

  it("leaves a run without freshen billed from its rows alone", async () => {
    const run = runs[0]!;
    expect((await costUsd(run.runId, "xx")).usd).toBeCloseTo(await rowsUsd(run.runId), 9);
    expect(run.summary.counters["freshen.cpuMs"]).toBeUndefined();
  });
});
