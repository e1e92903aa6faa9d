import { defaultBatchSize, type Invocation, type InvocationBatch, type TraceSource } from "../invocation.ts";
import { SeededRandom } from "../seeded-random.ts";
import { chainMultiplier, phasesInMs, type SyntheticConfig } from "./synthetic-config.ts";
import { workSampler } from "./work-sampler.ts";


/** Per-function parameters, drawn once from the "functions" stream. */
export interface SyntheticFunction {
  readonly tenant: string;
  readonly tenantIndex: number;
  readonly app: string;
  readonly fn: string;
  readonly meanWorkMs: number;
}

export function syntheticFunctions(config: SyntheticConfig): SyntheticFunction[] {
  const rng = SeededRandom.forPurpose(config.seed, "functions");
  const fns: SyntheticFunction[] = [];
  for (let f = 0; f < config.functions; f++) {
    let mean = 0;
    // Truncated above 0: redraw rather than clamp, so no mass piles up at a floor.
    do mean = config.workMeanMs + config.workMeanSdMs * rng.normal();
    while (!(mean > 0));
    fns.push({ tenant: `tenant-${f % config.tenants}`, tenantIndex: f % config.tenants, app: `app-${f}`, fn: `fn-${f}`, meanWorkMs: mean });
  }
  return fns;
}

/**
 * The seeds' synthetic workload as a lazy stream: open-loop arrivals at the rate that gives the
 * requested offered load, each invocation of a uniformly chosen function. One PRNG per concern
 * (arrivals, function choice, work, class, memory), so e.g. changing the class weights leaves
 * every arrival time and work draw unchanged.
 */
export function syntheticTrace(config: SyntheticConfig): TraceSource {
  const functions = syntheticFunctions(config);
  const meanWork = functions.reduce((s, f) => s + f.meanWorkMs, 0) / functions.length;
  const phases = phasesInMs(config);
  // ρ = λ E[S] / cores  ⇒  λ (per ms) = ρ cores / E[S]; chains add calls, so top-level arrivals are fewer.
  const multiplier = chainMultiplier(config);
  const perMs = (load: number): number => (config.phaseUnit === "per-second" ? load / 1000 : (load * config.cores) / meanWork);
  const rates = phases.map((p) => perMs(p.load) / multiplier);
  const spec = { ...config, meanWorkMs: meanWork };
  return {
    kind: "synthetic",
    spec,
    prices: config.prices,
    // Reports shade phases by offered load: a rate is stated as the load it puts on `cores`.
    phases: config.phaseUnit === "per-second" ? phases.map((p) => ({ startMs: p.startMs, load: (perMs(p.load) * meanWork) / config.cores })) : phases,
    ...(config.invocations !== undefined ? { expectedInvocations: config.invocations } : {}),
    ...(config.durationMs !== undefined ? { expectedDurationMs: config.durationMs } : {}),
    open: (options) => generate(config, functions, phases.map((p) => p.startMs), rates, options?.batchSize ?? defaultBatchSize),
  };
}

async function* generate(
  config: SyntheticConfig,
  functions: readonly SyntheticFunction[],
  phaseStarts: readonly number[],
  rates: readonly number[],
  batchSize: number,
): AsyncGenerator<InvocationBatch> {
  const arrivals = SeededRandom.forPurpose(config.seed, "arrivals");
  const choice = SeededRandom.forPurpose(config.seed, "function-choice");
  const work = SeededRandom.forPurpose(config.seed, "work");
  const classes = SeededRandom.forPurpose(config.seed, "class");
  const memory = SeededRandom.forPurpose(config.seed, "memory");
  const drawWork = workSampler(config.work, config.alpha, config.lognormalSigma);
  const cumulative = cumulativeWeights(config.classWeights);
  const maxCount = config.invocations ?? Number.POSITIVE_INFINITY;
  const endMs = config.durationMs ?? Number.POSITIVE_INFINITY;
  const memSpan = config.memMaxMb - config.memMinMb;
  const poisson = config.arrivals === "poisson";

  const chains = SeededRandom.forPurpose(config.seed, "chains");
  const pending = new PendingCalls();
  // One pass, not a filter per tenant: tenants × functions would be quadratic.
  const tenantFunctions = Array.from({ length: config.tenants }, (): SyntheticFunction[] => []);
  for (const f of functions) {
    const own = tenantFunctions[f.tenantIndex];
    if (own === undefined) throw new Error(`synthetic function ${f.fn} has tenant index ${f.tenantIndex}, but there are ${config.tenants} tenants`);
    own.push(f);
  }

  let phase = 0;
  const [firstPhaseStart] = phaseStarts;
  if (firstPhaseStart === undefined) throw new Error("a synthetic trace needs at least one load phase (validation should have said so)");
  let t = firstPhaseStart;
  let id = 0;
  let batch: Invocation[] = [];
  const emit = (f: SyntheticFunction, arrivalMs: number, parentId: number | undefined, depth: number): void => {
    const workMs = drawWork(work, f.meanWorkMs);
    const inv: Invocation = {
      id,
      arrivalMs,
      tenant: f.tenant,
      app: f.app,
      fn: f.fn,
      priceClass: pickClass(cumulative, classes.next()),
      workMs,
      memStartMb: config.memStartMb,
      memPeakMb: config.memMinMb + memSpan * memory.next(),
      ...(parentId !== undefined ? { parentId } : {}),
    };
    batch.push(inv);
    // A chain member calls the next level somewhere during its run, within its own tenant.
    if (depth < config.chainDepth && (depth > 0 || (config.chainShare > 0 && chains.next() < config.chainShare))) {
      for (let i = 0; i < config.chainFanOut; i++) {
        pending.push({ arrivalMs: arrivalMs + workMs * chains.next(), parentId: id, depth: depth + 1, tenantIndex: f.tenantIndex });
      }
    }
    id++;
  };
  // The per-invocation loop: phase < rates.length = phaseStarts.length (it advances only below a
  // finite boundary), tenant indices were checked above, and int(n) < n, so `!` is kept.
  while (id < maxCount) {
    // Next arrival under a piecewise-constant rate. Poisson is memoryless, so restarting the
    // gap at a phase boundary with the new rate is exact.
    for (;;) {
      const rate = rates[phase]!;
      const gap = rate > 0 ? (poisson ? arrivals.exponential(1 / rate) : 1 / rate) : Number.POSITIVE_INFINITY;
      const boundary = phase + 1 < phaseStarts.length ? phaseStarts[phase + 1]! : Number.POSITIVE_INFINITY;
      if (t + gap < boundary) {
        t += gap;
        break;
      }
      if (boundary === Number.POSITIVE_INFINITY) {
        t = Number.POSITIVE_INFINITY;
        break;
      }
      t = boundary;
      phase++;
    }
    // Calls due before the next top-level arrival go first, so the stream stays sorted.
    while (pending.size > 0 && pending.peek().arrivalMs <= Math.min(t, endMs) && id < maxCount) {
      const call = pending.pop();
      const candidates = tenantFunctions[call.tenantIndex]!;
      emit(candidates[choice.int(candidates.length)]!, call.arrivalMs, call.parentId, call.depth);
    }
    if (t >= endMs || id >= maxCount) break;
    emit(functions[choice.int(functions.length)]!, t, undefined, 0);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

interface PendingCall {
  readonly arrivalMs: number;
  readonly parentId: number;
  readonly depth: number;
  readonly tenantIndex: number;
}

/** Calls made by chain members, ordered by when they arrive (ties: the earlier caller first). */
class PendingCalls {
  private readonly heap: PendingCall[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): PendingCall {
    // Per chained call, and only while size > 0: the root exists, so `!` is kept.
    return this.heap[0]!;
  }

  push(call: PendingCall): void {
    const heap = this.heap;
    let i = heap.push(call) - 1;
    // Per chained call: 0 ≤ parent < i < heap.length, so `!` is kept rather than checked.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(call, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = call;
  }

  pop(): PendingCall {
    // Per chained call, and only while size > 0; the sift reads below heap.length. `!` is kept.
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= heap.length) break;
        if (c + 1 < heap.length && before(heap[c + 1]!, heap[c]!)) c++;
        if (!before(heap[c]!, last)) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }
}

function before(a: PendingCall, b: PendingCall): boolean {
  return a.arrivalMs < b.arrivalMs || (a.arrivalMs === b.arrivalMs && a.parentId < b.parentId);
}

function cumulativeWeights(weights: readonly number[]): Float64Array {
  const total = weights.reduce((a, b) => a + b, 0);
  const out = new Float64Array(weights.length);
  let acc = 0;
  for (const [i, weight] of weights.entries()) out[i] = acc += weight / total;
  out[weights.length - 1] = 1;
  return out;
}

function pickClass(cumulative: Float64Array, u: number): number {
  let c = 0;
  // Per invocation: the last entry is 1 > u, so c stays in range and `!` is kept.
  while (u >= cumulative[c]!) c++;
  return c;
}
