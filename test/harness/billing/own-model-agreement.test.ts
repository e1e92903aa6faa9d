import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { perInvocationModels, type PerInvocationModelName } from "../../../adapters/billing/billing-model.ts";
import { billingFormula } from "../../../adapters/billing/cost-expression.ts";
import type { SimPolicyName } from "../../../adapters/sim/policies/index.ts";
import { SimBackend } from "../../../adapters/sim/sim-backend.ts";
import { simDefaults, type SimConfig } from "../../../adapters/sim/sim-config.ts";
import { costSql } from "../../../harness/billing/cost-sql.ts";
import { billingModels } from "../../../harness/billing/billing-models.ts";
import { replay, type ReplayedRun } from "../../../harness/replay/replay.ts";
import { RunStore } from "../../../harness/store/run-store.ts";
import { bimodalWeights, syntheticDefaults } from "../../../traces/synthetic/synthetic-config.ts";
import { syntheticTrace } from "../../../traces/synthetic/synthetic-trace.ts";
import { openTempStore } from "../../support/temp-store.ts";

/**
 * The scenario (4 machines × 8 cores, 8 GB RAM, 2 GB swap, ρ = 1.2) with call chains and
 * one tenant on a budget far below its spend, so the XX run has kills, throttles, demotions and
 * inherited classes; Hermod under the same memory gets OOM kills. Every simulator backend runs
 * the same trace; each must bill its own rows exactly as the SQL bills them under its model.
 */
const machines = 4;
const cores = 8;
const trace = syntheticTrace({
  ...syntheticDefaults,
  seed: 7,
  cores: machines * cores,
  phases: [{ tick: 0, load: 1.2 }],
  durationMs: 30_000,
  classWeights: bimodalWeights(4),
  chainShare: 0.3,
  chainFanOut: 2,
  chainDepth: 2,
});
const base: SimConfig = { ...simDefaults, machines, cores, sampleIntervalMs: 0, seed: 7 };
const withMemory: SimConfig = { ...base, ramMb: 8 * 1024, swapMb: 2 * 1024 };

const backends: ReadonlyArray<{ policy: SimPolicyName; sim: SimConfig; own: PerInvocationModelName }> = [
  { policy: "xx", sim: { ...withMemory, budgetsUsd: { "tenant-0": 0.005 } }, own: "xx" },
  { policy: "hermod", sim: withMemory, own: "lambda-x86" },
  { policy: "edf", sim: base, own: "lambda-x86" },
  { policy: "openwhisk", sim: base, own: "lambda-x86" },
  { policy: "knative", sim: base, own: "lambda-x86" },
];

const policyAndModel = backends.map((b) => [b.policy, b.own] as const);

let store: RunStore;
let runs: ReplayedRun[];
let dispose: () => void;

beforeAll(async () => {
  ({ store, dispose } = await openTempStore());
  runs = await replay({
    store,
    trace,
    backends: backends.map((b) => new SimBackend(b.policy, b.sim, trace.prices)),
    seed: 7,
    signal: new AbortController().signal,
  });
});
afterAll(() => dispose());

const runOf = (policy: SimPolicyName): ReplayedRun => runs.find((r) => r.backend === `sim:${policy}`)!;

async function count(runId: number, where: string): Promise<number> {
  const [row] = await store.query(`SELECT count(*)::DOUBLE AS n FROM invocations WHERE run_id = $id AND ${where}`, { id: runId });
  return Number(row!.n);
}

describe("a backend's own billing model and the SQL billing agree", () => {
  it("the XX run has what the check needs: kills with CPU, throttles, demotions, call chains", async () => {
    const id = runOf("xx").runId;
    expect(await count(id, `status = 'killed' AND cpu_ms > 0`)).toBeGreaterThan(100);
    expect(await count(id, `status = 'throttled'`)).toBeGreaterThan(100);
    expect(await count(id, `tenant = 'tenant-0' AND status = 'ok' AND ran_class = 0 AND price_class > 0`)).toBeGreaterThan(10);
    expect(await count(id, `parent_id IS NOT NULL AND ran_class > price_class`)).toBeGreaterThan(100);
    expect(await count(runOf("hermod").runId, `status = 'killed' AND cpu_ms > 0`)).toBeGreaterThan(100);
  });

  it.each(policyAndModel)("sim:%s declares %s and stores it with the run", async (policy, own) => {
    const [row] = await store.query(`SELECT config->>'billingModel' AS config, manifest->'backend'->'config'->>'billingModel' AS manifest FROM runs WHERE run_id = $id`, {
      id: runOf(policy).runId,
    });
    expect(row).toEqual({ config: own, manifest: own });
  });

  it.each(policyAndModel)("sim:%s: costs under %s equal the sum of cost_micro_cents per tenant × class", async (policy, own) => {
    const rows = await store.query(
      `WITH own AS (SELECT tenant, price_class, sum(cost_micro_cents) AS micro_cents, count(*)::DOUBLE AS n
                    FROM invocations WHERE run_id = $id GROUP BY ALL),
            billed AS (SELECT tenant, price_class, cost_usd * 1e8 AS micro_cents, invocations::DOUBLE AS n
                       FROM costs WHERE run_id = $id AND model = $model)
       SELECT own.micro_cents AS own, billed.micro_cents AS billed, own.n AS own_n, billed.n AS billed_n
       FROM own FULL JOIN billed USING (tenant, price_class)`,
      { id: runOf(policy).runId, model: own },
    );
    expect(rows.length).toBe(10 * 4);
    for (const row of rows) {
      expect(row.billed_n).toBe(row.own_n);
      const ownCost = Number(row.own);
      expect(ownCost).toBeGreaterThan(0);
      expect(Math.abs(Number(row.billed) - ownCost)).toBeLessThanOrEqual(1e-12 * ownCost);
    }
  });

  it.each(policyAndModel)("sim:%s: each row's cost_micro_cents is its %s bill in SQL, bit for bit", async (policy, own) => {
    const bill = costSql(billingFormula(perInvocationModels[own]).microCents, trace.prices);
    expect(await count(runOf(policy).runId, `cost_micro_cents IS DISTINCT FROM ${bill}`)).toBe(0);
  });

  it.each(policyAndModel)("sim:%s is still billed under every model", async (policy) => {
    const rows = await store.query(`SELECT DISTINCT model FROM costs WHERE run_id = $id ORDER BY model`, { id: runOf(policy).runId });
    expect(rows.map((r) => r.model)).toEqual([...billingModels].sort());
  });
});

describe("killed invocations are billed the CPU they received", () => {
  it.each(["xx", "hermod"] as const)("sim:%s: the costs table's CPU seconds include the killed invocations' CPU", async (policy) => {
    const id = runOf(policy).runId;
    const [row] = await store.query(
      `SELECT (SELECT sum(cpu_ms) FROM invocations WHERE run_id = $id) / 1000 AS stored,
              (SELECT sum(cpu_ms) FROM invocations WHERE run_id = $id AND status = 'killed') / 1000 AS killed,
              (SELECT sum(cpu_s) FROM costs WHERE run_id = $id AND model = 'xx') AS billed`,
      { id },
    );
    // A killed invocation's CPU is a visible share of all CPU, so billing it 0 could not pass.
    expect(Number(row!.killed)).toBeGreaterThan(0.01 * Number(row!.stored));
    expect(Math.abs(Number(row!.billed) - Number(row!.stored))).toBeLessThanOrEqual(1e-9 * Number(row!.stored));
  });

  it("sim:xx: a killed invocation's bill has its CPU at the class it ran at", async () => {
    const [row] = await store.query(
      `SELECT count(*)::DOUBLE AS n FROM invocations
       WHERE run_id = $id AND status = 'killed' AND cpu_ms > 0
         AND cost_micro_cents < ([${trace.prices.join(", ")}]::DOUBLE[])[ran_class + 1] * cpu_ms / 1000`,
      { id: runOf("xx").runId },
    );
    expect(Number(row!.n)).toBe(0);
  });
});
