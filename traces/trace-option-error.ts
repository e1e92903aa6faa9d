import { TraceFormatError } from "./trace-format-error.ts";

/**
 * A trace spec or option that cannot be honoured (unknown prefix, missing file, a sample larger
 * than the trace, …). Like `TraceFormatError`, the message is one line meant for the user, so
 * the CLI prints it without a stack trace.
 */
export class TraceOptionError extends Error {
  override readonly name = "TraceOptionError";
}

/** True for the errors the CLI should print as a plain message rather than crash on. */
export function isTraceUserError(error: unknown): error is Error {
  return error instanceof TraceOptionError || error instanceof TraceFormatError;
}
