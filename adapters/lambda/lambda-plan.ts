import type { TraceSource } from "../../traces/invocation.ts";
import { formatUsd } from "../../reports/format-usd.ts";
import { lambdaArchitectures, type LambdaArchitecture, type LambdaRegionPrice } from "./lambda-prices.ts";

/** What a trace will ask of Lambda, known from the trace alone before anything is sent. */
export interface LambdaPlan {
  readonly region: string;
  readonly memoryMb: number;
  readonly invocations: number;
  /** From the first arrival to the last end, s. */
  readonly spanS: number;
  /**
   * The highest mean concurrency over any one second of the trace: by Little's law a second's
   * mean concurrency is its arrival rate times its mean time in the system, which is the
   * execution ms falling inside that second / 1000. Cold starts' init is not included.
   */
  readonly peakConcurrency: number;
  readonly peakSecond: number;
  readonly gbSeconds: number;
  /** Dollars per architecture: GB-seconds at its price plus the request fee. */
  readonly usd: Readonly<Record<LambdaArchitecture, number>>;
}

export interface LambdaPlanOptions {
  readonly region: string;
  readonly price: LambdaRegionPrice;
  /** The deployed function's configured memory, MB: Lambda bills it, not what was used. */
  readonly memoryMb: number;
}

/**
 * Reads the trace once. Each invocation is billed its work rounded up to a whole ms (at least
 * 1 ms) at the configured memory; init is left out because the trace cannot say which
 * invocations will start cold, so the estimate is a lower bound by the cold starts' init.
 */
export async function planLambda(trace: TraceSource, options: LambdaPlanOptions): Promise<LambdaPlan> {
  let invocations = 0;
  let billedMs = 0;
  let first = Infinity;
  let last = 0;
  // Execution ms inside each second of the trace.
  let busy = new Float64Array(1024);
  for await (const batch of trace.open()) {
    for (const inv of batch) {
      invocations++;
      const ms = Math.max(1, Math.ceil(inv.workMs));
      billedMs += ms;
      const start = inv.arrivalMs;
      const end = start + ms;
      if (start < first) first = start;
      if (end > last) last = end;
      const lastSecond = Math.floor(end / 1000);
      if (lastSecond >= busy.length) {
        const grown = new Float64Array(Math.max(busy.length * 2, lastSecond + 1));
        grown.set(busy);
        busy = grown;
      }
      for (let s = Math.floor(start / 1000); s <= lastSecond; s++) {
        busy[s]! += Math.max(0, Math.min(end, (s + 1) * 1000) - Math.max(start, s * 1000));
      }
    }
  }
  let peakConcurrency = 0;
  let peakSecond = 0;
  for (let s = 0; s < busy.length; s++) {
    if (busy[s]! / 1000 > peakConcurrency) {
      peakConcurrency = busy[s]! / 1000;
      peakSecond = s;
    }
  }
  const gbSeconds = (billedMs / 1000) * (options.memoryMb / 1024);
  const usd = Object.fromEntries(lambdaArchitectures.map((arch) => [arch, gbSeconds * options.price.usdPerGbSecond[arch] + invocations * options.price.usdPerRequest])) as Record<LambdaArchitecture, number>;
  return { region: options.region, memoryMb: options.memoryMb, invocations, spanS: invocations === 0 ? 0 : (last - first) / 1000, peakConcurrency, peakSecond, gbSeconds, usd };
}

/** A budget and/or the account's concurrency quota to fit the plan into. */
export interface PlanLimits {
  readonly budgetUsd?: number;
  readonly arch?: LambdaArchitecture;
  readonly concurrencyQuota?: number;
}

/**
 * How to make the trace fit, one line each: the share of invocations to keep for the budget (a
 * sampling factor; cost is linear in invocations), and for the quota the factor to slow the
 * trace down by (mean concurrency is linear in the arrival rate), or the share to keep.
 */
export function fitSuggestions(plan: LambdaPlan, limits: PlanLimits): string[] {
  const lines: string[] = [];
  const arch = limits.arch ?? "x86_64";
  if (limits.budgetUsd !== undefined && plan.usd[arch] > limits.budgetUsd) {
    const keep = limits.budgetUsd / plan.usd[arch];
    lines.push(`over the ${formatUsd(limits.budgetUsd)} budget on ${arch} (${formatUsd(plan.usd[arch])}): keep at most ${formatShare(keep)} of the invocations (a sampling factor of ${keep.toPrecision(2)}, e.g. fewer --minutes or a --sample of fewer functions)`);
  }
  if (limits.concurrencyQuota !== undefined && plan.peakConcurrency > limits.concurrencyQuota) {
    const factor = plan.peakConcurrency / limits.concurrencyQuota;
    lines.push(
      `peak concurrency ${plan.peakConcurrency.toFixed(1)} exceeds the account's quota of ${limits.concurrencyQuota}: expect 429s; slow the trace by ${factor.toPrecision(2)}× (a --compress factor below 1, or --target-load lowered by that factor) or keep ${formatShare(1 / factor)} of the invocations`,
    );
  }
  return lines;
}

export function formatLambdaPlan(plan: LambdaPlan): string {
  return [
    `${plan.invocations.toLocaleString("en-US")} requests over ${plan.spanS.toFixed(1)} s in ${plan.region} at ${plan.memoryMb} MB`,
    `peak concurrency ${plan.peakConcurrency.toFixed(1)} (mean over second ${plan.peakSecond}, Little's law)`,
    `${plan.gbSeconds.toFixed(3)} GB-s billed (init of cold starts not included)`,
    ...lambdaArchitectures.map((arch) => `${arch}: ${formatUsd(plan.usd[arch])}`),
  ].join("\n");
}

function formatShare(share: number): string {
  return `${(100 * share).toPrecision(2)} %`;
}
