import type { BadRowLog } from "../bad-row-log.ts";
import { CsvFields } from "../csv/csv-field.ts";
import { columnIndices } from "../csv/csv-header.ts";
import { csvRows } from "../csv/csv-rows.ts";
import { TraceFormatError } from "../trace-format-error.ts";
import { appKey, functionKey } from "./function-key.ts";
import { memoryPercentileProbabilities, PercentileDistribution } from "./percentile-distribution.ts";

/**
 * What one memory row describes, detected from the header:
 * - "app": the release's layout, one row per app (no HashFunction); every function of the app
 *   draws from the app's percentiles.
 * - "app-per-function-row": the vHive loader excerpt, HashFunction inserted after HashApp but the
 *   values still the app's (integers, as in the release).
 * - "function-share": In-Vitro sampler output, HashFunction first, each value the app's divided
 *   by the app's function count (`build_mem_func_df`); used as given.
 */
export type MemoryBasis = "app" | "app-per-function-row" | "function-share";

/** One row of memory percentiles, in MB of committed memory. */
export interface MemoryStats {
  readonly averageMb: number;
  readonly percentiles: PercentileDistribution;
}

export interface MemoryPercentiles {
  readonly basis: MemoryBasis;
  /** Looks a function up: by the triple when rows name functions, else by its app. */
  lookup(owner: string, app: string, fn: string): MemoryStats | undefined;
}

// Spelled out rather than mapped, so each name is a literal key of the column index.
const pctColumns = [
  "AverageAllocatedMb_pct1",
  "AverageAllocatedMb_pct5",
  "AverageAllocatedMb_pct25",
  "AverageAllocatedMb_pct50",
  "AverageAllocatedMb_pct75",
  "AverageAllocatedMb_pct95",
  "AverageAllocatedMb_pct99",
  "AverageAllocatedMb_pct100",
] as const;
const requiredColumns = ["HashOwner", "HashApp", "SampleCount", "AverageAllocatedMb", ...pctColumns] as const;

export async function readMemoryPercentiles(path: string, name: string, log: BadRowLog): Promise<MemoryPercentiles> {
  const rows = new Map<string, MemoryStats>();
  let columns: Record<(typeof requiredColumns)[number], number> | undefined;
  let fnColumn = -1;
  let basis: MemoryBasis = "app";
  let width = 0;
  for await (const row of csvRows(path, name)) {
    const fields = new CsvFields(name, row);
    if (columns === undefined) {
      columns = columnIndices(fields, requiredColumns, "app_memory_percentiles");
      fnColumn = row.cells.indexOf("HashFunction");
      basis = fnColumn < 0 ? "app" : fnColumn < columns.HashApp ? "function-share" : "app-per-function-row";
      width = row.cells.length;
      continue;
    }
    try {
      fields.expectFieldCount(width, "an app_memory_percentiles row");
      const owner = fields.ownedText(columns.HashOwner, "a HashOwner");
      const app = fields.ownedText(columns.HashApp, "a HashApp");
      const key = fnColumn < 0 ? appKey(owner, app) : functionKey(owner, app, fields.ownedText(fnColumn, "a HashFunction"));
      fields.count(columns.SampleCount, "a non-negative integer SampleCount");
      // parseFloat-style: In-Vitro's per-function shares are written as 19.166666666666668.
      const averageMb = fields.nonNegative(columns.AverageAllocatedMb, "a non-negative AverageAllocatedMb");
      const values: number[] = [];
      let previous: number | undefined;
      for (const c of pctColumns) {
        const v = fields.nonNegative(columns[c], `a non-negative ${c}`);
        if (previous !== undefined && v < previous) {
          throw fields.error(columns[c], `${c} ≥ the previous percentile (${previous})`, row.cells[columns[c]]);
        }
        values.push(v);
        previous = v;
      }
      if (!rows.has(key)) rows.set(key, { averageMb, percentiles: new PercentileDistribution(memoryPercentileProbabilities, values) });
    } catch (error) {
      if (!(error instanceof TraceFormatError)) throw error;
      log.reject(error);
    }
  }
  if (columns === undefined) throw new TraceFormatError(name, 1, 1, "an app_memory_percentiles header", "");
  return {
    basis,
    lookup: fnColumn < 0 ? (owner, app) => rows.get(appKey(owner, app)) : (owner, app, fn) => rows.get(functionKey(owner, app, fn)),
  };
}
