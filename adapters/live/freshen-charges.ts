import type { Surcharge } from "../backend.ts";
import { perInvocationModels } from "../billing/billing-model.ts";
import { compileCost } from "../billing/compile-cost.ts";
import { billingFormula } from "../billing/cost-expression.ts";
import type { Invocation } from "../../traces/invocation.ts";
import type { FreshenJobRecord } from "./freshen-log.ts";

/**
 * What the live plane's freshen runs cost, per tenant × class × per-invocation billing model, for
 * the `costs` table (BackendBilling.surcharges). Each run is billed on its own, by the very
 * formula an invocation row is billed by, as the simulator bills its freshen jobs
 * (adapters/sim/freshen/freshen-model.ts): its CPU at the class's price, and its memory for its
 * wall time — under a model that bills memory by use at what the sandbox holds when it starts
 * (the predicting call's starting memory), under one that bills it as configured at the
 * function's configured size (that call's peak). Mispredicted runs are billed the same.
 */
export function freshenSurcharges(jobs: readonly FreshenJobRecord[], prices: readonly number[]): Surcharge[] {
  const models = Object.values(perInvocationModels).map((model) => {
    const formula = billingFormula(model);
    return { name: model.name, configured: model.memory.measure === "configured", microCents: compileCost(formula.microCents, prices), gbS: compileCost(formula.gbSeconds, prices) };
  });
  const sums = new Map<string, { tenant: string; priceClass: number; cpuMs: number; gbS: Float64Array; microCents: Float64Array }>();
  for (const job of jobs) {
    const key = `${job.tenant}\0${job.priceClass}`;
    let sum = sums.get(key);
    if (sum === undefined) sums.set(key, (sum = { tenant: job.tenant, priceClass: job.priceClass, cpuMs: 0, gbS: new Float64Array(models.length), microCents: new Float64Array(models.length) }));
    sum.cpuMs += job.cpuMs;
    const held = { id: 0, arrivalMs: 0, tenant: job.tenant, app: "", fn: job.fn, priceClass: job.priceClass, workMs: job.cpuMs, memStartMb: job.memStartMb, memPeakMb: job.memStartMb } satisfies Invocation;
    const configured = { ...held, memPeakMb: job.memPeakMb };
    const outcome = { status: "ok" as const, cpuMs: job.cpuMs, startMs: 0, endMs: job.wallMs, ranClass: job.priceClass };
    models.forEach((model, m) => {
      const inv = model.configured ? configured : held;
      sum.gbS[m]! += model.gbS(inv, outcome);
      sum.microCents[m]! += model.microCents(inv, outcome);
    });
  }
  const out: Surcharge[] = [];
  const ordered = [...sums.values()].sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : a.priceClass - b.priceClass));
  for (const sum of ordered) models.forEach((model, m) => out.push({ model: model.name, tenant: sum.tenant, priceClass: sum.priceClass, cpuMs: sum.cpuMs, gbS: sum.gbS[m]!, microCents: sum.microCents[m]! }));
  return out;
}
