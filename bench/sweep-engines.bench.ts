/**
 * Sweep engines benchmark: one 16-cell grid (4 loads × sim:xx, sim:hermod × 2 seeds, small
 * synthetic cells so that the engine's cost shows) through `--engine local` and `--engine slurm`
 * on a private one-node SLURM cluster (scripts/slurm-local.sh, as many CPUs as the machine), with
 * the scheduler tuned as the script does and with SLURM's default SchedulerParameters.
 *
 *   npx tsx bench/sweep-engines.bench.ts     # XXBENCH_SWEEP_BENCH_INVOCATIONS per cell (default 20000)
 *
 * Per-cell figures come from each cell's attempt.json (process start, replay start, export start)
 * and its exit file's mtime (task end); "launch gap" is how long a CPU stood free before SLURM
 * started the next task on it (submission and scheduling cadence), found by replaying the tasks
 * onto the node's CPUs in start order.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { textTable } from "../harness/cli/text-table.ts";
import { localSlurmUnavailable, slurmVersion, startLocalSlurm } from "../harness/sweep/engines/local-slurm-cluster.ts";
import { collectSweep } from "../harness/sweep/sweep-collect.ts";
import { SweepResultsDir } from "../harness/sweep/sweep-results.ts";
import { readSweepSpec } from "../harness/sweep/sweep-spec.ts";
import { RunStore } from "../harness/store/run-store.ts";

const cli = fileURLToPath(new URL("../bin/xxbench.js", import.meta.url));
const invocations = Number(process.env.XXBENCH_SWEEP_BENCH_INVOCATIONS ?? 20_000);
const cpus = availableParallelism();
const grid = ["--loads", "0.5,0.7,0.9,1.1", "--backend", "sim:xx", "--backend", "sim:hermod", "--seeds", "1,2", "--invocations", String(invocations), "--quiet", "--no-report"];

function xxbench(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (r.status !== 0) throw new Error(`xxbench ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return (performance.now() - started) / 1000;
}

interface Timings {
  processStartMs: number;
  runStartMs: number;
  exportStartMs: number;
}

interface SlurmFigures {
  /** 16 empty array tasks (`true`), submitted to done: SLURM's own dispatch cost, no xxbench in it. */
  emptyArrayS: number;
  wallS: number;
  submitS: number;
  launchGapS: number;
  startupS: number;
  replayS: number;
  exportS: number;
  importPerCellS: number;
  tailS: number;
  digests: string[];
}

async function slurmSweep(root: string, label: string, schedulerParameters: string | undefined): Promise<SlurmFigures> {
  const cluster = await startLocalSlurm(join(root, `cluster-${label}`), { cpus, ...(schedulerParameters !== undefined ? { schedulerParameters } : {}) });
  try {
    const env = { ...process.env, SLURM_CONF: cluster.conf };
    const emptyStarted = performance.now();
    const job = spawnSync("sbatch", ["--parsable", "--array=0-15", "--output=/dev/null", "--wrap", "true"], { env, encoding: "utf8" }).stdout.trim();
    for (let i = 0; i < 1200; i++) {
      const left = spawnSync("squeue", ["-h", "-j", job], { env, encoding: "utf8" }).stdout.trim();
      if (left === "") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const emptyArrayS = (performance.now() - emptyStarted) / 1000;
    const results = new SweepResultsDir(join(root, `results-${label}`));
    const t0 = performance.timeOrigin + performance.now();
    const wallS = xxbench(["sweep", "--engine", "slurm", ...grid, "--results", results.dir, "--db", join(root, `${label}.duckdb`)], { ...process.env, SLURM_CONF: cluster.conf });
    const t1 = performance.timeOrigin + performance.now();
    const [submission] = JSON.parse(readFileSync(results.submissionsFile, "utf8")) as { jobId: string; submittedAt: string }[];
    const submittedMs = Date.parse(submission!.submittedAt);
    const spec = readSweepSpec(results.gridFile);
    const tasks = spec.cells.map((cell) => {
      const attempt = `${submission!.jobId}_${cell.index}`;
      const t = (JSON.parse(readFileSync(join(results.cellDir(cell.index), attempt, "attempt.json"), "utf8")) as { timings: Timings }).timings;
      return { ...t, endMs: statSync(join(results.exitsDir, `${cell.index}.${attempt}`)).mtimeMs };
    });
    // Each CPU is free from the submission on; a task takes the CPU that has been free longest.
    const free = Array.from({ length: cpus }, () => submittedMs);
    let gapMs = 0;
    for (const task of [...tasks].sort((a, b) => a.processStartMs - b.processStartMs)) {
      const slot = free.indexOf(Math.min(...free));
      gapMs += Math.max(0, task.processStartMs - free[slot]!);
      free[slot] = task.endMs;
    }
    // The import alone, again, into a fresh store (what the submitting command did after the last task).
    const store = await RunStore.open(join(root, `${label}-import.duckdb`));
    let importS: number;
    let digests: string[];
    try {
      const started = performance.now();
      await collectSweep(store, spec, results, []);
      importS = (performance.now() - started) / 1000;
      digests = (await store.query(`SELECT stream_digest FROM runs ORDER BY run_id`)).map((r) => String(r.stream_digest));
    } finally {
      store.close();
    }
    const mean = (f: (t: (typeof tasks)[number]) => number): number => tasks.reduce((s, t) => s + f(t), 0) / tasks.length / 1000;
    return {
      emptyArrayS,
      wallS,
      submitS: (submittedMs - t0) / 1000,
      launchGapS: gapMs / tasks.length / 1000,
      startupS: mean((t) => t.runStartMs - t.processStartMs),
      replayS: mean((t) => t.exportStartMs - t.runStartMs),
      exportS: mean((t) => t.endMs - t.exportStartMs),
      importPerCellS: importS / tasks.length,
      tailS: (t1 - Math.max(...tasks.map((t) => t.endMs))) / 1000,
      digests,
    };
  } finally {
    await cluster.stop();
  }
}

const unavailable = localSlurmUnavailable();
if (unavailable !== null) {
  process.stdout.write(`sweep engines: skipped (${unavailable})\n`);
} else {
  const root = mkdtempSync(join(tmpdir(), "xxbench-sweep-bench-"));
  try {
    const loadBefore = loadavg().map((l) => l.toFixed(2)).join(", ");
    const localS = xxbench(["sweep", ...grid, "--jobs", String(cpus), "--db", join(root, "local.duckdb")]);
    const tuned = await slurmSweep(root, "tuned", undefined);
    const defaults = await slurmSweep(root, "defaults", "");
    // Again at the end: on a shared machine the load drifts, and the two local runs bracket it.
    const localAgainS = xxbench(["sweep", ...grid, "--jobs", String(cpus), "--db", join(root, "local-again.duckdb")]);
    const store = await RunStore.open(join(root, "local.duckdb"), { readOnly: true });
    const localDigests = (await store.query(`SELECT stream_digest FROM runs ORDER BY run_id`)).map((r) => String(r.stream_digest));
    store.close();
    const same = (d: string[]): string => (d.join() === localDigests.join() ? "same as local" : "DIFFERENT");
    const s = (x: number): string => x.toFixed(2);
    process.stdout.write(
      `16-cell grid (4 loads × sim:xx, sim:hermod × 2 seeds, ${invocations} invocations each), ${cpus} CPUs, ${slurmVersion()}\n` +
        textTable(
          ["engine", "16 empty tasks s", "wall s", "added per cell s", "submit s", "launch gap s/cell", "process start s/cell", "replay s/cell", "export+exit s/cell", "import s/cell", "last task → done s", "stream digests"],
          [
            ["local (worker processes), first and last", "–", `${s(localS)}, ${s(localAgainS)}`, "–", "–", "–", "–", "–", "–", "–", "–", "–"],
            ...([["slurm, tuned SchedulerParameters", tuned], ["slurm, SLURM's defaults", defaults]] as const).map(([name, f]) => [
              name,
              s(f.emptyArrayS),
              s(f.wallS),
              s((f.wallS - (localS + localAgainS) / 2) / 16),
              s(f.submitS),
              s(f.launchGapS),
              s(f.startupS),
              s(f.replayS),
              s(f.exportS),
              s(f.importPerCellS),
              s(f.tailS),
              same(f.digests),
            ]),
          ],
        ) +
        `\ntuned = SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,sched_interval=1 (scripts/slurm-local.sh), --poll-ms 250; ` +
        `load average ${loadBefore} before, ${loadavg().map((l) => l.toFixed(2)).join(", ")} after\n`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
