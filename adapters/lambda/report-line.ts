/**
 * What AWS Lambda's REPORT line says about one invocation. Lambda writes it as the last line of
 * every invocation's log (and so the last line of the 4 KB `LogResult` tail an Invoke with
 * `LogType: "Tail"` returns):
 *
 *   REPORT RequestId: <id>\tDuration: 170.19 ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\t
 *   Max Memory Used: 73 MB\tInit Duration: 309.05 ms[\tStatus: timeout|error[\tError Type: …]]
 *
 * `Init Duration` appears only on a cold start. Fields are separated by tabs in the raw log but
 * copies of it (consoles, documentation) often show spaces, so fields are found by their names.
 */
export interface LambdaReport {
  readonly requestId?: string;
  /** Handler time, ms (excludes init). */
  readonly durationMs: number;
  /** What AWS billed, ms: whole ms since Dec 2020 (100 ms steps before), and since Aug 2025 including init. */
  readonly billedMs: number;
  /** The function's configured memory, MB. */
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  /** Present only on a cold start. */
  readonly initMs?: number;
  /** `timeout` or `error` when the invocation did not end normally (newer runtimes say so here). */
  readonly status?: string;
  readonly errorType?: string;
}

/**
 * Field names, longest alternative first where one is a suffix of another ("Billed Restore
 * Duration" before "Restore Duration" before "Duration"): the regex takes the first alternative
 * that matches at the earliest position, so "Billed Duration" is never read as "Duration".
 */
const fieldNames = [
  "RequestId",
  "Billed Restore Duration",
  "Billed Duration",
  "Restore Duration",
  "Init Duration",
  "Duration",
  "Memory Size",
  "Max Memory Used",
  "Status",
  "Error Type",
  "XRAY TraceId",
  "SegmentId",
  "Sampled",
] as const;
const fieldPattern = new RegExp(`(${fieldNames.map((n) => n.replace(/ /g, "\\s")).join("|")}):`, "g");

/** `170.19 ms` → 170.19; `128 MB` → 128; anything else → undefined. */
function quantity(text: string | undefined, unit: "ms" | "MB"): number | undefined {
  if (text === undefined) return undefined;
  const match = new RegExp(`^(\\d+(?:\\.\\d+)?)\\s*${unit}$`).exec(text.trim());
  return match ? Number(match[1]) : undefined;
}

/**
 * Reads one REPORT line; undefined when `line` is not one or lacks a required field (Duration,
 * Billed Duration, Memory Size, Max Memory Used): a partial report is not trusted for billing.
 */
export function parseReportLine(line: string): LambdaReport | undefined {
  const text = line.trim();
  if (!text.startsWith("REPORT")) return undefined;
  const fields = new Map<string, string>();
  const matches = [...text.matchAll(fieldPattern)];
  matches.forEach((m, i) => {
    const next = matches[i + 1];
    const valueEnd = next === undefined ? text.length : next.index;
    fields.set(m[1]!.replace(/\s/g, " "), text.slice(m.index + m[0].length, valueEnd).trim());
  });
  const durationMs = quantity(fields.get("Duration"), "ms");
  const billedMs = quantity(fields.get("Billed Duration"), "ms");
  const memorySizeMb = quantity(fields.get("Memory Size"), "MB");
  const maxMemoryUsedMb = quantity(fields.get("Max Memory Used"), "MB");
  if (durationMs === undefined || billedMs === undefined || memorySizeMb === undefined || maxMemoryUsedMb === undefined) return undefined;
  const initMs = quantity(fields.get("Init Duration"), "ms");
  const requestId = fields.get("RequestId");
  const status = fields.get("Status");
  const errorType = fields.get("Error Type");
  return {
    ...(requestId ? { requestId } : {}),
    durationMs,
    billedMs,
    memorySizeMb,
    maxMemoryUsedMb,
    ...(initMs !== undefined ? { initMs } : {}),
    ...(status ? { status } : {}),
    ...(errorType ? { errorType } : {}),
  };
}

/** What a log tail says: its REPORT line (the last one) and whether the runtime logged a timeout. */
export interface LogTail {
  readonly report?: LambdaReport;
  /** "Task timed out after 3.00 seconds": older runtimes say a timeout only in this line. */
  readonly timedOut: boolean;
}

export function readLogTail(log: string): LogTail {
  let report: LambdaReport | undefined;
  let timedOut = false;
  for (const line of log.split(/\r?\n/)) {
    const parsed = parseReportLine(line);
    if (parsed) report = parsed;
    else if (/Task timed out after \d+(\.\d+)? seconds/.test(line)) timedOut = true;
  }
  if (report?.status === "timeout") timedOut = true;
  return { ...(report ? { report } : {}), timedOut };
}
