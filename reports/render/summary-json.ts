import type { BuiltReport } from "../build-report.ts";

/** The report's numbers for machines: runs, streams, each section's summary, chart files. */
export function summaryJson(report: BuiltReport): string {
  return `${JSON.stringify(
    {
      title: report.title,
      runs: report.runs.map((r) => ({
        runId: r.runId,
        backend: r.backend,
        label: r.label,
        sweep: r.sweep,
        seed: r.seed,
        status: r.status,
        /** Rows the store holds for the run (fewer than planned when it failed or was interrupted). */
        invocations: r.storedInvocations,
        streamDigest: r.streamDigest,
        constantLoad: r.constantLoad,
        /** Why the run cannot be trusted, in words (a network run whose driver sent too late); null when it can. */
        degraded: r.degraded,
        network: r.network,
        machineSamples: r.machineSamples,
      })),
      streams: report.streams,
      warnings: report.warnings,
      ...Object.fromEntries(report.sections.map((s) => [s.key, s.summary])),
      charts: report.charts.map((c) => ({ id: c.id, title: c.title, svg: `charts/${c.id}.svg`, png: `charts/${c.id}.png` })),
    },
    null,
    2,
  )}\n`;
}
