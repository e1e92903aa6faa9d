import type { BadRowLog } from "../bad-row-log.ts";
import { CsvFields } from "../csv/csv-field.ts";
import { csvRows } from "../csv/csv-rows.ts";
import { TraceFormatError } from "../trace-format-error.ts";

/** One row of the 2021 trace, times in seconds from the trace start. */
export interface Azure2021Row {
  readonly line: number;
  readonly app: string;
  readonly func: string;
  /** end_timestamp − duration: when the invocation arrived. */
  readonly startS: number;
  readonly durationS: number;
}

export const azure2021Header = ["app", "func", "end_timestamp", "duration"] as const;

/**
 * Streams the rows of `app,func,end_timestamp,duration` (seconds: the dataset page was corrected
 * from ms to s, and 14 days = 1,209,600 s in the data). Zero durations are kept. A row is
 * rejected, through `log`, for a wrong field count, an empty id, or a time that is not a
 * non-negative number.
 */
export async function* readAzure2021Rows(path: string, name: string, log: BadRowLog): AsyncGenerator<Azure2021Row> {
  let isHeader = true;
  for await (const row of csvRows(path, name)) {
    const fields = new CsvFields(name, row);
    if (isHeader) {
      isHeader = false;
      azure2021Header.forEach((column, i) => {
        if (row.cells[i] !== column) throw fields.error(i, `the 2021 header ${azure2021Header.join(",")}`, row.cells.join(","));
      });
      if (row.cells.length !== azure2021Header.length) throw fields.error(azure2021Header.length, "exactly 4 header fields", row.cells.join(","));
      continue;
    }
    let parsed: Azure2021Row;
    try {
      fields.expectFieldCount(4, "app,func,end_timestamp,duration");
      const app = fields.text(0, "an app id");
      const func = fields.text(1, "a func id");
      const end = fields.nonNegative(2, "a non-negative end_timestamp in seconds");
      const durationS = fields.nonNegative(3, "a non-negative duration in seconds");
      parsed = { line: row.line, app, func, startS: end - durationS, durationS };
    } catch (error) {
      if (!(error instanceof TraceFormatError)) throw error;
      log.reject(error);
      continue;
    }
    yield parsed;
  }
  if (isHeader) throw new TraceFormatError(name, 1, 1, `the 2021 header ${azure2021Header.join(",")}`, "");
}
