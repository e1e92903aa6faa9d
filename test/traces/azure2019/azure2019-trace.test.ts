import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../support/temp-dir.ts";
import { readAzure2019 } from "../../../traces/azure2019/azure2019-trace.ts";
import type { Invocation } from "../../../traces/invocation.ts";
import { withRealTraceDefaults, type RealTraceOptions } from "../../../traces/real-trace-options.ts";
import { collect, readTable, sample10, sample3, sample500 } from "../support/samples.ts";

const key = (owner: string, app: string, fn: string): string => `${owner}/${app}/${fn}`;

/** Per function, the CSV's counts over the given minute-column range [first, first+n). */
function csvCounts(dir: string, firstCell: number, n: number): Map<string, number[]> {
  const { rows } = readTable(join(dir, "invocations.csv"));
  return new Map(rows.map((r) => [key(r[0]!, r[1]!, r[2]!), r.slice(4 + firstCell, 4 + firstCell + n).map(Number)]));
}

/** Per function, the replayed counts per minute of the window. */
function replayedCounts(invocations: readonly Invocation[], minutes: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const inv of invocations) {
    const k = key(inv.tenant, inv.app, inv.fn);
    const counts = out.get(k) ?? new Array<number>(minutes).fill(0);
    counts[Math.floor(inv.arrivalMs / 60_000)]!++;
    out.set(k, counts);
  }
  return out;
}

function expectSortedDense(invocations: readonly Invocation[]): void {
  let bad = -1;
  for (let i = 0; i < invocations.length && bad < 0; i++) {
    if (invocations[i]!.id !== i || (i > 0 && invocations[i]!.arrivalMs < invocations[i - 1]!.arrivalMs)) bad = i;
  }
  expect(bad, "first invocation out of order or with a non-dense id").toBe(-1);
}

const options = (o: Partial<RealTraceOptions> = {}): RealTraceOptions => withRealTraceDefaults(o);

const tempDir = useTempDirs();

describe("readAzure2019 on the 500-function In-Vitro sample (minutes 480..959)", async () => {
  const source = await readAzure2019(sample500, options());
  const invocations = await collect(source);

  it("replays exactly the CSV's count for every function and every minute", () => {
    const expected = csvCounts(sample500, 0, 480);
    const got = replayedCounts(invocations, 480);
    let total = 0;
    for (const [k, counts] of expected) {
      total += counts.reduce((a, b) => a + b, 0);
      expect(got.get(k) ?? new Array<number>(480).fill(0), k).toEqual(counts);
    }
    expect(invocations.length).toBe(total);
    expect(source.expectedInvocations).toBe(total);
  });

  it("streams in arrival order with dense ids, inside the window", () => {
    expectSortedDense(invocations);
    expect(invocations[0]!.arrivalMs).toBeGreaterThanOrEqual(0);
    expect(invocations.at(-1)!.arrivalMs).toBeLessThan(480 * 60_000);
    expect(source.expectedDurationMs).toBe(480 * 60_000);
  });

  it("maps triggers to the default classes: http highest, orchestration middle, the rest lowest", () => {
    const byTrigger = new Map<string, Set<number>>();
    for (const inv of invocations) byTrigger.set(inv.trigger!, (byTrigger.get(inv.trigger!) ?? new Set()).add(inv.priceClass));
    expect([...byTrigger.get("http")!]).toEqual([3]);
    expect([...byTrigger.get("orchestration")!]).toEqual([2]);
    for (const t of ["timer", "queue", "event", "storage", "others"]) expect([...byTrigger.get(t)!], t).toEqual([0]);
  });

  it("records the window and the per-function memory basis in the spec", () => {
    expect(source.spec["memoryBasis"]).toBe("function-share");
    expect(source.spec["transforms"]).toEqual([{ transform: "window", fromMinute: 479, minutes: 480, fileMinutes: { fromMinute: 479, minutes: 480 } }]);
  });
});

describe("readAzure2019 on the full-day 10-function sample", () => {
  it("cuts a window: minutes 600..659 replay exactly the CSV's columns 601..660", async () => {
    const source = await readAzure2019(sample10, options({ fromMinute: 600, minutes: 60 }));
    const invocations = await collect(source);
    const expected = csvCounts(sample10, 600, 60);
    const got = replayedCounts(invocations, 60);
    for (const [k, counts] of expected) expect(got.get(k) ?? new Array<number>(60).fill(0), k).toEqual(counts);
    expectSortedDense(invocations);
  });

  it("draws work through the percentile points: the share below each knot matches its probability", async () => {
    // Function 47658c9c… has strictly increasing percentiles 1,247,269,282,304,481,130686 ms.
    const { rows } = readTable(join(sample10, "durations.csv"));
    const row = rows.find((r) => r[2]!.startsWith("47658c9c"))!;
    const knots = row.slice(7).map(Number);
    const source = await readAzure2019(sample10, options());
    const works: number[] = [];
    for await (const batch of source.open()) for (const i of batch) if (i.fn === row[2]) works.push(i.workMs);
    expect(works.length).toBeGreaterThan(200_000);
    const share = (x: number): number => works.filter((w) => w < x).length / works.length;
    // n > 200k: the standard error of a share is < 0.0012, so 0.005 is > 4 standard errors.
    [0.01, 0.25, 0.5, 0.75, 0.99].forEach((p, i) => expect(Math.abs(share(knots[i + 1]!) - p)).toBeLessThan(0.005));
    expect(works.every((w) => w >= knots[0]! && w <= knots[6]!)).toBe(true);
  });

  it("draws memory from the app's percentiles (pct1 floor, median split)", async () => {
    const { rows } = readTable(join(sample10, "memory.csv"));
    const row = rows.find((r) => r[2]!.startsWith("47658c9c"))!;
    const pct = row.slice(5).map(Number); // pct1..pct100
    const source = await readAzure2019(sample10, options({ fromMinute: 0, minutes: 240 }));
    const fn = (await collect(source)).filter((i) => i.fn === row[2]);
    const peaks = fn.map((i) => i.memPeakMb);
    expect(peaks.every((m) => m >= pct[0]! && m <= pct[7]!)).toBe(true);
    expect(peaks.filter((m) => m < pct[3]!).length / peaks.length).toBeCloseTo(0.5, 2);
    expect(fn.every((i) => i.memStartMb === pct[0] && i.memStartMb <= i.memPeakMb)).toBe(true);
  });
});

describe("arrivals inside a minute", () => {
  const firstMinuteOffsets = (invocations: readonly Invocation[], fn: string): number[] =>
    invocations.filter((i) => i.fn === fn && i.arrivalMs < 60_000).map((i) => i.arrivalMs);

  it("equidistant without phase shift spaces a minute's n calls 60/n s apart from the boundary", async () => {
    const source = await readAzure2019(sample3, options({ arrivalsInMinute: "equidistant", phaseShift: false }));
    const invocations = await collect(source);
    const { rows } = readTable(join(sample3, "invocations.csv"));
    for (const r of rows) {
      const n = Number(r[4]);
      const got = firstMinuteOffsets(invocations, r[2]!);
      expect(got).toEqual(Array.from({ length: n }, (_, i) => (i * 60_000) / n));
    }
  });

  it("poisson without phase shift starts every busy minute on its boundary; with the shift it does not", async () => {
    const plain = await collect(await readAzure2019(sample500, options({ phaseShift: false, minutes: 30 })));
    const starts = new Map<string, number>();
    for (const inv of plain) {
      const k = `${inv.fn}@${Math.floor(inv.arrivalMs / 60_000)}`;
      if (!starts.has(k)) starts.set(k, inv.arrivalMs % 60_000);
    }
    expect([...starts.values()].every((offset) => offset === 0)).toBe(true);
    const shifted = await collect(await readAzure2019(sample500, options({ phaseShift: true, minutes: 30 })));
    const onBoundary = shifted.filter((i) => i.arrivalMs % 60_000 === 0).length;
    expect(onBoundary).toBeLessThan(5);
  });

  it("uniform and poisson gaps keep the exact count per minute", async () => {
    for (const mode of ["uniform", "poisson"] as const) {
      const invocations = await collect(await readAzure2019(sample3, options({ arrivalsInMinute: mode })));
      const expected = csvCounts(sample3, 0, 150);
      const got = replayedCounts(invocations, 150);
      for (const [k, counts] of expected) expect(got.get(k) ?? new Array<number>(150).fill(0)).toEqual(counts);
    }
  });
});

describe("determinism", () => {
  const digest = (invocations: readonly Invocation[]): string =>
    invocations.slice(0, 20_000).map((i) => `${i.arrivalMs},${i.fn.slice(0, 6)},${i.workMs},${i.memPeakMb}`).join(";");

  it("the same seed gives the same stream, on every open()", async () => {
    const a = await readAzure2019(sample500, options({ seed: 7, minutes: 20 }));
    const b = await readAzure2019(sample500, options({ seed: 7, minutes: 20 }));
    const first = digest(await collect(a));
    expect(digest(await collect(a))).toBe(first);
    expect(digest(await collect(b))).toBe(first);
  });

  it("another seed gives another stream with the same counts", async () => {
    const a = await collect(await readAzure2019(sample500, options({ seed: 7, minutes: 20 })));
    const b = await collect(await readAzure2019(sample500, options({ seed: 8, minutes: 20 })));
    expect(a.length).toBe(b.length);
    expect(digest(a)).not.toBe(digest(b));
  });
});

describe("layouts and missing rows", () => {
  function copyOf(dir: string): string {
    const out = tempDir();
    for (const f of ["invocations.csv", "durations.csv", "memory.csv"]) copyFileSync(join(dir, f), join(out, f));
    return out;
  }

  it("reads the release's file names and a 12-column per-app memory file", async () => {
    const out = tempDir();
    copyFileSync(join(sample10, "invocations.csv"), join(out, "invocations_per_function_md.anon.d03.csv"));
    copyFileSync(join(sample10, "durations.csv"), join(out, "function_durations_percentiles.anon.d03.csv"));
    // The raw layout, recovered from the excerpt by dropping its inserted HashFunction column.
    const memory = readFileSync(join(sample10, "memory.csv"), "utf8")
      .split("\n")
      .map((l) => (l === "" ? l : l.split(",").filter((_, i) => i !== 2).join(",")))
      .join("\n");
    writeFileSync(join(out, "app_memory_percentiles.anon.d03.csv"), memory);
    const source = await readAzure2019(out, options({ fromMinute: 0, minutes: 10 }));
    expect(source.spec["layout"]).toBe("official");
    expect(source.spec["day"]).toBe(3);
    expect(source.spec["memoryBasis"]).toBe("app");
    const expected = [...csvCounts(sample10, 0, 10).values()].flat().reduce((a, b) => a + b, 0);
    expect((await collect(source)).length).toBe(expected);
  });

  it("skips functions without a durations row and counts them and their invocations", async () => {
    const dir = copyOf(sample3);
    const lines = readFileSync(join(dir, "durations.csv"), "utf8").split("\n");
    const dropped = lines[1]!.split(",")[2]!;
    writeFileSync(join(dir, "durations.csv"), [lines[0], ...lines.slice(2)].join("\n"));
    const droppedCount = readTable(join(dir, "invocations.csv")).rows.find((r) => r[2] === dropped)!.slice(4).map(Number).reduce((a, b) => a + b, 0);
    const source = await readAzure2019(dir, options());
    expect(source.spec["missingStats"]).toMatchObject({ policy: "skip", functionsWithoutDurations: 1, functionsSkipped: 1, invocationsSkipped: droppedCount });
    const invocations = await collect(source);
    expect(invocations.some((i) => i.fn === dropped)).toBe(false);

    const defaulted = await readAzure2019(dir, options({ missingStats: "default", missingWorkMs: 1234 }));
    expect(defaulted.spec["missingStats"]).toMatchObject({ policy: "default", functionsWithoutDurations: 1, functionsDefaulted: 1, functionsSkipped: 0 });
    const mine = (await collect(defaulted)).filter((i) => i.fn === dropped);
    expect(mine.length).toBe(droppedCount);
    expect(mine.every((i) => i.workMs === 1234)).toBe(true);
  });

  it("refuses a directory without a memory file unless told to default", async () => {
    const dir = copyOf(sample3);
    const { rmSync } = await import("node:fs");
    rmSync(join(dir, "memory.csv"));
    await expect(readAzure2019(dir, options())).rejects.toThrow(/no memory file.*--missing-stats default/);
    const source = await readAzure2019(dir, options({ missingStats: "default", missingMemoryMb: 321 }));
    expect((await collect(source)).every((i) => i.memPeakMb === 321)).toBe(true);
  });

  it("overrides trigger classes from a JSON file", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "classes.json"), JSON.stringify({ http: 1, timer: 3 }));
    const source = await readAzure2019(sample500, options({ minutes: 5, triggerClasses: join(dir, "classes.json") }));
    const invocations = await collect(source);
    expect(new Set(invocations.filter((i) => i.trigger === "http").map((i) => i.priceClass))).toEqual(new Set([1]));
    expect(new Set(invocations.filter((i) => i.trigger === "timer").map((i) => i.priceClass))).toEqual(new Set([3]));
    expect(source.spec["triggerClasses"]).toMatchObject({ http: 1, timer: 3, orchestration: 2 });
  });
});
