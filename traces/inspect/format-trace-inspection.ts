import type { DistributionSummary, TraceInspection } from "./trace-inspection.ts";

const sparkLevels = "▁▂▃▄▅▆▇█";

/** The human-readable report of `xxbench trace inspect`: a pure function of the inspection. */
export function formatTraceInspection(r: TraceInspection): string {
  const lines: string[] = [];
  lines.push(`trace        ${r.kind}${typeof r.spec["dir"] === "string" ? ` ${r.spec["dir"]}` : typeof r.spec["file"] === "string" ? ` ${r.spec["file"]}` : ""}`);
  lines.push(`functions    ${r.functions} in ${r.apps} apps of ${r.tenants} tenants`);
  lines.push(`invocations  ${r.invocations.toLocaleString("en-US")} over ${formatDuration(r.durationMs)} (${round(r.meanRatePerS)}/s on average)`);
  lines.push(`offered load ${round(r.offeredLoad)} on ${r.cores} cores (peak ${round(r.peakBucketLoad)} per ${formatDuration(r.overTime.bucketMs)})`);
  lines.push(`rate         ${sparkline(r.overTime.invocations)}  per ${formatDuration(r.overTime.bucketMs)}, max ${Math.max(0, ...r.overTime.invocations)}`);
  lines.push("");
  lines.push(`             ${["mean", "min", "p50", "p90", "p99", "p99.9", "max"].map((h) => h.padStart(10)).join("")}`);
  lines.push(`work ms      ${summaryCells(r.workMs)}`);
  lines.push(`memory MB    ${summaryCells(r.memPeakMb)}`);
  lines.push("");
  lines.push(`triggers     ${shares(Object.entries(r.triggers).sort((a, b) => b[1] - a[1]), r.invocations)}`);
  lines.push(`classes      ${shares(r.classes.map((c, i) => [String(i), c] as const), r.invocations)}`);
  const transforms = r.spec["transforms"];
  if (Array.isArray(transforms)) {
    for (const t of transforms as Record<string, unknown>[]) lines.push(`transform    ${describeTransform(t)}`);
  }
  const read = r.spec["read"] as { skippedRows?: { total: number } } | undefined;
  if (read?.skippedRows && read.skippedRows.total > 0) lines.push(`skipped rows ${read.skippedRows.total} (see spec.read.skippedRows)`);
  return lines.join("\n");
}

function describeTransform(t: Record<string, unknown>): string {
  const name = String(t["transform"]);
  const fields = Object.entries(t)
    .filter(([k, v]) => k !== "transform" && k !== "distanceDefinition" && k !== "chainScores" && (typeof v === "number" || typeof v === "string"))
    .map(([k, v]) => `${k}=${typeof v === "number" ? round(v) : v}`);
  return `${name}: ${fields.join(" ")}`;
}

function summaryCells(s: DistributionSummary): string {
  return [s.mean, s.min, s.p50, s.p90, s.p99, s.p999, s.max].map((v) => round(v).padStart(10)).join("");
}

function shares(entries: readonly (readonly [string, number])[], total: number): string {
  return entries
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${total > 0 ? ((100 * n) / total).toFixed(1) : "0"}%`)
    .join(", ");
}

function sparkline(values: readonly number[]): string {
  if (values.length === 0) return "";
  // At most 60 characters: average neighbouring buckets.
  const width = Math.min(60, values.length);
  const cells = Array.from({ length: width }, (_, i) => {
    const a = Math.floor((i * values.length) / width);
    const b = Math.max(a + 1, Math.floor(((i + 1) * values.length) / width));
    return values.slice(a, b).reduce((s, v) => s + v, 0) / (b - a);
  });
  const max = Math.max(...cells);
  return cells.map((v) => sparkLevels[max > 0 ? Math.min(7, Math.floor((v / max) * 7.999)) : 0]).join("");
}

function round(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  const abs = Math.abs(v);
  if (abs >= 1000) return Math.round(v).toLocaleString("en-US");
  if (abs >= 1) return v.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
  return v.toPrecision(3);
}

function formatDuration(ms: number): string {
  if (ms >= 3_600_000) return `${round(ms / 3_600_000)} h`;
  if (ms >= 60_000) return `${round(ms / 60_000)} min`;
  if (ms >= 1000) return `${round(ms / 1000)} s`;
  return `${round(ms)} ms`;
}
