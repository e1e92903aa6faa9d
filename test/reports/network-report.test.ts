import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { degradedConsequence } from "../../harness/summary/format-sending-summaries.ts";
import type { SendingSummary } from "../../harness/summary/sending-summary.ts";
import { buildReport } from "../../reports/build-report.ts";
import { loadReportRuns } from "../../reports/report-runs.ts";
import { openTempStore } from "../support/temp-store.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { invocation } from "../support/run-invocations.ts";
import { chartIds, reportInto } from "./support/report-store.ts";
import { simAndNetworkStore, standInBackend, standInDegraded, standInSend } from "./support/sim-and-network-store.ts";
import { writeStandInNetworkRun } from "./support/stand-in-network-run.ts";

const tempDir = useTempDirs();
const fidelityChartIds = ["sending-table", "lateness-cdf", "send-rate"];

interface Summary {
  runs: { runId: number; status: string; degraded: string | null; network: boolean; machineSamples: boolean }[];
  streams: { digest: string; runIds: number[]; degradedRunIds: number[] }[];
  warnings: string[];
  fidelity?: { runs: SendingSummary[]; latenessFloorMs: number; atFloor: { runId: number; sent: number; atFloor: number }[] };
  paired: { pairs: { runA: number; runB: number; label: string; warning: string | null }[] };
  memory: { runsWithMemory: number[]; notes: string[] };
  charts: { id: string }[];
}

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

describe("a report of a simulator run beside stand-in rows for a network run (hand-written; the real driver is built elsewhere)", () => {
  let dir: string;
  let out: string;
  let db: string;
  let summary: Summary;
  let runs: { simRun: number; networkRun: number; invocations: number };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "xxbench-netreport-"));
    db = join(dir, "n.duckdb");
    out = join(dir, "out");
    runs = await simAndNetworkStore(db);
    const r = await reportInto(db, out, ["--runs", String(runs.simRun), String(runs.networkRun)]);
    expect(r.code).toBe(0);
    summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as Summary;
  });

  it("adds the fidelity section for the network run only, with its exact counts", () => {
    expect(summary.charts.map((c) => c.id).sort()).toEqual([...chartIds, ...fidelityChartIds].sort());
    const [f] = summary.fidelity!.runs;
    expect(summary.fidelity!.runs).toHaveLength(1);
    const dropped = Math.floor((runs.invocations + 1) / 1000);
    expect([f!.runId, f!.invocations, f!.sent, f!.dropped, f!.ok, f!.failed, f!.timeout]).toEqual([runs.networkRun, runs.invocations, runs.invocations - dropped, dropped, runs.invocations - dropped, 0, 0]);
    // Lateness (i mod 20) × 0.25 ms: the 20 values repeat, so max 4.75 and median between 2.25 and 2.5.
    expect(f!.latenessMaxMs).toBe(4.75);
    expect(f!.latenessP99Ms).toBe(4.75);
    expect(f!.degraded).toBe(standInDegraded);
    // Every 20th send is exactly on time, drawn at the floor of the log axis.
    const expectedAtFloor = Array.from({ length: runs.invocations }, (_, i) => i).filter((i) => i % 20 === 0 && i % 1000 !== 999).length;
    expect(summary.fidelity!.atFloor).toEqual([{ runId: runs.networkRun, sent: runs.invocations - dropped, atFloor: expectedAtFloor }]);
    const md = readFileSync(join(out, "summary.md"), "utf8");
    expect(md).toContain("## Sending fidelity (network runs)");
    expect(readFileSync(join(out, "charts", "lateness-cdf.svg"), "utf8")).toContain("lateness (ms, log scale)");
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain(`Sends at or below 0.01 ms late (on time or early) are drawn at 0.01 ms: ${standInBackend} (DEGRADED): ${expectedAtFloor.toLocaleString("en-US")} of`);
  });

  it("marks the degraded run in the run table, the warnings and summary.json, in words", () => {
    const net = summary.runs.find((r) => r.runId === runs.networkRun)!;
    expect(net).toMatchObject({ status: "complete", degraded: standInDegraded, network: true, machineSamples: false });
    expect(summary.runs.find((r) => r.runId === runs.simRun)).toMatchObject({ degraded: null, network: false, machineSamples: true });
    const cell = `complete, DEGRADED: ${standInDegraded}`;
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain(`<td>${cell.replace(/>/g, "&gt;")}</td>`);
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain(`| ${cell} |`);
    expect(summary.warnings).toContain(
      `run ${runs.networkRun} (${standInBackend}) is DEGRADED (${standInDegraded}): ${degradedConsequence}; every figure and comparison that includes it names it "(DEGRADED)"`,
    );
    expect(summary.streams).toEqual([{ digest: expect.any(String), runIds: [runs.simRun, runs.networkRun], degradedRunIds: [runs.networkRun] }]);
  });

  it("pairs the simulator and the network run on the identical stream, with the degraded warning on the pair", () => {
    expect(summary.paired.pairs).toHaveLength(1);
    const [pair] = summary.paired.pairs;
    expect(pair!.label).toBe(`A = sim:hermod, B = ${standInBackend} (DEGRADED)`);
    expect(pair!.warning).toContain(`B (run ${runs.networkRun}, ${standInBackend}) is degraded, ${standInDegraded}`);
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain(`> **Warning:** ${pair!.label}: ${pair!.warning}.`);
    for (const id of ["p99-difference", "paired-ratios", "latency-cdf", "percentile-table", "lateness-cdf"]) {
      expect(readFileSync(join(out, "charts", `${id}.svg`), "utf8"), id).toContain(`${standInBackend} (DEGRADED)`);
    }
  });

  it("says in every memory panel that the network run has no machine samples", () => {
    const noSamples = `no machine samples: ${standInBackend} (DEGRADED) is not a simulator`;
    for (const id of ["memory-spread", "swap-per-machine", "swap-per-class", "kills"]) {
      // The panel wraps its message into lines; its aria-label holds it whole, line breaks as &#xA;.
      expect(readFileSync(join(out, "charts", `${id}.svg`), "utf8").replace(/&#xA;/g, " "), id).toContain(noSamples);
    }
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain(`No memory data: sim:hermod modelled no memory`);
    // The memory table lists only runs that have samples: the network run's zeros would read as "never swapped".
    const memoryTable = readFileSync(join(out, "summary.md"), "utf8").split("## Memory, swap and kills")[1]!.split("##")[0]!;
    const tableRows = memoryTable.split("\n").filter((l) => l.startsWith("| "));
    expect(tableRows.length).toBeGreaterThan(2);
    expect(tableRows.filter((l) => l.includes(standInBackend))).toEqual([]);
  });

  it("says which run was not billed, and that a network run's latency runs from the intended send", () => {
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toContain(`Not billed (no costs stored, so no bars): ${standInBackend} (DEGRADED).`);
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain("For a network run latency runs from the intended send time");
  });

  it("writes byte-identical files when run again on the same store", async () => {
    const again = join(tempDir(), "again");
    expect((await reportInto(db, again, ["--runs", String(runs.simRun), String(runs.networkRun)])).code).toBe(0);
    const files = listFiles(out).sort();
    expect(listFiles(again).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(again, f)).equals(readFileSync(join(out, f))), f).toBe(true);
  });

  it("leaves the fidelity section out of a simulator-only report, and warns when it is asked for by name", async () => {
    const simOnly = join(tempDir(), "sim-only");
    expect((await reportInto(db, simOnly, ["--runs", String(runs.simRun)])).code).toBe(0);
    const s = JSON.parse(readFileSync(join(simOnly, "summary.json"), "utf8")) as Summary;
    expect(s.fidelity).toBeUndefined();
    expect(s.charts.map((c) => c.id).sort()).toEqual([...chartIds].sort());
    expect(readFileSync(join(simOnly, "summary.md"), "utf8")).not.toContain("Sending fidelity");
    const asked = await reportInto(db, join(tempDir(), "asked"), ["--runs", String(runs.simRun), "--section", "fidelity", "percentiles"]);
    expect(asked.code).toBe(0);
    expect(asked.stderr).toContain("no fidelity section: none of these runs is a network run");
  });
});

describe("a report of stand-in rows for network runs alone (hand-written; the real driver is built elsewhere)", () => {
  it("builds every section; the sample panels say there are no machine samples, the fidelity figures are exact", async () => {
    const { store, dispose } = await openTempStore();
    try {
      // 100 intended per second for 2 s; the second run sends every request of second 1 in second 2.
      const stream = Array.from({ length: 200 }, (_, id) => invocation({ id, arrivalMs: 10 * id, workMs: 5, priceClass: id % 2 }));
      const a = await writeStandInNetworkRun(store, { backend: "http:a", streamDigest: "s" }, stream, standInSend);
      const b = await writeStandInNetworkRun(store, { backend: "http:b", streamDigest: "s" }, stream, (inv, i) =>
        i >= 100 ? { kind: "sent", latenessMs: 1000, responseMs: 3 } : { kind: "sent", latenessMs: 0, responseMs: 3 },
      );
      const report = await buildReport(store, await loadReportRuns(store, { runIds: [a, b] }));
      expect(report.sections.map((s) => s.key)).toEqual(["percentiles", "fidelity", "tailOverTime", "paired", "loadSweep", "memory", "cost"]);
      const captions = new Map(report.charts.map((c) => [c.id, c.caption]));
      for (const id of ["memory-spread", "swap-per-machine", "swap-per-class", "kills"]) {
        expect(captions.get(id), id).toContain("No memory data: no machine samples: http:a and http:b are not simulators");
      }
      const send = report.charts.find((c) => c.id === "send-rate")!.spec as { data: { values: { series: string; kind: string; tS: number; perS: number; closing: boolean }[] } };
      const bins = (kind: string): number[] => send.data.values.filter((v) => v.series === "http:b" && v.kind === kind).map((v) => v.perS);
      // Seconds 0, 1, 2, then the closing point that draws second 2 as wide as the others.
      expect(bins("intended")).toEqual([100, 100, 0, 0]);
      expect(bins("sent")).toEqual([100, 0, 100, 100]);
      expect(send.data.values.filter((v) => v.series === "http:b").map((v) => [v.tS, v.closing])).toEqual([
        [0, false],
        [0, false],
        [1, false],
        [1, false],
        [2, false],
        [2, false],
        [3, true],
        [3, true],
      ]);
      const cdf = report.charts.find((c) => c.id === "lateness-cdf")!.spec as { data: { values: { series: string; p: number; latenessMs: number }[] } };
      // Half of b's sends on time (at the 0.01 ms floor), half 1000 ms late.
      expect(cdf.data.values.filter((v) => v.series === "http:b")).toEqual([
        { series: "http:b", p: 0.5, latenessMs: 0.01 },
        { series: "http:b", p: 1, latenessMs: 1000 },
      ]);
      const pairs = (report.sections.find((s) => s.key === "paired")!.summary as { pairs: { warning: string | null }[] }).pairs;
      expect(pairs.map((p) => p.warning)).toEqual([null]);
    } finally {
      dispose();
    }
  });

  it("draws a load sweep of network runs with p99 only, and says why utilization is missing", async () => {
    const { store, dispose } = await openTempStore();
    try {
      const stream = Array.from({ length: 40 }, (_, id) => invocation({ id, arrivalMs: 25 * id, workMs: 5 }));
      const at = (load: number): { trace: { spec: { phases: { tick: number; load: number }[] } } } => ({ trace: { spec: { phases: [{ tick: 0, load }] } } });
      const low = await writeStandInNetworkRun(store, { backend: "http:x", streamDigest: "low", manifest: at(0.5) }, stream, standInSend);
      const high = await writeStandInNetworkRun(store, { backend: "http:x", streamDigest: "high", manifest: at(0.9) }, stream, standInSend);
      const report = await buildReport(store, await loadReportRuns(store, { runIds: [low, high] }), { sections: ["loadSweep"] });
      const [sweep] = report.sections;
      expect(sweep!.summary as { loads: number[]; utilization: unknown[]; note: string | null }).toMatchObject({
        loads: [0.5, 0.9],
        utilization: [],
        note: null,
        utilizationNote: `no machine samples: http:x #${low} and http:x #${high} are not simulators (a network backend sees its target only through its responses)`,
      });
      expect(report.charts[0]!.caption).toContain("No utilization for some runs: no machine samples:");
    } finally {
      dispose();
    }
  });
});
