import { badRowPolicies, type BadRowPolicy } from "./bad-row-log.ts";
import { arrivalsInMinuteModes, type ArrivalsInMinute } from "./azure2019/minute-arrivals.ts";
import { seedPrices } from "./synthetic/synthetic-config.ts";
import { compressionModes, type CompressionMode } from "./transforms/time-compression.ts";
import { missingStatsPolicies, type MissingStatsPolicy } from "./azure2019/missing-stats-policy.ts";
import { TraceOptionError } from "./trace-option-error.ts";

/** How the 2021 trace, which has no trigger, gets price classes: one class for all, or uniform per function. */
export type Classes2021 = number | "uniform";

/**
 * Everything a real-trace replay can be told, resolved (every field set, defaults in
 * `realTraceDefaults`). The transforms apply in this order: window → function sample → time
 * compression → rate scaling.
 */
export interface RealTraceOptions {
  /** Run seed; every random choice takes its own named stream from it. */
  readonly seed: number;
  /** Price table (µ¢ per cpu-second, ascending); classes index it. */
  readonly prices: readonly number[];
  /** 2019: how a minute's count is spread over the minute. */
  readonly arrivalsInMinute: ArrivalsInMinute;
  /** 2019: rotate each function's minute pattern by a random phase. */
  readonly phaseShift: boolean;
  /** First replayed minute, 0-based from the trace start (2019 column label k is minute k−1); unset = first in the file. */
  readonly fromMinute?: number;
  /** Minutes to replay; unset = to the end. */
  readonly minutes?: number;
  /** Replay a representative subset of this many functions. */
  readonly sample?: number;
  /** Nested sample sizes, descending, ending at or passing through `sample`: runs sharing a chain and seed get nested subsets. */
  readonly sampleChain?: readonly number[];
  /** Random candidate subsets scored per sample size. */
  readonly sampleTrials: number;
  /** Time-compression factor (> 0; 1 = none). */
  readonly compress: number;
  readonly compressMode: CompressionMode;
  /** Scale the arrival rate so the offered load on `cores` is this (unset = as traced). */
  readonly targetLoad?: number;
  /** Cores of the simulated cluster (machines × cores), for offered load. */
  readonly cores: number;
  /** JSON file of trigger → class overriding the default mapping. */
  readonly triggerClasses?: string;
  readonly classes2021: Classes2021;
  /** 2021: memory of every invocation (the trace has none; In-Vitro uses 200 MB). */
  readonly memory2021Mb: number;
  /** 2021: how far (s) rows may run out of start-time order before the read stops. */
  readonly reorderWindowS: number;
  readonly onBadRow: BadRowPolicy;
  /** 2019: functions with no durations or memory row are skipped (counted) or get the defaults below (counted). */
  readonly missingStats: MissingStatsPolicy;
  readonly missingWorkMs: number;
  readonly missingMemoryMb: number;
  /** 2019 release layout: which day file dNN (unset = the lowest present). */
  readonly day?: number;
}

export const realTraceDefaults = {
  seed: 1,
  prices: seedPrices,
  arrivalsInMinute: "poisson",
  phaseShift: true,
  sampleTrials: 16,
  compress: 1,
  compressMode: "thumbnails",
  cores: 800,
  classes2021: "uniform",
  memory2021Mb: 200,
  reorderWindowS: 3600,
  onBadRow: "stop",
  missingStats: "skip",
  // ATC'20: half of all functions average under ~1 s; half of all apps use under ~170 MB.
  missingWorkMs: 1000,
  missingMemoryMb: 200,
} as const satisfies Partial<RealTraceOptions>;

/** A yargs-style option: plain data the CLI spreads into its commands. */
export interface TraceOptionDefinition {
  readonly type: "string" | "number" | "boolean";
  readonly describe: string;
  readonly default?: string | number | boolean;
  readonly choices?: readonly string[];
}

/**
 * Options of `replay` and `trace inspect` for real traces, keyed by flag name. `seed` and
 * `cores` are not here: the CLI owns them (they also drive the synthetic trace and the
 * cluster) and passes them to `parseRealTraceOptions`.
 */
export const realTraceOptionDefinitions = {
  "arrivals-in-minute": {
    type: "string",
    choices: arrivalsInMinuteModes,
    default: realTraceDefaults.arrivalsInMinute,
    describe: "azure2019: spread of a minute's invocations (poisson = exponential gaps rescaled to the count)",
  },
  "phase-shift": { type: "boolean", default: realTraceDefaults.phaseShift, describe: "azure2019: random phase per function-minute, so busy minutes do not all start on the boundary" },
  from: { type: "number", describe: "first minute to replay, 0-based from the trace start (2019 column label k = minute k-1); default: first in the file" },
  minutes: { type: "number", describe: "minutes to replay; default: to the end" },
  sample: { type: "number", describe: "replay a representative subset of N functions (Wasserstein-scored, In-Vitro style)" },
  "sample-chain": { type: "string", describe: "nested sample sizes, descending, e.g. 400,200,100: same chain + seed => nested subsets" },
  "sample-trials": { type: "number", default: realTraceDefaults.sampleTrials, describe: "candidate subsets scored per sample size" },
  compress: { type: "number", default: realTraceDefaults.compress, describe: "time-compression factor (2 = the trace in half the time)" },
  "compress-mode": {
    type: "string",
    choices: compressionModes,
    default: realTraceDefaults.compressMode,
    describe: "thumbnails = merge minute buckets (FaaSRail), scale = divide every arrival time",
  },
  "target-load": { type: "number", describe: "scale the arrival rate to this offered load on the cluster's cores" },
  "trigger-classes": { type: "string", describe: "JSON file {trigger: class} over the default (http=highest, orchestration=middle, others=0)" },
  "classes-2021": { type: "string", default: String(realTraceDefaults.classes2021), describe: "azure2021 (no triggers): a class index for all, or 'uniform' per function" },
  "memory-2021-mb": { type: "number", default: realTraceDefaults.memory2021Mb, describe: "azure2021: memory per invocation in MB (the trace has none)" },
  "reorder-window-s": { type: "number", default: realTraceDefaults.reorderWindowS, describe: "azure2021: tolerated start-time disorder in s" },
  "on-bad-row": { type: "string", choices: badRowPolicies, default: realTraceDefaults.onBadRow, describe: "stop at a malformed row, or skip and count it in the manifest" },
  "missing-stats": {
    type: "string",
    choices: missingStatsPolicies,
    default: realTraceDefaults.missingStats,
    describe: "azure2019: functions without a durations/memory row: skip (counted) or use the defaults (counted)",
  },
  "missing-work-ms": { type: "number", default: realTraceDefaults.missingWorkMs, describe: "work of functions without a durations row under --missing-stats default" },
  "missing-memory-mb": { type: "number", default: realTraceDefaults.missingMemoryMb, describe: "memory of functions without a memory row under --missing-stats default" },
  day: { type: "number", describe: "azure2019 release layout: day file dNN to read; default: lowest present" },
} as const satisfies Record<string, TraceOptionDefinition>;

/** The parsed flags, as yargs hands them over (names as in `realTraceOptionDefinitions`). */
export type RealTraceArgv = Readonly<Record<string, unknown>>;

/**
 * Turns CLI flags into options, collecting every problem into one `TraceOptionError` so the
 * user fixes them at once.
 */
export function parseRealTraceOptions(argv: RealTraceArgv, owned: { seed: number; cores: number; prices?: readonly number[] }): RealTraceOptions {
  const errors: string[] = [];
  const num = (name: string): number | undefined => {
    const v = argv[name];
    if (v === undefined || v === null) return undefined;
    const n = typeof v === "number" ? v : Number(v);
    if (!Number.isFinite(n)) errors.push(`--${name} must be a number (got ${String(v)})`);
    return n;
  };
  const str = (name: string): string | undefined => (argv[name] === undefined ? undefined : String(argv[name]));
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const v = str(name) ?? fallback;
    if (!allowed.includes(v as T)) errors.push(`--${name} must be one of ${allowed.join(", ")} (got ${v})`);
    return v as T;
  };
  const classesText = str("classes-2021") ?? String(realTraceDefaults.classes2021);
  let classes2021: Classes2021 = classesText === "uniform" ? "uniform" : Number(classesText);
  // Quote what was typed: Number("abc") would reach the message as NaN.
  if (classes2021 !== "uniform" && !/^\d+$/.test(classesText.trim())) {
    errors.push(`--classes-2021 must be 'uniform' or a class index (got "${classesText}")`);
    classes2021 = "uniform";
  }
  let chainText = str("sample-chain");
  if (chainText !== undefined && !/^\s*\d+\s*(,\s*\d+\s*)*$/.test(chainText)) {
    errors.push(`--sample-chain must list positive integers, e.g. 400,200,100 (got "${chainText}")`);
    chainText = undefined;
  }
  const options: RealTraceOptions = {
    seed: owned.seed,
    cores: owned.cores,
    prices: owned.prices ?? realTraceDefaults.prices,
    arrivalsInMinute: oneOf("arrivals-in-minute", arrivalsInMinuteModes, realTraceDefaults.arrivalsInMinute),
    phaseShift: argv["phase-shift"] === undefined ? realTraceDefaults.phaseShift : Boolean(argv["phase-shift"]),
    fromMinute: num("from"),
    minutes: num("minutes"),
    sample: num("sample"),
    sampleChain: chainText === undefined ? undefined : chainText.split(",").map((s) => Number(s.trim())),
    sampleTrials: num("sample-trials") ?? realTraceDefaults.sampleTrials,
    compress: num("compress") ?? realTraceDefaults.compress,
    compressMode: oneOf("compress-mode", compressionModes, realTraceDefaults.compressMode),
    targetLoad: num("target-load"),
    triggerClasses: str("trigger-classes"),
    classes2021,
    memory2021Mb: num("memory-2021-mb") ?? realTraceDefaults.memory2021Mb,
    reorderWindowS: num("reorder-window-s") ?? realTraceDefaults.reorderWindowS,
    onBadRow: oneOf("on-bad-row", badRowPolicies, realTraceDefaults.onBadRow),
    missingStats: oneOf("missing-stats", missingStatsPolicies, realTraceDefaults.missingStats),
    missingWorkMs: num("missing-work-ms") ?? realTraceDefaults.missingWorkMs,
    missingMemoryMb: num("missing-memory-mb") ?? realTraceDefaults.missingMemoryMb,
    day: num("day"),
  };
  errors.push(...validateRealTraceOptions(options));
  if (errors.length > 0) throw new TraceOptionError(errors.join("; "));
  return options;
}

/** Fills unset fields from the defaults (for library callers and tests). */
export function withRealTraceDefaults(partial: Partial<RealTraceOptions> = {}): RealTraceOptions {
  return { ...realTraceDefaults, ...partial };
}

/** Every problem with a set of options. */
export function validateRealTraceOptions(o: RealTraceOptions): string[] {
  const errors: string[] = [];
  const positiveInt = (name: string, v: number | undefined): void => {
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) errors.push(`${name} must be a positive integer (got ${v})`);
  };
  if (!Number.isInteger(o.seed) || o.seed < 0) errors.push(`seed must be a non-negative integer (got ${o.seed})`);
  if (o.prices.length === 0) errors.push("at least one price class is needed");
  if (o.fromMinute !== undefined && !(Number.isInteger(o.fromMinute) && o.fromMinute >= 0)) {
    errors.push(`--from must be a minute >= 0 (got ${o.fromMinute})`);
  }
  positiveInt("--minutes", o.minutes);
  positiveInt("--sample", o.sample);
  positiveInt("--sample-trials", o.sampleTrials);
  positiveInt("--day", o.day);
  positiveInt("cores", o.cores);
  if (o.sampleChain !== undefined) {
    if (o.sampleChain.some((s) => !(Number.isInteger(s) && s > 0))) errors.push(`--sample-chain must list positive integers (got ${o.sampleChain.join(",")})`);
    for (const [i, size] of o.sampleChain.entries()) {
      const previous = o.sampleChain[i - 1];
      if (previous !== undefined && !(size < previous)) errors.push(`--sample-chain must be strictly descending (got ${o.sampleChain.join(",")})`);
    }
    if (o.sample === undefined) errors.push("--sample-chain needs --sample (one of its sizes)");
    else if (!o.sampleChain.includes(o.sample)) errors.push(`--sample ${o.sample} is not in --sample-chain ${o.sampleChain.join(",")}`);
  }
  if (!(o.compress > 0)) errors.push(`--compress must be > 0 (got ${o.compress})`);
  if (o.targetLoad !== undefined && !(o.targetLoad > 0)) errors.push(`--target-load must be > 0 (got ${o.targetLoad})`);
  if (o.classes2021 !== "uniform" && !(Number.isInteger(o.classes2021) && o.classes2021 >= 0 && o.classes2021 < o.prices.length)) {
    errors.push(`--classes-2021 must be 'uniform' or a class in 0..${o.prices.length - 1} (got ${o.classes2021})`);
  }
  if (!(o.memory2021Mb > 0)) errors.push(`--memory-2021-mb must be > 0 (got ${o.memory2021Mb})`);
  if (!(o.reorderWindowS >= 0)) errors.push(`--reorder-window-s must be >= 0 (got ${o.reorderWindowS})`);
  if (!(o.missingWorkMs >= 0)) errors.push(`--missing-work-ms must be >= 0 (got ${o.missingWorkMs})`);
  if (!(o.missingMemoryMb > 0)) errors.push(`--missing-memory-mb must be > 0 (got ${o.missingMemoryMb})`);
  return errors;
}
