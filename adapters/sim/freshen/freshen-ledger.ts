import type { Surcharge } from "../../backend.ts";
import { triggerKinds, type TriggerKind } from "../../scheduling/freshen/trigger-delays.ts";

/** The chain position an invocation's figures are filed under: 0 for a top-level call, 5 for 5 and deeper. */
export const lastChainPosition = 5;

export function chainPositionBucket(depth: number): number {
  return Math.min(depth, lastChainPosition);
}

/** What freshen cost one tenant at one price class under one billing model. */
export interface FreshenCharge extends Surcharge {
  readonly jobs: number;
}

/** How a real invocation met its overhead (seed 003's FrFetch outcomes, plus the TTL cache). */
export type OverheadOutcome = "prediction" | "cache" | "wait" | "do-now";

const outcomes: readonly OverheadOutcome[] = ["prediction", "cache", "wait", "do-now"];
const triggerIndex = Object.fromEntries(triggerKinds.map((k, i) => [k, i])) as Record<TriggerKind, number>;

/** Per tenant × class: what its freshen jobs cost under each model (index = model). */
interface TenantClassCharges {
  jobs: number;
  cpuMs: number;
  readonly gbS: Float64Array;
  readonly microCents: Float64Array;
}

/**
 * The freshen layer's own accounting, kept in arrays on the hot path and turned into flat
 * counters for the run manifest (`RunSummary.counters`) at the end, so a report reads it without
 * any new column: `freshen.<figure>`, `freshen.trigger.<kind>.<figure>`,
 * `freshen.position.<n>.<figure>`, `freshen.outcome.<outcome>`, `freshen.costMicroCents.<model>`.
 */
export class FreshenLedger {
  private readonly totals = new Map<string, number>();
  private readonly outcomeCount = new Float64Array(outcomes.length);
  private readonly position = {
    invocations: new Float64Array(lastChainPosition + 1),
    predicted: new Float64Array(lastChainPosition + 1),
    overheadMs: new Float64Array(lastChainPosition + 1),
    savedMs: new Float64Array(lastChainPosition + 1),
  };
  private readonly trigger = {
    predicted: new Float64Array(triggerKinds.length),
    overheadMs: new Float64Array(triggerKinds.length),
    savedMs: new Float64Array(triggerKinds.length),
    whole: new Float64Array(triggerKinds.length),
    mispredicted: new Float64Array(triggerKinds.length),
    cpuMs: new Float64Array(triggerKinds.length),
  };
  private readonly charges = new Map<string, Map<number, TenantClassCharges>>();

  constructor(private readonly models: readonly string[]) {}

  /** A run-wide figure: `freshen.<name>`. */
  add(name: string, value: number): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + value);
  }

  /** One real invocation's overhead and the latency freshen saved it (the layer's own accounting). */
  invocation(depth: number, trigger: TriggerKind | undefined, overheadMs: number, savedMs: number, outcome: OverheadOutcome): void {
    const p = chainPositionBucket(depth);
    this.outcomeCount[outcomes.indexOf(outcome)]!++;
    this.position.invocations[p]!++;
    this.position.overheadMs[p]! += overheadMs;
    this.position.savedMs[p]! += savedMs;
    if (trigger === undefined) return;
    const t = triggerIndex[trigger];
    this.position.predicted[p]!++;
    this.trigger.predicted[t]!++;
    this.trigger.overheadMs[t]! += overheadMs;
    this.trigger.savedMs[t]! += savedMs;
    if (savedMs >= overheadMs) this.trigger.whole[t]!++;
  }

  mispredicted(trigger: TriggerKind, count: number): void {
    this.trigger.mispredicted[triggerIndex[trigger]]! += count;
  }

  freshenCpu(trigger: TriggerKind, cpuMs: number): void {
    this.trigger.cpuMs[triggerIndex[trigger]]! += cpuMs;
  }

  /** One freshen job's bill under each model (in the constructor's model order). */
  charge(tenant: string, priceClass: number, cpuMs: number, gbS: ArrayLike<number>, microCents: ArrayLike<number>): void {
    let byClass = this.charges.get(tenant);
    if (byClass === undefined) {
      byClass = new Map();
      this.charges.set(tenant, byClass);
    }
    let c = byClass.get(priceClass);
    if (c === undefined) {
      c = { jobs: 0, cpuMs: 0, gbS: new Float64Array(this.models.length), microCents: new Float64Array(this.models.length) };
      byClass.set(priceClass, c);
    }
    c.jobs++;
    c.cpuMs += cpuMs;
    for (let m = 0; m < this.models.length; m++) {
      c.gbS[m]! += gbS[m]!;
      c.microCents[m]! += microCents[m]!;
    }
  }

  /** Every tenant × class × model charge, in a stable order. */
  allCharges(): FreshenCharge[] {
    const out: FreshenCharge[] = [];
    for (const tenant of [...this.charges.keys()].sort()) {
      const byClass = this.charges.get(tenant)!;
      for (const priceClass of [...byClass.keys()].sort((a, b) => a - b)) {
        const c = byClass.get(priceClass)!;
        this.models.forEach((model, m) => out.push({ model, tenant, priceClass, jobs: c.jobs, cpuMs: c.cpuMs, gbS: c.gbS[m]!, microCents: c.microCents[m]! }));
      }
    }
    return out;
  }

  toCounters(): Record<string, number> {
    const counters: Record<string, number> = {};
    const put = (name: string, value: number): void => {
      if (value !== 0) counters[name] = value;
    };
    for (const [name, value] of this.totals) counters[`freshen.${name}`] = value;
    let invocations = 0;
    let overheadMs = 0;
    let savedMs = 0;
    for (let p = 0; p <= lastChainPosition; p++) {
      for (const [figure, values] of Object.entries(this.position)) put(`freshen.position.${p}.${figure}`, values[p]!);
      invocations += this.position.invocations[p]!;
      overheadMs += this.position.overheadMs[p]!;
      savedMs += this.position.savedMs[p]!;
    }
    put("freshen.invocations", invocations);
    put("freshen.overheadMs", overheadMs);
    put("freshen.savedMs", savedMs);
    outcomes.forEach((o, i) => put(`freshen.outcome.${o}`, this.outcomeCount[i]!));
    triggerKinds.forEach((kind, t) => {
      for (const [figure, values] of Object.entries(this.trigger)) put(`freshen.trigger.${kind}.${figure}`, values[t]!);
    });
    const cost = new Float64Array(this.models.length);
    for (const byClass of this.charges.values()) for (const c of byClass.values()) for (let m = 0; m < this.models.length; m++) cost[m]! += c.microCents[m]!;
    this.models.forEach((model, m) => put(`freshen.costMicroCents.${model}`, cost[m]!));
    return Object.fromEntries(Object.entries(counters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
