import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RunStore } from "../../../harness/store/run-store.ts";
import { runCli } from "../../support/run-cli.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();

/** Per table, a hash of a run's rows with the run id left out, so renumbered runs compare equal. */
async function contents(db: string, runIds: readonly number[]): Promise<Record<string, string>[]> {
  const store = await RunStore.open(db);
  try {
    const out: Record<string, string>[] = [];
    for (const id of runIds) {
      const hashes: Record<string, string> = {};
      for (const table of ["invocations", "machine_samples", "class_samples", "costs"]) {
        const [row] = await store.query(
          `SELECT count(*)::INTEGER || ':' || coalesce(sha256(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR)), '') AS h
           FROM (SELECT * EXCLUDE (run_id) FROM ${table} WHERE run_id = $id) t`,
          { id },
        );
        hashes[table] = String(row!.h);
      }
      const [run] = await store.query(`SELECT backend, status, stream_digest, manifest FROM runs WHERE run_id = $id`, { id });
      hashes.run = JSON.stringify([run!.backend, run!.status, run!.stream_digest, run!.manifest]);
      out.push(hashes);
    }
    return out;
  } finally {
    store.close();
  }
}

describe("moving runs between stores as Parquet", () => {
  it("exports runs and imports them elsewhere under fresh ids with every row intact", async () => {
    const dir = tempDir();
    const a = join(dir, "a.duckdb");
    const b = join(dir, "b.duckdb");
    const common = ["--invocations", "5000", "--machines", "4", "--ram-gb", "8", "--backend", "sim:xx", "--backend", "sim:hermod", "--quiet"];
    expect((await runCli(["replay", ...common, "--db", a])).code).toBe(0);
    // The target store already has a run, so imported ids must be renumbered.
    expect((await runCli(["replay", "--invocations", "1000", "--machines", "2", "--backend", "sim:edf", "--quiet", "--db", b])).code).toBe(0);
    const exported = await runCli(["export", "--db", a, "--out", join(dir, "export")]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain("exported runs 1, 2");
    const imported = await runCli(["import", join(dir, "export"), "--db", b]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("as runs 2, 3");
    const before = await contents(a, [1, 2]);
    const after = await contents(b, [2, 3]);
    expect(after).toEqual(before);
    expect(before[0]!.class_samples!.startsWith("0:")).toBe(false);
    const store = await RunStore.open(b);
    const traces = await store.query(`SELECT count(*)::INTEGER AS n FROM traces`);
    const batches = await store.query(`SELECT DISTINCT batch_id::INTEGER AS b FROM runs WHERE run_id IN (2, 3)`);
    store.close();
    expect(traces[0]!.n).toBe(2);
    expect(batches).toEqual([{ b: 2 }]);
  });

  it("imports the same export twice as two sets of runs that share the store's function rows", async () => {
    const dir = tempDir();
    const a = join(dir, "a.duckdb");
    const b = join(dir, "b.duckdb");
    expect((await runCli(["replay", "--invocations", "3000", "--machines", "2", "--backend", "sim:xx", "--quiet", "--db", a])).code).toBe(0);
    expect((await runCli(["export", "--db", a, "--out", join(dir, "export")])).code).toBe(0);
    for (const _ of [1, 2]) expect((await runCli(["import", join(dir, "export"), "--db", b])).code).toBe(0);
    const source = await RunStore.open(a, { readOnly: true });
    const [functionsInA] = await source.query(`SELECT count(*)::INTEGER AS n FROM functions`);
    source.close();
    const store = await RunStore.open(b, { readOnly: true });
    try {
      expect(await store.query(`SELECT count(*)::INTEGER AS n FROM functions`)).toEqual([functionsInA]);
      expect(functionsInA!.n).toBeGreaterThan(10);
      expect(await store.query(`SELECT count(*)::INTEGER AS n FROM runs`)).toEqual([{ n: 2 }]);
      const perRun = await store.query(`SELECT run_id, count(*)::INTEGER AS n, count(DISTINCT fn)::INTEGER AS fns FROM invocations GROUP BY 1 ORDER BY 1`);
      expect(perRun).toEqual([
        { run_id: 1, n: 3000, fns: functionsInA!.n },
        { run_id: 2, n: 3000, fns: functionsInA!.n },
      ]);
    } finally {
      store.close();
    }
    expect((await contents(a, [1]))[0]).toEqual((await contents(b, [2]))[0]);
  });

  it("refuses a directory that is not an export", async () => {
    const dir = tempDir();
    const r = await runCli(["import", dir, "--db", join(dir, "x.duckdb")]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("holds no runs.parquet");
  });
});
