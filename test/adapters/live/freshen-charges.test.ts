import { describe, expect, it } from "vitest";
import { perInvocationModels } from "../../../adapters/billing/billing-model.ts";
import { compileModelCost } from "../../../adapters/billing/compile-cost.ts";
import { priceTable, microCentsPerUsd } from "../../../adapters/billing/price-table.ts";
import { freshenSurcharges } from "../../../adapters/live/freshen-charges.ts";
import type { FreshenJobRecord } from "../../../adapters/live/freshen-log.ts";

const prices = [0.5, 1, 1.5, 2].map((p) => p * 1e6);
const record = (seq: number, tenant: string, priceClass: number, cpuMs: number, wallMs: number, memStartMb = 128, memPeakMb = 256): FreshenJobRecord => ({ seq, tenant, priceClass, fn: "g", cpuMs, wallMs, memStartMb, memPeakMb });

describe("freshenSurcharges: the live plane's freshen runs billed per tenant × class × model", () => {
  it("no runs, no surcharges", () => {
    expect(freshenSurcharges([], prices)).toEqual([]);
  });

  it("sums per tenant and class, one surcharge per per-invocation model, in a stable order", () => {
    const charges = freshenSurcharges([record(1, "b", 2, 10, 100), record(2, "a", 0, 5, 50), record(3, "b", 2, 20, 200), record(4, "a", 3, 1, 1)], prices);
    const models = Object.keys(perInvocationModels);
    expect(charges.map((c) => [c.tenant, c.priceClass, c.model])).toEqual([
      ...models.map((m) => ["a", 0, m]),
      ...models.map((m) => ["a", 3, m]),
      ...models.map((m) => ["b", 2, m]),
    ]);
    for (const c of charges.filter((c) => c.tenant === "b")) expect(c.cpuMs).toBe(30);
  });

  it("xx: CPU at the class's price plus the sandbox's starting memory for the wall time", () => {
    const [xx] = freshenSurcharges([record(1, "a", 2, 40, 300, 128, 1024)], prices).filter((c) => c.model === "xx");
    const gbS = (128 / 1024) * (300 / 1000);
    expect(xx!.gbS).toBeCloseTo(gbS, 12);
    expect(xx!.microCents).toBeCloseTo(prices[2]! * (40 / 1000) + gbS * priceTable.xx.memoryMicroCentsPerGbSecond, 6);
  });

  it("lambda: the configured memory (the call's peak) for the wall time rounded up, plus the request fee; CPU free", () => {
    const lambda = freshenSurcharges([record(1, "a", 0, 40, 300.2, 128, 1024)], prices).find((c) => c.model === "lambda-x86")!;
    const gbS = (1024 / 1024) * (301 / 1000);
    expect(lambda.gbS).toBeCloseTo(gbS, 12);
    expect(lambda.microCents).toBeCloseTo(gbS * priceTable.lambda.x86UsdPerGbSecond * microCentsPerUsd + priceTable.lambda.usdPerRequest * microCentsPerUsd, 6);
  });

  it("each run is billed on its own, as a row with its figures would be (so rounding per run, not per sum)", () => {
    const runs = [record(1, "a", 1, 3, 10.4), record(2, "a", 1, 7, 20.4)];
    const model = perInvocationModels["lambda-arm"];
    const bill = compileModelCost(model, prices);
    const expected = runs.reduce(
      (sum, r) => sum + bill({ id: 0, arrivalMs: 0, tenant: "a", app: "", fn: "g", priceClass: 1, workMs: r.cpuMs, memStartMb: 128, memPeakMb: 256 }, { status: "ok", cpuMs: r.cpuMs, startMs: 0, endMs: r.wallMs, ranClass: 1 }),
      0,
    );
    const charge = freshenSurcharges(runs, prices).find((c) => c.model === model.name)!;
    expect(charge.microCents).toBe(expected);
    // Rounded per run: 11 ms + 21 ms, not ceil(30.8) = 31 ms.
    expect(charge.gbS).toBeCloseTo((256 / 1024) * (32 / 1000), 12);
  });
});
