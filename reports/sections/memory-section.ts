import { classBarChart } from "../charts/class-bar-chart.ts";
import { memorySpreadChart } from "../charts/memory-spread-chart.ts";
import { noDataChart } from "../charts/no-data-chart.ts";
import type { ReportChart } from "../charts/report-chart.ts";
import { swapPerClassChart } from "../charts/swap-per-class-chart.ts";
import { swapPerMachineChart } from "../charts/swap-per-machine-chart.ts";
import { classLabel } from "../class-label.ts";
import { killsPerClass, type ClassKills } from "../queries/kills-query.ts";
import { memorySpread, runsWithMemory } from "../queries/memory-spread-query.ts";
import { storeShape, hasColumn } from "../queries/store-shape.ts";
import { swapPerClassOverTime, swapPerClassTotal, swapPerMachine, type ClassSwapTotal } from "../queries/swap-query.ts";
import { markdownTable } from "../render/markdown-table.ts";
import { noSamplesText } from "../no-samples-text.ts";
import { runLookup } from "../run-lookup.ts";
import type { ReportContext, ReportSection } from "./report-section.ts";

export interface MemorySummary {
  /** Runs whose backend modelled memory (machine samples carry memory used). */
  readonly runsWithMemory: readonly number[];
  readonly swapPerClass: readonly ClassSwapTotal[];
  readonly kills: readonly ClassKills[];
  readonly notes: readonly string[];
}

/**
 * The seeds' memory figures: memory-use spread across machines, swap per machine and per class,
 * kills. A backend that does not model memory leaves these columns NULL; the panels then say so
 * instead of drawing zeros that would look like a perfect result.
 */
export async function memorySection(ctx: ReportContext): Promise<ReportSection<MemorySummary>> {
  const runOf = runLookup(ctx.runs);
  const series = (id: number): string => runOf(id).series;
  const label = (cls: number): string => classLabel(cls, ctx.prices);
  const seriesOrder = ctx.runs.map((r) => r.series);
  const classOrder = ctx.classes.map(label);
  const shape = await storeShape(ctx.store);
  const memoryRunIds = await runsWithMemory(ctx.store, ctx.runs);
  const memRuns = ctx.runs.filter((r) => memoryRunIds.has(r.runId));
  const without = ctx.runs.filter((r) => !memoryRunIds.has(r.runId)).map((r) => r.series);
  // Sampled runs without memory modelled it not; runs without samples (network runs) cannot have it.
  const sampledWithoutMemory = ctx.runs.filter((r) => r.machineSamples && !memoryRunIds.has(r.runId));
  const unsampled = noSamplesText(ctx.runs);
  const whyNoMemory = [
    sampledWithoutMemory.length === 0
      ? null
      : `${unsampled === null ? "none of these runs modelled memory" : `${sampledWithoutMemory.map((r) => r.series).join(", ")} modelled no memory`} (their machine samples have no memory used; e.g. the simulator runs without --ram-gb)`,
    unsampled,
  ].filter((w): w is string => w !== null);
  const notes: string[] = [];
  const noMemory = `No memory data: ${whyNoMemory.join("; ")}`;
  if (memRuns.length > 0 && without.length > 0) notes.push(`runs without memory data are left out of the memory panels: ${without.join(", ")}`);
  if (memRuns.length > 0 && unsampled !== null) notes.push(unsampled);
  // A panel that leaves runs out says which and why, beside what it draws.
  const leftOut = notes.length === 0 ? "" : ` Not drawn: ${whyNoMemory.join("; ")}.`;
  const charts: ReportChart[] = [];

  const spreadTitle = "Memory used per machine over time";
  if (memRuns.length === 0) {
    charts.push({ id: "memory-spread", title: spreadTitle, caption: `${noMemory}.`, spec: noDataChart(spreadTitle, `${noMemory}.`) });
  } else {
    const spread = await memorySpread(ctx.store, memRuns);
    const gb = (mb: number): number => Number((mb / 1024).toPrecision(5));
    charts.push({
      id: "memory-spread",
      title: spreadTitle,
      caption: `Memory used across machines at each sample: a tight band means even placement; the dashed line is RAM per machine, above which machines swap.${leftOut}`,
      spec: memorySpreadChart(
        spread.map((s) => {
          const run = runOf(s.runId);
          return {
            series: run.series,
            tS: s.tS,
            minGb: gb(s.min),
            p10Gb: gb(s.p10),
            p50Gb: gb(s.p50),
            p90Gb: gb(s.p90),
            maxGb: gb(s.max),
            ramGb: run.ramMb === null ? null : gb(run.ramMb),
          };
        }),
        seriesOrder,
      ),
    });
  }

  const machineTitle = "Swap used per machine";
  const perMachine = memRuns.length === 0 ? [] : await swapPerMachine(ctx.store, memRuns);
  if (perMachine.length === 0) {
    const why = memRuns.length === 0 ? noMemory : "No swap data: the machine samples record no swap used";
    charts.push({ id: "swap-per-machine", title: machineTitle, caption: `${why}.`, spec: noDataChart(machineTitle, `${why}.`) });
  } else {
    if (perMachine.every((m) => m.peakMb === 0)) notes.push("no machine swapped at any sample");
    charts.push({
      id: "swap-per-machine",
      title: machineTitle,
      caption: `Peak and mean swap used on each machine: bars of even height mean swapping is spread evenly, as the seeds want.${leftOut}`,
      spec: swapPerMachineChart(perMachine.map((m) => ({ ...m, series: series(m.runId) })), seriesOrder),
    });
  }

  const classTitle = "Swapped-out memory per price class";
  // A run without machine samples has no swap to total: its zeros would read as "never swapped".
  const swapTotals = await swapPerClassTotal(ctx.store, ctx.runs.filter((r) => r.machineSamples), hasColumn(shape, "invocations", "swap_outs"));
  if (memRuns.length === 0) {
    charts.push({ id: "swap-per-class", title: classTitle, caption: `${noMemory}.`, spec: noDataChart(classTitle, `${noMemory}.`) });
  } else if (shape.has("class_samples")) {
    const overTime = await swapPerClassOverTime(ctx.store, memRuns);
    charts.push({
      id: "swap-per-class",
      title: classTitle,
      caption: `Memory swapped out per price class over time, summed over machines: XX should swap only the low classes.${leftOut}`,
      spec:
        overTime.length === 0
          ? noDataChart(classTitle, "No per-class memory samples in these runs.")
          : swapPerClassChart(overTime.map((o) => ({ series: series(o.runId), priceClass: label(o.priceClass), tS: o.tS, swappedMb: o.swappedMb })), seriesOrder, classOrder),
    });
  } else {
    charts.push({
      id: "swap-per-class",
      title: classTitle,
      caption: `Memory swapped out per price class over the whole run (from the invocations' records).${leftOut}`,
      spec: classBarChart(
        swapTotals.filter((s) => memoryRunIds.has(s.runId)).map((s) => ({ series: series(s.runId), priceClass: label(s.priceClass), value: s.swappedOutMb })),
        classTitle,
        "swapped out (MB)",
        seriesOrder,
        classOrder,
      ),
    });
  }

  // A network backend cannot see its target kill anything: its zero kills would read as a result.
  const kills = await killsPerClass(ctx.store, ctx.runs.filter((r) => !r.network));
  const totalKills = kills.reduce((s, k) => s + k.killed, 0);
  const killTitle = "Invocations killed per price class";
  if (totalKills === 0) {
    const why = memRuns.length === 0 ? `${noMemory}; no invocation was killed.` : "No invocation was killed in these runs (swap never ran out).";
    charts.push({ id: "kills", title: killTitle, caption: why, spec: noDataChart(killTitle, why) });
  } else {
    charts.push({
      id: "kills",
      title: killTitle,
      caption: `Kills happen only when swap runs out; XX kills the lowest classes first.${leftOut}`,
      spec: classBarChart(kills.map((k) => ({ series: series(k.runId), priceClass: label(k.priceClass), value: k.killed })), killTitle, "invocations killed", seriesOrder, classOrder),
    });
  }
  const md = [
    "## Memory, swap and kills",
    "",
    memRuns.length === 0 ? `${noMemory}.` : `Runs with memory data: ${memRuns.map((r) => r.series).join(", ")}.`,
    ...notes.map((n) => `Note: ${n}.`),
    "",
    markdownTable(
      ["backend", "class", "swapped out MB", "swap-outs", "killed"],
      swapTotals.map((s) => [series(s.runId), s.priceClass, s.swappedOutMb, s.swapOuts, kills.find((k) => k.runId === s.runId && k.priceClass === s.priceClass)?.killed ?? 0]),
    ),
    "",
  ].join("\n");
  return { key: "memory", charts, summary: { runsWithMemory: [...memoryRunIds], swapPerClass: swapTotals, kills, notes }, markdown: md };
}
