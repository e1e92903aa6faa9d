import type { RunStore } from "../../harness/store/run-store.ts";
import type { ReportChart } from "../charts/report-chart.ts";
import type { ReportRun } from "../report-runs.ts";

/** What every section reads: the store (queries only) and the chosen runs. */
export interface ReportContext {
  readonly store: RunStore;
  readonly runs: readonly ReportRun[];
  /** Price classes present in the runs, ascending. */
  readonly classes: readonly number[];
  /** Prices of the first run, for class labels (runs of one report normally share a table). */
  readonly prices: readonly number[];
}

/** One part of the report: its charts, its part of summary.json and of summary.md. */
export interface ReportSection<S = unknown> {
  readonly key: string;
  readonly charts: readonly ReportChart[];
  readonly summary: S;
  readonly markdown: string;
}
