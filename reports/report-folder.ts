import { existsSync, lstatSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ReportInputError } from "./report-input-error.ts";

/** The subfolder of the report's folder that holds every chart's SVG and PNG. */
export const chartsFolder = "charts";

/** The summary that lists what a report wrote: read back to know which old files are the report's own. */
export const summaryJsonFile = "summary.json";

/** A chart file as a report names it; nothing else under the folder is ever removed. */
const reportChartFile = new RegExp(`^${chartsFolder}/[a-z0-9][a-z0-9-]*\\.(svg|png)$`);

/**
 * Refuses, before any query runs, a folder the report cannot be written to: `--out` naming an
 * existing file, or a file standing where the charts folder goes. One line, naming the path.
 */
export function checkReportFolder(dir: string): void {
  for (const [path, what] of [
    [dir, "--out"],
    [join(dir, chartsFolder), "the report's charts folder"],
  ] as const) {
    if (existsSync(path) && !statSync(path).isDirectory()) {
      throw new ReportInputError(`${what} ${path} is a file, not a folder: the report writes index.html, summary.md/json and charts/ into a folder (pass --out a folder path)`);
    }
  }
}

/**
 * The chart files an earlier report in `dir` wrote, as its summary.json names them: the only
 * files (besides the ones a report overwrites by name) that a new report may remove, so a
 * figure the new report no longer draws does not linger while the user's own files stay. Paths
 * are accepted only in the exact shape the report writes, `charts/<id>.svg|png`; a summary that
 * is missing, unreadable or not the report's yields nothing to remove.
 */
export function previousReportFiles(dir: string): string[] {
  const path = join(dir, summaryJsonFile);
  let charts: unknown;
  try {
    charts = (JSON.parse(readFileSync(path, "utf8")) as { charts?: unknown }).charts;
  } catch {
    return [];
  }
  if (!Array.isArray(charts)) return [];
  const named = charts.flatMap((c: unknown) => {
    if (typeof c !== "object" || c === null) return [];
    const { svg, png } = c as { svg?: unknown; png?: unknown };
    return [svg, png].filter((f): f is string => typeof f === "string" && reportChartFile.test(f));
  });
  return [...new Set(named)].filter((f) => {
    try {
      return lstatSync(join(dir, f)).isFile();
    } catch {
      return false;
    }
  });
}
