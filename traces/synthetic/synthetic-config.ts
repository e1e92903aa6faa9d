import type { LoadPhase } from "../invocation.ts";

export type WorkDistribution = "pareto" | "exponential" | "deterministic" | "lognormal";
export const workDistributions: readonly WorkDistribution[] = ["pareto", "exponential", "deterministic", "lognormal"];

export type ArrivalProcess = "poisson" | "constant";
export const arrivalProcesses: readonly ArrivalProcess[] = ["poisson", "constant"];

/** A load phase as users write it: from this tick on, the offered load is `load`. */
export interface TickPhase {
  readonly tick: number;
  readonly load: number;
}

/**
 * The seeds' workload generator (seed 000 §4.1, seed 001 §4.1), resolved: every field set.
 * Each function f has a mean work m_f drawn from a normal (truncated above 0); an invocation's
 * work is drawn from the chosen distribution with that mean. For Pareto, x_m = m_f (α−1)/α, so
 * x_m is normal as in the seeds and every distribution has the same per-function means, which
 * makes insensitivity comparisons exact.
 */
export interface SyntheticConfig {
  readonly seed: number;
  readonly functions: number;
  readonly tenants: number;
  readonly work: WorkDistribution;
  readonly workMeanMs: number;
  readonly workMeanSdMs: number;
  readonly alpha: number;
  readonly lognormalSigma: number;
  readonly arrivals: ArrivalProcess;
  /** Offered load schedule; one phase at tick 0 for a constant load. */
  readonly phases: readonly TickPhase[];
  /**
   * `per-second`: each phase's `load` is an arrival rate in invocations per second (calls of a
   * chain included), as a user aiming at a real endpoint states it, not ρ on `cores`.
   */
  readonly phaseUnit?: "per-second";
  readonly tickMs: number;
  /** Cores the offered load refers to (ρ = rate × mean work / cores). */
  readonly cores: number;
  /** Stop after this many invocations (if set). */
  readonly invocations?: number;
  /** Stop at this trace time (if set). At least one of the two is set. */
  readonly durationMs?: number;
  readonly prices: readonly number[];
  readonly classWeights: readonly number[];
  readonly memStartMb: number;
  readonly memMinMb: number;
  readonly memMaxMb: number;
  /** Share of top-level invocations that call others (a call chain); 0 for none. */
  readonly chainShare: number;
  /** Calls each chain member makes to the next level. */
  readonly chainFanOut: number;
  /** Levels of calls below the top-level invocation. */
  readonly chainDepth: number;
}

/** The seeds' price table (seed 000 §3.1): µ¢ per cpu-second, cheapest first. */
export const seedPrices: readonly number[] = [0.5, 1, 1.5, 2];

/** "A bimodal weighting across n price classes": heavy at both ends, light in the middle. */
export function bimodalWeights(n: number): number[] {
  if (n === 1) return [1];
  const raw = Array.from({ length: n }, (_, i) => 1 + 3 * ((2 * i) / (n - 1) - 1) ** 2);
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => w / total);
}

export const syntheticDefaults = {
  seed: 1,
  functions: 200,
  tenants: 10,
  work: "pareto",
  workMeanMs: 100,
  workMeanSdMs: 30,
  alpha: 2.5,
  lognormalSigma: 1,
  arrivals: "poisson",
  phases: [{ tick: 0, load: 0.9 }],
  tickMs: 1000,
  cores: 800,
  prices: seedPrices,
  memStartMb: 100,
  memMinMb: 100,
  memMaxMb: 10240,
  chainShare: 0,
  chainFanOut: 2,
  chainDepth: 1,
} as const satisfies Partial<SyntheticConfig>;

/** Parses "0:0.7,50:1.2,80:0.7" (tick:load pairs) into phases; throws a one-line message. */
export function parsePhases(text: string): TickPhase[] {
  const phases = text.split(",").map((part) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m) throw new Error(`bad phase "${part}": expected tick:load, e.g. 0:0.7,50:1.2,80:0.7`);
    return { tick: Number(m[1]), load: Number(m[2]) };
  });
  // split() gives at least one part, so there is a first phase.
  const [first] = phases;
  if (first?.tick !== 0) throw new Error(`phases must start at tick 0 (got ${first?.tick})`);
  let previous = first;
  for (const phase of phases.slice(1)) {
    if (phase.tick <= previous.tick) throw new Error(`phase ticks must increase: ${text}`);
    previous = phase;
  }
  return phases;
}

export function phasesInMs(config: Pick<SyntheticConfig, "phases" | "tickMs">): LoadPhase[] {
  return config.phases.map((p) => ({ startMs: p.tick * config.tickMs, load: p.load }));
}

/** Every problem with a config, so the user fixes them all at once. */
export function validateSyntheticConfig(c: SyntheticConfig): string[] {
  const errors: string[] = [];
  const positiveInt = (name: string, v: number | undefined): void => {
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) errors.push(`${name} must be a positive integer (got ${v})`);
  };
  positiveInt("functions", c.functions);
  positiveInt("tenants", c.tenants);
  positiveInt("cores", c.cores);
  positiveInt("invocations", c.invocations);
  if (!Number.isInteger(c.seed) || c.seed < 0) errors.push(`seed must be a non-negative integer (got ${c.seed})`);
  if (!workDistributions.includes(c.work)) errors.push(`work must be one of ${workDistributions.join(", ")} (got ${c.work})`);
  if (!arrivalProcesses.includes(c.arrivals)) errors.push(`arrivals must be one of ${arrivalProcesses.join(", ")} (got ${c.arrivals})`);
  if (!(c.workMeanMs > 0)) errors.push(`work mean must be > 0 ms (got ${c.workMeanMs})`);
  if (!(c.workMeanSdMs >= 0)) errors.push(`work mean sd must be >= 0 ms (got ${c.workMeanSdMs})`);
  if (c.work === "pareto" && !(c.alpha > 1)) errors.push(`Pareto alpha must be > 1 for a finite mean (got ${c.alpha})`);
  if (!(c.lognormalSigma > 0)) errors.push(`lognormal sigma must be > 0 (got ${c.lognormalSigma})`);
  if (!(c.tickMs > 0)) errors.push(`tick must be > 0 ms (got ${c.tickMs})`);
  if (c.durationMs !== undefined && !(c.durationMs > 0)) errors.push(`duration must be > 0 (got ${c.durationMs})`);
  if (c.invocations === undefined && c.durationMs === undefined) errors.push("give an invocation count or a duration");
  if (c.phases.length === 0) errors.push("at least one load phase is needed");
  for (const p of c.phases) if (!(p.load >= 0)) errors.push(`load must be >= 0 (got ${p.load})`);
  if (c.phases.every((p) => p.load === 0)) errors.push("the load is 0 in every phase: nothing would arrive");
  if (c.prices.length === 0) errors.push("at least one price class is needed");
  for (const [i, price] of c.prices.entries()) {
    const previous = c.prices[i - 1];
    if (previous !== undefined && !(price > previous)) errors.push(`prices must increase with the class: ${c.prices.join(",")}`);
  }
  if (c.prices.some((p) => !(p > 0))) errors.push(`prices must be > 0: ${c.prices.join(",")}`);
  if (c.classWeights.length !== c.prices.length) {
    errors.push(`${c.classWeights.length} class weights for ${c.prices.length} price classes`);
  }
  if (c.classWeights.some((w) => !(w >= 0)) || !(c.classWeights.reduce((a, b) => a + b, 0) > 0)) {
    errors.push(`class weights must be >= 0 and not all 0: ${c.classWeights.join(",")}`);
  }
  if (!(c.memMinMb > 0 && c.memMaxMb >= c.memMinMb)) errors.push(`memory range ${c.memMinMb}–${c.memMaxMb} MB is empty`);
  if (!(c.memStartMb > 0 && c.memStartMb <= c.memMinMb)) errors.push(`start memory must be in (0, ${c.memMinMb}] MB`);
  if (!(c.chainShare >= 0 && c.chainShare <= 1)) errors.push(`chain share must be in [0, 1] (got ${c.chainShare})`);
  if (!(Number.isInteger(c.chainFanOut) && c.chainFanOut >= 1)) errors.push(`chain fan-out must be a positive integer (got ${c.chainFanOut})`);
  if (!(Number.isInteger(c.chainDepth) && c.chainDepth >= 1)) errors.push(`chain depth must be a positive integer (got ${c.chainDepth})`);
  return errors;
}

/** Invocations per top-level arrival, counting the calls chains make. */
export function chainMultiplier(c: Pick<SyntheticConfig, "chainShare" | "chainFanOut" | "chainDepth">): number {
  let calls = 0;
  for (let d = 1; d <= c.chainDepth; d++) calls += c.chainFanOut ** d;
  return 1 + c.chainShare * calls;
}
