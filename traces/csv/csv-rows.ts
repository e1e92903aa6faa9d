import { createReadStream } from "node:fs";
import { Transform, type TransformCallback } from "node:stream";
import Papa from "papaparse";
import { TraceFormatError } from "../trace-format-error.ts";

const byteOrderMark = "\uFEFF";

/**
 * The longest line a trace file may have. A 2019 day row is about 10 kB; the cap only stops a
 * file without line breaks (a binary or a mangled download) from being buffered whole.
 */
export const maxLineBytes = 16 * 1024 * 1024;

class LineTooLongError extends Error {}

/** Fails the stream once a line passes `maxLineBytes` (only a line spanning chunks can: chunks are 64 kB). */
class LineLengthGuard extends Transform {
  private sinceNewline = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const first = chunk.indexOf(10);
    if (first < 0) {
      this.sinceNewline += chunk.length;
    } else {
      if (this.sinceNewline + first > maxLineBytes) return done(new LineTooLongError());
      this.sinceNewline = chunk.length - chunk.lastIndexOf(10) - 1;
    }
    if (this.sinceNewline > maxLineBytes) return done(new LineTooLongError());
    done(null, chunk);
  }
}

/** One parsed CSV line, with its 1-based line number for error messages. */
export interface CsvRow {
  readonly line: number;
  readonly cells: readonly string[];
}

/**
 * Streams a CSV file row by row through papaparse's Node stream mode, which honours
 * backpressure: a 140 MB Azure day file is never held in memory. Array rows and no dynamic
 * typing, the fastest papaparse mode (DESIGN.md); callers parse the cells they need.
 *
 * Line numbers assume no quoted newlines, which holds for every Azure trace file (no quoting
 * at all). Blank lines are skipped but still counted. A UTF-8 byte-order mark, which Excel and
 * PowerShell write, is dropped from the first cell rather than read as part of the first column name.
 */
export async function* csvRows(path: string, displayName: string = path): AsyncGenerator<CsvRow> {
  const input = createReadStream(path);
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { header: false, skipEmptyLines: false });
  // A read error (missing file, EISDIR) must reach the consumer rather than hang the parser.
  let readError: Error | undefined;
  const guard = new LineLengthGuard();
  for (const stream of [input, guard]) {
    stream.on("error", (error: Error) => {
      readError = error;
      parser.destroy(error);
    });
  }
  input.pipe(guard).pipe(parser);
  let line = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      line++;
      if (line === 1 && cells[0]?.startsWith(byteOrderMark)) cells[0] = cells[0].slice(1);
      if (cells.length === 1 && cells[0] === "") continue;
      yield { line, cells };
    }
  } catch (error) {
    if (readError instanceof LineTooLongError) {
      throw new TraceFormatError(displayName, line + 1, 1, `a line break within ${maxLineBytes / 1024 / 1024} MB (the limit on a line)`);
    }
    throw new TraceFormatError(displayName, line + 1, 1, "a readable CSV file", (readError ?? (error as Error)).message);
  } finally {
    input.destroy();
    guard.destroy();
    parser.destroy();
  }
}
