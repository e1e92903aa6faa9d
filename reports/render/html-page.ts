import type { ReportChart } from "../charts/report-chart.ts";
import { inlineLibraries } from "./inline-libraries.ts";

export interface HtmlPage {
  readonly title: string;
  /** Lines shown above the charts (which runs, which stream). */
  readonly intro: readonly string[];
  /** Shown in a highlighted box: streams that differ, incomplete runs, … */
  readonly warnings: readonly string[];
  /** A small HTML-free table: header row, then rows. */
  readonly runTable: { readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] };
  readonly charts: readonly ReportChart[];
  /** Relative path of the chart files, without extension: `charts/<id>`. */
  readonly chartPath: (id: string) => string;
}

/**
 * One self-contained page: vega, vega-lite and vega-embed inlined, every chart's spec and data
 * inlined, and a Content-Security-Policy that forbids any request, so the page opens offline and
 * provably reaches for nothing. vega compiles expressions with `new Function`, hence
 * 'unsafe-eval'. When every chart has rendered, `<body data-rendered>` holds their count (the
 * browser test waits on it); embed errors go to the console and to `data-errors`.
 */
export function htmlPage(page: HtmlPage): string {
  const specs = page.charts.map((c) => ({ id: c.id, spec: c.spec }));
  const sections = page.charts
    .map(
      (c) => `<section id="${escapeHtml(c.id)}">
<h2>${escapeHtml(c.title)}</h2>
<p class="caption">${escapeHtml(c.caption)}</p>
<div class="chart" id="vis-${escapeHtml(c.id)}"></div>
<p class="files"><a href="${escapeHtml(page.chartPath(c.id))}.svg">SVG</a> · <a href="${escapeHtml(page.chartPath(c.id))}.png">PNG</a></p>
</section>`,
    )
    .join("\n");
  const warnings =
    page.warnings.length === 0 ? "" : `<div class="warnings">${page.warnings.map((w) => `<p>⚠ ${escapeHtml(w)}</p>`).join("")}</div>`;
  const table = `<table><thead><tr>${page.runTable.header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${page.runTable.rows
    .map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 24px auto; max-width: 1180px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 36px; border-top: 1px solid #ddd; padding-top: 16px; }
.caption { color: #444; max-width: 900px; } .files { font-size: 12px; color: #666; }
.warnings { background: #fff4e0; border: 1px solid #e0a040; padding: 4px 12px; margin: 12px 0; }
table { border-collapse: collapse; font-size: 13px; } th, td { border-bottom: 1px solid #ddd; padding: 3px 10px; text-align: left; }
td { font-family: "DejaVu Sans Mono", monospace; } .chart { overflow-x: auto; }
</style>
</head>
<body>
<h1>${escapeHtml(page.title)}</h1>
${page.intro.map((l) => `<p>${escapeHtml(l)}</p>`).join("\n")}
${warnings}
${table}
${sections}
<script>
${inlineLibraries()}
</script>
<script>
const charts = ${jsonForScript(specs)};
const failures = [];
Promise.all(charts.map((c) =>
  vegaEmbed("#vis-" + c.id, c.spec, { renderer: "svg", actions: { export: true, source: false, compiled: false, editor: false } })
    .catch((e) => { failures.push(c.id); console.error("chart " + c.id + ": " + e); })
)).then(() => {
  document.body.dataset.errors = failures.join(",");
  document.body.dataset.rendered = String(charts.length - failures.length);
});
</script>
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** JSON that is also safe inside <script>: no `</script>`, no `<!--`, no line separators. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
