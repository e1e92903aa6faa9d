import type { TraceSource } from "../invocation.ts";
import { LogHistogram } from "./log-histogram.ts";

/** The cluster the offered load refers to. */
export interface InspectionCluster {
  readonly cores: number;
}

export interface DistributionSummary {
  readonly mean: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** What `xxbench trace inspect` reports: plain data, so `--json` prints it as is. */
export interface TraceInspection {
  readonly kind: string;
  readonly spec: Readonly<Record<string, unknown>>;
  readonly cores: number;
  readonly functions: number;
  readonly apps: number;
  readonly tenants: number;
  readonly invocations: number;
  /** The trace's span: its declared duration, else up to the last arrival. */
  readonly durationMs: number;
  readonly firstArrivalMs: number;
  readonly lastArrivalMs: number;
  readonly meanRatePerS: number;
  /** Invocations and offered load per bucket of `bucketMs` (a minute, widened so there are at most `maxBuckets`). */
  readonly overTime: { readonly bucketMs: number; readonly invocations: readonly number[]; readonly load: readonly number[] };
  /** Work per invocation in ms (percentiles within 1 %). */
  readonly workMs: DistributionSummary;
  /** Peak memory per invocation in MB (percentiles within 1 %). */
  readonly memPeakMb: DistributionSummary;
  /** Invocations per trigger ("(none)" for traces without triggers). */
  readonly triggers: Readonly<Record<string, number>>;
  /** Invocations per price class, index = class. */
  readonly classes: readonly number[];
  /** Σ work / (duration × cores) over the whole trace. */
  readonly offeredLoad: number;
  readonly peakBucketLoad: number;
}

const maxBuckets = 1440;

/** Streams the whole trace once, in bounded memory, and summarises it. */
export async function inspectTrace(source: TraceSource, cluster: InspectionCluster): Promise<TraceInspection> {
  const fns = new Set<string>();
  const apps = new Set<string>();
  const tenants = new Set<string>();
  const work = new LogHistogram();
  const memory = new LogHistogram();
  const triggers: Record<string, number> = {};
  const classes = new Array<number>(source.prices.length).fill(0);
  let bucketMs = 60_000;
  let counts: number[] = [];
  let workPerBucket: number[] = [];
  let first = Number.NaN;
  let last = 0;
  let totalWork = 0;
  let n = 0;
  for await (const batch of source.open()) {
    for (const inv of batch) {
      if (n === 0) first = inv.arrivalMs;
      last = inv.arrivalMs;
      n++;
      const appKey = `${inv.tenant}/${inv.app}`;
      fns.add(`${appKey}/${inv.fn}`);
      apps.add(appKey);
      tenants.add(inv.tenant);
      work.add(inv.workMs);
      memory.add(inv.memPeakMb);
      totalWork += inv.workMs;
      const trigger = inv.trigger ?? "(none)";
      // Own keys only: a trigger named "constructor" is counted from 0 like any other.
      const seenBefore = Object.hasOwn(triggers, trigger) ? triggers[trigger] : undefined;
      triggers[trigger] = (seenBefore ?? 0) + 1;
      classes[inv.priceClass] = (classes[inv.priceClass] ?? 0) + 1;
      let b = Math.floor(inv.arrivalMs / bucketMs);
      while (b >= maxBuckets) {
        // Widen the buckets rather than grow the series: a two-week trace stays 1,440 points.
        counts = halve(counts);
        workPerBucket = halve(workPerBucket);
        bucketMs *= 2;
        b = Math.floor(inv.arrivalMs / bucketMs);
      }
      while (counts.length <= b) {
        counts.push(0);
        workPerBucket.push(0);
      }
      // Per invocation inspected: both series were just grown past b, so `!` is kept.
      counts[b]!++;
      workPerBucket[b]! += inv.workMs;
    }
  }
  const durationMs = source.expectedDurationMs ?? (n > 0 ? last : 0);
  const loadOf = (w: number, ms: number): number => (ms > 0 ? w / (ms * cluster.cores) : 0);
  const load = workPerBucket.map((w) => loadOf(w, bucketMs));
  return {
    kind: source.kind,
    spec: source.spec,
    cores: cluster.cores,
    functions: fns.size,
    apps: apps.size,
    tenants: tenants.size,
    invocations: n,
    durationMs,
    firstArrivalMs: n > 0 ? first : 0,
    lastArrivalMs: last,
    meanRatePerS: durationMs > 0 ? (n / durationMs) * 1000 : 0,
    overTime: { bucketMs, invocations: counts, load },
    workMs: summarise(work),
    memPeakMb: summarise(memory),
    triggers,
    classes,
    offeredLoad: loadOf(totalWork, durationMs),
    peakBucketLoad: load.reduce((a, b) => Math.max(a, b), 0),
  };
}

function halve(xs: readonly number[]): number[] {
  const out: number[] = [];
  // An odd last bucket has no partner: it merges with nothing.
  for (const [i, x] of xs.entries()) if (i % 2 === 0) out.push(x + (xs[i + 1] ?? 0));
  return out;
}

function summarise(h: LogHistogram): DistributionSummary {
  return { mean: h.mean, min: h.min, p50: h.quantile(0.5), p90: h.quantile(0.9), p99: h.quantile(0.99), p999: h.quantile(0.999), max: h.max };
}
