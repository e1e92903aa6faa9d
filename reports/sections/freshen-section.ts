import { lastChainPosition } from "../../adapters/sim/freshen/freshen-ledger.ts";
import { isSimPolicyName } from "../../adapters/sim/policies/index.ts";
import { ownBillingModel } from "../../adapters/sim/sim-backend.ts";
import { isTriggerKind, triggerDelaysMs, triggerKinds } from "../../adapters/scheduling/freshen/trigger-delays.ts";
import { freshenBarChart, type FreshenBarRow } from "../charts/freshen-bar-chart.ts";
import { freshenTradeoffChart, type FreshenTradeoffRow } from "../charts/freshen-tradeoff-chart.ts";
import { formatNumber } from "../format-number.ts";
import { freshenRunFacts, savingByPosition, type FreshenRunFacts, type PositionSaving } from "../queries/freshen-query.ts";
import { markdownTable } from "../render/markdown-table.ts";
import { runLookup } from "../run-lookup.ts";
import { significant } from "../significant.ts";
import type { ReportContext, ReportSection } from "./report-section.ts";

/** One freshen run's figures: the layer's own accounting, and the measured saving against its partner. */
export interface FreshenRunSummary {
  readonly runId: number;
  readonly series: string;
  /** The run with freshen off on the identical stream, backend and config; null when none is in the report. */
  readonly withoutRunId: number | null;
  readonly predictions: number;
  readonly mispredictions: number;
  readonly mispredictedShare: number;
  /** Latency freshen saved per predicted call, by the layer's accounting, ms. */
  readonly savedPerPredictedMs: number;
  readonly overheadPerPredictedMs: number;
  readonly freshenCpuS: number;
  readonly mispredictedCpuS: number;
  readonly lateCpuS: number;
  /**
   * Of the calls their own freshen served, the share that ran on another machine than it: freshen
   * is placed by the policy, not pinned, so this is how far the run leans on that approximation.
   */
  readonly servedElsewhereShare: number;
  /** Freshen's bill under each per-invocation model, µ¢. */
  readonly costMicroCents: Readonly<Record<string, number>>;
  /** Freshen's share of the run's whole bill (rows + freshen) under the run's own model. */
  readonly freshenShareOfBill: number;
  /** The whole bill against the run without freshen's, − 1 (own model); null without a partner. */
  readonly billChangeVsWithout: number | null;
  readonly byTrigger: readonly { kind: string; predicted: number; overheadMs: number; savedMs: number; whole: number; mispredicted: number }[];
  readonly byPosition: readonly { position: number; invocations: number; overheadMs: number; savedMs: number }[];
  /** Measured against the run without freshen: per chain position, without − with. */
  readonly paired: readonly PositionSaving[];
}

export interface FreshenSummary {
  readonly runs: readonly FreshenRunSummary[];
}

const positionLabel = (p: number): string => (p === 0 ? "top" : p >= lastChainPosition ? `${lastChainPosition}+` : String(p));
const perCall = (total: number, n: number): number => (n > 0 ? significant(total / n) : 0);

/**
 * Freshen (seed 003): what it saved per trigger kind and chain position, against what it cost
 * and how often it was wrong. Shown only when a run in the report had freshen on. The saving is
 * given twice: as the layer counted it (the overhead the call skipped, less any wait) and as
 * measured, invocation by invocation, against the run without freshen on the identical stream.
 * Trigger kinds are not stored per row, so the per-kind figures are the layer's accounting only.
 */
export async function freshenSection(ctx: ReportContext): Promise<ReportSection<FreshenSummary> | null> {
  const facts = await freshenRunFacts(ctx.store, ctx.runs.map((r) => r.runId));
  const on = facts.filter((f) => f.freshen !== null);
  if (on.length === 0) return null;
  const runOf = runLookup(ctx.runs);
  const summaries: FreshenRunSummary[] = [];
  for (const f of on) summaries.push(await summarise(ctx, f, partnerOf(f, facts, ctx), runOf(f.runId).series));
  const seriesOrder = summaries.map((s) => s.series);

  const triggerLabel = (kind: string): string => `${kind} (${isTriggerKind(kind) ? triggerDelaysMs[kind] : "?"} ms)`;
  const triggerRows: FreshenBarRow[] = summaries.flatMap((s) =>
    s.byTrigger.flatMap((t) => [
      { series: s.series, category: triggerLabel(t.kind), measure: "overhead per call", value: perCall(t.overheadMs, t.predicted) },
      { series: s.series, category: triggerLabel(t.kind), measure: "saved per call", value: perCall(t.savedMs, t.predicted) },
    ]),
  );
  const positionRows: FreshenBarRow[] = summaries.flatMap((s) => [
    ...s.byPosition.flatMap((p) => [
      { series: s.series, category: positionLabel(p.position), measure: "overhead per call", value: perCall(p.overheadMs, p.invocations) },
      { series: s.series, category: positionLabel(p.position), measure: "saved (freshen's count)", value: perCall(p.savedMs, p.invocations) },
    ]),
    ...s.paired.map((p) => ({ series: s.series, category: positionLabel(p.position), measure: "saved (paired, measured)", value: p.meanSavedMs })),
  ]);
  const tradeoff: FreshenTradeoffRow[] = summaries.map((s) => ({
    series: s.series,
    costPercent: significant(100 * s.freshenShareOfBill, 4),
    savedMs: s.savedPerPredictedMs,
    mispredictedPercent: significant(100 * s.mispredictedShare, 4),
  }));
  const positions = Array.from({ length: lastChainPosition + 1 }, (_, p) => positionLabel(p));

  const note =
    "*served elsewhere*: calls served by their own freshen that ran on another machine than it (freshen is placed by the policy like any invocation, not pinned to its call's machine; the call is credited wherever it runs). Trigger kinds are not stored per row, so the per-kind figures are freshen's own count.";
  const runTable = markdownTable(
    ["run", "paired with", "predictions", "wrong", "overhead/call ms", "saved/call ms", "freshen CPU s", "of it wrong", "of it late", "served elsewhere", "share of bill", "bill vs without"],
    summaries.map((s) => [
      s.series,
      s.withoutRunId === null ? "–" : `run ${s.withoutRunId}`,
      s.predictions,
      `${(100 * s.mispredictedShare).toFixed(1)} %`,
      formatNumber(s.overheadPerPredictedMs),
      formatNumber(s.savedPerPredictedMs),
      formatNumber(s.freshenCpuS),
      formatNumber(s.mispredictedCpuS),
      formatNumber(s.lateCpuS),
      `${(100 * s.servedElsewhereShare).toFixed(1)} %`,
      `${(100 * s.freshenShareOfBill).toFixed(2)} %`,
      s.billChangeVsWithout === null ? "–" : `${s.billChangeVsWithout >= 0 ? "+" : ""}${(100 * s.billChangeVsWithout).toFixed(2)} %`,
    ]),
  );
  const pairedRows = summaries.flatMap((s) =>
    s.paired.map((p) => [s.series, positionLabel(p.position), p.invocations, formatNumber(p.meanSavedMs), formatNumber(p.p50SavedMs), formatNumber(p.p99WithoutMs), formatNumber(p.p99WithMs)]),
  );
  const pairedTable =
    pairedRows.length === 0
      ? "No run with freshen off on the identical stream, backend and config is in this report, so nothing is measured pairwise.\n"
      : markdownTable(["run", "chain position", "invocations", "mean saved ms", "median saved ms", "p99 without ms", "p99 with ms"], pairedRows);
  return {
    key: "freshen",
    charts: [
      {
        id: "freshen-by-trigger",
        title: "Freshen by trigger kind",
        caption:
          "Per predicted call, by the trigger kind of its chain edge (seed 003 Table 1's delays): its freshenable overhead and the latency freshen saved it. A delay longer than the overhead saves all of it; a shorter one saves what freshen finished before the call came.",
        spec: freshenBarChart(triggerRows, "Freshen by trigger kind", "ms per predicted call", "trigger (delay)", {
          series: seriesOrder,
          categories: triggerKinds.map(triggerLabel),
          measures: ["overhead per call", "saved per call"],
        }),
      },
      {
        id: "freshen-by-position",
        title: "Freshen by chain position",
        caption:
          "Per invocation, by its position in its call chain (top = not called by another): its overhead, the saving freshen counted, and the latency saving measured against the run without freshen on the identical stream (mean of without − with).",
        spec: freshenBarChart(positionRows, "Freshen by chain position", "ms per invocation", "chain position", {
          series: seriesOrder,
          categories: positions,
          measures: ["overhead per call", "saved (freshen's count)", "saved (paired, measured)"],
        }),
      },
      {
        id: "freshen-tradeoff",
        title: "Freshen: latency saved against cost",
        caption: "Each freshen run: latency saved per predicted call against freshen's share of the run's whole bill (mispredictions included), under the backend's own billing model, labelled with the share of wrong predictions.",
        spec: freshenTradeoffChart(tradeoff, seriesOrder),
      },
    ],
    summary: { runs: summaries },
    markdown: `## Freshen\n\n${runTable}\n\n${note}\n\n### Measured against the same stream without freshen\n\n${pairedTable}\n`,
  };
}

/** The run with freshen off that replayed the identical stream on the same backend and config. */
function partnerOf(f: FreshenRunFacts, facts: readonly FreshenRunFacts[], ctx: ReportContext): FreshenRunFacts | undefined {
  const runOf = runLookup(ctx.runs);
  const me = runOf(f.runId);
  return facts.find((o) => {
    if (o.freshen !== null) return false;
    const other = runOf(o.runId);
    return other.backend === me.backend && other.streamDigest !== null && other.streamDigest === me.streamDigest && o.configKey === f.configKey;
  });
}

/**
 * The run's rows billed under its own model (µ¢), and that model's name: the one a simulator
 * policy bills its rows by (`ownBillingModel`), which a stored config need not spell out.
 */
async function rowsBill(ctx: ReportContext, runId: number): Promise<{ rowsCost: number; ownModel: string }> {
  const own = await ctx.store.query(
    `SELECT coalesce(sum(cost_micro_cents), 0) AS rows_cost, any_value(json_extract_string(r.config, '$.policy')) AS policy,
            any_value(json_extract_string(r.config, '$.billingModel')) AS model
     FROM invocations i JOIN runs r USING (run_id) WHERE run_id = ${Math.floor(runId)}`,
  );
  const policy = String(own[0]?.policy ?? "");
  const stated = own[0]?.model;
  const ownModel = isSimPolicyName(policy) ? ownBillingModel[policy] : stated === null || stated === undefined ? "xx" : String(stated);
  return { rowsCost: Number(own[0]?.rows_cost ?? 0), ownModel };
}

async function summarise(ctx: ReportContext, f: FreshenRunFacts, partner: FreshenRunFacts | undefined, series: string): Promise<FreshenRunSummary> {
  const c = (name: string): number => f.counters[name] ?? 0;
  const predictions = c("freshen.predictions");
  const mispredictions = c("freshen.mispredictions");
  const byTrigger = triggerKinds
    .map((kind) => ({
      kind,
      predicted: c(`freshen.trigger.${kind}.predicted`),
      overheadMs: significant(c(`freshen.trigger.${kind}.overheadMs`)),
      savedMs: significant(c(`freshen.trigger.${kind}.savedMs`)),
      whole: c(`freshen.trigger.${kind}.whole`),
      mispredicted: c(`freshen.trigger.${kind}.mispredicted`),
    }))
    .filter((t) => t.predicted > 0 || t.mispredicted > 0);
  const byPosition = Array.from({ length: lastChainPosition + 1 }, (_, position) => ({
    position,
    invocations: c(`freshen.position.${position}.invocations`),
    overheadMs: significant(c(`freshen.position.${position}.overheadMs`)),
    savedMs: significant(c(`freshen.position.${position}.savedMs`)),
  })).filter((p) => p.invocations > 0);
  const predictedOverhead = byTrigger.reduce((s, t) => s + t.overheadMs, 0);
  const predictedSaved = byTrigger.reduce((s, t) => s + t.savedMs, 0);
  const predicted = byTrigger.reduce((s, t) => s + t.predicted, 0);
  const costMicroCents: Record<string, number> = {};
  for (const [k, v] of Object.entries(f.counters)) if (k.startsWith("freshen.costMicroCents.")) costMicroCents[k.slice("freshen.costMicroCents.".length)] = significant(v);
  const { rowsCost, ownModel } = await rowsBill(ctx, f.runId);
  const freshenCost = costMicroCents[ownModel] ?? 0;
  const without = partner === undefined ? undefined : (await rowsBill(ctx, partner.runId)).rowsCost;
  return {
    runId: f.runId,
    series,
    withoutRunId: partner?.runId ?? null,
    predictions,
    mispredictions,
    mispredictedShare: predictions + mispredictions > 0 ? significant(mispredictions / (predictions + mispredictions)) : 0,
    savedPerPredictedMs: perCall(predictedSaved, predicted),
    overheadPerPredictedMs: perCall(predictedOverhead, predicted),
    freshenCpuS: significant(c("freshen.cpuMs") / 1000),
    mispredictedCpuS: significant(c("freshen.mispredictedCpuMs") / 1000),
    lateCpuS: significant(c("freshen.lateCpuMs") / 1000),
    servedElsewhereShare: perCall(c("freshen.servedOnOtherMachine"), c("freshen.servedOnOtherMachine") + c("freshen.servedOnFreshenMachine")),
    costMicroCents,
    freshenShareOfBill: rowsCost + freshenCost > 0 ? significant(freshenCost / (rowsCost + freshenCost)) : 0,
    billChangeVsWithout: without === undefined || without <= 0 ? null : significant((rowsCost + freshenCost) / without - 1),
    byTrigger,
    byPosition,
    paired: partner === undefined ? [] : await savingByPosition(ctx.store, partner.runId, f.runId, lastChainPosition),
  };
}
