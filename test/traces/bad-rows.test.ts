import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../support/temp-dir.ts";
import type { TraceSource } from "../../traces/invocation.ts";
import { withRealTraceDefaults, type RealTraceOptions } from "../../traces/real-trace-options.ts";
import { SeededRandom } from "../../traces/seeded-random.ts";
import { TraceFormatError } from "../../traces/trace-format-error.ts";
import { TraceOptionError } from "../../traces/trace-option-error.ts";
import { openTraceSpec } from "../../traces/trace-spec.ts";
import { sample2021, sample3, sample500 } from "./support/samples.ts";

const tempDir = useTempDirs();
const files = ["invocations.csv", "durations.csv", "memory.csv"] as const;

/** A copy of a 2019 sample with one line of one file replaced. */
function mutated2019(dir: string, file: string, line: number, edit: (cells: string[]) => string[]): string {
  const out = tempDir();
  for (const f of files) copyFileSync(join(dir, f), join(out, f));
  const lines = readFileSync(join(out, file), "utf8").split("\n");
  lines[line - 1] = edit(lines[line - 1]!.split(",")).join(",");
  writeFileSync(join(out, file), lines.join("\n"));
  return out;
}

async function drain(source: TraceSource): Promise<number> {
  let n = 0;
  for await (const batch of source.open()) n += batch.length;
  return n;
}

async function failure(spec: string, options: Partial<RealTraceOptions> = {}): Promise<TraceFormatError> {
  try {
    await drain(await openTraceSpec(spec, withRealTraceDefaults(options)));
  } catch (error) {
    if (error instanceof TraceFormatError) return error;
    throw error;
  }
  throw new Error("expected a TraceFormatError");
}

const set = (i: number, v: string) => (c: string[]) => c.map((x, j) => (j === i ? v : x));

describe("malformed rows stop the read with file:line:column and what was expected", () => {
  // Field 11 of line 2 of the 3-function sample starts at character 214.
  it.each([
    ["invocations.csv", 3, (c: string[]) => c.slice(0, -1), /invocations\.csv:3:\d+: expected 154 fields \(4 keys and 150 minute counts\), found 153$/],
    ["invocations.csv", 2, set(10, "x"), /invocations\.csv:2:214: expected a non-negative integer invocation count of at most 10,000,000 per function-minute, found "x"$/],
    ["invocations.csv", 2, set(10, "2.5"), /invocations\.csv:2:214: expected a non-negative integer invocation count of at most 10,000,000 per function-minute, found "2.5"$/],
    ["invocations.csv", 4, set(3, "cron"), /invocations\.csv:4:196: expected a trigger \(http\|orchestration\|timer\|queue\|event\|storage\|others\), found "cron"$/],
    ["durations.csv", 2, set(3, "-5"), /durations\.csv:2:196: expected a non-negative Average duration in ms, found "-5"$/],
    ["durations.csv", 2, set(9, "1"), /durations\.csv:2:232: expected percentile_Average_25 ≥ the previous percentile \(90640\), found "1"$/],
    ["memory.csv", 2, set(6, "abc"), /memory\.csv:2:213: expected a non-negative AverageAllocatedMb_pct5, found "abc"$/],
  ] as const)("%s line %i", async (file, line, edit, message) => {
    const error = await failure(`azure2019:${mutated2019(sample3, file, line, edit)}`);
    expect(error.message).toMatch(message);
    expect(error.line).toBe(line);
    expect(error.message).not.toContain("\n");
  });

  it("reports a 2021 negative duration at its line and column", async () => {
    const dir = tempDir();
    const lines = readFileSync(sample2021, "utf8").split("\n");
    const cells = lines[9]!.split(",");
    cells[3] = "-0.5";
    lines[9] = cells.join(",");
    writeFileSync(join(dir, "t.csv"), lines.join("\n"));
    const error = await failure(`azure2021:${join(dir, "t.csv")}`);
    expect(error.message).toBe(`${join(dir, "t.csv")}:10:${cells[0]!.length + cells[1]!.length + cells[2]!.length + 4}: expected a non-negative duration in seconds, found "-0.5"`);
  });

  it("--on-bad-row skip counts the skipped rows per file and replays the rest", async () => {
    const dir = mutated2019(sample3, "invocations.csv", 2, set(10, "x"));
    const lines = readFileSync(join(dir, "durations.csv"), "utf8").split("\n");
    lines[2] = lines[2]!.replace(/,[^,]*$/, ",oops");
    writeFileSync(join(dir, "durations.csv"), lines.join("\n"));
    const source = await openTraceSpec(`azure2019:${dir}`, withRealTraceDefaults({ onBadRow: "skip" }));
    const read = source.spec["read"] as { complete: boolean; skippedRows: { total: number; perFile: Record<string, number>; examples: string[] } };
    expect(read.complete).toBe(true);
    expect(read.skippedRows.total).toBe(2);
    expect(read.skippedRows.perFile).toEqual({ [join(dir, "invocations.csv")]: 1, [join(dir, "durations.csv")]: 1 });
    expect(read.skippedRows.examples[0]).toMatch(/durations\.csv:3:\d+: expected/);
    // Line 2's function is skipped as a bad row; line 3's function lost its durations row, so the missing-stats policy skips it too.
    expect(source.spec["missingStats"]).toMatchObject({ functionsWithoutDurations: 1, functionsSkipped: 1 });
    const replayed = await drain(source);
    const onlyRow = readFileSync(join(sample3, "invocations.csv"), "utf8").split("\n")[3]!.split(",").slice(4).map(Number);
    expect(replayed).toBe(onlyRow.reduce((a, b) => a + b, 0));
  });
});

/** Mutations a corrupt or hand-edited file might show. */
const mutations: readonly ((cells: string[], rng: SeededRandom) => string[])[] = [
  (c, r) => set(r.int(c.length), pick(r, junk))(c),
  (c, r) => c.filter((_, i) => i !== r.int(c.length)),
  (c, r) => [...c.slice(0, r.int(c.length)), pick(r, junk), ...c.slice(r.int(c.length))],
  (c, r) => set(r.int(c.length), "")(c),
  (c, r) => set(r.int(c.length), `-${c[r.int(c.length)]}`)(c),
  (c, r) => {
    const i = r.int(c.length);
    return set(i, c[i]!.slice(0, r.int(c[i]!.length + 1)) + pick(r, junk))(c);
  },
  (c, r) => c.slice(0, r.int(c.length)),
  (c, r) => [c.join(",").slice(0, r.int(c.join(",").length))],
];
const junk = ["x", "NaN", "-1", "1e9", "0x10", " 3", "3 ", "Infinity", "½", "\"", "\"a,b\"", "99999999999", "1.5", "", "null", "\t", "é"];
const pick = <T>(r: SeededRandom, xs: readonly T[]): T => xs[r.int(xs.length)]!;

const oneLine = /^[^\n]+:\d+:\d+: expected [^\n]+$/;

describe("fuzz: mutated real rows either parse or fail with a located one-line message", () => {
  it("2019: 1,500 mutations of rows of the 500-function sample", async () => {
    const rng = SeededRandom.forPurpose(42, "fuzz-2019");
    // Three real functions from the 500-function sample: the same rows of the three files.
    const base = tempDir();
    const picked = [1, 250, 499];
    for (const f of files) {
      const lines = readFileSync(join(sample500, f), "utf8").split("\n");
      writeFileSync(join(base, f), [lines[0], ...picked.map((i) => lines[i])].join("\n") + "\n");
    }
    const outcomes = { parsed: 0, rejected: 0, skippedRuns: 0 };
    for (let trial = 0; trial < 1500; trial++) {
      const file = pick(rng, files);
      const line = 1 + rng.int(4);
      const mutation = pick(rng, mutations);
      const dir = mutated2019(base, file, line, (c) => mutation(c, rng));
      const skip = trial % 5 === 0;
      try {
        const source = await openTraceSpec(`azure2019:${dir}`, withRealTraceDefaults({ onBadRow: skip ? "skip" : "stop" }));
        await drain(source);
        if (skip) outcomes.skippedRuns++;
        else outcomes.parsed++;
      } catch (error) {
        // Skipping every row of a tiny file leaves nothing to replay: refused, in one line.
        if (error instanceof TraceOptionError && /zero invocations is not a run$/.test(error.message)) continue;
        if (!(error instanceof TraceFormatError)) throw new Error(`trial ${trial} (${file}:${line}) crashed: ${String(error)}`);
        expect(error.message).toMatch(oneLine);
        expect(error.line).toBeGreaterThanOrEqual(1);
        outcomes.rejected++;
      }
    }
    expect(outcomes.rejected).toBeGreaterThan(500);
  }, 120_000);

  it("2021: 1,500 mutations of rows of the 2021 head", async () => {
    const rng = SeededRandom.forPurpose(42, "fuzz-2021");
    const lines = readFileSync(sample2021, "utf8").split("\n").slice(0, 41);
    const dir = tempDir();
    let rejected = 0;
    for (let trial = 0; trial < 1500; trial++) {
      const copy = [...lines];
      const line = 1 + rng.int(copy.length);
      copy[line - 1] = pick(rng, mutations)(copy[line - 1]!.split(","), rng).join(",");
      const path = join(dir, `t${trial}.csv`);
      writeFileSync(path, copy.join("\n") + "\n");
      try {
        await drain(await openTraceSpec(`azure2021:${path}`, withRealTraceDefaults({ onBadRow: trial % 5 === 0 ? "skip" : "stop" })));
      } catch (error) {
        if (error instanceof TraceFormatError) {
          expect(error.message).toMatch(oneLine);
          rejected++;
        } else if (!(error instanceof Error && error.name === "TraceOptionError")) {
          throw new Error(`trial ${trial} (line ${line}) crashed: ${String(error)}`);
        }
      }
    }
    expect(rejected).toBeGreaterThan(500);
  }, 120_000);
});
