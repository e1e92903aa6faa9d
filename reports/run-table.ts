import type { ReportRun } from "./report-runs.ts";

/** The runs as the page and summary.md list them: status (and why a run is degraded) and stored rows beside the identity. */
export const runTableHeader = ["run", "backend", "label", "sweep", "seed", "status", "invocations stored", "stream"] as const;

export function runTableRows(runs: readonly ReportRun[]): string[][] {
  return runs.map((r) => [
    String(r.runId),
    r.backend,
    r.label ?? "",
    r.sweep ?? "",
    String(r.seed),
    // The reason in words beside "complete": a degraded run is complete but not to be trusted.
    r.degraded === null ? r.status : `${r.status}, DEGRADED: ${r.degraded}`,
    r.storedInvocations.toLocaleString("en-US"),
    r.streamDigest?.slice(0, 12) ?? "–",
  ]);
}
