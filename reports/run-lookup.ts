import type { ReportRun } from "./report-runs.ts";

/**
 * Finds a report run by id, for the rows a query returned. The queries select only the report's
 * runs, so a row for any other run is a bug in the query: it fails naming the run instead of
 * drawing a series without a name.
 */
export function runLookup<R extends ReportRun>(runs: readonly R[]): (runId: number) => R {
  const byId = new Map(runs.map((r) => [r.runId, r]));
  return (runId) => {
    const run = byId.get(runId);
    if (run === undefined) throw new Error(`a query returned a row for run ${runId}, which is not among the report's runs (${[...byId.keys()].join(", ")})`);
    return run;
  };
}
