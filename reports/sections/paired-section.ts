import { noDataChart } from "../charts/no-data-chart.ts";
import { p99DifferenceChart } from "../charts/p99-difference-chart.ts";
import { pairedRatioChart } from "../charts/paired-ratio-chart.ts";
import { formatNumber } from "../format-number.ts";
import { pairedLatencies, type PairedRatios } from "../queries/paired-latency-query.ts";
import { markdownTable } from "../render/markdown-table.ts";
import type { ReportRun } from "../report-runs.ts";
import { significant } from "../significant.ts";
import { pairedP99Bootstrap, type P99DifferenceCi } from "../stats/paired-p99-bootstrap.ts";
import { streamGroups } from "../stream-groups.ts";
import { runLookup } from "../run-lookup.ts";
import type { ReportContext, ReportSection } from "./report-section.ts";

export interface PairComparison {
  readonly runA: number;
  readonly runB: number;
  readonly label: string;
  readonly streamDigest: string;
  /** Why the comparison is suspect, in words (a run of the pair is degraded); null when it is not. */
  readonly warning: string | null;
  readonly classes: readonly (PairedRatios & { p99Difference: P99DifferenceCi })[];
}

export interface PairedSummary {
  readonly pairs: readonly PairComparison[];
  readonly note: string | null;
}

/** More pairs than this (a large sweep) are left to `--runs`: the figure would be unreadable. */
export const maxPairs = 12;

/** A run whose manifest names the stream it replayed: only such runs can be paired. */
type StreamRun = ReportRun & { readonly streamDigest: string };

const hasStreamDigest = (r: ReportRun): r is StreamRun => r.streamDigest !== null;

/** Every pair of runs that replayed the identical stream, in run order (A the earlier run). */
export function comparablePairs(runs: readonly ReportRun[]): [StreamRun, StreamRun][] {
  const runOf = runLookup(runs.filter(hasStreamDigest));
  const pairs: [StreamRun, StreamRun][] = [];
  for (const group of streamGroups(runs)) {
    if (group.digest === null) continue;
    for (const [i, idA] of group.runIds.entries()) {
      for (const idB of group.runIds.slice(i + 1)) pairs.push([runOf(idA), runOf(idB)]);
    }
  }
  return pairs;
}

/**
 * Invocation-by-invocation comparison of runs on the same stream: latency ratios by class and a
 * bootstrap 95 % interval on the p99 difference. Runs on different streams are never paired.
 */
export async function pairedSection(ctx: ReportContext): Promise<ReportSection<PairedSummary>> {
  const all = comparablePairs(ctx.runs);
  const pairs = all.slice(0, maxPairs);
  const ratioTitle = "Paired latency ratios";
  const diffTitle = "p99 difference with 95 % confidence interval";
  if (pairs.length === 0) {
    const why = "No paired comparison: it needs two runs that replayed the identical invocation stream (equal stream digests)";
    return {
      key: "paired",
      charts: [
        { id: "paired-ratios", title: ratioTitle, caption: `${why}.`, spec: noDataChart(ratioTitle, `${why}.`) },
        { id: "p99-difference", title: diffTitle, caption: `${why}.`, spec: noDataChart(diffTitle, `${why}.`) },
      ],
      summary: { pairs: [], note: why },
      markdown: `## Paired comparison\n\n${why}.\n`,
    };
  }
  // Short class names: the rows are many, and the price is in every other figure.
  const label = (cls: number): string => `class ${cls}`;
  const comparisons: PairComparison[] = [];
  for (const [a, b] of pairs) {
    const { ratios, tails } = await pairedLatencies(ctx.store, a.runId, b.runId);
    const warning = pairWarning(a, b);
    comparisons.push({
      runA: a.runId,
      runB: b.runId,
      // A degraded run's series name says DEGRADED, so every row and bar of the pair shows it.
      label: `A = ${a.series}, B = ${b.series}`,
      streamDigest: a.streamDigest,
      warning,
      classes: ratios.map((r) => {
        // Every class with a ratio has a tail: its slowest invocation is always above the threshold.
        const tail = tails.get(r.priceClass);
        if (tail === undefined) throw new Error(`the paired join of runs ${a.runId} and ${b.runId} gave latency ratios for class ${r.priceClass} but no tail`);
        const ci = pairedP99Bootstrap(tail, a.runId * 1_000_003 + b.runId * 101 + r.priceClass);
        return { ...r, p99Difference: { differenceMs: significant(ci.differenceMs), lowMs: significant(ci.lowMs), highMs: significant(ci.highMs), replicates: ci.replicates } };
      }),
    });
  }
  const pairOrder = comparisons.map((c) => c.label);
  const classOrder = [...ctx.classes].reverse().map(label);
  const rows = comparisons.flatMap((c) => c.classes.map((k) => ({ pair: c.label, priceClass: label(k.priceClass), k })));
  const note = all.length > pairs.length ? `${all.length - pairs.length} more comparable pairs left out; pick runs with --runs` : null;
  const warnings = comparisons.flatMap((c) => (c.warning === null ? [] : [`${c.label}: ${c.warning}`]));
  const warningText = warnings.map((w) => ` Warning: ${w}.`).join("");
  const table = markdownTable(
    ["pair", "class", "pairs", "B faster", "ratio p10", "ratio p50", "ratio p90", "Δp99 ms", "95 % CI"],
    rows.map(({ pair, k }) => [
      pair,
      k.priceClass,
      k.pairs,
      `${(100 * k.fasterUnderB).toFixed(1)} %`,
      formatNumber(k.p10),
      formatNumber(k.p50),
      formatNumber(k.p90),
      formatNumber(k.p99Difference.differenceMs),
      `[${formatNumber(k.p99Difference.lowMs)}, ${formatNumber(k.p99Difference.highMs)}]`,
    ]),
  );
  return {
    key: "paired",
    charts: [
      {
        id: "paired-ratios",
        title: ratioTitle,
        caption: `For each pair of runs on the identical stream, each invocation's latency under B divided by its latency under A, by price class.${warningText}`,
        spec: pairedRatioChart(rows.map(({ pair, priceClass, k }) => ({ pair, priceClass, p01: k.p01, p10: k.p10, p50: k.p50, p90: k.p90, p99: k.p99 })), pairOrder, classOrder),
      },
      {
        id: "p99-difference",
        title: diffTitle,
        caption: `p99(B) − p99(A) per class; the interval is a paired bootstrap (1000 Poisson resamples of invocations). An interval that excludes 0 is a real difference, not noise.${warningText}`,
        spec: p99DifferenceChart(
          rows.map(({ pair, priceClass, k }) => {
            const d = k.p99Difference;
            const text = `${d.differenceMs > 0 ? "+" : ""}${formatNumber(d.differenceMs)} ms [${formatNumber(d.lowMs)}, ${formatNumber(d.highMs)}]`;
            return { pair, priceClass, differenceMs: d.differenceMs, lowMs: d.lowMs, highMs: d.highMs, text };
          }),
          pairOrder,
          classOrder,
        ),
      },
    ],
    summary: { pairs: comparisons, note },
    markdown: `## Paired comparison (same stream)\n\n${warnings.map((w) => `> **Warning:** ${w}.\n\n`).join("")}${note === null ? "" : `${note}.\n\n`}${table}\n`,
  };
}

/** A comparison with a degraded run compares partly the load generator: say which run and why. */
export function pairWarning(a: ReportRun, b: ReportRun): string | null {
  const flagged = [
    ["A", a],
    ["B", b],
  ] as const;
  const parts = flagged.flatMap(([name, r]) => (r.degraded === null ? [] : [`${name} (run ${r.runId}, ${r.backend}) is degraded, ${r.degraded}`]));
  if (parts.length === 0) return null;
  return `${parts.join("; ")}: ${parts.length === 1 ? "its" : "their"} requests left later than the trace asked, so the difference partly measures the load generator`;
}
