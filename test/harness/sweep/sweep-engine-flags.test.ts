import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { slurmBatchScript } from "../../../harness/sweep/engines/slurm-engine.ts";
import { SweepResultsDir } from "../../../harness/sweep/sweep-results.ts";
import { readSweepSpec, type SweepSpec } from "../../../harness/sweep/sweep-spec.ts";
import { runCliInProcess } from "../../support/run-cli-in-process.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();

describe("sweep engine flags: one line, exit 2, before anything is submitted", () => {
  it.each([
    [["--partition", "short"], "xxbench: --partition applies to --engine slurm, not local"],
    [["--engine", "slurm", "--jobs", "2"], "xxbench: --jobs applies to --engine local, not slurm"],
    [["--engine", "k8s"], "xxbench: --engine k8s writes a manifest: give --emit DIR"],
    [["--engine", "slurm", "--cpus-per-task", "0"], "xxbench: --cpus-per-task must be a positive integer (got 0)"],
    [["--engine", "slurm", "--max-parallel", "1.5"], "xxbench: --max-parallel must be a positive integer (got 1.5)"],
    [["--engine", "slurm", "--poll-ms", "10"], "xxbench: --poll-ms must be from 50 to 60000 ms (got 10)"],
    [["--engine", "nomad"], /^xxbench: Invalid values:.*engine/],
  ])("%j", async (flags, message) => {
    const dir = tempDir();
    const r = await runCliInProcess(["sweep", "--loads", "0.6", "--backend", "sim:xx", "--db", join(dir, "x.duckdb"), ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    if (typeof message === "string") expect(r.stderr.trim()).toBe(message);
    else expect(r.stderr.trim()).toMatch(message);
  });

  it("refuses a results directory that already holds a sweep, and a prelude file that is not there", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "grid.json"), "{}");
    const taken = await runCliInProcess(["sweep", "--engine", "slurm", "--loads", "0.6", "--results", dir, "--db", join(dir, "x.duckdb")]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toBe(`xxbench: ${dir} already holds a sweep (grid.json): give a new directory, or \`xxbench sweep collect|resume ${dir}\`\n`);
    const prelude = await runCliInProcess(["sweep", "--engine", "slurm", "--loads", "0.6", "--sbatch-prelude", join(dir, "none.sh"), "--results", join(dir, "r"), "--db", join(dir, "x.duckdb")]);
    expect(prelude.code).toBe(2);
    expect(prelude.stderr).toBe(`xxbench: --sbatch-prelude ${join(dir, "none.sh")} cannot be read: ENOENT\n`);
  });

  it.each([
    ["not json", "is not JSON: not a sweep grid written by xxbench sweep"],
    [JSON.stringify({ format: "other/1" }), "is not a sweep grid of format xxbench-sweep/1 (format: other/1)"],
    [JSON.stringify({ format: "xxbench-sweep/1", cells: [{ index: 1 }], commands: [[]] }), "cell indices must run 0…0 in order"],
    [JSON.stringify({ format: "xxbench-sweep/1", cells: [{ index: 0 }], commands: [] }), "the grid must list its cells and one command per cell"],
  ])("a bad grid file (%s) is one line naming the file", async (text, message) => {
    const dir = tempDir();
    const grid = join(dir, "grid.json");
    writeFileSync(grid, text);
    expect(() => readSweepSpec(grid)).toThrow(message);
    const r = await runCliInProcess(["sweep", "collect", dir, "--db", join(dir, "x.duckdb")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe("the SLURM batch script", () => {
  it("puts the user's settings in #SBATCH lines and the prelude before the one cell command", () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const results = new SweepResultsDir(join(dir, "res"));
    const settings = {
      kind: "slurm" as const,
      partition: "short",
      time: "0:30:00",
      cpusPerTask: 2,
      sbatchOptions: ["--account=abc"],
      prelude: "module load nodejs/20\nsource /opt/env.sh\n",
      node: "/opt/node/bin/node",
      cli: "/shared/xxbench/bin/xxbench.js",
    };
    const spec = { name: "my sweep", sweepId: "id-1", cells: [{ index: 0 }, { index: 1 }], engine: settings } as unknown as SweepSpec;
    const lines = slurmBatchScript(spec, settings, results).split("\n");
    expect(lines.filter((l) => l.startsWith("#SBATCH"))).toEqual([
      "#SBATCH --job-name=xxbench-my_sweep",
      `#SBATCH --output=${results.logsDir}/%A_%a.out`,
      "#SBATCH --cpus-per-task=2",
      "#SBATCH --partition=short",
      "#SBATCH --time=0:30:00",
    ]);
    const command = lines.findIndex((l) => l.includes("sweep cell"));
    expect(lines[command]).toBe(`"$XXBENCH_NODE" "$XXBENCH_CLI" sweep cell --grid "$results/grid.json" --index "$SLURM_ARRAY_TASK_ID"`);
    expect(lines.indexOf("module load nodejs/20")).toBeGreaterThan(0);
    expect(lines.indexOf("module load nodejs/20")).toBeLessThan(command);
    expect(lines).toContain("XXBENCH_NODE=${XXBENCH_NODE:-'/opt/node/bin/node'}");
    expect(lines.slice(command + 1, command + 4)).toEqual(["code=$?", `printf '%s\\n' "$code" > "$results/exits/$SLURM_ARRAY_TASK_ID.$attempt"`, "exit $code"]);
  });
});
