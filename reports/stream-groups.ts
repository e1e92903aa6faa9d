import type { ReportRun } from "./report-runs.ts";

/** Runs that replayed the identical invocation stream: the only runs that may be paired. */
export interface StreamGroup {
  readonly digest: string | null;
  readonly runIds: readonly number[];
}

export function streamGroups(runs: readonly ReportRun[]): StreamGroup[] {
  const groups = new Map<string | null, number[]>();
  for (const r of runs) {
    const ids = groups.get(r.streamDigest) ?? [];
    ids.push(r.runId);
    groups.set(r.streamDigest, ids);
  }
  return [...groups].map(([digest, runIds]) => ({ digest, runIds }));
}
