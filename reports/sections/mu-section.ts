import { lambdaSize } from "../../adapters/scheduling/mu/lambda-size-table.ts";
import { memorySizeBarChart } from "../charts/memory-size-bar-chart.ts";
import type { ReportChart } from "../charts/report-chart.ts";
import { formatNumber } from "../format-number.ts";
import { muFigurePoints, type MuFigurePoint } from "../queries/mu-figures-query.ts";
import { markdownTable } from "../render/markdown-table.ts";
import type { ReportContext, ReportSection } from "./report-section.ts";

/** Per memory size: both backends side by side, and how μ's cost compares with the paper's 1/(vCPUs − 1). */
export interface MuSizeRow {
  readonly memoryMb: number;
  readonly vcpus: number;
  readonly faasUsdPerMillion: number | null;
  readonly muUsdPerMillion: number | null;
  /** μ's cost over conventional FaaS's; the paper expects about 1/(vCPUs − 1) (seed 004 §4.2). */
  readonly costRatio: number | null;
  readonly paperRatio: number;
  readonly faasInstances: number | null;
  readonly muInstances: number | null;
  readonly faasMakespanS: number | null;
  readonly muMakespanS: number | null;
}

export interface MuSummary {
  readonly points: readonly MuFigurePoint[];
  readonly sizes: readonly MuSizeRow[];
}

const backends = ["sim:faas", "sim:mu"];

/** Seed 004's Figures 2–4 from stored sim:faas and sim:mu runs: cost, instance invocations and completion time per memory size. */
export async function muSection(ctx: ReportContext): Promise<ReportSection<MuSummary> | null> {
  const points = await muFigurePoints(ctx.store, ctx.runs);
  // Absent, not an empty panel, from reports of other backends (build-report says why if asked for).
  if (points.length === 0) return null;
  const sizes = [...new Set(points.map((p) => p.memoryMb))].sort((a, b) => a - b).map((memoryMb): MuSizeRow => {
    // With several seeds or replays of one size, the figures show each run; the table the mean.
    const of = (backend: string, pick: (p: MuFigurePoint) => number | null): number | null => {
      const values = points.filter((p) => p.memoryMb === memoryMb && p.backend === backend).map(pick).filter((v): v is number => v !== null);
      return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
    };
    const vcpus = lambdaSize(memoryMb).vcpus;
    const faas = of("sim:faas", (p) => p.usdPerMillion);
    const mu = of("sim:mu", (p) => p.usdPerMillion);
    return {
      memoryMb,
      vcpus,
      faasUsdPerMillion: faas,
      muUsdPerMillion: mu,
      costRatio: faas !== null && mu !== null ? mu / faas : null,
      paperRatio: vcpus > 1 ? 1 / (vcpus - 1) : Number.NaN,
      faasInstances: of("sim:faas", (p) => p.instanceInvocations),
      muInstances: of("sim:mu", (p) => p.instanceInvocations),
      faasMakespanS: of("sim:faas", (p) => p.makespanS),
      muMakespanS: of("sim:mu", (p) => p.makespanS),
    };
  });
  const bars = (value: (p: MuFigurePoint) => number | null, text: (v: number) => string) =>
    points.flatMap((p) => {
      const v = value(p);
      return v === null ? [] : [{ backend: p.backend, memoryMb: p.memoryMb, value: v, text: text(v) }];
    });
  const tasks = [...new Set(points.map((p) => p.tasks))].join(" or ");
  const charts: ReportChart[] = [
    {
      id: "mu-cost",
      title: "Cost per million invocations (seed 004's Figure 2)",
      caption: `Each run's Lambda bill (x86, AWS's per-ms price of the size, init included, + $0.20 per million requests) scaled to a million tasks. Conventional FaaS pays for vCPUs its single-threaded task leaves idle, so its cost grows with the size; μ runs vCPUs − 1 tasks per worker, so its cost stays near the 2048 MB level: μ/FaaS ≈ 1/(vCPUs − 1) (${sizes.map((s) => `${s.memoryMb} MB: ${formatNumber(s.costRatio)} vs ${formatNumber(s.paperRatio)}`).join("; ")}).`,
      spec: memorySizeBarChart(bars((p) => p.usdPerMillion, (v) => `$${formatNumber(v)}`), "Cost per million invocations (seed 004's Figure 2)", `USD per million tasks; ${tasks} tasks per run`, "USD per million tasks", backends),
    },
    {
      id: "mu-invocations",
      title: "Instance invocations (seed 004's Figure 3)",
      caption: "Lambda invocations each run made: one per task under conventional FaaS; one per worker under μ, which runs many tasks in each.",
      spec: memorySizeBarChart(bars((p) => p.instanceInvocations, (v) => formatNumber(v)), "Instance invocations (seed 004's Figure 3)", `Lambda invocations for ${tasks} tasks`, "instance invocations", backends),
    },
    {
      id: "mu-latency",
      title: "Time to complete every task (seed 004's Figure 4)",
      caption: "From the first task's arrival to the last one's completion. μ's workers run vCPUs − 1 tasks each, so under the same cap on instances more tasks run at once.",
      spec: memorySizeBarChart(bars((p) => p.makespanS, (v) => `${formatNumber(v)} s`), "Time to complete every task (seed 004's Figure 4)", `seconds from the first arrival to the last completion, ${tasks} tasks`, "completion time (s)", backends),
    },
  ];
  const table = markdownTable(
    ["memory MB", "vCPUs", "faas $/M", "μ $/M", "μ/faas", "1/(vCPUs−1)", "faas instances", "μ instances", "faas done s", "μ done s"],
    sizes.map((s) => [
      s.memoryMb,
      s.vcpus,
      formatNumber(s.faasUsdPerMillion),
      formatNumber(s.muUsdPerMillion),
      formatNumber(s.costRatio),
      formatNumber(s.paperRatio),
      formatNumber(s.faasInstances),
      formatNumber(s.muInstances),
      formatNumber(s.faasMakespanS),
      formatNumber(s.muMakespanS),
    ]),
  );
  return { key: "mu", charts, summary: { points, sizes }, markdown: `## μ vs conventional FaaS (seed 004)\n\n${table}\n` };
}
