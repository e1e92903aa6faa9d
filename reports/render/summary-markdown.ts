import type { BuiltReport } from "../build-report.ts";
import { runTableHeader, runTableRows } from "../run-table.ts";
import { markdownTable } from "./markdown-table.ts";

/** The report as text: what a reviewer reads in a pull request or a terminal. */
export function summaryMarkdown(report: BuiltReport): string {
  const runs = markdownTable(runTableHeader, runTableRows(report.runs));
  const warnings = report.warnings.map((w) => `> **Warning:** ${w}\n`).join("\n");
  const charts = report.charts.map((c) => `- ${c.title}: charts/${c.id}.svg, charts/${c.id}.png`).join("\n");
  return [`# ${report.title}`, "", runs, "", warnings, ...report.sections.map((s) => s.markdown), "## Charts", "", charts, ""].join("\n");
}
