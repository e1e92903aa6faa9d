import type { SkippedRows } from "./bad-row-log.ts";
import type { MissingStatsReport } from "./azure2019/missing-stats-policy.ts";
import type { TraceSource } from "./invocation.ts";
import type { TraceTransform } from "./transforms/trace-transform.ts";

/**
 * One line per thing the reader left out of the replay — malformed rows skipped under
 * `--on-bad-row skip`, rows outside the replayed window, functions without stats — so the user
 * hears of it when it happens, not only from the manifest. Empty when nothing was left out.
 */
export function traceReadNotes(source: Pick<TraceSource, "spec">): string[] {
  const spec = source.spec as {
    readonly read?: { readonly skippedRows?: SkippedRows };
    readonly transforms?: readonly TraceTransform[];
    readonly missingStats?: MissingStatsReport;
  };
  const notes: string[] = [];
  const skipped = spec.read?.skippedRows;
  if (skipped !== undefined && skipped.total > 0) {
    const files = Object.entries(skipped.perFile).map(([file, n]) => `${n} in ${file}`).join(", ");
    notes.push(`skipped ${plural(skipped.total, "malformed row")} (--on-bad-row skip): ${files}; first: ${skipped.examples[0] ?? "?"}`);
  }
  for (const t of spec.transforms ?? []) {
    if (t.transform !== "window" || !(t.invocationsOutside !== undefined && t.invocationsOutside > 0)) continue;
    const end = Number.isFinite(t.minutes) ? `minute ${t.fromMinute + t.minutes}` : "the end";
    const one = t.invocationsOutside === 1;
    notes.push(
      `${plural(t.invocationsOutside, "row")} ${one ? "starts" : "start"} outside the replayed window (minute ${t.fromMinute} to ${end}; a start before 0 means end_timestamp < duration) and ${one ? "is" : "are"} not replayed`,
    );
  }
  const missing = spec.missingStats;
  if (missing !== undefined && missing.functionsSkipped > 0) {
    notes.push(
      `${plural(missing.functionsSkipped, "function")} without a durations or memory row ${missing.functionsSkipped === 1 ? "is" : "are"} not replayed (${plural(missing.invocationsSkipped, "invocation")}; --missing-stats default replays them)`,
    );
  }
  return notes;
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}
