import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackend } from "../../../harness/backends/backend-registry.ts";
import { simConfigFromArgs, simOptions } from "../../../harness/cli/options/sim-options.ts";
import { syntheticConfigFromArgs, syntheticOptions } from "../../../harness/cli/options/synthetic-options.ts";
import { replay } from "../../../harness/replay/replay.ts";
import type { RunStore } from "../../../harness/store/run-store.ts";
import { sweepCells } from "../../../harness/sweep/sweep-grid.ts";
import { planSweep, replayCommandFor, type SweepPlan } from "../../../harness/sweep/sweep-plan.ts";
import type { SweepRunArgs } from "../../../harness/sweep/sweep-protocol.ts";
import { buildReport } from "../../../reports/build-report.ts";
import { loadReportRuns } from "../../../reports/report-runs.ts";
import type { MuSummary } from "../../../reports/sections/mu-section.ts";
import { syntheticTrace } from "../../../traces/synthetic/synthetic-trace.ts";
import { openTempStore } from "../../support/temp-store.ts";

const defaults = Object.fromEntries(
  Object.entries({ ...simOptions, ...syntheticOptions }).flatMap(([flag, d]) => ("default" in d ? [[flag, d.default]] : [])),
) as unknown as SweepRunArgs;

describe("a grid of flag variants", () => {
  it("gives one cell per variant × backend, labelled by the variant, with no load when the grid has none", () => {
    const cells = sweepCells({ loads: [], variants: [{ "memory-mb": 2048 }, { "memory-mb": 4096 }], backends: ["sim:faas", "sim:mu"], seeds: [1] });
    expect(cells.map((c) => [c.label, c.backend, c.load, c.phases, c.options])).toEqual([
      ["memory-mb=2048", "sim:faas", null, null, { "memory-mb": 2048 }],
      ["memory-mb=2048", "sim:mu", null, null, { "memory-mb": 2048 }],
      ["memory-mb=4096", "sim:faas", null, null, { "memory-mb": 4096 }],
      ["memory-mb=4096", "sim:mu", null, null, { "memory-mb": 4096 }],
    ]);
  });

  it("crosses variants with loads when both are given", () => {
    const cells = sweepCells({ loads: [0.5], variants: [{ "memory-mb": 2048 }], backends: ["sim:faas"], seeds: [1, 2] });
    expect(cells.map((c) => c.label)).toEqual(["load=0.5 memory-mb=2048 seed=1", "load=0.5 memory-mb=2048 seed=2"]);
  });

  it("a grid without variants is as before", () => {
    expect(sweepCells({ loads: [], backends: ["sim:xx"], seeds: [1] })).toEqual([]);
    expect(sweepCells({ loads: [0.7], backends: ["sim:xx"], seeds: [1] })[0]).toEqual({ index: 0, load: 0.7, phases: null, backend: "sim:xx", seed: 1, label: "load=0.7" });
  });
});

describe("xxbench sweep --preset mu: seed 004's experiment", () => {
  const plan: SweepPlan = planSweep({ args: defaults, preset: "mu" });
  let store: RunStore;
  let dispose: () => void;
  let summary: MuSummary;

  beforeAll(async () => {
    ({ store, dispose } = await openTempStore());
    // Each cell as the sweep worker runs it, in this process: 10 runs of 100 tasks.
    for (const cell of plan.cells) {
      const args = { ...plan.args, ...cell.options };
      const sim = simConfigFromArgs(args, cell.seed);
      const trace = syntheticTrace(syntheticConfigFromArgs(args, cell.seed, sim.machines * sim.cores));
      await replay({ store, trace, backends: [createBackend(cell.backend, { sim, prices: trace.prices })], seed: cell.seed, signal: new AbortController().signal, label: cell.label, sweep: plan.name });
    }
    const runs = await loadReportRuns(store, { sweep: "mu" });
    const report = await buildReport(store, runs, { sections: ["mu"] });
    summary = report.sections[0]!.summary as MuSummary;
  });
  afterAll(() => dispose());

  it("runs μ and conventional FaaS at each of Table 1's five sizes, 100 tasks each, all arriving within 1 ms", async () => {
    expect(plan.cells.map((c) => `${c.backend} ${c.label}`)).toEqual(
      [2048, 4096, 6144, 8192, 10240].flatMap((mb) => [`sim:faas memory-mb=${mb}`, `sim:mu memory-mb=${mb}`]),
    );
    expect(summary.points.every((p) => p.tasks === 100)).toBe(true);
    const [row] = await store.query(`SELECT max(arrival_ms) - min(arrival_ms) AS spread FROM invocations`);
    expect(Number(row!.spread)).toBeLessThan(1);
  });

  it("stores each run's rows billed as its workers were, and no provisioned-fleet bill (Lambda has no fleet)", async () => {
    const rows = await store.query(
      `SELECT run_id, sum(cost_micro_cents) AS rows, any_value(json_extract(manifest, '$.summary.counters.billedMicroCents'))::DOUBLE AS workers
       FROM invocations JOIN runs USING (run_id) WHERE backend = 'sim:mu' GROUP BY run_id`,
    );
    expect(rows.length).toBe(5);
    for (const r of rows) expect(Math.abs(Number(r.rows) - Number(r.workers))).toBeLessThanOrEqual(1e-12 * Number(r.workers));
    const models = await store.query(`SELECT DISTINCT model FROM costs ORDER BY model`);
    expect(models.map((m) => m.model)).not.toContain("provisioned");
  });

  it("each cell's stored command replays it: the size, the cap and the rate are spelled out, machines are not", () => {
    const command = replayCommandFor(plan, plan.cells[3]!);
    const flag = (name: string): string | undefined => command[command.indexOf(name) + 1];
    expect(flag("--backend")).toBe("sim:mu");
    expect(flag("--memory-mb")).toBe("4096");
    expect(flag("--concurrency-cap")).toBe("8");
    expect(flag("--rate")).toBe("100000");
    expect(command).not.toContain("--machines");
    expect(command).not.toContain("--load");
  });

  it("conventional FaaS cost rises with memory, in proportion to the price per ms", () => {
    const faas = summary.sizes.map((s) => s.faasUsdPerMillion!);
    for (let i = 1; i < faas.length; i++) expect(faas[i]!).toBeGreaterThan(faas[i - 1]!);
    // Its single thread runs as fast at every size: cost ∝ price per ms (10240 vs 2048: ×5.006).
    expect(faas[4]! / faas[0]!).toBeCloseTo(0.0000001667 / 0.0000000333, 1);
  });

  it("μ's cost over conventional FaaS's is about 1/(vCPUs − 1) at every size", () => {
    for (const s of summary.sizes) {
      // Overheads (init, polling, the last round's idle slots) keep μ a little above the ideal.
      expect(s.costRatio! / s.paperRatio).toBeGreaterThan(0.95);
      expect(s.costRatio! / s.paperRatio).toBeLessThan(1.4);
    }
    const ratios = summary.sizes.map((s) => s.costRatio!);
    for (let i = 1; i < ratios.length; i++) expect(ratios[i]!).toBeLessThan(ratios[i - 1]!);
  });

  it("μ makes far fewer instance invocations and finishes sooner from 4096 MB up", () => {
    for (const s of summary.sizes) {
      expect(s.faasInstances).toBe(100);
      expect(s.muInstances!).toBeLessThan(20);
      if (s.memoryMb >= 4096) expect(s.muMakespanS!).toBeLessThan(0.7 * s.faasMakespanS!);
    }
  });
});
