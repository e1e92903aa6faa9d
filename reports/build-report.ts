import { sweepStatuses } from "../harness/sweep/sweep-status.ts";
import type { RunStore } from "../harness/store/run-store.ts";
import { degradedConsequence } from "../harness/summary/format-sending-summaries.ts";
import type { ReportChart } from "./charts/report-chart.ts";
import { costSection } from "./sections/cost-section.ts";
import { fidelitySection } from "./sections/fidelity-section.ts";
import { lambdaSection } from "./sections/lambda-section.ts";
import { liveBreakdownSection } from "./sections/live-breakdown-section.ts";
import { latencyDistributionSection } from "./sections/latency-distribution-section.ts";
import { loadSweepSection } from "./sections/load-sweep-section.ts";
import { memorySection } from "./sections/memory-section.ts";
import { muSection } from "./sections/mu-section.ts";
import { freshenSection } from "./sections/freshen-section.ts";
import { pairedSection } from "./sections/paired-section.ts";
import type { ReportContext, ReportSection } from "./sections/report-section.ts";
import { tailOverTimeSection } from "./sections/tail-over-time-section.ts";
import { streamGroups, type StreamGroup } from "./stream-groups.ts";
import type { ReportRun } from "./report-runs.ts";

/** The sections a report can hold, in page order. */
export const sectionBuilders = {
  percentiles: latencyDistributionSection,
  fidelity: fidelitySection,
  liveBreakdown: liveBreakdownSection,
  tailOverTime: tailOverTimeSection,
  paired: pairedSection,
  freshen: freshenSection,
  loadSweep: loadSweepSection,
  memory: memorySection,
  cost: costSection,
  mu: muSection,
  lambda: lambdaSection,
} satisfies Record<string, (ctx: ReportContext) => Promise<ReportSection | null>>;

export type SectionName = keyof typeof sectionBuilders;

/** Why a section that can be absent is, for the warning when it was asked for by name. */
const absentSectionReasons: Partial<Record<SectionName, string>> = {
  fidelity: "none of these runs is a network run (a simulator sends every invocation exactly when the trace says)",
  liveBreakdown: "none of these runs has the live plane's timing breakdown (a live: run with ok answers)",
  mu: "none of these runs is sim:faas or sim:mu",
  freshen: "no run among these had --freshen on",
  lambda: "none of these runs has an AWS Lambda REPORT line (a lambda: run against AWS or the stand-in)",
};
export const sectionNames = Object.keys(sectionBuilders) as SectionName[];

export interface BuiltReport {
  readonly title: string;
  readonly runs: readonly ReportRun[];
  readonly streams: readonly StreamGroup[];
  readonly warnings: readonly string[];
  readonly sections: readonly ReportSection[];
  readonly charts: readonly ReportChart[];
}

export interface ReportOptions {
  readonly title?: string;
  /** Only these sections (a preset); all by default. */
  readonly sections?: readonly SectionName[];
}

/**
 * Everything the report shows, computed from the store alone: each section queries DuckDB for
 * its datasets and turns them into specs. Nothing here writes files or reads a clock, so the same
 * store gives the same report.
 */
export async function buildReport(store: RunStore, runs: readonly ReportRun[], options: ReportOptions = {}): Promise<BuiltReport> {
  const [first] = runs;
  if (first === undefined) throw new Error("a report needs at least one run");
  const classRows = await store.query(
    `SELECT DISTINCT price_class::INTEGER AS c FROM invocations WHERE run_id IN (${runs.map((r) => r.runId).join(",")}) ORDER BY 1`,
  );
  const ctx: ReportContext = { store, runs, classes: classRows.map((r) => Number(r.c)), prices: first.prices };
  const streams = streamGroups(runs);
  const warnings: string[] = [];
  const oneSweep = runs.every((r) => r.sweep !== null && r.sweep === first.sweep);
  // A sweep varies the workload on purpose (one stream per grid cell); anything else should not.
  if (streams.length > 1 && !oneSweep) {
    warnings.push(
      `these runs replayed ${streams.length} different invocation streams: side-by-side figures compare different workloads, and only runs with the same stream are paired`,
    );
  }
  for (const r of runs) {
    if (r.status !== "complete") {
      warnings.push(
        `run ${r.runId} (${r.series}) is ${r.status === "running" ? "still marked running (it may have crashed)" : r.status}: its figures show only the ${r.storedInvocations.toLocaleString("en-US")} invocations stored before it stopped`,
      );
    } else if (r.degraded !== null) {
      warnings.push(`run ${r.runId} (${r.backend}) is DEGRADED (${r.degraded}): ${degradedConsequence}; every figure and comparison that includes it names it "(DEGRADED)"`);
    }
    if (r.status === "complete" && r.recordedInvocations !== null && r.recordedInvocations !== r.storedInvocations) {
      warnings.push(`run ${r.runId} (${r.series}) recorded ${r.recordedInvocations.toLocaleString("en-US")} invocations but the store holds ${r.storedInvocations.toLocaleString("en-US")}`);
    }
  }
  // A sweep with a missing or failed cell still has complete runs to draw; the report says what is missing.
  for (const name of [...new Set(runs.map((r) => r.sweep))]) {
    if (name === null) continue;
    for (const sweep of await sweepStatuses(store, name)) {
      if (sweep.status === "incomplete") {
        warnings.push(
          `sweep ${name} is incomplete: ${sweep.completeCells} of ${sweep.cells} cells have a complete run, so its figures miss the rest (\`xxbench sweep status\` lists them; \`xxbench sweep resume\` reruns them)`,
        );
      }
    }
  }
  const pricesDiffer = new Set(runs.map((r) => JSON.stringify(r.prices))).size > 1;
  if (pricesDiffer) warnings.push("the runs use different price tables; class labels show the first run's prices");
  const sections: ReportSection[] = [];
  for (const name of options.sections ?? sectionNames) {
    const t = performance.now();
    // A section with nothing to say of these runs (fidelity without a network run) is left out.
    const section = await sectionBuilders[name](ctx);
    if (section !== null) sections.push(section);
    else if (options.sections !== undefined) warnings.push(`no ${name} section: ${absentSectionReasons[name] ?? "nothing to show for these runs"}`);
    if (process.env.XXBENCH_REPORT_TIMINGS) process.stderr.write(`section ${name}: ${(performance.now() - t).toFixed(0)} ms\n`);
  }
  return {
    title: options.title ?? "xxbench report",
    runs,
    streams,
    warnings,
    sections,
    charts: sections.flatMap((s) => s.charts),
  };
}
