import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { SimBackend } from "../../../adapters/sim/sim-backend.ts";
import { simDefaults } from "../../../adapters/sim/sim-config.ts";
import { replay } from "../../../harness/replay/replay.ts";
import { RunStore } from "../../../harness/store/run-store.ts";
import { bimodalWeights, syntheticDefaults } from "../../../traces/synthetic/synthetic-config.ts";
import { syntheticTrace } from "../../../traces/synthetic/synthetic-trace.ts";
import { runCli, type CliResult } from "../../support/run-cli.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const holders: ChildProcess[] = [];
afterEach(() => {
  for (const h of holders.splice(0)) h.kill("SIGKILL");
});

/** Another process that opens the store file and keeps it open until killed. */
function holdStore(path: string): Promise<ChildProcess> {
  const code = `import { DuckDBInstance } from "@duckdb/node-api";
const db = await DuckDBInstance.create(${JSON.stringify(path)});
await db.connect();
process.stdout.write("holding\\n");
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", code], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
  holders.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", () => resolve(child));
    child.once("exit", (c) => reject(new Error(`holder exited with ${c}`)));
  });
}

/** One line on stderr, exit 2, no stack trace. */
function expectOneLineRefusal(r: CliResult, pattern: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

async function smallStore(path: string): Promise<void> {
  const store = await RunStore.open(path);
  try {
    const sim = { ...simDefaults, machines: 4, cores: 2, seed: 1 };
    const trace = syntheticTrace({ ...syntheticDefaults, invocations: 2000, cores: 8, classWeights: bimodalWeights(4) });
    await replay({ store, trace, backends: [new SimBackend("xx", sim, trace.prices)], seed: 1, signal: new AbortController().signal });
  } finally {
    store.close();
  }
}

describe("the store on misuse: one line, exit 2, nothing left running", () => {
  it("names the pid of another process holding the store, for a writer and for a reader", async () => {
    const db = join(tempDir(), "held.duckdb");
    await smallStore(db);
    const holder = await holdStore(db);
    const replayed = await runCli(["replay", "--invocations", "500", "--machines", "2", "--backend", "sim:xx", "--quiet", "--db", db]);
    expectOneLineRefusal(replayed, new RegExp(`${db} is in use by another process \\(pid ${holder.pid}\\)`));
    const listed = await runCli(["runs", "--db", db]);
    expectOneLineRefusal(listed, new RegExp(`pid ${holder.pid}`));
    holder.kill("SIGKILL");
    await new Promise((resolve) => holder.once("exit", resolve));
    const store = await RunStore.open(db, { readOnly: true });
    const runs = await store.query(`SELECT status FROM runs`);
    store.close();
    expect(runs).toEqual([{ status: "complete" }]);
  });

  it("refuses a text file given as --db and leaves it as it was", async () => {
    const file = join(tempDir(), "notes.txt");
    writeFileSync(file, "not a database\n");
    expectOneLineRefusal(await runCli(["runs", "--db", file]), /notes\.txt is not a DuckDB store/);
    expectOneLineRefusal(await runCli(["replay", "--invocations", "500", "--machines", "2", "--backend", "sim:xx", "--quiet", "--db", file]), /is not a DuckDB store/);
    expect(readFileSync(file, "utf8")).toBe("not a database\n");
  });

  it("refuses a store whose directory cannot be created or written", async () => {
    const file = join(tempDir(), "plain-file");
    writeFileSync(file, "");
    expectOneLineRefusal(
      await runCli(["replay", "--invocations", "500", "--machines", "2", "--backend", "sim:xx", "--quiet", "--db", join(file, "sub", "x.duckdb")]),
      /cannot create the directory for store .*plain-file\/sub\/x\.duckdb: a part of its path is a file, not a directory/,
    );
    expectOneLineRefusal(
      await runCli(["replay", "--invocations", "500", "--machines", "2", "--backend", "sim:xx", "--quiet", "--db", "/proc/xxbench-test-store.duckdb"]),
      /cannot open store \/proc\/xxbench-test-store\.duckdb: /,
    );
  });

  it("reads a read-only store file with runs, summary and export, without changing a byte", async () => {
    const dir = tempDir();
    const db = join(dir, "ro.duckdb");
    await smallStore(db);
    chmodSync(db, 0o444);
    const before = readFileSync(db);
    expect((await runCli(["runs", "--db", db])).code).toBe(0);
    const summary = await runCli(["summary", "--db", db]);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toContain("sim:xx");
    expect((await runCli(["export", "--db", db, "--out", join(dir, "out")])).code).toBe(0);
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it("marks a run left running by a process that died as failed when the store is next opened for writing", async () => {
    const db = join(tempDir(), "stale.duckdb");
    mkdirSync(join(db, ".."), { recursive: true });
    const crashed = await RunStore.open(db);
    await crashed.beginRun({ backend: "sim:xx", traceKind: "synthetic", seed: 1, config: {}, manifest: {} });
    crashed.close();
    const reader = await RunStore.open(db, { readOnly: true });
    expect(await reader.query(`SELECT status FROM runs`)).toEqual([{ status: "running" }]);
    reader.close();
    const next = await RunStore.open(db);
    const [run] = await next.query(`SELECT status, error FROM runs`);
    next.close();
    expect(run!.status).toBe("failed");
    expect(String(run!.error)).toContain("stopped before the run ended");
  });
});
