import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RunStore } from "../../../harness/store/run-store.ts";
import { runCliInProcess } from "../../support/run-cli-in-process.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();
const small = ["--invocations", "6000", "--machines", "4", "--quiet"];

describe("xxbench sweep", () => {
  it("lists the grid on a dry run and runs nothing", async () => {
    const db = join(tempDir(), "dry.duckdb");
    const r = await runCliInProcess(["sweep", "--dry-run", "--loads", "0.5:1.2:0.1", "--seeds", "1,2", "--db", db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`sweep "sweep": 48 runs (dry run: nothing is run)`);
    expect(r.stdout.trim().split("\n")).toHaveLength(3 + 48);
    expect(r.stdout).toContain("sim:edf     load=1.2 seed=2");
    expect(existsSync(db)).toBe(false);
  });

  it("rejects a bad grid in one line", async () => {
    const r = await runCliInProcess(["sweep", "--loads", "1.2:0.5:0.1", "--db", join(tempDir(), "x.duckdb")]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^xxbench: bad load range "1\.2:0\.5:0\.1"/);
  });

  it("runs the grid in parallel workers into one store, in grid order, and reports it", async () => {
    const dir = tempDir();
    const db = join(dir, "s.duckdb");
    const out = join(dir, "report");
    const r = await runCliInProcess(["sweep", "--loads", "0.6,1.1", "--backend", "sim:xx", "--backend", "sim:hermod", "--jobs", "2", "--name", "grid", "--db", db, "--out", out, ...small]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`stored sweep "grid": runs 1, 2, 3, 4`);

    const store = await RunStore.open(db);
    let runs: Record<string, unknown>[];
    let counts: Record<string, unknown>[];
    try {
      runs = await store.query(
        `SELECT run_id::INTEGER AS id, batch_id::INTEGER AS batch, backend, label, sweep, status, invocations::INTEGER AS n, stream_digest AS digest,
                manifest->>'$.command' AS command FROM runs ORDER BY run_id`,
      );
      counts = await store.query(`SELECT run_id::INTEGER AS id, count(*)::INTEGER AS n, count(DISTINCT invocation_id)::INTEGER AS d FROM invocations GROUP BY 1 ORDER BY 1`);
    } finally {
      store.close();
    }
    expect(runs.map((x) => [x.id, x.backend, x.label, x.sweep, x.status, x.batch])).toEqual([
      [1, "sim:xx", "load=0.6", "grid", "complete", 1],
      [2, "sim:hermod", "load=0.6", "grid", "complete", 1],
      [3, "sim:xx", "load=1.1", "grid", "complete", 1],
      [4, "sim:hermod", "load=1.1", "grid", "complete", 1],
    ]);
    // Every run's rows came across whole: one outcome per invocation.
    expect(counts.map((c) => [c.id, c.n, c.d])).toEqual([1, 2, 3, 4].map((id) => [id, 6000, 6000]));
    expect(runs[0]!.digest).toBe(runs[1]!.digest);
    expect(runs[0]!.digest).not.toBe(runs[2]!.digest);

    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { loadSweep: { loads: number[]; utilization: { load: number; p50: number }[] } };
    expect(summary.loadSweep.loads).toEqual([0.6, 1.1]);
    const util = (load: number): number => summary.loadSweep.utilization.find((u) => u.load === load)!.p50;
    expect(util(1.1)).toBeGreaterThan(util(0.6));

    // The manifest's command reproduces the cell on its own: same stream, same outcomes.
    const command = JSON.parse(String(runs[2]!.command)) as string[];
    const again = join(dir, "again.duckdb");
    const replayed = await runCliInProcess([...command, "--quiet", "--db", again]);
    expect(replayed.code).toBe(0);
    const check = await RunStore.open(again);
    try {
      const [rerun] = await check.query(`SELECT stream_digest AS digest FROM runs`);
      expect(rerun!.digest).toBe(runs[2]!.digest);
    } finally {
      check.close();
    }
  });
});
