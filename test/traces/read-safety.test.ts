import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MinuteArrivalMerge, StreamedMinuteArrivals } from "../../traces/azure2019/minute-arrival-merge.ts";
import { arrivalsInMinuteModes, writeMinuteArrivals } from "../../traces/azure2019/minute-arrivals.ts";
import { mergeSortedRuns } from "./support/sorted-runs-merge.ts";
import { withRealTraceDefaults } from "../../traces/real-trace-options.ts";
import { maxLineBytes } from "../../traces/csv/csv-rows.ts";
import { SeededRandom } from "../../traces/seeded-random.ts";
import { TraceFormatError } from "../../traces/trace-format-error.ts";
import { TraceOptionError } from "../../traces/trace-option-error.ts";
import { traceReadNotes } from "../../traces/trace-read-notes.ts";
import { openTraceSpec } from "../../traces/trace-spec.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { collect, sample2021, sample3 } from "./support/samples.ts";

const tempDir = useTempDirs();

/** The array version the streamed merge replaced: every offset written out, then merged. */
function arrayMerge(mode: (typeof arrivalsInMinuteModes)[number], counts: number[], seed: number, phased: boolean): [number, number][] {
  const gaps = SeededRandom.forPurpose(seed, "arrivals");
  const phase = phased ? SeededRandom.forPurpose(seed, "arrival-phase") : undefined;
  const total = counts.reduce((a, b) => a + b, 0);
  const offsets = new Float64Array(total);
  const starts = new Int32Array(counts.length + 1);
  let at = 0;
  counts.forEach((n, k) => {
    starts[k] = at;
    writeMinuteArrivals(mode, n, gaps, phase, offsets, at);
    at += n;
  });
  starts[counts.length] = at;
  const order = new Int32Array(total);
  const runOf = new Int32Array(total);
  mergeSortedRuns(offsets, starts, counts.length, order, runOf);
  return Array.from(order, (i, j) => [runOf[j]!, offsets[i]!]);
}

function streamedMerge(mode: (typeof arrivalsInMinuteModes)[number], counts: number[], seed: number, phased: boolean): [number, number][] {
  const gaps = SeededRandom.forPurpose(seed, "arrivals");
  const phase = phased ? SeededRandom.forPurpose(seed, "arrival-phase") : undefined;
  // Low limits: runs over 64 stream, and so does every run once 256 offsets are written out.
  const merge = new MinuteArrivalMerge(mode, Uint32Array.from(counts), gaps, phase, new Float64Array(16), { run: 64, minute: 256 });
  const out: [number, number][] = [];
  for (; !merge.empty; merge.next()) out.push([merge.run, merge.offsetMs]);
  return out;
}

describe("a minute's arrivals, streamed", () => {
  // Counts on both sides of the run limit (64), past the minute's budget (256), zeros and a single arrival among them.
  it.each(
    arrivalsInMinuteModes.flatMap((mode) => [
      [mode, [3, 0, 65, 1, 40], true],
      [mode, [65, 130, 5000], false],
      [mode, [1, 65, 7, 64, 64, 64, 64, 3], true],
      [mode, [200, 2], true],
    ] as const),
  )("%s %j (phase %s) gives exactly the offsets of the array version", (mode, counts, phased) => {
    for (const seed of [1, 2, 3]) expect(streamedMerge(mode, [...counts], seed, phased)).toEqual(arrayMerge(mode, [...counts], seed, phased));
  });

  it("holds no array per streamed run: 3 M arrivals of one function come out sorted, inside the minute", () => {
    const before = process.memoryUsage().arrayBuffers;
    const run = new StreamedMinuteArrivals("poisson", 3_000_000, SeededRandom.forPurpose(1, "arrivals"), SeededRandom.forPurpose(1, "arrival-phase"));
    // The array version held 8 B per arrival (24 MB here) before the first came out.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
    let n = 1;
    let last = run.value;
    let sorted = true;
    while (run.advance()) {
      if (run.value < last || run.value >= 60_000) sorted = false;
      last = run.value;
      n++;
    }
    expect(n).toBe(3_000_000);
    expect(sorted).toBe(true);
  });
});

/** A copy of the 3-function 2019 sample with its invocations file rewritten. */
function sample2019With(edit: (lines: string[]) => string[]): string {
  const dir = tempDir();
  for (const f of ["durations.csv", "memory.csv"]) copyFileSync(join(sample3, f), join(dir, f));
  const lines = readFileSync(join(sample3, "invocations.csv"), "utf8").split("\n");
  writeFileSync(join(dir, "invocations.csv"), edit(lines).join("\n"));
  return dir;
}

function file2021(lines: string[]): string {
  const path = join(tempDir(), "t.csv");
  writeFileSync(path, lines.join("\n"));
  return path;
}

const head2021 = readFileSync(sample2021, "utf8").split("\n").slice(0, 30);

describe("counts and sizes are capped at documented limits", () => {
  it("a count of 2,000,000,000 in one cell is a bad row, located, before anything is replayed", async () => {
    const dir = sample2019With((lines) => lines.map((l, i) => (i === 1 ? l.split(",").map((c, j) => (j === 10 ? "2000000000" : c)).join(",") : l)));
    const error = await openTraceSpec(`azure2019:${dir}`, withRealTraceDefaults()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceFormatError);
    expect((error as Error).message).toMatch(/invocations\.csv:2:214: expected a non-negative integer invocation count of at most 10,000,000 per function-minute, found "2000000000"$/);
  });

  it("10,000,000 is legal; a --target-load that would multiply it past the cap is refused up front", async () => {
    const dir = sample2019With((lines) => lines.map((l, i) => (i === 1 ? l.split(",").map((c, j) => (j === 10 ? "10000000" : c)).join(",") : l)));
    const source = await openTraceSpec(`azure2019:${dir}`, withRealTraceDefaults({ missingStats: "default" }));
    expect(source.expectedInvocations).toBeGreaterThan(10_000_000);
    await expect(openTraceSpec(`azure2019:${dir}`, withRealTraceDefaults({ missingStats: "default", targetLoad: 1e6, cores: 8 }))).rejects.toThrow(
      /--target-load \(rate × [\d.e+]+\) would put up to [\d,]+ invocations of one function in one minute \(the busiest has 10,000,000\), over the limit of 10,000,000 per function-minute/,
    );
  });
});

describe("a file without line breaks", () => {
  it("stops at the 16 MB line limit instead of buffering the file", async () => {
    const path = join(tempDir(), "t.csv");
    writeFileSync(path, `${head2021.slice(0, 3).join("\n")}\n${"a".repeat(maxLineBytes + 1)}`);
    const error = await openTraceSpec(`azure2021:${path}`, withRealTraceDefaults()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceFormatError);
    expect((error as Error).message).toMatch(/t\.csv:4:1: expected a line break within 16 MB \(the limit on a line\)$/);
  });
});

describe("2021 rate scaling", () => {
  it("hands a row scaled into many copies over in batches, and refuses a factor over the cap", async () => {
    const path = file2021(head2021);
    const load = ((await openTraceSpec(`azure2021:${path}`, withRealTraceDefaults({ cores: 8 }))).spec["offeredLoad"] as { load: number }).load;
    const source = await openTraceSpec(`azure2021:${path}`, withRealTraceDefaults({ cores: 8, targetLoad: load * 5000 }));
    let n = 0;
    let largest = 0;
    for await (const batch of source.open()) {
      n += batch.length;
      largest = Math.max(largest, batch.length);
    }
    expect(n).toBe(source.expectedInvocations);
    expect(n).toBeGreaterThan(100_000);
    expect(largest).toBe(4096);
    await expect(openTraceSpec(`azure2021:${path}`, withRealTraceDefaults({ cores: 8, targetLoad: load * 2e7 }))).rejects.toThrow(
      /would replay each row of .*t\.csv about 20,000,000 times, over the limit of 10,000,000 copies per row$/,
    );
  });
});

describe("what a reader refuses, accepts and says", () => {
  it("accepts a UTF-8 byte-order mark in both formats, with the same invocations as without", async () => {
    const bom = "\uFEFF";
    const with2021 = await collect(await openTraceSpec(`azure2021:${file2021([bom + head2021[0]!, ...head2021.slice(1)])}`, withRealTraceDefaults()));
    const without2021 = await collect(await openTraceSpec(`azure2021:${file2021(head2021)}`, withRealTraceDefaults()));
    expect(with2021).toEqual(without2021);
    const dir = sample2019With((lines) => [bom + lines[0]!, ...lines.slice(1)]);
    expect(await collect(await openTraceSpec(`azure2019:${dir}`, withRealTraceDefaults()))).toEqual(await collect(await openTraceSpec(`azure2019:${sample3}`, withRealTraceDefaults())));
  });

  it.each([
    ["azure2021", () => `azure2021:${file2021([head2021[0]!, ""])}`, /azure2021: .*t\.csv has no invocation rows: zero invocations is not a run$/],
    ["azure2019", () => `azure2019:${sample2019With((lines) => [lines[0]!, ""])}`, /azure2019: .*invocations\.csv has no function rows: zero invocations is not a run$/],
  ])("%s: a header-only trace is refused in one line", async (_format, spec, message) => {
    const error = await openTraceSpec(spec(), withRealTraceDefaults()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceOptionError);
    expect((error as Error).message).toMatch(message);
  });

  it("notes say how many rows were skipped and how many start outside the window", async () => {
    const lines = [...head2021, "a,b,zz,1", "a,b,1", "x,y,0.5,3"];
    const source = await openTraceSpec(`azure2021:${file2021(lines)}`, withRealTraceDefaults({ onBadRow: "skip" }));
    const notes = traceReadNotes(source);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^skipped 2 malformed rows \(--on-bad-row skip\): 2 in .*t\.csv; first: .*t\.csv:31:5: expected a non-negative end_timestamp/);
    expect(notes[1]).toMatch(/^1 row starts outside the replayed window \(minute 0 to minute 1; a start before 0 means end_timestamp < duration\) and is not replayed$/);
    expect(traceReadNotes(await openTraceSpec(`azure2021:${file2021(head2021)}`, withRealTraceDefaults()))).toEqual([]);
  });

  it("2019: functions without stats are noted with their invocations", async () => {
    const dir = sample2019With((lines) => lines);
    writeFileSync(join(dir, "durations.csv"), readFileSync(join(sample3, "durations.csv"), "utf8").split("\n").slice(0, 3).join("\n"));
    const notes = traceReadNotes(await openTraceSpec(`azure2019:${dir}`, withRealTraceDefaults()));
    expect(notes).toEqual([expect.stringMatching(/^1 function without a durations or memory row is not replayed \([\d,]+ invocations; --missing-stats default replays them\)$/)]);
  });

  // Starts of the head rise slowly from 0.0015 s; line 10 is moved far ahead or far back.
  it.each([
    ["a row that jumps ahead is named, not the ordinary row after it", "40", 10, /:10:1: expected rows in start-time order .* within --reorder-window-s 0; line 11 after it starts at [\d.]+ s, found "start 39\.9 s"$/],
    ["a row that falls back is named itself", "0.0001", 10, /:10:1: expected rows in start-time order .* within --reorder-window-s 0; line 9 before it starts at [\d.]+ s, found "start 0 s"$/],
  ])("2021 out of order: %s", async (_case, end, line, message) => {
    const lines = [...head2021];
    const cells = lines[line - 1]!.split(",");
    cells[2] = end;
    cells[3] = end === "40" ? "0.1" : "0.0001";
    lines[line - 1] = cells.join(",");
    const error = await openTraceSpec(`azure2021:${file2021(lines)}`, withRealTraceDefaults({ reorderWindowS: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceFormatError);
    expect((error as TraceFormatError).line).toBe(line);
    expect((error as Error).message).toMatch(message);
  });
});
