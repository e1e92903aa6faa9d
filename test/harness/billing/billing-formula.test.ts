import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Outcome } from "../../../adapters/backend.ts";
import { usage, type UsageName } from "../../../adapters/billing/billed-usage.ts";
import { perInvocationModels, type PerInvocationModelName } from "../../../adapters/billing/billing-model.ts";
import { compileModelCost } from "../../../adapters/billing/compile-cost.ts";
import { billingFormula } from "../../../adapters/billing/cost-expression.ts";
import { priceTable } from "../../../adapters/billing/price-table.ts";
import { billingModels } from "../../../harness/billing/billing-models.ts";
import { costSql } from "../../../harness/billing/cost-sql.ts";
import { RunStore } from "../../../harness/store/run-store.ts";
import type { Invocation } from "../../../traces/invocation.ts";
import { openTempStore } from "../../support/temp-store.ts";

const prices = [1, 2];
const memPrice = priceTable.xx.memoryMicroCentsPerGbSecond;
const x86 = priceTable.lambda.x86UsdPerGbSecond * 1e8;
const arm = priceTable.lambda.armUsdPerGbSecond * 1e8;
const fee = priceTable.lambda.usdPerRequest * 1e8;

interface Case {
  readonly name: string;
  readonly inv: Partial<Invocation>;
  readonly outcome: Partial<Outcome>;
  /** Worked by hand, in µ¢. */
  readonly expected: Readonly<Record<PerInvocationModelName, number>>;
}

/** XX's memory term (µ¢): the mean of start and reached memory, held for heldMs. */
const xxMemory = (startMb: number, reachedMb: number, heldMs: number): number => ((((startMb + reachedMb) / 2) * heldMs) / 1024 / 1000) * memPrice;
/** Lambda's configured memory × billed duration, in GB-s. */
const lambdaGbS = (configuredMb: number, billedMs: number): number => (configuredMb / 1024) * (billedMs / 1000);

const cases: readonly Case[] = [
  {
    name: "ok: all its work at the class it ran at, memory held from start to end",
    inv: { priceClass: 0 },
    outcome: { status: "ok", startMs: 10, endMs: 1010.25, cpuMs: 1000, ranClass: 1 },
    expected: {
      xx: 2 + xxMemory(100, 3000.5, 1000.25),
      "lambda-x86": lambdaGbS(3001, 1001) * x86 + fee,
      "lambda-arm": lambdaGbS(3001, 1001) * arm + fee,
    },
  },
  {
    name: "killed: the CPU it received before the kill, the memory it had grown to until the kill",
    inv: {},
    outcome: { status: "killed", startMs: 10, endMs: 310, cpuMs: 250, ranClass: 0 },
    expected: {
      // A quarter of its work done: it grew a quarter of the way from 100 to 3000.5 MB.
      xx: 0.25 + xxMemory(100, 100 + 2900.5 / 4, 300),
      "lambda-x86": lambdaGbS(3001, 300) * x86 + fee,
      "lambda-arm": lambdaGbS(3001, 300) * arm + fee,
    },
  },
  {
    name: "throttled: nothing, not even Lambda's request fee",
    inv: {},
    outcome: { status: "throttled", endMs: 0, cpuMs: 0 },
    expected: { xx: 0, "lambda-x86": 0, "lambda-arm": 0 },
  },
  {
    name: "throttled after starting (a backend that says so): still nothing",
    inv: {},
    outcome: { status: "throttled", startMs: 0, endMs: 100, cpuMs: 100, ranClass: 1 },
    expected: { xx: 0, "lambda-x86": 0, "lambda-arm": 0 },
  },
  {
    name: "dropped by a network driver (never sent): nothing",
    inv: {},
    outcome: { status: "dropped" },
    expected: { xx: 0, "lambda-x86": 0, "lambda-arm": 0 },
  },
  {
    name: "a failed call still pays what it used",
    inv: { memPeakMb: 100 },
    outcome: { status: "failed", startMs: 0, endMs: 20, cpuMs: 20, ranClass: 1 },
    expected: {
      xx: 0.04 + xxMemory(100, 100, 20),
      "lambda-x86": lambdaGbS(128, 20) * x86 + fee,
      "lambda-arm": lambdaGbS(128, 20) * arm + fee,
    },
  },
  {
    name: "Lambda configures at least 128 MB and bills whole ms",
    inv: { memStartMb: 50, memPeakMb: 60.2, workMs: 0.3 },
    outcome: { status: "ok", startMs: 0, endMs: 0.3, cpuMs: 0.3, ranClass: 0 },
    expected: {
      xx: 0.0003 + xxMemory(50, 60.2, 0.3),
      "lambda-x86": lambdaGbS(128, 1) * x86 + fee,
      "lambda-arm": lambdaGbS(128, 1) * arm + fee,
    },
  },
  {
    name: "Lambda configures at most 10,240 MB",
    inv: { memPeakMb: 20_000 },
    outcome: { status: "ok", startMs: 0, endMs: 1000, cpuMs: 1000, ranClass: 0 },
    expected: {
      xx: 1 + xxMemory(100, 20_000, 1000),
      "lambda-x86": lambdaGbS(10_240, 1000) * x86 + fee,
      "lambda-arm": lambdaGbS(10_240, 1000) * arm + fee,
    },
  },
  {
    name: "no cpuMs (a store from before the column): an ok call is billed its work",
    inv: { workMs: 400 },
    outcome: { status: "ok", startMs: 0, endMs: 500, ranClass: 1 },
    expected: {
      xx: 0.8 + xxMemory(100, 3000.5, 500),
      "lambda-x86": lambdaGbS(3001, 500) * x86 + fee,
      "lambda-arm": lambdaGbS(3001, 500) * arm + fee,
    },
  },
  {
    name: "no cpuMs: a killed call is billed no CPU, and memory as if it never grew",
    inv: {},
    outcome: { status: "killed", startMs: 0, endMs: 500, ranClass: 1 },
    expected: {
      xx: xxMemory(100, 100, 500),
      "lambda-x86": lambdaGbS(3001, 500) * x86 + fee,
      "lambda-arm": lambdaGbS(3001, 500) * arm + fee,
    },
  },
  {
    name: "no ranClass: billed at the class it asked for",
    inv: { priceClass: 1 },
    outcome: { status: "ok", startMs: 0, endMs: 0, cpuMs: 1000 },
    expected: { xx: 2, "lambda-x86": fee, "lambda-arm": fee },
  },
  {
    name: "a Lambda row: held for the REPORT line's Billed Duration (the client never sees the start)",
    inv: {},
    outcome: { status: "ok", sentMs: 0, endMs: 130, billedMs: 101, serverExecMs: 60 },
    expected: {
      xx: 1 + xxMemory(100, 3000.5, 101),
      "lambda-x86": lambdaGbS(3001, 101) * x86 + fee,
      "lambda-arm": lambdaGbS(3001, 101) * arm + fee,
    },
  },
  {
    name: "an http row: held for the execution time the target reports, not the round trip",
    inv: {},
    outcome: { status: "ok", sentMs: 0, endMs: 40, serverExecMs: 20.5 },
    expected: {
      xx: 1 + xxMemory(100, 3000.5, 20.5),
      "lambda-x86": lambdaGbS(3001, 21) * x86 + fee,
      "lambda-arm": lambdaGbS(3001, 21) * arm + fee,
    },
  },
  {
    name: "a freshened call: the overhead freshen did ahead counts as progress, so its memory reaches its peak",
    inv: {},
    outcome: { status: "ok", startMs: 0, endMs: 950, cpuMs: 900, freshenSavedMs: 100, ranClass: 0 },
    expected: {
      xx: 0.9 + xxMemory(100, 3000.5, 950),
      "lambda-x86": lambdaGbS(3001, 950) * x86 + fee,
      "lambda-arm": lambdaGbS(3001, 950) * arm + fee,
    },
  },
  {
    name: "a class without a price bills no CPU",
    inv: {},
    outcome: { status: "ok", cpuMs: 1000, ranClass: 5 },
    expected: { xx: 0, "lambda-x86": fee, "lambda-arm": fee },
  },
];

function invocationOf(c: Case, id: number): Invocation {
  return { id, arrivalMs: 0, tenant: "t", app: "a", fn: "f", priceClass: 0, workMs: 1000, memStartMb: 100, memPeakMb: 3000.5, ...c.inv };
}

function outcomeOf(c: Case): Outcome {
  return { status: "ok", preemptions: 0, swappedOutMb: 0, costMicroCents: 0, ...c.outcome };
}

const modelNames = Object.keys(perInvocationModels) as PerInvocationModelName[];

describe("per-invocation billing models, evaluated in TypeScript", () => {
  it("are named as they are keyed, and the costs table bills each of them plus provisioned", () => {
    for (const [key, model] of Object.entries(perInvocationModels)) expect(model.name).toBe(key);
    expect([...billingModels].sort()).toEqual([...modelNames, "provisioned"].sort());
  });

  it.each(cases.flatMap((c) => modelNames.map((model) => ({ model, c }))))("$model — $c.name", ({ model, c }) => {
    const cost = compileModelCost(perInvocationModels[model], prices)(invocationOf(c, 0), outcomeOf(c));
    const expected = c.expected[model];
    expect(Math.abs(cost - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));
  });
});

describe("the SQL billing reads each stored row exactly as TypeScript reads the outcome", () => {
  let store: RunStore;
  let dispose: () => void;
  beforeAll(async () => {
    ({ store, dispose } = await openTempStore());
    const writer = await store.openRunWriter(1);
    cases.forEach((c, id) => writer.outcome(invocationOf(c, id), outcomeOf(c)));
    await writer.close();
  });
  afterAll(() => dispose());

  async function perRow(sql: string): Promise<number[]> {
    const rows = await store.query(`SELECT ${sql} AS v FROM invocations WHERE run_id = 1 ORDER BY invocation_id`);
    return rows.map((r) => Number(r.v));
  }

  it.each(Object.keys(usage) as UsageName[])("usage %s", async (name) => {
    const expected = cases.map((c, id) => usage[name].read(invocationOf(c, id), outcomeOf(c)));
    expect(await perRow(usage[name].sql)).toEqual(expected);
  });

  it.each(modelNames)("%s: every row's cost, bit for bit", async (model) => {
    const formula = billingFormula(perInvocationModels[model]);
    const cost = compileModelCost(perInvocationModels[model], prices);
    const expected = cases.map((c, id) => cost(invocationOf(c, id), outcomeOf(c)));
    // toEqual on numbers is Object.is: exact equality, not closeness.
    expect(await perRow(costSql(formula.microCents, prices))).toEqual(expected);
    expect(expected.every((v) => Number.isFinite(v))).toBe(true);
  });
});
