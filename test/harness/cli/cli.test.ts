import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/run-cli.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { runCliInProcess as runMain } from "../../support/run-cli-in-process.ts";

const tempDir = useTempDirs();

describe("xxbench command line", () => {
  it("prints help with examples for replay", async () => {
    const r = await runCli(["replay", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toContain("--backend");
    expect(r.stdout).toContain("--phases");
  });

  it.each([
    [["replay", "--backend", "sim:nope"], 'unknown backend "sim:nope"; known: sim:xx, sim:hermod, sim:edf'],
    [["replay", "--frobnicate"], "Unknown argument: frobnicate"],
    [["replay", "--load", "-1"], "load must be >= 0 (got -1)"],
    [["replay", "--machines", "0"], "machines must be a positive integer (got 0)"],
    [["replay", "--work", "uniform"], "Invalid values"],
    [["replay", "--phases", "5:0.7"], "phases must start at tick 0"],
    [["fly"], "Unknown argument"],
    [["summary"], "no store at"],
    [["report"], "no store at"],
  ])("rejects %j with one clear line and exit code 2", async (args, message) => {
    const dir = tempDir();
    // In process: the exit code and the stderr line are what is tested, not process start-up.
    const r = await runMain([...args, "--db", join(dir, "x.duckdb")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split("\n").filter((l) => l.startsWith("xxbench:"))).toHaveLength(1);
    expect(r.stderr).not.toContain("    at ");
  });

  it.each([["sweep", "--loads", "0.5", "--duration-s", "1"], ["demo"]])("%s refuses a file as --out before it runs anything", async (...args) => {
    const dir = tempDir();
    const file = join(dir, "not-a-folder");
    writeFileSync(file, "mine");
    const r = await runMain([...args, "--db", join(dir, "x.duckdb"), "--out", file, "--quiet"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`xxbench: --out ${file} is a file, not a folder: the report writes index.html, summary.md/json and charts/ into a folder (pass --out a folder path)\n`);
    expect(existsSync(join(dir, "x.duckdb"))).toBe(false);
    expect(readFileSync(file, "utf8")).toBe("mine");
  });

  it("replays, lists and summarizes runs through the real executable", async () => {
    const db = join(tempDir(), "cli.duckdb");
    const replayed = await runCli(["replay", "--invocations", "20000", "--machines", "10", "--db", db]);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain("stored runs 1, 2, 3");
    const summary = await runCli(["summary", "--json", "--db", db]);
    expect(summary.code).toBe(0);
    const parsed = JSON.parse(summary.stdout) as { runs: { backend: string }[]; classes: { runId: number; count: number }[] };
    expect(parsed.runs.map((r) => r.backend)).toEqual(["sim:xx", "sim:hermod", "sim:edf"]);
    for (const runId of [1, 2, 3]) {
      expect(parsed.classes.filter((c) => c.runId === runId).reduce((s, c) => s + c.count, 0)).toBe(20_000);
    }
    const missing = await runCli(["summary", "--runs", "9", "--db", db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no complete run 9");
  });

  it("stores a run stopped with Ctrl-C as interrupted and exits 130", async () => {
    const db = join(tempDir(), "int.duckdb");
    let sent = false;
    const r = await runCli(["replay", "--invocations", "50000000", "--backend", "sim:hermod", "--db", db], (stderr, kill) => {
      if (!sent && stderr.includes("invocations")) {
        sent = true;
        kill("SIGINT");
      }
    });
    expect(r.code).toBe(130);
    const runs = await runCli(["runs", "--json", "--db", db]);
    const listed = JSON.parse(runs.stdout) as { status: string }[];
    expect(listed.map((x) => x.status)).toEqual(["interrupted"]);
  });
});

describe("xxbench with real traces", () => {
  it("replays a real Azure 2019 sample through every simulator backend", async () => {
    const db = join(tempDir(), "real.duckdb");
    const r = await runCli(["replay", "azure2019:traces/samples/vhive-loader-azure2019-10fn", "--minutes", "5", "--machines", "4", "--db", db]);
    expect(r.code).toBe(0);
    const summary = JSON.parse((await runCli(["summary", "--json", "--db", db])).stdout) as { runs: { backend: string; invocations: number }[] };
    expect(summary.runs.map((x) => x.backend)).toEqual(["sim:xx", "sim:hermod", "sim:edf"]);
    expect(new Set(summary.runs.map((x) => x.invocations)).size).toBe(1);
  });

  it("stops at a malformed trace row with file:line:column in one line, exit 2, and no stack trace", async () => {
    const dir = tempDir();
    const { cpSync, readFileSync, writeFileSync } = await import("node:fs");
    cpSync("traces/samples/vhive-loader-azure2019-10fn", dir, { recursive: true });
    const file = join(dir, "invocations.csv");
    const lines = readFileSync(file, "utf8").split("\n");
    const cells = lines[3]!.split(",");
    cells[6] = "x7";
    lines[3] = cells.join(",");
    writeFileSync(file, lines.join("\n"));
    const r = await runCli(["replay", `azure2019:${dir}`, "--db", join(dir, "x.duckdb")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invocations\.csv:4:\d+: /);
    expect(r.stderr).toContain("x7");
    expect(r.stderr).not.toContain("    at ");
  });

  it("refuses synthetic-only flags with a real trace instead of ignoring them", async () => {
    const r = await runCli(["replay", "azure2019:traces/samples/vhive-loader-azure2019-10fn", "--load", "0.5", "--db", join(tempDir(), "y.duckdb")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--load shape the synthetic trace only");
  });
});
