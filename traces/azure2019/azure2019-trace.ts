import { basename } from "node:path";
import { BadRowLog, type SkippedRows } from "../bad-row-log.ts";
import { defaultBatchSize, type Invocation, type InvocationBatch, type TraceSource } from "../invocation.ts";
import type { RealTraceOptions } from "../real-trace-options.ts";
import { SeededRandom } from "../seeded-random.ts";
import { TraceOptionError } from "../trace-option-error.ts";
import { representativeSamples, type ChosenSample } from "../transforms/function-sample.ts";
import { offeredLoad, scaleCounts, scaledTotal } from "../transforms/rate-scaling.ts";
import { thumbnailCounts, thumbnailMinutes } from "../transforms/time-compression.ts";
import { resolveWindow, type MinuteWindow } from "../transforms/time-window.ts";
import type { TraceTransform } from "../transforms/trace-transform.ts";
import { defaultTriggerClasses, loadTriggerClasses, type TriggerClassMap } from "../trigger-classes.ts";
import { findAzure2019Files, type Azure2019Files } from "./azure2019-files.ts";
import { readDurationPercentiles, type DurationStats } from "./duration-percentiles-file.ts";
import type { FunctionProfile } from "./function-profile.ts";
import { functionKey } from "./function-key.ts";
import { maxInvocationsPerFunctionMinute, readInvocationCounts, readInvocationCountsHeader, type InvocationCountsHeader } from "./invocation-counts-file.ts";
import { readMemoryPercentiles, type MemoryPercentiles, type MemoryStats } from "./memory-percentiles-file.ts";
import { MinuteArrivalMerge } from "./minute-arrival-merge.ts";
import { minuteMs } from "./minute-arrivals.ts";
import { MinuteMajorCounts, type MinuteMajorCountsOptions } from "./minute-major-counts.ts";
import type { MissingStatsReport } from "./missing-stats-policy.ts";
import { PercentileDistribution } from "./percentile-distribution.ts";

/** Invocations taken from the minute merge at a time (batches yield at `StreamOptions.batchSize`). */
const takeSize = defaultBatchSize;

/** Knobs for tests and the bench; not user options. */
export interface Azure2019ReadTuning {
  readonly counts?: MinuteMajorCountsOptions;
}

/**
 * The Azure Functions 2019 trace (or an excerpt of it) as a lazy invocation stream.
 *
 * Construction reads the durations and memory files whole (one row per function or app) and
 * makes one pass over the invocations file to join the three, apply the missing-stats policy,
 * choose the sample and work out the offered load; every `open()` then streams the invocations
 * file again, transposes it to minutes through `MinuteMajorCounts` (bounded memory, spilling to
 * temp files for big days) and lays each minute's invocations out with `writeMinuteArrivals`.
 * Nothing is materialised beyond one minute of arrival offsets.
 *
 * Random streams (all from `options.seed`): "arrivals" (gaps inside a minute), "arrival-phase"
 * (the phase shift), "work", "memory", "function-sample", "compression-rounding",
 * "rate-scaling".
 *
 * Bad rows are all met during construction, so `spec.read.skippedRows` is final as soon as the
 * promise resolves.
 */
export async function readAzure2019(dir: string, options: RealTraceOptions, tuning: Azure2019ReadTuning = {}): Promise<TraceSource> {
  const files = await findAzure2019Files(dir, options.day);
  const classCount = options.prices.length;
  const triggerClasses = options.triggerClasses ? await loadTriggerClasses(options.triggerClasses, classCount) : defaultTriggerClasses(classCount);
  const log = new BadRowLog(options.onBadRow);
  const durations = await readDurationPercentiles(files.durations, files.durations, log);
  const memory = files.memory === undefined ? undefined : await readMemoryPercentiles(files.memory, files.memory, log);
  if (memory === undefined && options.missingStats === "skip") {
    throw new TraceOptionError(
      `azure2019: ${dir} has no memory file (the release has none for d13 and d14); use --missing-stats default to replay with --missing-memory-mb`,
    );
  }
  const header = await readInvocationCountsHeader(files.invocations, files.invocations);
  const window = resolveWindow({ fromMinute: header.firstMinute, minutes: header.minutes }, options.fromMinute, options.minutes);
  const known = new Set(Object.keys(triggerClasses));

  const scan = await scanFunctions(files, header, window, known, log, durations, memory, triggerClasses, options, tuning);
  if (scan.rows === 0) {
    throw new TraceOptionError(
      `azure2019: ${files.invocations} has no function rows${log.skipped.total > 0 ? ` (all ${log.skipped.total} were skipped as malformed)` : ""}: zero invocations is not a run`,
    );
  }
  const transforms: TraceTransform[] = [{ transform: "window", fromMinute: window.fromMinute, minutes: window.minutes, fileMinutes: { fromMinute: header.firstMinute, minutes: header.minutes } }];

  // Which scanned rows are replayed: every eligible one, or the chosen sample.
  const replayed = new Uint8Array(scan.rows);
  let sample: ChosenSample | undefined;
  if (options.sample !== undefined) {
    const sizes = options.sampleChain ? options.sampleChain.slice(0, options.sampleChain.indexOf(options.sample) + 1) : [options.sample];
    const { counts } = scan;
    if (counts === undefined) throw new Error("azure2019: the scan for --sample kept no minute counts to sample from");
    let chain: Awaited<ReturnType<typeof representativeSamples>>;
    try {
      // Validation put --sample in --sample-chain, so the chain down to it has a first, largest size.
      const [largest] = sizes;
      if (largest === undefined) throw new Error(`--sample ${options.sample} is not in --sample-chain ${options.sampleChain?.join(",")}`);
      if (largest > scan.eligible.length) {
        throw new TraceOptionError(`--sample ${largest} is larger than the ${scan.eligible.length} replayable functions of ${dir}`);
      }
      chain = await representativeSamples(
        {
          functions: scan.eligible.length,
          resourcePerInvocation: Float64Array.from(scan.eligible, (r) => profileOf(scan, r).resourcePerInvocation),
          minutes: () => counts.byMinute(),
        },
        sizes,
        options.sampleTrials,
        SeededRandom.forPurpose(options.seed, "function-sample"),
      );
    } finally {
      // Its spill files, if any, must go whether the sample succeeds or not.
      counts.dispose();
    }
    sample = chain.at(-1);
    if (sample === undefined) throw new Error(`azure2019: the sampler returned no sample for sizes ${sizes.join(",")}`);
    for (const e of sample.members) {
      const row = scan.eligible[e];
      if (row === undefined) throw new Error(`azure2019: sampled function ${e} is not one of the ${scan.eligible.length} eligible ones`);
      replayed[row] = 1;
    }
    transforms.push({
      transform: "function-sample",
      size: sample.size,
      chain: sizes,
      trials: options.sampleTrials,
      fromFunctions: scan.eligible.length,
      invocationsDistance: sample.invocationsDistance,
      resourcesDistance: sample.resourcesDistance,
      score: sample.score,
      chainScores: chain.map((c) => ({ size: c.size, score: c.score, bestOf: [Math.min(...c.candidateScores), Math.max(...c.candidateScores)] })),
      distanceDefinition: "mean over minutes of the Wasserstein distance between the per-function distributions (sample vs all) of the minute's invocations, and of invocations x Average ms x AverageAllocatedMb / 1e6",
    });
  } else {
    for (const r of scan.eligible) replayed[r] = 1;
  }

  const thumbnails = options.compressMode === "thumbnails" && options.compress !== 1;
  const outMinutes = thumbnails ? thumbnailMinutes(window.minutes, options.compress) : window.minutes;
  const timeScale = options.compressMode === "scale" ? options.compress : 1;
  const durationMs = (outMinutes * minuteMs) / timeScale;
  let workMs = 0;
  let invocations = 0;
  for (const [r, total] of scan.totals.entries()) {
    if (!replayed[r]) continue;
    workMs += total * profileOf(scan, r).meanWorkMs;
    invocations += total;
  }
  const loadBeforeScaling = offeredLoad(workMs, durationMs, options.cores);
  if (options.compress !== 1) {
    transforms.push({
      transform: "time-compression",
      mode: options.compressMode,
      factor: options.compress,
      minutesBefore: window.minutes,
      minutesAfter: outMinutes,
      // Thumbnails keep every function's total exactly; scale keeps every arrival.
      invocationsBefore: invocations,
      invocationsAfter: invocations,
    });
  }
  const compressionOffsets = offsets(options.seed, "compression-rounding", scan.rows);
  const rateOffsets = offsets(options.seed, "rate-scaling", scan.rows);
  let rateFactor = 1;
  let expected = invocations;
  let resultingLoad = loadBeforeScaling;
  if (options.targetLoad !== undefined) {
    if (!(loadBeforeScaling > 0)) throw new TraceOptionError(`--target-load: the selected trace offers no load to scale (no work in the window)`);
    rateFactor = options.targetLoad / loadBeforeScaling;
    let scaledWork = 0;
    expected = 0;
    for (const [r, total] of scan.totals.entries()) {
      if (!replayed[r]) continue;
      const offset = rateOffsets[r];
      if (offset === undefined) throw new Error(`azure2019: no rate-scaling offset for function row ${r} of ${scan.rows}`);
      const n = scaledTotal(total, rateFactor, offset);
      expected += n;
      scaledWork += n * profileOf(scan, r).meanWorkMs;
    }
    resultingLoad = offeredLoad(scaledWork, durationMs, options.cores);
    transforms.push({
      transform: "rate-scaling",
      targetLoad: options.targetLoad,
      cores: options.cores,
      sourceLoad: loadBeforeScaling,
      factor: rateFactor,
      resultingLoad,
      invocationsBefore: invocations,
      invocationsAfter: expected,
    });
  }

  refuseCountsOverCap(scan, replayed, thumbnails ? options.compress : 1, rateFactor);
  if (expected === 0) {
    throw new TraceOptionError(`azure2019: no invocation of ${dir} is replayed (window from minute ${window.fromMinute}, ${window.minutes} minutes${sample ? `, a sample of ${sample.size}` : ""}): zero invocations is not a run`);
  }

  const spec = {
    source: "azure2019",
    dir,
    layout: files.layout,
    ...(files.day !== undefined ? { day: files.day } : {}),
    files: { invocations: basename(files.invocations), durations: basename(files.durations), memory: files.memory ? basename(files.memory) : null },
    seed: options.seed,
    arrivalsInMinute: options.arrivalsInMinute,
    phaseShift: options.phaseShift,
    workDraw: "piecewise-linear inverse CDF through percentile_Average_{0,1,25,50,75,99,100} (ms, no clamp)",
    memoryDraw: "piecewise-linear inverse CDF through AverageAllocatedMb_pct{1,5,25,50,75,95,99,100}; memStart = pct1",
    memoryBasis: memory?.basis ?? "none",
    triggerClasses,
    triggerClassesFile: options.triggerClasses ?? null,
    prices: options.prices,
    functions: { inFile: scan.rows + scan.duplicateRows, duplicateRowsIgnored: scan.duplicateRows, eligible: scan.eligible.length, replayed: replayed.reduce((a, b) => a + b, 0) },
    missingStats: scan.missing,
    transforms,
    offeredLoad: { cores: options.cores, load: resultingLoad },
    read: { complete: true, skippedRows: log.skipped } satisfies TraceReadReport,
  };

  const plan: GenerationPlan = {
    files,
    header,
    window,
    known,
    onBadRow: options.onBadRow,
    profiles: scan.profiles,
    replayed,
    outMinutes,
    timeScale,
    compress: thumbnails ? options.compress : 1,
    compressionOffsets,
    rateFactor,
    rateOffsets,
    options,
    tuning,
  };
  return {
    kind: "azure2019",
    spec,
    prices: options.prices,
    expectedInvocations: expected,
    expectedDurationMs: durationMs,
    open: (options) => generate(plan, options?.batchSize ?? defaultBatchSize),
  };
}

/** What a reader found about its own reading, for the manifest (mutable until `complete`). */
export interface TraceReadReport {
  complete: boolean;
  readonly skippedRows: SkippedRows;
}

interface FunctionScan {
  /** Good rows of the invocations file (bad and duplicate rows excluded), in file order. */
  readonly rows: number;
  readonly duplicateRows: number;
  /** Per row: the profile, or undefined when the missing-stats policy skipped it. */
  readonly profiles: (FunctionProfile | undefined)[];
  /** Per row: invocations in the window. */
  readonly totals: Float64Array;
  /** Per row: its largest minute count in the window. */
  readonly busiestMinute: Float64Array;
  /** Rows with a profile, ascending: the sampler's dense function ids. */
  readonly eligible: number[];
  readonly missing: MissingStatsReport;
  /** Window counts by minute of the eligible rows (dense ids), only when sampling. */
  readonly counts?: MinuteMajorCounts;
}

async function scanFunctions(
  files: Azure2019Files,
  header: InvocationCountsHeader,
  window: MinuteWindow,
  known: ReadonlySet<string>,
  log: BadRowLog,
  durations: ReadonlyMap<string, DurationStats>,
  memory: MemoryPercentiles | undefined,
  triggerClasses: TriggerClassMap,
  options: RealTraceOptions,
  tuning: Azure2019ReadTuning,
): Promise<FunctionScan> {
  const missing: MissingStatsReport = {
    policy: options.missingStats,
    defaultWorkMs: options.missingWorkMs,
    defaultMemoryMb: options.missingMemoryMb,
    functionsWithoutDurations: 0,
    functionsWithoutMemory: 0,
    functionsSkipped: 0,
    invocationsSkipped: 0,
    functionsDefaulted: 0,
  };
  const defaultWork = PercentileDistribution.constant(options.missingWorkMs);
  const defaultMemory = PercentileDistribution.constant(options.missingMemoryMb);
  const counts = options.sample !== undefined ? new MinuteMajorCounts(window.minutes, tuning.counts) : undefined;
  const seen = new Set<string>();
  const profiles: (FunctionProfile | undefined)[] = [];
  const totals: number[] = [];
  const busiestMinute: number[] = [];
  const eligible: number[] = [];
  let duplicateRows = 0;
  try {
    for await (const row of readInvocationCounts(files.invocations, files.invocations, header, window, known, log)) {
      const key = functionKey(row.owner, row.app, row.fn);
      if (seen.has(key)) {
        duplicateRows++;
        continue;
      }
      seen.add(key);
      let total = 0;
      let busiest = 0;
      // Every minute of every function row: m < row.counts.length, so `!` is kept rather than checked.
      for (let m = 0; m < row.counts.length; m++) {
        total += row.counts[m]!;
        if (row.counts[m]! > busiest) busiest = row.counts[m]!;
      }
      const d: DurationStats | undefined = durations.get(key);
      const mem: MemoryStats | undefined = memory?.lookup(row.owner, row.app, row.fn);
      if (!d) missing.functionsWithoutDurations++;
      if (!mem) missing.functionsWithoutMemory++;
      let profile: FunctionProfile | undefined;
      if ((!d || !mem) && options.missingStats === "skip") {
        missing.functionsSkipped++;
        missing.invocationsSkipped += total;
      } else {
        if (!d || !mem) missing.functionsDefaulted++;
        const work = d?.percentiles ?? defaultWork;
        const mb = mem?.percentiles ?? defaultMemory;
        // The reader passes only rows whose trigger is a key of the map, so a miss is a bug.
        const priceClass = triggerClasses[row.trigger];
        if (priceClass === undefined) throw new Error(`azure2019: trigger "${row.trigger}" has no price class, yet its row was read`);
        const [memStartMb] = mb.values;
        if (memStartMb === undefined) throw new Error(`azure2019: the memory distribution of ${key} has no points`);
        profile = {
          tenant: row.owner,
          app: row.app,
          fn: row.fn,
          trigger: row.trigger,
          priceClass,
          work,
          memory: mb,
          memStartMb,
          meanWorkMs: work.mean(),
          resourcePerInvocation: ((d?.averageMs ?? options.missingWorkMs) * (mem?.averageMb ?? options.missingMemoryMb)) / 1e6,
        };
        counts?.addFunction(eligible.length, row.counts);
        eligible.push(profiles.length);
      }
      profiles.push(profile);
      totals.push(total);
      busiestMinute.push(busiest);
    }
  } catch (error) {
    // A bad row stops the scan: the sample's spill files go with it.
    counts?.dispose();
    throw error;
  }
  return {
    rows: profiles.length,
    duplicateRows,
    profiles,
    totals: Float64Array.from(totals),
    busiestMinute: Float64Array.from(busiestMinute),
    eligible,
    missing,
    ...(counts ? { counts } : {}),
  };
}

/**
 * Merging minutes (thumbnails) and scaling the rate multiply minute counts; refuse, before any
 * arrival is made, a replay whose counts could pass the per-function-minute cap (they are held
 * as uint32, which would otherwise wrap silently). The bound is the busiest minute times the
 * minutes merged times the rate factor, plus one for rounding.
 */
function refuseCountsOverCap(scan: FunctionScan, replayed: Uint8Array, compress: number, rateFactor: number): void {
  let busiest = 0;
  for (const [r, rowBusiest] of scan.busiestMinute.entries()) if (replayed[r] && rowBusiest > busiest) busiest = rowBusiest;
  const bound = Math.ceil(busiest * Math.ceil(compress) * rateFactor) + 1;
  if (bound <= maxInvocationsPerFunctionMinute || (compress === 1 && rateFactor === 1)) return;
  const flags = [compress !== 1 ? `--compress ${compress}` : "", rateFactor !== 1 ? `--target-load (rate × ${rateFactor.toPrecision(3)})` : ""].filter(Boolean).join(" and ");
  throw new TraceOptionError(
    `${flags} would put up to ${bound.toLocaleString("en-US")} invocations of one function in one minute (the busiest has ${busiest.toLocaleString("en-US")}), over the limit of ${maxInvocationsPerFunctionMinute.toLocaleString("en-US")} per function-minute`,
  );
}

/** A scanned row's profile, for a row the scan kept: eligible and replayed rows all have one. */
function profileOf(scan: FunctionScan, row: number): FunctionProfile {
  const profile = scan.profiles[row];
  if (profile === undefined) throw new Error(`azure2019: function row ${row} has no profile (it was skipped for missing stats) but is being replayed`);
  return profile;
}

/** One systematic-rounding offset per row, drawn in row order from its own stream. */
function offsets(seed: number, purpose: string, rows: number): Float64Array {
  const rng = SeededRandom.forPurpose(seed, purpose);
  return Float64Array.from({ length: rows }, () => rng.next());
}

interface GenerationPlan {
  readonly files: Azure2019Files;
  readonly header: InvocationCountsHeader;
  readonly window: MinuteWindow;
  readonly known: ReadonlySet<string>;
  readonly onBadRow: RealTraceOptions["onBadRow"];
  readonly profiles: readonly (FunctionProfile | undefined)[];
  readonly replayed: Uint8Array;
  readonly outMinutes: number;
  readonly timeScale: number;
  /** Thumbnail factor (1 = none). */
  readonly compress: number;
  readonly compressionOffsets: Float64Array;
  readonly rateFactor: number;
  readonly rateOffsets: Float64Array;
  readonly options: RealTraceOptions;
  readonly tuning: Azure2019ReadTuning;
}

async function* generate(plan: GenerationPlan, yieldEvery: number): AsyncGenerator<InvocationBatch> {
  const { options, profiles, replayed } = plan;
  const store = new MinuteMajorCounts(plan.outMinutes, plan.tuning.counts);
  try {
    // The construction pass already reported every bad row; this pass skips the same rows quietly.
    const quiet = new BadRowLog(plan.onBadRow);
    let r = -1;
    const seen = new Set<string>();
    for await (const row of readInvocationCounts(plan.files.invocations, plan.files.invocations, plan.header, plan.window, plan.known, quiet)) {
      const key = functionKey(row.owner, row.app, row.fn);
      if (seen.has(key)) continue;
      seen.add(key);
      r++;
      if (!replayed[r]) continue;
      let counts = row.counts;
      const compressionOffset = plan.compressionOffsets[r];
      const rateOffset = plan.rateOffsets[r];
      if (compressionOffset === undefined || rateOffset === undefined) throw new Error(`azure2019: function row ${r} has no rounding offsets (the scan found fewer rows)`);
      if (plan.compress !== 1) counts = thumbnailCounts(counts, plan.compress, compressionOffset);
      if (plan.rateFactor !== 1) counts = scaleCounts(counts, plan.rateFactor, rateOffset);
      store.addFunction(r, counts);
    }
    seen.clear();

    const gaps = SeededRandom.forPurpose(options.seed, "arrivals");
    const phase = options.phaseShift ? SeededRandom.forPurpose(options.seed, "arrival-phase") : undefined;
    const work = SeededRandom.forPurpose(options.seed, "work");
    const memory = SeededRandom.forPurpose(options.seed, "memory");
    let slab: Float64Array = new Float64Array(1024);
    const takenRuns = new Int32Array(takeSize);
    const takenOffsets = new Float64Array(takeSize);
    let id = 0;
    let batch: Invocation[] = [];
    for await (const { minute, functions, counts } of store.byMinute()) {
      // Small runs are written out, large ones streamed: no count is held as one array.
      const merge = new MinuteArrivalMerge(options.arrivalsInMinute, counts, gaps, phase, slab);
      slab = merge.buffer;
      const minuteStart = minute * minuteMs;
      for (let n = merge.take(takenRuns, takenOffsets); n > 0; n = merge.take(takenRuns, takenOffsets)) {
        // The per-invocation loop: i < n ≤ takeSize, runs index `functions`, and every replayed row
        // has a profile (profileOf checked them all above), so `!` is kept rather than checked.
        for (let i = 0; i < n; i++) {
          const p = profiles[functions[takenRuns[i]!]!]!;
          const peak = p.memory.sample(memory.next());
          batch.push({
            id: id++,
            arrivalMs: (minuteStart + takenOffsets[i]!) / plan.timeScale,
            tenant: p.tenant,
            app: p.app,
            fn: p.fn,
            trigger: p.trigger,
            priceClass: p.priceClass,
            workMs: p.work.sample(work.next()),
            memStartMb: p.memStartMb,
            memPeakMb: peak,
          });
          if (batch.length >= yieldEvery) {
            yield batch;
            batch = [];
          }
        }
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    store.dispose();
  }
}
