import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { simPolicies, type SimPolicyName } from "../../../adapters/sim/policies/index.ts";
import { simDefaults, type SimConfig } from "../../../adapters/sim/sim-config.ts";
import { refuseInapplicableOptions } from "../../../harness/backends/backend-registry.ts";
import { simConfigKeysApplied } from "../../../harness/backends/sim-config-applicability.ts";
import { clusterMemoryErrors } from "../../../harness/cli/options/cluster-memory-bound.ts";
import { simConfigFromArgs, simFlagErrors, simOptions, withSimDefaults, type SimFlag } from "../../../harness/cli/options/sim-options.ts";
import { syntheticOptions } from "../../../harness/cli/options/synthetic-options.ts";
import { replayCommandFor, type SweepPlan } from "../../../harness/sweep/sweep-plan.ts";
import type { SweepRunArgs } from "../../../harness/sweep/sweep-protocol.ts";
import { RunStore } from "../../../harness/store/run-store.ts";
import { simulate } from "../../support/simulate.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { runCliInProcess as runMain } from "../../support/run-cli-in-process.ts";
import { sample2021 } from "../../traces/support/samples.ts";

const tempDir = useTempDirs();

afterEach(() => vi.restoreAllMocks());

describe("bad flags get one line in the user's own units and exit 2", () => {
  it.each([
    [["replay", "--duration-s", "-5"], "--duration-s must be > 0 s (got -5)"],
    [["replay", "--load", "abc"], '--load must be a number (got "abc")'],
    [["replay", "--machines=xyz"], '--machines must be a number (got "xyz")'],
    [["replay", "--machines", "2", "-k", "20"], "-k 20 is more than --machines 2"],
    [["replay", "--machines", "1e9"], "--machines 1000000000 × --cores 8 (--shards 4) needs about"],
    [["replay", "--ram-gb", "-1"], "--ram-gb must be > 0 GB (got -1)"],
    [["replay", "--backend", "sim:mu", "--memory-mb", "1024"], "sim:mu needs at least 2 vCPUs (--memory-mb 1770 or more): at 1024 MB a worker has 1, all kept for monitoring"],
    [["replay", "--backend", "sim:faas", "--memory-mb", "64"], "--memory-mb must be a whole number of MB in 128–10240, as Lambda allows (got 64)"],
    [["replay", "--backend", "sim:faas", "--timeout-s", "901"], "--timeout-s must be in (0, 900] s, Lambda's range (got 901)"],
    [["replay", "--backend", "sim:mu", "--concurrency-cap", "0"], "--concurrency-cap must be a positive integer (got 0)"],
    [["replay", "--backend", "sim:xx", "--memory-mb", "4096"], "--memory-mb has no effect on sim:xx (only sim:faas, sim:mu use it)"],
    [["replay", "--swap-gb", "-2"], "--swap-gb must be >= 0 GB (got -2)"],
    [["replay", "--functions", "1e9"], "--functions must be at most 1,000,000"],
    [["replay", "--tenants", "2e6"], "--tenants must be at most 1,000,000"],
    [["replay", "--prices", "1,,2"], '--prices must be comma-separated numbers (got "1,,2")'],
    [["replay", "--prices", "2,1"], '--prices must be > 0 and increase with the class, e.g. 0.5,1,1.5,2 (got "2,1")'],
    [["replay", "azure2019:traces/samples/vhive-loader-azure2019-10fn", "--prices", "abc"], '--prices must be comma-separated numbers (got "abc")'],
    [["replay", "--chain-share", "0.1", "--chain-fan-out", "100", "--chain-depth", "4"], "make 100,000,000 calls at a chain's deepest level, more than the limit of 100,000"],
    [["replay", "--ram-gb", "32", "--backend", "sim:edf"], "--ram-gb has no effect on sim:edf (only sim:xx, sim:hermod use it)"],
    // Given at its default value still counts as given.
    [["replay", "--strict", "false", "--backend", "sim:hermod"], "--strict has no effect on sim:hermod (only sim:xx uses it)"],
    [["replay", "--shards", "4", "--backend", "sim:edf", "--backend", "sim:knative"], "--shards has no effect on sim:edf, sim:knative"],
    [["replay", "--compress", "2"], "--compress shapes real traces only; the synthetic trace takes its rate from --load, --phases or --rate"],
    [["replay", "--rate", "100", "--load", "0.5"], "give one of --load, --phases or --rate, not --load and --rate"],
    [["replay", "--rate", "-3"], '--rate must be > 0 invocations per second, or a schedule tick:rate,… (got "-3")'],
    [["replay", "--rate", "5:100"], "--rate: phases must start at tick 0 (got 5)"],
    [["replay", "azure2021:traces/samples/invitro-azure2021-head/AzureFunctionsInvocationTraceForTwoWeeksJan2021.csv", "--invocations", "0"], "--invocations must be a positive integer (got 0)"],
    [["replay", "azure2021:traces/samples/invitro-azure2021-head/AzureFunctionsInvocationTraceForTwoWeeksJan2021.csv", "--rate", "10"], "--rate shape the synthetic trace only"],
    [["replay", "constructor:foo"], 'unknown trace "constructor:foo"'],
    [["replay", "__proto__:foo"], 'unknown trace "__proto__:foo"'],
    [["replay", "--backend", "sim:constructor"], 'unknown backend "sim:constructor"'],
    [["sweep", "--backend", "sim:edf", "--idle-list", "--dry-run"], "--idle-list has no effect on sim:edf (only sim:xx uses it)"],
    [["sweep", "--backend", "sim:constructor", "--dry-run"], 'unknown backend "sim:constructor"'],
    [["sweep", "--jobs", "0", "--dry-run"], "--jobs must be a positive integer (got 0)"],
    [["sweep", "--backend", "http:http://127.0.0.1:8080/", "--dry-run"], "a sweep runs simulator backends only; http:http://127.0.0.1:8080/ sends on the wall clock"],
    [["sweep", "--duration-s", "-1", "--dry-run"], "--duration-s must be > 0 s (got -1)"],
    [["sweep", "--machines", "2", "-k", "3", "--dry-run"], "-k 3 is more than --machines 2"],
  ])("%j", async (args, message) => {
    const r = await runMain([...args, "--db", join(tempDir(), "x.duckdb")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/NaN|internal error|    at /);
  });
});

describe("trace inspect", () => {
  it.each([
    [["--machines", "0"], "--machines must be a positive integer (got 0)"],
    [["--cores", "x"], '--cores must be a number (got "x")'],
  ])("%j is refused in one line", async (args, message) => {
    const r = await runMain(["trace", "inspect", "synthetic", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`xxbench: ${message}\n`);
  });
});

describe("real traces through the command line", () => {
  it("--on-bad-row skip says on stderr how many rows were skipped, and the run completes", async () => {
    const dir = tempDir();
    const lines = readFileSync(sample2021, "utf8").split("\n").slice(0, 30);
    writeFileSync(join(dir, "t.csv"), [...lines, "a,b,zz,1", "a,b,1"].join("\n"));
    const r = await runMain(["replay", `azure2021:${join(dir, "t.csv")}`, "--on-bad-row", "skip", "--backend", "sim:edf", "--machines", "2", "--quiet", "--db", join(dir, "x.duckdb")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^xxbench: skipped 2 malformed rows \(--on-bad-row skip\): 2 in .*t\.csv; first: .*t\.csv:31:5: expected/);
    expect(r.stdout).toContain("stored runs 1");
  });

  it("a trace with a header only exits 2 before any run is stored", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "t.csv"), "app,func,end_timestamp,duration\n");
    const db = join(dir, "x.duckdb");
    const r = await runMain(["replay", `azure2021:${join(dir, "t.csv")}`, "--backend", "sim:edf", "--db", db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^xxbench: azure2021: .*t\.csv has no invocation rows: zero invocations is not a run\n$/);
    expect(existsSync(db)).toBe(false);
  });
});

describe("a backend's stored config holds only the options it applies", () => {
  it("--ram-gb with sim:xx and sim:edf is legal, and only the sim:xx run stores a RAM size", async () => {
    const db = join(tempDir(), "applies.duckdb");
    const r = await runMain(["replay", "--ram-gb", "32", "--backend", "sim:xx", "--backend", "sim:edf", "--invocations", "500", "--machines", "4", "--quiet", "--db", db]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const store = await RunStore.open(db);
    try {
      const rows = await store.query("SELECT backend, config::VARCHAR AS config FROM runs ORDER BY run_id");
      const configs = rows.map((row) => [row.backend, JSON.parse(String(row.config)) as Record<string, unknown>] as const);
      expect(configs.map(([b]) => b)).toEqual(["sim:xx", "sim:edf"]);
      expect(configs[0]![1]).toMatchObject({ policy: "xx", ramMb: 32 * 1024, machines: 4, shards: 4 });
      expect(Object.keys(configs[1]![1]).sort()).toEqual(["cores", "machines", "policy", "prices", "sampleIntervalMs", "seed"]);
    } finally {
      store.close();
    }
  });

  it.each([
    ["--ram-gb", "ram-gb", "ramMb", ["sim:hermod"], true],
    ["--ram-gb", "ram-gb", "ramMb", ["sim:edf", "sim:openwhisk"], false],
    ["-k", "k", "k", ["sim:knative"], false],
    ["-k", "k", "k", ["sim:hermod", "sim:knative"], true],
    ["--budget", "budget", "budgetsUsd", ["sim:hermod"], false],
    ["--machines", "machines", "machines", ["sim:edf"], true],
  ] as const)("%s (%s, %s) with %j: legal %s", (_text, flag, key, backends, legal) => {
    const check = (): void => refuseInapplicableOptions(backends, [{ flag, key }]);
    if (legal) expect(check).not.toThrow();
    else expect(check).toThrow(/has no effect on/);
  });

  // The table must not claim a policy ignores a key it reads: perturbing every key a policy is
  // said not to apply must leave every outcome exactly as it was.
  const perturbed: { [K in keyof SimConfig]?: SimConfig[K] } = {
    shards: 3,
    k: 1,
    shardCostMs: 0.5,
    strict: true,
    ramMb: 600,
    swapMb: 0,
    swapMbPerMs: 0.01,
    idleList: true,
    idleFreeShare: 0.9,
    idleStepShare: 0.5,
    budgetsUsd: { "tenant-0": 0 },
    memoryMb: 4096,
    concurrencyCap: 3,
    timeoutMs: 500,
    coldStartMs: 40,
    keepAliveMs: 0,
  };
  it.each(Object.keys(simPolicies) as SimPolicyName[])("sim:%s ignores every key the table says it does not apply", async (policy) => {
    const applied = simConfigKeysApplied[policy] as readonly string[];
    const ignored = (Object.keys(perturbed) as (keyof SimConfig)[]).filter((key) => !applied.includes(key));
    const scenario = { policy, trace: { invocations: 3000, memMaxMb: 500, phases: [{ tick: 0, load: 1.1 }] }, seed: 3 } as const;
    const base = await simulate({ ...scenario, sim: { machines: 4, cores: 2 } });
    const changed = await simulate({ ...scenario, sim: { machines: 4, cores: 2, ...Object.fromEntries(ignored.map((k) => [k, perturbed[k]])) } });
    expect(changed.sink.outcomes.map((o) => o.outcome)).toEqual(base.sink.outcomes.map((o) => o.outcome));
  });
});

describe("a sweep cell's stored replay command", () => {
  it.each(["sim:edf", "sim:hermod", "sim:xx"])("for %s spells out only options the backend applies, and replays as written", async (backend) => {
    const defaults = Object.fromEntries(
      Object.entries({ ...simOptions, ...syntheticOptions }).flatMap(([flag, d]) => ("default" in d ? [[flag, d.default]] : [])),
    ) as unknown as SweepRunArgs;
    const plan: SweepPlan = { name: "t", grid: { loads: [0.5], backends: [backend], seeds: [1] }, cells: [], args: { ...defaults, machines: 4, invocations: 300 } };
    const command = replayCommandFor(plan, { index: 0, load: 0.5, phases: null, backend, seed: 1, label: "load=0.5 seed=1" });
    expect(command.includes("--shards")).toBe(backend === "sim:xx");
    expect(command.includes("--k")).toBe(backend !== "sim:edf");
    const r = await runMain([...command, "--quiet", "--db", join(tempDir(), "cell.duckdb")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("cluster flags", () => {
  const args = (over: Record<string, unknown> = {}) => withSimDefaults(over);
  it.each([
    [{ machines: 0 }, [], "--machines must be a positive integer (got 0)"],
    [{ cores: 1.5 }, [], "--cores must be a positive integer (got 1.5)"],
    [{ machines: 2, k: 3 }, ["k"], "-k 3 is more than --machines 2"],
    [{ "shard-cost-ms": -1 }, [], "--shard-cost-ms must be >= 0 ms (got -1)"],
    [{ "swap-mb-per-s": -1 }, [], "--swap-mb-per-s must be >= 0 MB/s (got -1)"],
    [{ "idle-free-share": 1 }, [], "--idle-free-share must be in [0, 1) (got 1)"],
  ] as const)("%j is refused", (over, given, message) => {
    expect(simFlagErrors(args(over), given as readonly SimFlag[]).join("; ")).toContain(message);
  });

  it("a default k above the machine count is lowered to it, an explicit one is refused", () => {
    expect(simConfigFromArgs(args({ machines: 1 }), 1, []).k).toBe(1);
    expect(simConfigFromArgs(args({ machines: 5 }), 1, []).k).toBe(simDefaults.k);
    expect(() => simConfigFromArgs(args({ machines: 1, k: 3 }), 1, ["k"])).toThrow(/-k 3 is more than --machines 1/);
  });

  it.each([
    [{ machines: 100, cores: 8, shards: 4 }, 1024 ** 3, null],
    [{ machines: 1e6, cores: 8, shards: 4 }, 1024 ** 3, "at most 209,061 machines fit at --cores 8 and --shards 4"],
    [{ machines: 1, cores: 1e9, shards: 4 }, 1024 ** 3, "even one machine does not fit: lower --cores (at most 2,796,197)"],
  ])("%j within %d bytes: %s", (cluster, budget, message) => {
    const errors = clusterMemoryErrors(cluster, budget);
    if (message === null) expect(errors).toEqual([]);
    else expect(errors.join("")).toContain(message);
  });
});
