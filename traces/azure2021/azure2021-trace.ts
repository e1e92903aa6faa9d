import { access } from "node:fs/promises";
import { BadRowLog } from "../bad-row-log.ts";
import { defaultBatchSize, type Invocation, type InvocationBatch, type TraceSource } from "../invocation.ts";
import type { TraceReadReport } from "../azure2019/azure2019-trace.ts";
import { MinuteMajorCounts } from "../azure2019/minute-major-counts.ts";
import type { RealTraceOptions } from "../real-trace-options.ts";
import { SeededRandom } from "../seeded-random.ts";
import { TraceFormatError } from "../trace-format-error.ts";
import { TraceOptionError } from "../trace-option-error.ts";
import { representativeSamples } from "../transforms/function-sample.ts";
import { offeredLoad, scaledTotal } from "../transforms/rate-scaling.ts";
import type { TraceTransform } from "../transforms/trace-transform.ts";
import { readAzure2021Rows, type Azure2021Row } from "./azure2021-rows.ts";
import { ReorderBuffer } from "./reorder-buffer.ts";
import { maxInvocationsPerFunctionMinute } from "../azure2019/invocation-counts-file.ts";

/** Rate scaling turns a row into ⌊factor⌋ or ⌈factor⌉ invocations; the same bound as a 2019 function-minute. */
const maxCopiesPerRow = maxInvocationsPerFunctionMinute;
const minuteS = 60;

/**
 * The Azure Functions 2021 invocation trace (`app,func,end_timestamp,duration`, seconds) as a
 * lazy stream. Arrival = end − duration; work = duration (zeros kept); memory is
 * `memory2021Mb` for every invocation (the trace has none); tenant = app (no owner column);
 * classes come from `classes2021` (the trace has no trigger).
 *
 * Construction makes one pass over the file: it checks every row (so `spec.read.skippedRows`
 * is final when the promise resolves), numbers functions by first appearance, and gathers the
 * per-function counts the sample and the rate scaling need. Each `open()` streams the file again
 * through a `ReorderBuffer`, so memory is bounded by the reorder window, not the file.
 *
 * Random streams: "class" (one class per function under "uniform"), "function-sample",
 * "rate-scaling" (the systematic-rounding offset per function).
 */
export async function readAzure2021(file: string, options: RealTraceOptions): Promise<TraceSource> {
  try {
    await access(file);
  } catch {
    throw new TraceOptionError(`azure2021: cannot read ${file}`);
  }
  if (options.compressMode === "thumbnails" && options.compress !== 1) {
    throw new TraceOptionError("azure2021 has real per-invocation times: compress it with --compress-mode scale (thumbnails merge minute counts)");
  }
  if (options.day !== undefined) throw new TraceOptionError("--day applies to the azure2019 release layout only");
  const log = new BadRowLog(options.onBadRow);
  const fromS = (options.fromMinute ?? 0) * minuteS;
  const endS = options.minutes !== undefined ? fromS + options.minutes * minuteS : Number.POSITIVE_INFINITY;
  const sampling = options.sample !== undefined;

  // The pre-pass: functions, per-function totals and (when sampling) per-minute counts in the window.
  const functionIndex = new Map<string, number>();
  const functionIds: { app: string; func: string }[] = [];
  const totals: number[] = [];
  const workMs: number[] = [];
  const perMinute: Uint32Array[] = [];
  let outside = 0;
  let rows = 0;
  let lastStartS = Number.NEGATIVE_INFINITY;
  // Once per invocation row: f indexes totals, workMs and perMinute (each gets an entry when its
  // function is first seen) and m < counts.length after growing, so `!` is kept rather than checked.
  await forEachOrderedRow(file, options.reorderWindowS, log, (row) => {
    rows++;
    const key = `${row.app}/${row.func}`;
    let f = functionIndex.get(key);
    if (f === undefined) {
      f = functionIds.length;
      // Owned copies: the row's cells are slices that would pin papaparse's chunk for the whole run.
      functionIndex.set(owned(key), f);
      functionIds.push({ app: owned(row.app), func: owned(row.func) });
      totals.push(0);
      workMs.push(0);
      if (sampling) perMinute.push(new Uint32Array(64));
    }
    if (!(row.startS >= fromS && row.startS < endS)) {
      outside++;
      return;
    }
    totals[f]!++;
    workMs[f]! += row.durationS * 1000;
    if (row.startS > lastStartS) lastStartS = row.startS;
    if (sampling) {
      const m = Math.floor((row.startS - fromS) / minuteS);
      let counts = perMinute[f]!;
      if (m >= counts.length) {
        const grown = new Uint32Array(Math.max(m + 1, counts.length * 2));
        grown.set(counts);
        perMinute[f] = counts = grown;
      }
      counts[m]!++;
    }
  });
  const invocationsInWindow = totals.reduce((a, b) => a + b, 0);
  if (rows === 0) {
    throw new TraceOptionError(`azure2021: ${file} has no invocation rows${log.skipped.total > 0 ? ` (all ${log.skipped.total} were skipped as malformed)` : ""}: zero invocations is not a run`);
  }
  if (invocationsInWindow === 0) throw new TraceOptionError(`azure2021: no invocation of ${file} starts in the window from minute ${fromS / minuteS}`);
  const minutes = options.minutes ?? Math.floor((lastStartS - fromS) / minuteS) + 1;
  const transforms: TraceTransform[] = [
    {
      transform: "window",
      fromMinute: fromS / minuteS,
      minutes,
      fileMinutes: { fromMinute: 0, minutes: Math.floor(lastStartS / minuteS) + 1 },
      invocationsOutside: outside,
    },
  ];

  // The per-function totals, for a function the pre-pass saw (every index below is one).
  const totalsOf = (f: number): { invocations: number; workMs: number } => {
    const invocations = totals[f];
    const work = workMs[f];
    if (invocations === undefined || work === undefined) throw new Error(`azure2021: function ${f} has no totals (the pre-pass saw ${functionIds.length} functions)`);
    return { invocations, workMs: work };
  };

  const replayed = new Uint8Array(functionIds.length);
  if (options.sample !== undefined) {
    const n = options.sample;
    const sizes = options.sampleChain ? options.sampleChain.slice(0, options.sampleChain.indexOf(n) + 1) : [n];
    const active = totals.flatMap((total, f) => (total > 0 ? [f] : []));
    // Validation put --sample in --sample-chain, so the chain down to it has a first, largest size.
    const [largest] = sizes;
    if (largest === undefined) throw new Error(`--sample ${n} is not in --sample-chain ${options.sampleChain?.join(",")}`);
    if (largest > active.length) throw new TraceOptionError(`--sample ${largest} is larger than the ${active.length} functions invoked in the window`);
    const counts = new MinuteMajorCounts(minutes);
    for (const [e, f] of active.entries()) {
      const c = perMinute[f];
      if (c === undefined) throw new Error(`azure2021: function ${f} has no minute counts, yet --sample kept them`);
      const row = new Uint32Array(minutes);
      row.set(c.subarray(0, Math.min(c.length, minutes)));
      counts.addFunction(e, row);
    }
    perMinute.length = 0;
    const chain = await representativeSamples(
      {
        functions: active.length,
        resourcePerInvocation: Float64Array.from(active, (f) => {
          const t = totalsOf(f);
          return ((t.workMs / t.invocations) * options.memory2021Mb) / 1e6;
        }),
        minutes: () => counts.byMinute(),
      },
      sizes,
      options.sampleTrials,
      SeededRandom.forPurpose(options.seed, "function-sample"),
    );
    counts.dispose();
    const chosen = chain.at(-1);
    if (chosen === undefined) throw new Error(`azure2021: the sampler returned no sample for sizes ${sizes.join(",")}`);
    for (const e of chosen.members) {
      const f = active[e];
      if (f === undefined) throw new Error(`azure2021: sampled function ${e} is not one of the ${active.length} invoked ones`);
      replayed[f] = 1;
    }
    transforms.push({
      transform: "function-sample",
      size: chosen.size,
      chain: sizes,
      trials: options.sampleTrials,
      fromFunctions: active.length,
      invocationsDistance: chosen.invocationsDistance,
      resourcesDistance: chosen.resourcesDistance,
      score: chosen.score,
      chainScores: chain.map((c) => ({ size: c.size, score: c.score, bestOf: [Math.min(...c.candidateScores), Math.max(...c.candidateScores)] })),
      distanceDefinition: "mean over minutes of the Wasserstein distance between the per-function distributions (sample vs all) of the minute's invocations, and of invocations x mean duration ms x memory MB / 1e6",
    });
  } else {
    replayed.fill(1);
  }

  const timeScale = options.compress;
  const durationMs = (minutes * minuteS * 1000) / timeScale;
  let invocations = 0;
  let work = 0;
  for (const [f, total] of totals.entries()) {
    if (!replayed[f]) continue;
    invocations += total;
    work += totalsOf(f).workMs;
  }
  if (timeScale !== 1) {
    transforms.push({
      transform: "time-compression",
      mode: "scale",
      factor: timeScale,
      minutesBefore: minutes,
      minutesAfter: minutes / timeScale,
      invocationsBefore: invocations,
      invocationsAfter: invocations,
    });
  }
  const sourceLoad = offeredLoad(work, durationMs, options.cores);
  const rateOffsetRng = SeededRandom.forPurpose(options.seed, "rate-scaling");
  const rateOffsets = Float64Array.from(functionIds, () => rateOffsetRng.next());
  let rateFactor = 1;
  let expected = invocations;
  let resultingLoad = sourceLoad;
  if (options.targetLoad !== undefined) {
    if (!(sourceLoad > 0)) throw new TraceOptionError("--target-load: the selected trace offers no load to scale (all durations are 0)");
    rateFactor = options.targetLoad / sourceLoad;
    if (rateFactor > maxCopiesPerRow) {
      throw new TraceOptionError(
        `--target-load ${options.targetLoad} would replay each row of ${file} about ${Math.round(rateFactor).toLocaleString("en-US")} times, over the limit of ${maxCopiesPerRow.toLocaleString("en-US")} copies per row`,
      );
    }
    expected = 0;
    let scaledWork = 0;
    for (const [f, offset] of rateOffsets.entries()) {
      const t = totalsOf(f);
      if (!replayed[f] || t.invocations === 0) continue;
      const n = scaledTotal(t.invocations, rateFactor, offset);
      expected += n;
      // Expected work: copies are whole invocations of the function, so its mean work scales.
      scaledWork += (n * t.workMs) / t.invocations;
    }
    resultingLoad = offeredLoad(scaledWork, durationMs, options.cores);
    transforms.push({
      transform: "rate-scaling",
      targetLoad: options.targetLoad,
      cores: options.cores,
      sourceLoad,
      factor: rateFactor,
      resultingLoad,
      invocationsBefore: invocations,
      invocationsAfter: expected,
    });
  }

  const classCount = options.prices.length;
  const classRng = SeededRandom.forPurpose(options.seed, "class");
  const classes = Int32Array.from(functionIds, () => (options.classes2021 === "uniform" ? classRng.int(classCount) : options.classes2021));

  const read: TraceReadReport = { complete: true, skippedRows: log.skipped };
  const spec = {
    source: "azure2021",
    file,
    seed: options.seed,
    arrival: "end_timestamp - duration (s), rows replayed in start order",
    work: "duration x 1000 ms, zero durations kept",
    memoryMb: options.memory2021Mb,
    tenant: "app (the 2021 trace has no owner)",
    classes2021: options.classes2021,
    prices: options.prices,
    reorderWindowS: options.reorderWindowS,
    functions: { inFile: functionIds.length, replayed: replayed.reduce((a, b) => a + b, 0) },
    transforms,
    offeredLoad: { cores: options.cores, load: resultingLoad },
    read,
  };
  const plan: Plan = { file, options, fromS, endS, functionIndex, functionIds, replayed, classes, rateFactor, rateOffsets, timeScale };
  return {
    kind: "azure2021",
    spec,
    prices: options.prices,
    expectedInvocations: expected,
    expectedDurationMs: durationMs,
    open: (options) => generate(plan, options?.batchSize ?? defaultBatchSize),
  };
}

function owned(text: string): string {
  return Buffer.from(text, "utf8").toString("utf8");
}

/** Feeds every good row, in start order, to `visit`; rows too far out of order are rejected through `log`. */
async function forEachOrderedRow(file: string, windowS: number, log: BadRowLog, visit: (row: Azure2021Row) => void): Promise<void> {
  for await (const rows of orderedRows(file, windowS, log)) for (const row of rows) visit(row);
}

/** A row with the start of the row before it in the file, to tell which of two disordered rows is out of place. */
interface FileOrderedRow {
  readonly row: Azure2021Row;
  readonly previousStartS: number;
}

/** Every good row in start order, a file row's worth at a time; rows too far out of order are rejected through `log`. */
async function* orderedRows(file: string, windowS: number, log: BadRowLog): AsyncGenerator<Azure2021Row[]> {
  const buffer = new ReorderBuffer<FileOrderedRow>(windowS);
  let previousStartS = Number.NEGATIVE_INFINITY;
  for await (const row of readAzure2021Rows(file, file, log)) {
    if (buffer.push(row.startS, { row, previousStartS })) previousStartS = row.startS;
    else {
      // The buffer refuses a row only for starting before one it has released.
      const released = buffer.lastReleasedItem;
      if (released === undefined) throw new Error(`azure2021: ${file}:${row.line}: the reorder buffer refused a row before releasing any`);
      log.reject(outOfOrder(file, row, released, windowS, log.policy));
    }
    yield Array.from(buffer.release(), (r) => r.row);
  }
  yield Array.from(buffer.release(true), (r) => r.row);
}

/**
 * The error for `row`, which starts before `released`, a row already replayed. The row that
 * cannot be placed is not always the one out of place: a row that jumped ahead makes every
 * ordinary row after it look late. When `row` is in order with the row before the jumper, the
 * jumper is named, so the user opens the file at the row to fix; under --on-bad-row skip the
 * row skipped is `row`, so that is the one named.
 */
export function outOfOrder(file: string, row: Azure2021Row, released: FileOrderedRow, windowS: number, policy: BadRowLog["policy"]): TraceFormatError {
  const rule = `rows in start-time order (end_timestamp - duration) within --reorder-window-s ${windowS}`;
  const jumper = released.row;
  if (policy === "stop" && row.startS >= released.previousStartS - windowS) {
    return new TraceFormatError(file, jumper.line, 1, `${rule}; line ${row.line} after it starts at ${row.startS} s`, `start ${jumper.startS} s`);
  }
  return new TraceFormatError(file, row.line, 1, `${rule}; line ${jumper.line} before it starts at ${jumper.startS} s`, `start ${row.startS} s`);
}

interface Plan {
  readonly file: string;
  readonly options: RealTraceOptions;
  readonly fromS: number;
  readonly endS: number;
  readonly functionIndex: ReadonlyMap<string, number>;
  readonly functionIds: readonly { readonly app: string; readonly func: string }[];
  readonly replayed: Uint8Array;
  readonly classes: Int32Array;
  readonly rateFactor: number;
  readonly rateOffsets: Float64Array;
  readonly timeScale: number;
}

async function* generate(plan: Plan, batchSize: number): AsyncGenerator<InvocationBatch> {
  const { options } = plan;
  // Construction reported every bad row; this pass meets the same rows and skips them quietly.
  const quiet = new BadRowLog(options.onBadRow);
  // Per function, how many of its invocations have been seen: the systematic-rounding position.
  const seen = new Float64Array(plan.functionIds.length);
  const mem = options.memory2021Mb;
  let id = 0;
  let batch: Invocation[] = [];
  // A generator, so a row scaled into many copies is handed over a batch at a time, never held whole.
  // Once per invocation row: the pre-pass indexed every function of the file, and f indexes every
  // per-function array, so `!` is kept rather than checked.
  function* emit(row: Azure2021Row): Generator<Invocation[]> {
    if (!(row.startS >= plan.fromS && row.startS < plan.endS)) return;
    const f = plan.functionIndex.get(`${row.app}/${row.func}`)!;
    if (!plan.replayed[f]) return;
    let copies = 1;
    if (plan.rateFactor !== 1) {
      const j = seen[f]!++;
      const u = plan.rateOffsets[f]!;
      copies = Math.floor((j + 1) * plan.rateFactor + u) - Math.floor(j * plan.rateFactor + u);
    }
    const arrivalMs = ((row.startS - plan.fromS) * 1000) / plan.timeScale;
    for (let c = 0; c < copies; c++) {
      batch.push({
        id: id++,
        arrivalMs,
        tenant: row.app,
        app: row.app,
        fn: row.func,
        priceClass: plan.classes[f]!,
        workMs: row.durationS * 1000,
        memStartMb: mem,
        memPeakMb: mem,
      });
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  for await (const rows of orderedRows(plan.file, options.reorderWindowS, quiet)) {
    for (const r of rows) yield* emit(r);
  }
  if (batch.length > 0) yield batch;
}
