import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimBackend } from "../../adapters/sim/sim-backend.ts";
import { simDefaults } from "../../adapters/sim/sim-config.ts";
import { replay } from "../../harness/replay/replay.ts";
import { RunStore } from "../../harness/store/run-store.ts";
import { bimodalWeights, syntheticDefaults } from "../../traces/synthetic/synthetic-config.ts";
import { syntheticTrace } from "../../traces/synthetic/synthetic-trace.ts";
import { runCliInProcess as runCli } from "../support/run-cli-in-process.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { chartFiles, chartIds, replayInto, reportInto } from "./support/report-store.ts";

const tempDir = useTempDirs();

interface Summary {
  runs: { runId: number; backend: string; status: string; streamDigest: string; invocations: number }[];
  streams: { digest: string; runIds: number[] }[];
  warnings: string[];
  percentiles: { runId: number; priceClass: number; count: number; p50Ms: number; p99Ms: number; p999Ms: number }[];
  paired: { pairs: { runA: number; runB: number; classes: { priceClass: number; pairs: number; p99Difference: { differenceMs: number; lowMs: number; highMs: number } }[] }[] };
  memory: { runsWithMemory: number[]; notes: string[] };
  loadSweep: { note: string | null };
  tailOverTime: { windowMs: number; minWindowCount: { p99: number; p50: number }; sparseWindows: number; emptyPanels: { priceClass: string; text: string }[] };
  cost: { models: string[]; perTenantClass: { usd: number }[] };
  charts: { id: string }[];
}

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe("xxbench report", () => {
  let db: string;
  let out: string;
  let summary: Summary;
  // One store for the whole describe (useTempDirs empties its folders after every test). Made in
  // beforeAll, not while collecting: a filtered run (-t) collects but never runs afterAll.
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "xxbench-report-"));
    db = join(dir, "r.duckdb");
    out = join(dir, "out");
    await replayInto(db);
    const r = await reportInto(db, out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`open file://${out}/index.html`);
    summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as Summary;
  });

  it("writes index.html, summary.md, summary.json and an SVG and a PNG per chart", () => {
    const files = listFiles(out).sort();
    expect(files).toEqual(["index.html", "summary.json", "summary.md", ...chartFiles("").map((f) => f.replace(/^\//, ""))].sort());
    expect(summary.charts.map((c) => c.id).sort()).toEqual([...chartIds].sort());
    for (const file of chartFiles(out)) {
      const bytes = readFileSync(file);
      if (file.endsWith(".png")) expect(bytes.subarray(1, 4).toString()).toBe("PNG");
      else expect(bytes.toString()).toMatch(/^<svg[\s\S]*<\/svg>$/);
    }
  });

  it("reads every invocation back from the store and agrees with `xxbench summary`", async () => {
    expect(summary.runs.map((r) => r.backend)).toEqual(["sim:xx", "sim:hermod", "sim:edf"]);
    for (const run of summary.runs) {
      expect(summary.percentiles.filter((p) => p.runId === run.runId).reduce((s, p) => s + p.count, 0)).toBe(12_000);
    }
    const cli = JSON.parse((await runCli(["summary", "--json", "--db", db])).stdout) as { classes: { runId: number; priceClass: number; p99Ms: number }[] };
    for (const c of cli.classes) {
      const mine = summary.percentiles.find((p) => p.runId === c.runId && p.priceClass === c.priceClass)!;
      expect(mine.p99Ms).toBeCloseTo(c.p99Ms, 2);
    }
  });

  it("shows the stream digest: one stream for the three backends, so every pair is compared", () => {
    expect(summary.streams).toHaveLength(1);
    expect(summary.streams[0]!.runIds).toEqual([1, 2, 3]);
    expect(summary.warnings).toEqual([]);
    const table = readFileSync(join(out, "charts", "percentile-table.svg"), "utf8");
    expect(table).toContain(summary.streams[0]!.digest.slice(0, 12));
    expect(summary.paired.pairs.map((p) => [p.runA, p.runB])).toEqual([[1, 2], [1, 3], [2, 3]]);
  });

  it("puts the p99 difference inside its bootstrap interval and agrees with the percentile table", () => {
    const [xxVsHermod] = summary.paired.pairs;
    for (const c of xxVsHermod!.classes) {
      const d = c.p99Difference;
      expect(d.lowMs).toBeLessThanOrEqual(d.differenceMs);
      expect(d.highMs).toBeGreaterThanOrEqual(d.differenceMs);
      const p99 = (runId: number): number => summary.percentiles.find((p) => p.runId === runId && p.priceClass === c.priceClass)!.p99Ms;
      // Nearest-rank vs interpolated p99 differ by at most the gap between neighbouring order statistics.
      expect(Math.abs(d.differenceMs - (p99(2) - p99(1)))).toBeLessThan(0.05 * Math.abs(p99(2)) + 50);
    }
    // The top class is XX's whole point: hermod's p99 is clearly worse, beyond the interval's noise.
    const top = xxVsHermod!.classes.find((c) => c.priceClass === 3)!.p99Difference;
    expect(top.lowMs).toBeGreaterThan(0);
  });

  it("says plainly that the runs hold no memory data and no load sweep", () => {
    expect(summary.memory.runsWithMemory).toEqual([]);
    expect(readFileSync(join(out, "charts", "memory-spread.svg"), "utf8")).toContain("No memory data");
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain("No memory data");
    expect(summary.loadSweep.note).toContain("not a load sweep");
  });

  it("sizes the tail windows so a p99 means something, and marks the windows that still fall short", () => {
    // 12,000 invocations over ~16 s, classes of ~1,450 to ~4,500: 1 s windows (the ~20-window cap), not 0.2 s.
    expect(summary.tailOverTime.windowMs).toBe(1000);
    expect(summary.tailOverTime.minWindowCount).toEqual({ p99: 100, p50: 10 });
    expect(summary.tailOverTime.sparseWindows).toBeGreaterThan(0);
    expect(summary.tailOverTime.emptyPanels).toEqual([]);
    expect(readFileSync(join(out, "summary.md"), "utf8")).toMatch(/A p99 is drawn only for a window with at least 100 completed invocations .* \d+ of 16 windows fall short/);
  });

  it("draws the latency tail on log–log axes down past p99.9", () => {
    const svg = readFileSync(join(out, "charts", "latency-ccdf.svg"), "utf8");
    for (const label of ["p99", "p99.9", "1%", "0.1%", "0.01%"]) expect(svg).toContain(`>${label}</text>`);
  });

  it("writes costs as dollars, on the chart and in summary.md", () => {
    expect(summary.cost.models.length).toBeGreaterThan(1);
    const texts = [...readFileSync(join(out, "charts", "cost.svg"), "utf8").matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    const numeric = texts.filter((t) => /^-?\$?[\d.,]+[kMB]?$/.test(t));
    expect(numeric.length).toBeGreaterThan(4);
    expect(numeric.filter((t) => !t.startsWith("$"))).toEqual([]);
    const costTable = readFileSync(join(out, "summary.md"), "utf8").split("## Cost per class")[1]!;
    const cells = [...costTable.matchAll(/\| (\S+) \|\n/g)].map((m) => m[1]!).slice(2); // after the header and its rule
    expect(cells.length).toBe(3 * 4 * summary.cost.models.length);
    for (const c of cells) expect(c).toMatch(/^\$\d/);
  });

  it("inlines vega, vega-lite and vega-embed and refers to nothing outside the page", () => {
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toContain("vega-embed (inlined from node_modules)");
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    for (const id of chartIds) expect(html).toContain(`id="vis-${id}"`);
  });

  it("writes byte-identical files when run again on the same store", async () => {
    const again = join(tempDir(), "again");
    const r = await reportInto(db, again);
    expect(r.code).toBe(0);
    const files = listFiles(out).sort();
    expect(listFiles(again).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(again, f)).equals(readFileSync(join(out, f))), f).toBe(true);
  });

  it("warns when runs replayed different streams, and never pairs them", async () => {
    await replayInto(db, ["--seed", "2", "--backend", "sim:xx"]);
    const mixed = join(tempDir(), "mixed");
    const r = await reportInto(db, mixed, ["--runs", "1", "2", "4"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("different invocation streams");
    const s = JSON.parse(readFileSync(join(mixed, "summary.json"), "utf8")) as Summary;
    expect(s.streams).toHaveLength(2);
    expect(s.paired.pairs.map((p) => [p.runA, p.runB])).toEqual([[1, 2]]);
  });

  it("refuses runs that are not complete or do not exist, in one line", async () => {
    const r = await reportInto(db, join(tempDir(), "none"), ["--runs", "99"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`xxbench: no complete run 99 in ${db} (see \`xxbench runs\`)`);
    const preset = await reportInto(db, join(tempDir(), "none"), ["--preset", "fig4"]);
    expect(preset.code).toBe(2);
    expect(preset.stderr).toContain("xxbench sweep --preset fig4");
  });

  it("reports an interrupted run with its status and the rows it actually stored", async () => {
    const store = await RunStore.open(db);
    let runId: number;
    let stored: number;
    try {
      const source = syntheticTrace({ ...syntheticDefaults, seed: 5, invocations: 2_000_000, cores: 40, classWeights: bimodalWeights(4) });
      const controller = new AbortController();
      const run = replay({
        store,
        trace: source,
        backends: [new SimBackend("xx", { ...simDefaults, machines: 10, cores: 4, seed: 5 }, source.prices)],
        seed: 5,
        signal: controller.signal,
        onProgress: (e) => {
          if (e.invocations > 30_000) controller.abort();
        },
      });
      await expect(run).rejects.toThrow(/interrupted/);
      const [row] = await store.query(`SELECT max(run_id)::INTEGER AS id FROM runs WHERE status = 'interrupted'`);
      runId = Number(row!.id);
      const [count] = await store.query(`SELECT count(*)::DOUBLE AS n FROM invocations WHERE run_id = ${runId}`);
      stored = Number(count!.n);
    } finally {
      store.close();
    }
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(2_000_000);

    const refused = await reportInto(db, join(tempDir(), "complete-only"), ["--runs", "1", String(runId), "--section", "cost"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(`xxbench: no complete run ${runId} in ${db} (see \`xxbench runs\`)`);

    const out = join(tempDir(), "incomplete");
    const r = await reportInto(db, out, ["--runs", "1", String(runId), "--include-incomplete", "--section", "percentiles"]);
    expect(r.code).toBe(0);
    const stored$ = stored.toLocaleString("en-US");
    expect(r.stderr).toContain(`run ${runId} (sim:xx #${runId}) is interrupted: its figures show only the ${stored$} invocations stored before it stopped`);
    const s = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as Summary;
    expect(s.runs.map((x) => [x.runId, x.status, x.invocations])).toEqual([
      [1, "complete", 12_000],
      [runId, "interrupted", stored],
    ]);
    expect(s.percentiles.filter((p) => p.runId === runId).reduce((sum, p) => sum + p.count, 0)).toBe(stored);
    const md = readFileSync(join(out, "summary.md"), "utf8");
    expect(md).toContain("| status | invocations stored |");
    expect(md).toContain(`| interrupted | ${stored$} |`);
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain(`<td>interrupted</td><td>${stored$}</td>`);

    // Without --runs, --include-incomplete reports the latest replay even though it was interrupted.
    const latest = join(tempDir(), "latest");
    expect((await reportInto(db, latest, ["--include-incomplete", "--section", "cost"])).code).toBe(0);
    const l = JSON.parse(readFileSync(join(latest, "summary.json"), "utf8")) as Summary;
    expect(l.runs.map((x) => [x.runId, x.status, x.invocations])).toEqual([[runId, "interrupted", stored]]);
  });
});

describe("xxbench report --out", () => {
  let db: string;
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "xxbench-report-out-"));
    db = join(dir, "o.duckdb");
    await replayInto(db, ["--backend", "sim:xx"]);
  });

  it("never removes a file it did not write, and removes only the figures its earlier report named", async () => {
    const out = join(tempDir(), "out");
    mkdirSync(join(out, "charts", "mine"), { recursive: true });
    const userFiles = { "notes.txt": "mine", "charts/my-plot.svg": "<svg/>", "charts/latency-cdf.svg.bak": "old", "charts/mine/deep.txt": "deep" };
    for (const [f, text] of Object.entries(userFiles)) writeFileSync(join(out, f), text);
    // A link where the report writes its page: replaced, not written through to the user's file.
    writeFileSync(join(out, "mine.html"), "my page");
    symlinkSync(join(out, "mine.html"), join(out, "index.html"));

    expect((await reportInto(db, out)).code).toBe(0);
    expect(readFileSync(join(out, "mine.html"), "utf8")).toBe("my page");
    expect(lstatSync(join(out, "index.html")).isFile()).toBe(true);
    const full = listFiles(out);
    expect(full).toEqual(expect.arrayContaining([...Object.keys(userFiles), "charts/latency-cdf.svg", "charts/tail-over-time.png"]));

    // A narrower report into the same folder: the figures it no longer draws go, the user's stay.
    const r = await reportInto(db, out, ["--section", "cost"]);
    expect(r.code).toBe(0);
    expect(listFiles(out).sort()).toEqual([...Object.keys(userFiles), "mine.html", "charts/cost.png", "charts/cost.svg", "index.html", "summary.json", "summary.md"].sort());
    for (const [f, text] of Object.entries(userFiles)) expect(readFileSync(join(out, f), "utf8")).toBe(text);
  });

  it("refuses a file as --out, and a file where the charts folder goes, in one line (exit 2)", async () => {
    const file = join(tempDir(), "report.html");
    writeFileSync(file, "keep me");
    const r = await reportInto(db, file);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`xxbench: --out ${file} is a file, not a folder: the report writes index.html, summary.md/json and charts/ into a folder (pass --out a folder path)\n`);
    expect(readFileSync(file, "utf8")).toBe("keep me");

    const out = join(tempDir(), "blocked");
    mkdirSync(out);
    writeFileSync(join(out, "charts"), "a file named charts");
    const blocked = await reportInto(db, out, ["--section", "cost"]);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr.trim().split("\n")).toEqual([expect.stringContaining(`the report's charts folder ${join(out, "charts")} is a file, not a folder`)]);
    expect(readdirSync(out)).toEqual(["charts"]);

    // Where no folder can be made (Node's own recursive mkdir would spin there forever).
    const nowhere = await reportInto(db, "/proc/xxbench-report-test", ["--section", "cost"]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toBe("xxbench: cannot write the report's /proc/xxbench-report-test: no folder can be made there\n");
  });
});
