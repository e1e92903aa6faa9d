import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { BuiltReport } from "./build-report.ts";
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

export const chartsFolder = "charts";

/**
 * Writes index.html, summary.md, summary.json and charts/<id>.svg|png. The charts folder is the
 * report's own and is emptied first, so no figure from an earlier report lingers beside the new
 * ones; other files in `dir` are left alone.
 */
export async function writeReport(report: BuiltReport, dir: string): Promise<WrittenReport> {
  const out = resolve(dir);
  const chartsDir = join(out, chartsFolder);
  rmSync(chartsDir, { recursive: true, force: true });
  mkdirSync(chartsDir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, data: string | Buffer): void => {
    writeFileSync(join(out, name), data);
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
        header: ["run", "backend", "label", "sweep", "seed", "invocations", "stream"],
        rows: report.runs.map((r) => [String(r.runId), r.backend, r.label ?? "", r.sweep ?? "", String(r.seed), r.invocations.toLocaleString("en-US"), r.streamDigest?.slice(0, 12) ?? "–"]),
      },
      charts: report.charts,
      chartPath: (id) => `${chartsFolder}/${id}`,
    }),
  );
  write("summary.md", summaryMarkdown(report));
  write("summary.json", summaryJson(report));
  const htmlMs = performance.now() - t;
  return { dir: out, index: join(out, "index.html"), files: files.sort(), timings: { svgMs, pngMs, htmlMs } };
}
