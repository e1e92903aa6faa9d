import { existsSync, lstatSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { BuiltReport } from "./build-report.ts";
import { chartsFolder, checkReportFolder, previousReportFiles, summaryJsonFile } from "./report-folder.ts";
import { ReportInputError } from "./report-input-error.ts";
import { runTableHeader, runTableRows } from "./run-table.ts";
import { htmlPage } from "./render/html-page.ts";
import { renderPng } from "./render/png-render.ts";
import { renderSvg } from "./render/svg-render.ts";
import { summaryJson } from "./render/summary-json.ts";
import { summaryMarkdown } from "./render/summary-markdown.ts";

export interface WrittenReport {
  readonly dir: string;
  readonly index: string;
  /** Every file written, relative to `dir`, sorted. */
  readonly files: readonly string[];
  readonly timings: Readonly<Record<string, number>>;
}

export { chartsFolder } from "./report-folder.ts";

/** Why the file system refused, in words, for the one-line error. */
const refusals: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EISDIR: "a folder stands where the file goes",
  ENOTDIR: "a file stands where a folder goes",
  EEXIST: "a file stands where a folder goes",
  ENOENT: "no folder can be made there",
};

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdirSync never returns under /proc (each
 * ENOENT makes it retry the parent, which exists), and a report must fail in one line instead.
 */
function makeFolder(path: string): void {
  if (existsSync(path)) return;
  const parent = dirname(path);
  if (parent !== path) makeFolder(parent);
  mkdirSync(path);
}

function writeFailure(error: unknown, path: string): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why = code !== undefined ? refusals[code] : undefined;
  // The path the system refused (a parent folder, perhaps), else the file being written.
  const refused = (error as NodeJS.ErrnoException | undefined)?.path ?? path;
  return why === undefined ? (error as Error) : new ReportInputError(`cannot write the report's ${refused}: ${why}`);
}

/**
 * Writes index.html, summary.md, summary.json and charts/<id>.svg|png, overwriting those names.
 * Nothing else in `dir` is touched, except the chart files an earlier report there listed in its
 * summary.json and this one no longer draws (so no stale figure lingers beside the new ones).
 * A user's own files, in `dir` or in its charts folder, are never removed.
 */
export async function writeReport(report: BuiltReport, dir: string): Promise<WrittenReport> {
  const out = resolve(dir);
  checkReportFolder(out);
  const earlier = previousReportFiles(out);
  try {
    makeFolder(join(out, chartsFolder));
  } catch (error) {
    throw writeFailure(error, join(out, chartsFolder));
  }
  const files: string[] = [];
  const write = (name: string, data: string | Buffer): void => {
    const path = join(out, name);
    try {
      // A link at a name the report writes is replaced, never written through: its target may be the user's.
      if (isLink(path)) rmSync(path);
      writeFileSync(path, data);
    } catch (error) {
      throw writeFailure(error, path);
    }
    files.push(name);
  };
  let svgMs = 0;
  let pngMs = 0;
  for (const chart of report.charts) {
    let t = performance.now();
    const svg = await renderSvg(chart.spec);
    svgMs += performance.now() - t;
    write(`${chartsFolder}/${chart.id}.svg`, svg);
    t = performance.now();
    write(`${chartsFolder}/${chart.id}.png`, renderPng(svg));
    pngMs += performance.now() - t;
  }
  const t = performance.now();
  write(
    "index.html",
    htmlPage({
      title: report.title,
      intro: [
        `${report.runs.length} run${report.runs.length === 1 ? "" : "s"}, read from the store alone; ${report.streams.length} distinct invocation stream${report.streams.length === 1 ? "" : "s"}.`,
        "Every chart is also in charts/ as SVG and PNG; summary.md and summary.json hold the numbers.",
      ],
      warnings: report.warnings,
      runTable: {
        header: runTableHeader,
        rows: runTableRows(report.runs),
      },
      charts: report.charts,
      chartPath: (id) => `${chartsFolder}/${id}`,
    }),
  );
  write("summary.md", summaryMarkdown(report));
  write(summaryJsonFile, summaryJson(report));
  for (const stale of earlier.filter((f) => !files.includes(f))) rmSync(join(out, stale), { force: true });
  const htmlMs = performance.now() - t;
  return { dir: out, index: join(out, "index.html"), files: files.sort(), timings: { svgMs, pngMs, htmlMs } };
}
