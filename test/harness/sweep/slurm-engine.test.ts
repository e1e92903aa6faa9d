import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive } from "../../../adapters/process-liveness.ts";
import { localSlurmUnavailable, startLocalSlurm, type LocalSlurmCluster } from "../../../harness/sweep/engines/local-slurm-cluster.ts";
import { RunStore } from "../../../harness/store/run-store.ts";
import { runCliInProcess } from "../../support/run-cli-in-process.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

/*
 * A real one-node SLURM cluster (slurmctld + slurmd from Debian's slurm-wlm, auth/none), started by
 * scripts/slurm-local.sh in this suite's temp folder on free ports and stopped by pid afterwards.
 * Skipped only where SLURM is not installed; .ci/run installs it, so CI always runs it.
 */
const unavailable = localSlurmUnavailable();
if (unavailable !== null) console.warn(`slurm-engine.test.ts skipped: ${unavailable}`);

const tempDir = useTempDirs();
const grid = ["--loads", "0.6,1.1", "--backend", "sim:xx", "--backend", "sim:hermod", "--invocations", "2000", "--machines", "4", "--quiet"];

/** Per run: backend, workload, digest, rows and an MD5 of every outcome row (all columns but run_id) in invocation order. */
async function rowDigests(db: string): Promise<Record<string, unknown>[]> {
  const store = await RunStore.open(db, { readOnly: true });
  try {
    const columns = (await store.query(`SELECT column_name FROM duckdb_columns() WHERE table_name = 'invocations' AND column_name <> 'run_id' ORDER BY column_index`))
      .map((c) => String(c.column_name));
    expect(columns).toContain("end_ms");
    const row = `struct_pack(${columns.map((c) => `${c} := i.${c}`).join(", ")})`;
    return await store.query(
      `SELECT r.backend, r.label, r.stream_digest AS digest, count(*)::INTEGER AS n,
              md5(string_agg(CAST(${row} AS VARCHAR), ';' ORDER BY i.invocation_id)) AS rows_md5
       FROM runs r JOIN invocations i USING (run_id)
       WHERE r.status = 'complete' GROUP BY ALL ORDER BY r.label, r.backend`,
    );
  } finally {
    store.close();
  }
}

async function storedRuns(db: string): Promise<Record<string, unknown>[]> {
  const store = await RunStore.open(db, { readOnly: true });
  try {
    return await store.query(
      `SELECT run_id::INTEGER AS id, backend, label, sweep, status, error, batch_id::INTEGER AS batch,
              (manifest->>'$.sweepCell.index')::INTEGER AS cell, manifest->>'$.sweepCell.attempt' AS attempt
       FROM runs ORDER BY run_id`,
    );
  } finally {
    store.close();
  }
}

describe.skipIf(unavailable !== null)("xxbench sweep --engine slurm on a private one-node SLURM cluster", () => {
  let root: string;
  let cluster: LocalSlurmCluster | undefined;
  const savedConf = process.env.SLURM_CONF;

  beforeAll(async () => {
    // Not a useTempDirs() folder: those go after each test, and the cluster lives for the suite.
    root = mkdtempSync(join(tmpdir(), "xxbench-slurm-"));
    cluster = await startLocalSlurm(join(root, "cluster"), { cpus: 2 });
    process.env.SLURM_CONF = cluster.conf;
  });

  afterAll(async () => {
    if (savedConf === undefined) delete process.env.SLURM_CONF;
    else process.env.SLURM_CONF = savedConf;
    const pids = cluster?.daemonPids ?? [];
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it("runs the grid as one array job with the local engine's exact rows; a failing cell is stored as failed until resume reruns it alone", async () => {
    const dir = tempDir();
    const results = join(dir, "results");
    const db = join(dir, "slurm.duckdb");
    // A real failure: cell 2 cannot write its result where a file stands in the way (ENOTDIR/EEXIST).
    mkdirSync(join(results, "cells"), { recursive: true });
    writeFileSync(join(results, "cells", "2"), "not a directory\n");

    const first = await runCliInProcess(["sweep", "--engine", "slurm", ...grid, "--name", "g", "--results", results, "--db", db, "--no-report"]);
    expect(first.code).toBe(2);
    const job = /submitted job (\d+), 4 array tasks/.exec(first.stdout)?.[1];
    expect(job).toBeDefined();
    expect(first.stdout).toContain(`sweep "g": 3/4 cells complete; stored runs 1, 2, 3, 4 in ${db}`);
    const log = join(results, "logs", `${job}_2.out`);
    // The failed cell is listed with its SLURM job id, exit code and log.
    expect(first.stderr).toMatch(new RegExp(`\\n\\s*2\\s+sim:xx\\s+load=1\\.1\\s+failed\\s+${job}_2\\s+2:0\\s+${log.replace(/[.]/g, "\\.")}`));
    expect(first.stderr).toContain(`xxbench: 1 of 4 cells failed or are missing; the sweep is stored incomplete; \`xxbench sweep resume ${results}\``);
    expect(readFileSync(log, "utf8")).toContain("sweep cell 2 failed: exporting the run");

    // Stored in grid order; the failed cell is a run of its own, never complete, and the sweep is incomplete.
    expect((await storedRuns(db)).map((r) => [r.id, r.backend, r.label, r.sweep, r.status, r.cell, r.attempt, r.batch])).toEqual([
      [1, "sim:xx", "load=0.6", "g", "complete", 0, `${job}_0`, 1],
      [2, "sim:hermod", "load=0.6", "g", "complete", 1, `${job}_1`, 1],
      [3, "sim:xx", "load=1.1", "g", "failed", 2, `${job}_2`, 1],
      [4, "sim:hermod", "load=1.1", "g", "complete", 3, `${job}_3`, 1],
    ]);
    const status = await runCliInProcess(["sweep", "status", "--db", db]);
    expect(status.stdout).toMatch(/\bg\s+\S{8}\s+4\s+3\s+1\s+incomplete\s+1\b/);

    // Resume submits the one missing cell, waits and imports it into the same batch.
    rmSync(join(results, "cells", "2"));
    const resumed = await runCliInProcess(["sweep", "resume", results, "--db", db, "--no-report", "--quiet"]);
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    const again = /submitted job (\d+): cells 2 of sweep "g"/.exec(resumed.stdout)?.[1];
    expect(again).toBeDefined();
    expect(resumed.stdout).toContain(`sweep "g": 4/4 cells complete; stored runs 5 in ${db} (3 results were stored already)`);
    const submissions = JSON.parse(readFileSync(join(results, "submissions.json"), "utf8")) as { jobId: string; indices: number[] }[];
    expect(submissions.map((s) => s.indices)).toEqual([[0, 1, 2, 3], [2]]);

    // Collecting again adds nothing: a cell imported twice is one run.
    const twice = await runCliInProcess(["sweep", "collect", results, "--db", db, "--no-report"]);
    expect(twice.code).toBe(0);
    expect(twice.stdout).toContain(`sweep "g": 4/4 cells complete; no new runs in ${db} (4 results were stored already)`);
    const runs = await storedRuns(db);
    expect(runs.map((r) => [r.id, r.status, r.cell, r.attempt, r.batch])).toEqual([
      [1, "complete", 0, `${job}_0`, 1],
      [2, "complete", 1, `${job}_1`, 1],
      [3, "failed", 2, `${job}_2`, 1],
      [4, "complete", 3, `${job}_3`, 1],
      [5, "complete", 2, `${again}_2`, 1],
    ]);
    expect(String(runs[2]!.error)).toBe(`sweep cell 2: job ${job}_2 FAILED, exit code 2:0, log ${log}`);
    expect((await runCliInProcess(["sweep", "status", "--db", db])).stdout).toMatch(/\bg\s+\S{8}\s+4\s+4\s+1\s+complete\s+1\b/);

    // The same grid through the local engine: identical digests and identical outcome rows, run by run.
    const localDb = join(dir, "local.duckdb");
    const local = await runCliInProcess(["sweep", ...grid, "--name", "g", "--jobs", "2", "--db", localDb, "--no-report"]);
    expect(local.code).toBe(0);
    const viaSlurm = await rowDigests(db);
    const viaLocal = await rowDigests(localDb);
    expect(viaSlurm).toHaveLength(4);
    expect(viaSlurm.map((r) => r.n)).toEqual([2000, 2000, 2000, 2000]);
    expect(new Set(viaSlurm.map((r) => r.rows_md5)).size).toBe(4);
    expect(viaSlurm).toEqual(viaLocal);
    // A local sweep's runs carry their cells too, so its status reads the same way.
    expect((await runCliInProcess(["sweep", "status", "--db", localDb])).stdout).toMatch(/\bg\s+\S{8}\s+4\s+4\s+0\s+complete\s+1\b/);
  });

  it("lists cancelled tasks with their job ids and stores the sweep incomplete (submitted held, with --no-wait)", async () => {
    const dir = tempDir();
    const results = join(dir, "results");
    const db = join(dir, "held.duckdb");
    const submitted = await runCliInProcess([
      "sweep", "--engine", "slurm", "--loads", "0.6", "--backend", "sim:xx", "--backend", "sim:hermod", "--backend", "sim:edf",
      "--invocations", "2000", "--machines", "4", "--quiet", "--name", "held",
      "--results", results, "--db", db, "--no-wait", "--sbatch-option=--hold",
    ]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const job = /submitted job (\d+), 3 array tasks/.exec(submitted.stdout)?.[1];
    expect(job).toBeDefined();
    expect(submitted.stdout).toContain(`when it ends: xxbench sweep collect ${results} --db ${db}`);
    expect(existsSync(db)).toBe(false);

    // Still queued (held): collect imports nothing and says so.
    const early = await runCliInProcess(["sweep", "collect", results, "--db", db, "--no-report"]);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain("3 cells still queued or running");

    const { execFileSync } = await import("node:child_process");
    execFileSync("scancel", [job!]);
    let collected = await runCliInProcess(["sweep", "collect", results, "--db", db, "--no-report"]);
    // scancel returns before slurmctld has marked every task.
    for (let i = 0; i < 50 && /still queued/.test(collected.stderr); i++) {
      await new Promise((r) => setTimeout(r, 100));
      collected = await runCliInProcess(["sweep", "collect", results, "--db", db, "--no-report"]);
    }
    expect(collected.code).toBe(2);
    expect(collected.stdout).toContain(`sweep "held": 0/3 cells complete; stored runs 1, 2, 3 in ${db}`);
    for (const [i, backend] of ["sim:xx", "sim:hermod", "sim:edf"].entries()) {
      expect(collected.stderr).toMatch(new RegExp(`\\n\\s*${i}\\s+${backend}\\s+load=0\\.6\\s+cancelled\\s+${job}_${i}\\s`));
    }
    expect(collected.stderr).toContain("3 of 3 cells failed or are missing; the sweep is stored incomplete");
    expect((await storedRuns(db)).map((r) => [r.id, r.status, r.cell, r.error])).toEqual(
      [0, 1, 2].map((i) => [i + 1, "interrupted", i, `sweep cell ${i}: job ${job}_${i} CANCELLED, exit code 0:0`]),
    );
  });
});
