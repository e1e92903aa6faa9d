import type { BadRowLog } from "../bad-row-log.ts";
import { CsvFields } from "../csv/csv-field.ts";
import { columnIndices } from "../csv/csv-header.ts";
import { csvRows } from "../csv/csv-rows.ts";
import { TraceFormatError } from "../trace-format-error.ts";
import { functionKey } from "./function-key.ts";
import { durationPercentileProbabilities, PercentileDistribution } from "./percentile-distribution.ts";

/** One function's row of `function_durations_percentiles` (ms). */
export interface DurationStats {
  /** Mean execution time over the day (excludes cold starts). */
  readonly averageMs: number;
  /** Percentiles of 30-s averages, as a distribution to draw work from. */
  readonly percentiles: PercentileDistribution;
}

// Spelled out rather than mapped, so each name is a literal key of the column index.
const percentileColumns = [
  "percentile_Average_0",
  "percentile_Average_1",
  "percentile_Average_25",
  "percentile_Average_50",
  "percentile_Average_75",
  "percentile_Average_99",
  "percentile_Average_100",
] as const;
const requiredColumns = ["HashOwner", "HashApp", "HashFunction", "Average", "Count", "Minimum", "Maximum", ...percentileColumns] as const;

/**
 * Reads a durations file into a map by function key. The file has one row per function, so it
 * is small next to the invocations file (≈ 12 MB a day) and is held whole. Duplicate keys keep
 * the first row (In-Vitro's rule).
 */
export async function readDurationPercentiles(path: string, name: string, log: BadRowLog): Promise<Map<string, DurationStats>> {
  const out = new Map<string, DurationStats>();
  let columns: Record<(typeof requiredColumns)[number], number> | undefined;
  let width = 0;
  for await (const row of csvRows(path, name)) {
    const fields = new CsvFields(name, row);
    if (columns === undefined) {
      columns = columnIndices(fields, requiredColumns, "function_durations_percentiles");
      width = row.cells.length;
      continue;
    }
    try {
      fields.expectFieldCount(width, "a function_durations_percentiles row");
      const key = functionKey(
        fields.ownedText(columns.HashOwner, "a HashOwner"),
        fields.ownedText(columns.HashApp, "a HashApp"),
        fields.ownedText(columns.HashFunction, "a HashFunction"),
      );
      const averageMs = fields.nonNegative(columns.Average, "a non-negative Average duration in ms");
      fields.count(columns.Count, "a non-negative integer Count");
      fields.optionalNonNegative(columns.Minimum, "a non-negative Minimum duration in ms, or empty");
      fields.optionalNonNegative(columns.Maximum, "a non-negative Maximum duration in ms, or empty");
      const values: number[] = [];
      let previous: number | undefined;
      for (const c of percentileColumns) {
        const v = fields.nonNegative(columns[c], `a non-negative ${c} in ms`);
        if (previous !== undefined && v < previous) {
          throw fields.error(columns[c], `${c} ≥ the previous percentile (${previous})`, row.cells[columns[c]]);
        }
        values.push(v);
        previous = v;
      }
      if (!out.has(key)) out.set(key, { averageMs, percentiles: new PercentileDistribution(durationPercentileProbabilities, values) });
    } catch (error) {
      if (!(error instanceof TraceFormatError)) throw error;
      log.reject(error);
    }
  }
  if (columns === undefined) throw new TraceFormatError(name, 1, 1, "a function_durations_percentiles header", "");
  return out;
}
