import type { InvokeResult } from "../network/invoker.ts";
import { connectionErrorText } from "../network/connection-error.ts";
import { readLogTail } from "./report-line.ts";

/** The parts of an SDK InvokeCommand answer that decide the outcome. */
export interface InvokeAnswer {
  readonly statusCode?: number;
  readonly functionError?: string;
  /** Base64 of the log tail (`LogType: "Tail"`); real Lambda sends it, serverless-offline does not. */
  readonly logResult?: string;
  readonly payload?: Uint8Array;
}

const decoder = new TextDecoder();

/** One line, bounded: an error payload can be a whole stack trace. */
function oneLine(text: string, max = 200): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `{"errorType":"Error","errorMessage":"boom"}` → "Error: boom"; anything else as text. */
function functionErrorDetail(payload: Uint8Array | undefined): string {
  if (payload === undefined || payload.length === 0) return "";
  const text = decoder.decode(payload);
  try {
    const parsed = JSON.parse(text) as { errorType?: unknown; errorMessage?: unknown };
    const type = typeof parsed.errorType === "string" ? parsed.errorType : undefined;
    const message = typeof parsed.errorMessage === "string" ? parsed.errorMessage : undefined;
    if (type !== undefined || message !== undefined) return [type, message].filter((s) => s !== undefined).join(": ");
  } catch {
    // Not JSON: the payload itself says what happened.
  }
  return text;
}

/**
 * An answer's outcome: a timeout when the log says the function timed out (REPORT `Status:
 * timeout` or "Task timed out"), `failed` with the error type when Lambda set FunctionError
 * (`Unhandled`, or `Handled` on older runtimes), `ok` otherwise. The REPORT line's figures are
 * kept whatever the outcome: AWS bills a failed or timed-out invocation too.
 */
export function resultOfAnswer(answer: InvokeAnswer): InvokeResult {
  const tail = answer.logResult ? readLogTail(Buffer.from(answer.logResult, "base64").toString("utf8")) : undefined;
  const report = tail?.report;
  const measured = {
    ...(answer.statusCode !== undefined ? { httpStatus: answer.statusCode } : {}),
    ...(report
      ? {
          serverExecMs: report.durationMs,
          billedMs: report.billedMs,
          memorySizeMb: report.memorySizeMb,
          maxMemoryUsedMb: report.maxMemoryUsedMb,
          ...(report.initMs !== undefined ? { initMs: report.initMs } : {}),
        }
      : {}),
  };
  if (tail?.timedOut) return { status: "timeout", ...measured, error: `the function timed out${report ? ` after ${report.durationMs} ms` : ""} (Lambda's log says so)` };
  if (answer.functionError !== undefined) {
    const detail = functionErrorDetail(answer.payload);
    const errorType = report?.errorType ? ` [${report.errorType}]` : "";
    return { status: "failed", ...measured, error: oneLine(`FunctionError ${answer.functionError}${errorType}${detail ? `: ${detail}` : ""}`) };
  }
  return { status: "ok", ...measured };
}

/** What an SDK exception carries (ServiceException and its subclasses, or a socket error). */
interface SdkError {
  readonly name?: string;
  readonly message?: string;
  readonly Reason?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * A refused or failed request: 429 `TooManyRequestsException` (account or reserved concurrency,
 * or the request rate) is `throttled` with Lambda's reason; any other service error or socket
 * failure is `failed` with its name and message.
 */
export function resultOfError(error: unknown): InvokeResult {
  const e = (typeof error === "object" && error !== null ? error : {}) as SdkError;
  const httpStatus = e.$metadata?.httpStatusCode;
  const status = httpStatus !== undefined ? { httpStatus } : {};
  if (e.name === "TooManyRequestsException" || httpStatus === 429) {
    return { status: "throttled", httpStatus: 429, error: oneLine(`429 TooManyRequestsException: ${e.message ?? ""}${e.Reason ? ` (${e.Reason})` : ""}`) };
  }
  if (httpStatus !== undefined) return { status: "failed", ...status, error: oneLine(`${httpStatus} ${e.name ?? "Error"}: ${e.message ?? ""}`) };
  return { status: "failed", error: oneLine(connectionErrorText(error)) };
}

/** Whether a bounded retry may re-send: throttles and Lambda's own 5xx faults, never a function's error or a timeout. */
export function isRetryable(result: InvokeResult): boolean {
  return result.status === "throttled" || (result.status === "failed" && result.httpStatus !== undefined && result.httpStatus >= 500);
}
