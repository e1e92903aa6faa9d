import type { InvokeResult } from "../network/invoker.ts";

export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * What one HTTP answer means for its invocation: 2xx ok, 429 throttled (the target refused it,
 * as Lambda and the reference server do when full), anything else failed with its status and the
 * first line of its body. The target's own timings come from `x-queue-ms` / `x-exec-ms` (the
 * reference server) or a standard `Server-Timing: queue;dur=…, exec;dur=…`; an ok answer's JSON
 * `cpuMs` is kept when present.
 */
export function classifyResponse(statusCode: number, headers: ResponseHeaders, body: string): InvokeResult {
  // One object per answer, absent fields left undefined: this runs for every request.
  const { serverQueueMs, serverExecMs } = serverTimings(headers);
  if (statusCode >= 200 && statusCode < 300) return { status: "ok", httpStatus: statusCode, serverQueueMs, serverExecMs, cpuMs: reportedCpuMs(body) };
  const line = firstLine(body);
  return {
    status: statusCode === 429 ? "throttled" : "failed",
    httpStatus: statusCode,
    serverQueueMs,
    serverExecMs,
    error: line === "" ? `HTTP ${statusCode}` : `HTTP ${statusCode}: ${line}`,
  };
}

/** The queue and execution times the target reports, ms; undefined when a header is absent or not a number. */
export function serverTimings(headers: ResponseHeaders): { serverQueueMs: number | undefined; serverExecMs: number | undefined } {
  let queue = milliseconds(header(headers, "x-queue-ms"));
  let exec = milliseconds(header(headers, "x-exec-ms"));
  const serverTiming = header(headers, "server-timing");
  if (serverTiming !== undefined && (queue === undefined || exec === undefined)) {
    for (const metric of serverTiming.split(",")) {
      const [name, ...params] = metric.split(";").map((part) => part.trim());
      const dur = params.find((p) => p.toLowerCase().startsWith("dur="));
      const ms = dur === undefined ? undefined : milliseconds(dur.slice(4));
      if (name === "queue" && queue === undefined) queue = ms;
      if (name === "exec" && exec === undefined) exec = ms;
    }
  }
  return { serverQueueMs: queue, serverExecMs: exec };
}

function header(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function milliseconds(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const ms = Number(text);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

function reportedCpuMs(body: string): number | undefined {
  if (!body.startsWith("{") || !body.includes('"cpuMs"')) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    const cpuMs = (parsed as { cpuMs?: unknown }).cpuMs;
    return typeof cpuMs === "number" && Number.isFinite(cpuMs) && cpuMs >= 0 ? cpuMs : undefined;
  } catch {
    return undefined;
  }
}

function firstLine(body: string): string {
  const line = body.trim().split(/\r?\n/, 1)[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
