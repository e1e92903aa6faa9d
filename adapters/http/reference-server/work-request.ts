/** One request's synthetic work, as read from its JSON body. Other fields of the body are ignored. */
export interface WorkRequest {
  /** Echoed in the response so the client can match it; null when the body has none. */
  readonly id: string | number | null;
  readonly workMs: number;
  /** The trace's memory peak; 0 when the body has none. */
  readonly memPeakMb: number;
}

export interface WorkLimits {
  readonly maxWorkMs: number;
  readonly memScale: number;
  readonly maxMemMb: number;
}

export type ParsedWorkRequest = { ok: true; request: WorkRequest; memMb: number } | { ok: false; reason: string };

/**
 * Parses and checks a request body. `memMb` is the memory the work will grow to (memPeakMb ×
 * memScale). The reason is one line naming the field and its units, sent back with status 400.
 */
export function parseWorkRequest(body: string, limits: WorkLimits): ParsedWorkRequest {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, reason: `body is not JSON (got ${quote(body)})` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, reason: `body must be a JSON object like {"id":1,"workMs":100} (got ${quote(body)})` };
  const fields = value as Record<string, unknown>;
  const { id, workMs, memPeakMb } = fields;
  if (id !== undefined && id !== null && typeof id !== "string" && typeof id !== "number") return { ok: false, reason: `id must be a string or a number (got ${JSON.stringify(id)})` };
  if (workMs === undefined) return { ok: false, reason: "workMs is required: the work to execute, in ms" };
  if (!isAmount(workMs)) return { ok: false, reason: `workMs must be a number of ms ≥ 0 (got ${JSON.stringify(workMs)})` };
  if (workMs > limits.maxWorkMs) return { ok: false, reason: `workMs ${workMs} is above this server's --max-work-ms ${limits.maxWorkMs}` };
  if (memPeakMb !== undefined && memPeakMb !== null && !isAmount(memPeakMb)) {
    return { ok: false, reason: `memPeakMb must be a number of MB ≥ 0 (got ${JSON.stringify(memPeakMb)})` };
  }
  const peak = typeof memPeakMb === "number" ? memPeakMb : 0;
  const memMb = peak * limits.memScale;
  if (memMb > limits.maxMemMb) return { ok: false, reason: `memPeakMb ${peak} × --mem-scale ${limits.memScale} = ${memMb} MB is above this server's --max-mem-mb ${limits.maxMemMb}` };
  return { ok: true, request: { id: id ?? null, workMs, memPeakMb: peak }, memMb };
}

/** A finite number ≥ 0 (not a numeric string: JSON says what the client meant). */
function isAmount(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

function quote(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(oneLine.length > 60 ? `${oneLine.slice(0, 60)}…` : oneLine);
}
