import { compile } from "vega-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshenDefaults } from "../../adapters/sim/freshen/freshen-config.ts";
import { SimBackend } from "../../adapters/sim/sim-backend.ts";
import { simDefaults, type SimConfig } from "../../adapters/sim/sim-config.ts";
import { replay, type ReplayedRun } from "../../harness/replay/replay.ts";
import type { RunStore } from "../../harness/store/run-store.ts";
import { buildReport } from "../../reports/build-report.ts";
import { loadReportRuns } from "../../reports/report-runs.ts";
import type { FreshenSummary } from "../../reports/sections/freshen-section.ts";
import { bimodalWeights, syntheticDefaults } from "../../traces/synthetic/synthetic-config.ts";
import { syntheticTrace } from "../../traces/synthetic/synthetic-trace.ts";
import { openTempStore } from "../support/temp-store.ts";

const trace = syntheticTrace({
  ...syntheticDefaults,
  seed: 9,
  cores: 32,
  phases: [{ tick: 0, load: 0.5 }],
  invocations: 2000,
  classWeights: bimodalWeights(4),
  chainShare: 0.5,
  chainFanOut: 2,
  chainDepth: 2,
});
const plain: SimConfig = { ...simDefaults, machines: 4, cores: 8, sampleIntervalMs: 0, seed: 9 };
const freshened: SimConfig = { ...plain, freshen: { ...freshenDefaults, mispredictionRate: 0.25 } };

let store: RunStore;
let dispose: () => void;
let runs: ReplayedRun[];

beforeAll(async () => {
  ({ store, dispose } = await openTempStore());
  // The hermod run shares the stream but not the backend: it must not be taken as xx's partner.
  runs = await replay({
    store,
    trace,
    seed: 9,
    signal: new AbortController().signal,
    backends: [new SimBackend("hermod", plain, trace.prices), new SimBackend("xx", freshened, trace.prices), new SimBackend("xx", plain, trace.prices)],
  });
});

afterAll(() => dispose());

describe("the freshen section", () => {
  it("is left out when no run had freshen on", async () => {
    const reportRuns = (await loadReportRuns(store, {})).filter((r) => r.runId !== runs[1]!.runId);
    const report = await buildReport(store, reportRuns, { sections: ["paired", "freshen"] });
    expect(report.sections.map((s) => s.key)).toEqual(["paired"]);
    expect(report.charts.map((c) => c.id).filter((id) => id.startsWith("freshen"))).toEqual([]);
  });

  it("pairs the freshen run with the run without it on the same stream, backend and config", async () => {
    const report = await buildReport(store, await loadReportRuns(store, {}), { sections: ["freshen"] });
    const [section] = report.sections;
    expect(section?.key).toBe("freshen");
    expect(section!.charts.map((c) => c.id)).toEqual(["freshen-by-trigger", "freshen-by-position", "freshen-tradeoff"]);
    for (const chart of section!.charts) expect(() => compile(chart.spec)).not.toThrow();
    const summary = section!.summary as FreshenSummary;
    expect(summary.runs).toHaveLength(1);
    const s = summary.runs[0]!;
    const counters = runs[1]!.summary.counters;
    expect(s.runId).toBe(runs[1]!.runId);
    expect(s.withoutRunId).toBe(runs[2]!.runId);
    expect(s.predictions).toBe(counters["freshen.predictions"]);
    expect(s.mispredictedShare).toBeCloseTo(counters["freshen.mispredictions"]! / (counters["freshen.predictions"]! + counters["freshen.mispredictions"]!), 5);
    expect(s.mispredictedShare).toBeGreaterThan(0.1);
    // Every invocation both runs completed is in exactly one chain position; three levels here.
    expect(s.paired.map((p) => p.position)).toEqual([0, 1, 2]);
    expect(s.paired.reduce((n, p) => n + p.invocations, 0)).toBe(2000);
    // The mean saving per position is the mean of without − with over those invocations.
    const rows = await store.query(
      `SELECT avg(a.latency_ms - b.latency_ms) AS saved FROM outcomes a JOIN outcomes b USING (invocation_id)
       WHERE a.run_id = ${runs[2]!.runId} AND b.run_id = ${runs[1]!.runId} AND a.parent_id IS NULL`,
    );
    expect(s.paired[0]!.meanSavedMs).toBeCloseTo(Number(rows[0]!.saved), 3);
    // The bill: rows plus freshen's own-model cost against the rows of the run without freshen.
    const bills = await store.query(
      `SELECT run_id::INTEGER AS run_id, sum(cost_micro_cents) AS c FROM invocations WHERE run_id IN (${runs[1]!.runId}, ${runs[2]!.runId}) GROUP BY 1 ORDER BY 1`,
    );
    const [withBill, withoutBill] = bills.map((r) => Number(r.c));
    const freshenBill = counters["freshen.costMicroCents.xx"]!;
    expect(s.billChangeVsWithout).toBeCloseTo((withBill! + freshenBill) / withoutBill! - 1, 5);
    expect(section!.markdown).toContain("## Freshen");
    expect(section!.markdown).toContain(`run ${runs[2]!.runId}`);
  });
});
