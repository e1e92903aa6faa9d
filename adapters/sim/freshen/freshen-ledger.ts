import type { Surcharge } from "../../backend.ts";
import type { TriggerKind } from "../../scheduling/freshen/trigger-delays.ts";

/** The chain position an invocation's figures are filed under: 0 for a top-level call, 5 for 5 and deeper. */
export const lastChainPosition = 5;

export function chainPositionBucket(depth: number): number {
  return Math.min(depth, lastChainPosition);
}

/** What freshen cost one tenant at one price class under one billing model. */
export interface FreshenCharge extends Surcharge {
  readonly jobs: number;
}

/**
 * The freshen layer's own accounting, kept as flat counters for the run manifest
 * (`RunSummary.counters`), so a report reads it without any new column: `freshen.<figure>`,
 * `freshen.trigger.<kind>.<figure>` and `freshen.position.<n>.<figure>`.
 */
export class FreshenLedger {
  private readonly counters = new Map<string, number>();
  private readonly charges = new Map<string, FreshenCharge>();

  add(name: string, value: number): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + value);
  }

  /** One real invocation's overhead and the latency freshen saved it (the model's own accounting). */
  invocation(position: number, trigger: TriggerKind | undefined, overheadMs: number, savedMs: number, outcome: "prediction" | "cache" | "wait" | "do-now"): void {
    const bucket = `freshen.position.${chainPositionBucket(position)}`;
    this.add("freshen.invocations", 1);
    this.add("freshen.overheadMs", overheadMs);
    this.add("freshen.savedMs", savedMs);
    this.add(`freshen.outcome.${outcome}`, 1);
    this.add(`${bucket}.invocations`, 1);
    this.add(`${bucket}.overheadMs`, overheadMs);
    this.add(`${bucket}.savedMs`, savedMs);
    if (trigger === undefined) return;
    const kind = `freshen.trigger.${trigger}`;
    this.add(`${kind}.predicted`, 1);
    this.add(`${kind}.overheadMs`, overheadMs);
    this.add(`${kind}.savedMs`, savedMs);
    if (savedMs >= overheadMs) this.add(`${kind}.whole`, 1);
    this.add(`${bucket}.predicted`, 1);
  }

  charge(c: Omit<FreshenCharge, "jobs">): void {
    const key = `${c.model}\u0000${c.tenant}\u0000${c.priceClass}`;
    const was = this.charges.get(key);
    this.charges.set(key, {
      ...c,
      jobs: (was?.jobs ?? 0) + 1,
      cpuMs: (was?.cpuMs ?? 0) + c.cpuMs,
      gbS: (was?.gbS ?? 0) + c.gbS,
      microCents: (was?.microCents ?? 0) + c.microCents,
    });
    this.add(`freshen.costMicroCents.${c.model}`, c.microCents);
  }

  /** Every tenant × class × model charge, in a stable order. */
  allCharges(): FreshenCharge[] {
    return [...this.charges.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
  }

  toCounters(): Record<string, number> {
    return Object.fromEntries([...this.counters.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
