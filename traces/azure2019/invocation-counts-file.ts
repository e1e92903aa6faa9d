import type { BadRowLog } from "../bad-row-log.ts";
import { CsvFields } from "../csv/csv-field.ts";
import { columnIndices } from "../csv/csv-header.ts";
import { csvRows } from "../csv/csv-rows.ts";
import { TraceFormatError } from "../trace-format-error.ts";
import type { MinuteWindow } from "../transforms/time-window.ts";

/** The minute columns an invocations file holds. */
export interface InvocationCountsHeader {
  /** Minute of the day (0-based) of the first minute column: column label k covers minute k−1. */
  readonly firstMinute: number;
  readonly minutes: number;
  /** Total fields per row. */
  readonly width: number;
}

/** One function's row, its counts cut to the replay window. */
export interface FunctionCountsRow {
  readonly line: number;
  readonly owner: string;
  readonly app: string;
  readonly fn: string;
  readonly trigger: string;
  /** Invocations per minute of the window (index 0 = the window's first minute). */
  readonly counts: Uint32Array;
}

const keyColumns = ["HashOwner", "HashApp", "HashFunction", "Trigger"] as const;

/**
 * The most invocations one function may have in one minute (≈ 167 k/s). Arrivals are streamed,
 * so the cap bounds replay time, not memory: a corrupt cell of 2,000,000,000 would otherwise
 * keep a replay busy for hours. README, "Real traces", documents it.
 */
export const maxInvocationsPerFunctionMinute = 10_000_000;
const countRule = `a non-negative integer invocation count of at most ${maxInvocationsPerFunctionMinute.toLocaleString("en-US")} per function-minute`;

/** Reads the header line: the four key columns, then consecutive minute labels (1..1440, or 480..959 in In-Vitro samples). */
export async function readInvocationCountsHeader(path: string, name: string): Promise<InvocationCountsHeader> {
  for await (const row of csvRows(path, name)) {
    const fields = new CsvFields(name, row);
    const keys = columnIndices(fields, keyColumns, "invocations_per_function_md");
    keyColumns.forEach((k, i) => {
      if (keys[k] !== i) throw fields.error(keys[k], `"${k}" as column ${i + 1} of the invocations header`, k);
    });
    const first = fields.count(4, "a first minute label (integer, e.g. 1)");
    for (let i = 5; i < row.cells.length; i++) {
      const label = fields.count(i, `minute label ${first + i - 4}`);
      if (label !== first + i - 4) throw fields.error(i, `minute label ${first + i - 4}`, row.cells[i]);
    }
    if (first < 1) throw fields.error(4, "minute labels starting at 1 or later", row.cells[4]);
    return { firstMinute: first - 1, minutes: row.cells.length - 4, width: row.cells.length };
  }
  throw new TraceFormatError(name, 1, 1, "an invocations_per_function_md header", "");
}

/**
 * Streams the function rows, each cut to `window`. Only the window's cells are parsed (a short
 * window over a day file skips most of the work), so a corrupt cell outside it goes unnoticed.
 * A row is rejected, through `log`, for a wrong field count, an empty key, a trigger outside
 * `knownTriggers` or a count that is not a non-negative integer.
 */
export async function* readInvocationCounts(
  path: string,
  name: string,
  header: InvocationCountsHeader,
  window: MinuteWindow,
  knownTriggers: ReadonlySet<string>,
  log: BadRowLog,
): AsyncGenerator<FunctionCountsRow> {
  const firstCell = 4 + (window.fromMinute - header.firstMinute);
  const triggerList = [...knownTriggers].join("|");
  let isHeader = true;
  for await (const row of csvRows(path, name)) {
    if (isHeader) {
      isHeader = false;
      continue;
    }
    const fields = new CsvFields(name, row);
    try {
      fields.expectFieldCount(header.width, `4 keys and ${header.minutes} minute counts`);
      const owner = fields.ownedText(0, "a HashOwner");
      const app = fields.ownedText(1, "a HashApp");
      const fn = fields.ownedText(2, "a HashFunction");
      const trigger = fields.ownedText(3, `a trigger (${triggerList})`);
      if (!knownTriggers.has(trigger)) throw fields.error(3, `a trigger (${triggerList})`, trigger);
      const counts = new Uint32Array(window.minutes);
      for (let m = 0; m < window.minutes; m++) {
        const count = fields.count(firstCell + m, countRule);
        if (count > maxInvocationsPerFunctionMinute) throw fields.error(firstCell + m, countRule, fields.cells[firstCell + m]);
        counts[m] = count;
      }
      yield { line: row.line, owner, app, fn, trigger, counts };
    } catch (error) {
      if (!(error instanceof TraceFormatError)) throw error;
      log.reject(error);
    }
  }
}
