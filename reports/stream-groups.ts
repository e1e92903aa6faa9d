import type { ReportRun } from "./report-runs.ts";

/** Runs that replayed the identical invocation stream: the only runs that may be paired. */
export interface StreamGroup {
  readonly digest: string | null;
  readonly runIds: readonly number[];
  /** Runs of the group flagged degraded (their driver sent late): every comparison with one carries a warning. */
  readonly degradedRunIds: readonly number[];
}

export function streamGroups(runs: readonly ReportRun[]): StreamGroup[] {
  const groups = new Map<string | null, ReportRun[]>();
  for (const r of runs) {
    const members = groups.get(r.streamDigest) ?? [];
    members.push(r);
    groups.set(r.streamDigest, members);
  }
  return [...groups].map(([digest, members]) => ({
    digest,
    runIds: members.map((r) => r.runId),
    degradedRunIds: members.filter((r) => r.degraded !== null).map((r) => r.runId),
  }));
}
