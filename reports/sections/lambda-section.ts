import { coldWarmLatencyChart } from "../charts/cold-warm-latency-chart.ts";
import { latencyBreakdownChart, type BreakdownRow } from "../charts/latency-breakdown-chart.ts";
import { formatNumber } from "../format-number.ts";
import { formatUsd } from "../format-usd.ts";
import { lambdaLatencyCdf, lambdaReconciliation, lambdaRunIds, lambdaStartGroups, type LambdaReconciliation, type LambdaStartGroup } from "../queries/lambda-query.ts";
import { markdownTable } from "../render/markdown-table.ts";
import { runLookup } from "../run-lookup.ts";
import type { ReportContext, ReportSection } from "./report-section.ts";

export interface LambdaSummary {
  readonly groups: readonly LambdaStartGroup[];
  readonly costs: readonly LambdaReconciliation[];
}

/**
 * What AWS Lambda's REPORT lines say of each Lambda run (the seeds' Figure 1): response time on
 * a log axis for cold against warm starts, the median split into setup, init and execution, and
 * the bill from the REPORT lines reconciled with the pre-flight estimate from the trace. Absent
 * (null) when no run has a REPORT line.
 */
export async function lambdaSection(ctx: ReportContext): Promise<ReportSection<LambdaSummary> | null> {
  const runIds = await lambdaRunIds(ctx.store, ctx.runs);
  if (runIds.length === 0) return null;
  const runOf = runLookup(ctx.runs);
  const [groups, cdf, costs] = await Promise.all([lambdaStartGroups(ctx.store, runIds), lambdaLatencyCdf(ctx.store, runIds), lambdaReconciliation(ctx.store, runIds)]);
  const seriesOrder = runIds.map((id) => runOf(id).series);
  // Start kind first: a long backend id (its options) is cut at the axis label limit.
  const groupName = (g: LambdaStartGroup): string => (runIds.length === 1 ? g.start : `${g.start} · run ${g.runId} ${runOf(g.runId).series}`);
  const breakdown: BreakdownRow[] = groups.flatMap((g) => [
    { group: groupName(g), part: "setup" as const, ms: Math.max(0, g.setupP50Ms) },
    { group: groupName(g), part: "init" as const, ms: g.initP50Ms },
    { group: groupName(g), part: "execution" as const, ms: g.execP50Ms },
  ]);
  const groupTable = markdownTable(
    ["run", "start", "invocations", "response p50 ms", "response p99 ms", "setup p50 ms", "init p50 ms", "execution p50 ms"],
    groups.map((g) => [runOf(g.runId).series, g.start, g.invocations, formatNumber(g.responseP50Ms), formatNumber(g.responseP99Ms), formatNumber(g.setupP50Ms), formatNumber(g.initP50Ms), formatNumber(g.execP50Ms)]),
  );
  const costTable = markdownTable(
    ["run", "invocations", "with a REPORT line", "billed (REPORT lines)", "pre-flight estimate", "billed − estimate", "init GB-s billed", "retries"],
    costs.map((c) => [runOf(c.runId).series, c.invocations, c.reported, formatUsd(c.billedUsd), formatUsd(c.estimateUsd), formatUsd(c.billedUsd - c.estimateUsd), formatNumber(c.initGbSeconds), c.retries]),
  );
  const missing = costs.filter((c) => c.reported < c.invocations).map((c) => `${runOf(c.runId).series}: ${c.invocations - c.reported} without a REPORT line (throttled, lost, or an emulator), billed the request fee at most`);
  return {
    key: "lambda",
    charts: [
      {
        id: "lambda-cold-warm",
        title: "Response time, cold vs warm starts",
        caption: "Response time (end − actual send) of each Lambda invocation with a REPORT line, cold starts (an Init Duration in the line) against warm ones, on a log axis: the seeds' Figure 1.",
        spec: coldWarmLatencyChart(
          cdf.map((p) => ({ series: runOf(p.runId).series, start: p.start, p: p.p, latencyMs: p.latencyMs })),
          seriesOrder,
        ),
      },
      {
        id: "lambda-breakdown",
        title: "Setup / init / execution",
        caption: "Median of each part of the response time: execution is the REPORT line's Duration, init its Init Duration (cold starts only), setup the rest of the client's round trip (network, routing, placement, and retry waits).",
        spec: latencyBreakdownChart(breakdown, groups.map(groupName)),
      },
    ],
    summary: { groups, costs },
    markdown:
      `## AWS Lambda: cold vs warm, and the bill\n\n${groupTable}\n\n` +
      `The bill is the sum of each row's cost from its REPORT line (Billed Duration × Memory Size at the region's price, plus the request fee); ` +
      `the estimate is what \`xxbench lambda plan\` computes from the trace (whole-ms work at the configured memory plus the request fee, no init). ` +
      `The difference is init billed on cold starts, rounding, and time beyond the work.${missing.length > 0 ? ` ${missing.join("; ")}.` : ""}\n\n${costTable}\n`,
  };
}
