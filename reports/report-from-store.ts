import { RunStore } from "../harness/store/run-store.ts";
import { buildReport, type BuiltReport, type ReportOptions } from "./build-report.ts";
import { checkReportFolder } from "./report-folder.ts";
import { ReportInputError } from "./report-input-error.ts";
import { loadReportRuns, type RunChoice } from "./report-runs.ts";
import { writeReport, type WrittenReport } from "./write-report.ts";

export { ReportInputError } from "./report-input-error.ts";

export interface ReportRequest extends ReportOptions {
  readonly db: string;
  readonly choice: RunChoice;
  readonly outDir: string;
}

export interface ReportResult {
  readonly report: BuiltReport;
  readonly written: WrittenReport;
  readonly timings: Readonly<Record<string, number>>;
}

/**
 * Opens the store, reads the chosen runs, builds every dataset and spec with the store open, then
 * closes it before rendering, so the file is held only while it is queried.
 */
export async function reportFromStore(request: ReportRequest): Promise<ReportResult> {
  const started = performance.now();
  // Before the store is opened: a wrong --out should not cost the user the whole query first.
  checkReportFolder(request.outDir);
  const store = await RunStore.open(request.db, { existing: true });
  let report: BuiltReport;
  try {
    const runs = await loadReportRuns(store, request.choice);
    if (request.choice.runIds && request.choice.runIds.length > 0) {
      const missing = request.choice.runIds.filter((id) => !runs.some((r) => r.runId === id));
      if (missing.length > 0) {
        throw new ReportInputError(`no ${request.choice.includeIncomplete ? "" : "complete "}run ${missing.join(", ")} in ${request.db} (see \`xxbench runs\`)`);
      }
    }
    if (runs.length === 0) {
      const what = request.choice.sweep !== undefined ? `sweep "${request.choice.sweep}"` : "runs";
      throw new ReportInputError(`no complete ${what} in ${request.db}; run \`xxbench replay\` or \`xxbench sweep\` first`);
    }
    report = await buildReport(store, runs, request);
  } finally {
    store.close();
  }
  const queriedMs = performance.now() - started;
  const written = await writeReport(report, request.outDir);
  return { report, written, timings: { queryMs: queriedMs, ...written.timings, totalMs: performance.now() - started } };
}
