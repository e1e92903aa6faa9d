/**
 * Bad data in a trace file, located so a user can open the file at the spot. The message is one
 * line, `file:line:column: expected …, found "…"`, so the CLI prints it as is, without a stack
 * trace. `line` and `column` are 1-based; `column` counts characters, so editors jump to it.
 */
export class TraceFormatError extends Error {
  override readonly name = "TraceFormatError";

  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    /** What the reader needed there, e.g. "a non-negative integer invocation count". */
    readonly expected: string,
    /** The offending text, when there is one (shortened in the message). */
    readonly found?: string,
  ) {
    super(`${file}:${line}:${column}: expected ${expected}${found === undefined ? "" : `, found "${shorten(found)}"`}`);
  }
}

function shorten(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, " ");
  return oneLine.length > 40 ? `${oneLine.slice(0, 37)}...` : oneLine;
}
