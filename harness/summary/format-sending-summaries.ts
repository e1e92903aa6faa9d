import { formatNumber } from "../cli/text-table.ts";
import type { SendingSummary } from "./sending-summary.ts";

/** What a degraded run's flag means for its figures, after the store's reason. */
export const degradedConsequence = "requests left later than the trace asked, so this run's latencies partly measure the load generator, not the target";

/** The words `xxbench summary` and the report print for a degraded run. */
export function degradedText(reason: string): string {
  return `DEGRADED: ${reason}; ${degradedConsequence}`;
}

const ms = (v: number | null): string => (v === null ? "–" : `${formatNumber(v)} ms`);
const count = (n: number): string => n.toLocaleString("en-US");

/**
 * The "Sending" block of `xxbench summary`: per network run, what the driver sent and dropped, how
 * late, and at what rate against the intended one, then DEGRADED in words when the run is. Lines
 * without a trailing newline; none at all when no run is a network run (a simulator sends on time
 * by construction, so the block would say nothing).
 */
export function formatSendingSummaries(rows: readonly SendingSummary[]): string[] {
  if (rows.length === 0) return [];
  const lines = ["Sending (network runs; lateness = actual − intended send time):"];
  for (const r of rows) {
    const refused = (["failed", "timeout", "throttled", "killed"] as const).filter((k) => r[k] > 0).map((k) => `${k} ${count(r[k])}`);
    lines.push(
      `run ${r.runId} ${r.backend}: sent ${count(r.sent)} of ${count(r.invocations)}, dropped ${count(r.dropped)}, ok ${count(r.ok)}${refused.length > 0 ? `, ${refused.join(", ")}` : ""}`,
      `  lateness p50 ${ms(r.latenessP50Ms)}, p99 ${ms(r.latenessP99Ms)}, max ${ms(r.latenessMaxMs)}`,
      `  rate intended ${formatNumber(r.intendedPerS)}/s, achieved ${formatNumber(r.achievedPerS)}/s` +
        (r.worstSecond === null
          ? "; every second sent what it intended"
          : `; widest gap in second ${r.worstSecond.second}: intended ${count(r.worstSecond.intended)}, sent ${count(r.worstSecond.sent)}`),
      `  response time from the actual send p50 ${ms(r.responseP50Ms)}, p99 ${ms(r.responseP99Ms)}; latency from the intended send p50 ${ms(r.latencyP50Ms)}, p99 ${ms(r.latencyP99Ms)}`,
    );
    if (r.degraded !== null) lines.push(`  ${degradedText(r.degraded)}`);
  }
  return lines;
}
