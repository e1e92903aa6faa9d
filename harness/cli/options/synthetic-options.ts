import {
  arrivalProcesses,
  bimodalWeights,
  parsePhases,
  syntheticDefaults,
  validateSyntheticConfig,
  workDistributions,
  type ArrivalProcess,
  type SyntheticConfig,
  type WorkDistribution,
} from "../../../traces/synthetic/synthetic-config.ts";
import { throwIfErrors, UsageError } from "../usage-error.ts";

const group = "Synthetic trace:";

export const syntheticOptions = {
  invocations: { type: "number", describe: "Stop after this many invocations (synthetic: default 200000 unless --duration-s; a real trace: all)", group: "Any trace:" },
  "duration-s": { type: "number", describe: "Stop at this trace time, in seconds (a real trace's after --compress)", group: "Any trace:" },
  load: { type: "number", describe: "Constant offered load ρ = rate × mean work / cores (default 0.9)", group },
  phases: { type: "string", describe: "Load schedule tick:load,… e.g. 0:0.7,50:1.2,80:0.7", group },
  rate: { type: "string", describe: "Arrival rate in invocations per second instead of a load: 200, or a schedule tick:rate,… e.g. 0:100,30:400", group },
  "tick-ms": { type: "number", default: syntheticDefaults.tickMs, describe: "Length of a tick for --phases", group },
  functions: { type: "number", default: syntheticDefaults.functions, describe: "Distinct functions", group },
  tenants: { type: "number", default: syntheticDefaults.tenants, describe: "Tenants the functions belong to", group },
  work: { type: "string", choices: workDistributions, default: syntheticDefaults.work, describe: "Work distribution", group },
  "work-mean-ms": { type: "number", default: syntheticDefaults.workMeanMs, describe: "Mean of the per-function mean work", group },
  "work-sd-ms": { type: "number", default: syntheticDefaults.workMeanSdMs, describe: "Spread (sd) of per-function mean work", group },
  alpha: { type: "number", default: syntheticDefaults.alpha, describe: "Pareto shape α", group },
  sigma: { type: "number", default: syntheticDefaults.lognormalSigma, describe: "Lognormal σ", group },
  arrivals: { type: "string", choices: arrivalProcesses, default: syntheticDefaults.arrivals, describe: "Arrival process", group },
  prices: { type: "string", default: syntheticDefaults.prices.join(","), describe: "Price per class, µ¢ per cpu-second, ascending", group },
  "class-weights": { type: "string", describe: "Share of invocations per class (default: bimodal)", group },
  "mem-max-mb": { type: "number", default: syntheticDefaults.memMaxMb, describe: "Largest peak memory, MB", group },
  "chain-share": { type: "number", default: syntheticDefaults.chainShare, describe: "Share of top-level invocations that start a call chain", group },
  "chain-fan-out": { type: "number", default: syntheticDefaults.chainFanOut, describe: "Calls each chain member makes", group },
  "chain-depth": { type: "number", default: syntheticDefaults.chainDepth, describe: "Levels of calls below the top", group },
} as const;

export interface SyntheticArgs {
  readonly invocations?: number;
  readonly "duration-s"?: number;
  readonly load?: number;
  readonly phases?: string;
  readonly rate?: string;
  readonly "tick-ms": number;
  readonly functions: number;
  readonly tenants: number;
  readonly work: string;
  readonly "work-mean-ms": number;
  readonly "work-sd-ms": number;
  readonly alpha: number;
  readonly sigma: number;
  readonly arrivals: string;
  readonly prices: string;
  readonly "class-weights"?: string;
  readonly "mem-max-mb": number;
  readonly "chain-share": number;
  readonly "chain-fan-out": number;
  readonly "chain-depth": number;
}

export function syntheticConfigFromArgs(args: SyntheticArgs, seed: number, cores: number): SyntheticConfig {
  const shapes = (["load", "phases", "rate"] as const).filter((flag) => args[flag] !== undefined);
  if (shapes.length > 1) throw new UsageError(`give one of --load, --phases or --rate, not ${shapes.map((f) => `--${f}`).join(" and ")}`);
  throwIfErrors(syntheticFlagErrors(args));
  const prices = pricesFromFlag(args.prices);
  const config: SyntheticConfig = {
    ...syntheticDefaults,
    seed,
    functions: args.functions,
    tenants: args.tenants,
    work: args.work as WorkDistribution,
    workMeanMs: args["work-mean-ms"],
    workMeanSdMs: args["work-sd-ms"],
    alpha: args.alpha,
    lognormalSigma: args.sigma,
    arrivals: args.arrivals as ArrivalProcess,
    phases: args.rate !== undefined ? ratePhases(args.rate) : args.phases !== undefined ? parsePhasesOrThrow("--phases", args.phases) : [{ tick: 0, load: args.load ?? 0.9 }],
    ...(args.rate !== undefined ? { phaseUnit: "per-second" as const } : {}),
    tickMs: args["tick-ms"],
    cores,
    prices,
    classWeights: args["class-weights"] !== undefined ? numberList("--class-weights", args["class-weights"]) : bimodalWeights(prices.length),
    memMaxMb: args["mem-max-mb"],
    chainShare: args["chain-share"],
    chainFanOut: args["chain-fan-out"],
    chainDepth: args["chain-depth"],
    ...(args["duration-s"] !== undefined ? { durationMs: args["duration-s"] * 1000 } : {}),
    ...(args.invocations !== undefined || args["duration-s"] === undefined ? { invocations: args.invocations ?? 200_000 } : {}),
  };
  throwIfErrors(validateSyntheticConfig(config));
  return config;
}

/**
 * Every problem with a single synthetic flag, worded in the flag's own name and units (the
 * config holds ms where the flag says s). Checks across flags stay in `validateSyntheticConfig`.
 */
export function syntheticFlagErrors(args: SyntheticArgs): string[] {
  const errors: string[] = [];
  const check = (flag: keyof SyntheticArgs, ok: (v: number) => boolean, rule: string): void => {
    const v = args[flag];
    if (typeof v === "number" && !(Number.isFinite(v) && ok(v))) errors.push(`--${flag} must be ${rule} (got ${v})`);
  };
  const positiveInteger = (v: number): boolean => Number.isInteger(v) && v > 0;
  check("invocations", positiveInteger, "a positive integer");
  check("duration-s", (v) => v > 0, "> 0 s");
  check("load", (v) => v >= 0, ">= 0");
  check("tick-ms", (v) => v > 0, "> 0 ms");
  check("functions", positiveInteger, "a positive integer");
  check("tenants", positiveInteger, "a positive integer");
  // Tenants beyond the functions own none (the M/M/1 example has one function and 10 tenants): harmless, and grouped in one pass.
  check("tenants", (v) => v <= syntheticFunctionLimit, `at most ${syntheticFunctionLimit.toLocaleString("en-US")}`);
  // Each function is an object held for the whole run (≈ 200 B): bounded so a typo cannot exhaust memory.
  check("functions", (v) => v <= syntheticFunctionLimit, `at most ${syntheticFunctionLimit.toLocaleString("en-US")} (a day of the Azure 2019 trace has about 46 000)`);
  check("work-mean-ms", (v) => v > 0, "> 0 ms");
  check("work-sd-ms", (v) => v >= 0, ">= 0 ms");
  check("sigma", (v) => v > 0, "> 0");
  check("mem-max-mb", (v) => v > 0, "> 0 MB");
  check("chain-share", (v) => v >= 0 && v <= 1, "in [0, 1]");
  check("chain-fan-out", positiveInteger, "a positive integer");
  check("chain-depth", positiveInteger, "a positive integer");
  if (args.work === "pareto") check("alpha", (v) => v > 1, "> 1 for a finite Pareto mean");
  // A chain's calls are pending together: fan-out^depth of them must fit in memory.
  const perChain = args["chain-fan-out"] ** args["chain-depth"];
  if (args["chain-share"] > 0 && perChain > maxCallsPerChainLevel) {
    errors.push(
      `--chain-fan-out ${args["chain-fan-out"]} and --chain-depth ${args["chain-depth"]} make ${perChain.toLocaleString("en-US")} calls at a chain's deepest level, more than the limit of ${maxCallsPerChainLevel.toLocaleString("en-US")}`,
    );
  }
  return errors;
}

/** The most calls one chain may make at its deepest level (fan-out^depth). */
export const maxCallsPerChainLevel = 100_000;

/** The most distinct functions a synthetic trace may have. */
export const syntheticFunctionLimit = 1_000_000;

/** `--rate 200` is one phase at tick 0; `--rate 0:100,30:400` a schedule like --phases, in invocations per second. */
function ratePhases(text: string): ReturnType<typeof parsePhases> {
  if (text.includes(":")) return parsePhasesOrThrow("--rate", text);
  const rate = Number(text);
  if (text.trim() === "" || !Number.isFinite(rate) || rate <= 0) throw new UsageError(`--rate must be > 0 invocations per second, or a schedule tick:rate,… (got "${text}")`);
  return [{ tick: 0, load: rate }];
}

function parsePhasesOrThrow(flag: string, text: string): ReturnType<typeof parsePhases> {
  try {
    return parsePhases(text);
  } catch (e) {
    throw new UsageError(`${flag}: ${(e as Error).message}`);
  }
}

/** The `--prices` table: numbers, > 0, ascending with the class. Real traces use it too. */
export function pricesFromFlag(text: string): number[] {
  const prices = numberList("--prices", text);
  const ascending = prices.every((p, i) => {
    const previous = prices[i - 1];
    return p > 0 && (previous === undefined || p > previous);
  });
  if (!ascending) throw new UsageError(`--prices must be > 0 and increase with the class, e.g. 0.5,1,1.5,2 (got "${text}")`);
  return prices;
}

function numberList(flag: string, text: string): number[] {
  const cells = text.split(",").map((s) => s.trim());
  const values = cells.map(Number);
  // Number("") is 0: an empty entry is a typo, not a zero.
  if (values.some((v) => !Number.isFinite(v)) || cells.includes("")) throw new UsageError(`${flag} must be comma-separated numbers (got "${text}")`);
  return values;
}
