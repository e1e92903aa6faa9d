import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Argv } from "yargs";
import { ClusterRunningError, clusterDown, clusterStatus, clusterUp, restartAgent, restartShard } from "../../../adapters/live/cluster-launcher.ts";
import { defaultClusterDir, readClusterState } from "../../../adapters/live/cluster-state.ts";
import { liveWorkModes, type LiveWorkMode } from "../../../adapters/live/function-runtime-protocol.ts";
import { NetnsRefusedError, netnsUnavailableReason } from "../../../adapters/live/network-namespaces.ts";
import { boxSwapMb } from "../../../adapters/live/swapping-note.ts";
import { seedPrices } from "../../../traces/synthetic/synthetic-config.ts";
import { throwIfErrors, UsageError } from "../usage-error.ts";


const dirOption = {
  dir: { type: "string", default: defaultClusterDir, describe: "Directory of the cluster's state file (state.json, with pids and tenant keys) and logs" },
} as const;

interface UpArgs {
  dir: string;
  machines: number;
  cores: number;
  "memory-mb": number;
  "swap-mb": number;
  shards: number;
  prices: string;
  tenants: number;
  "work-mode": string;
  "mem-scale": number;
  k: number;
  strict: boolean;
  "idle-list": boolean;
  warm?: number;
  seed: number;
  "max-work-ms": number;
  "function-module"?: string;
  netns: boolean;
}

const upCommand = {
  command: "up",
  describe: "Start the live XX plane on loopback: shards, one machine agent per machine, a gateway; prints the gateway URL and tenant keys",
  builder: (y: Argv) =>
    y
      .options({
        ...dirOption,
        machines: { type: "number", default: 2, describe: "Machine agents (one process each)" },
        cores: { type: "number", default: 2, describe: "Cores per machine (functions running at once; emulated in timed mode)" },
        "memory-mb": { type: "number", default: 2048, describe: "Real MB of this box each machine may hold in its function processes" },
        "swap-mb": { type: "number", default: 0, describe: "Swap each machine may fill with stopped low-class functions' pages (needs swap on this box; 0: none, memory pressure kills)" },
        shards: { type: "number", default: 1, describe: "Global scheduler shards (one process each)" },
        prices: { type: "string", default: seedPrices.join(","), describe: "Price per class, µ¢ per cpu-second, ascending: the classes and the shards' pick rule (give the trace's --prices)" },
        tenants: { type: "number", default: 10, describe: "Tenants tenant-0 … tenant-(N-1), each given an API key (the synthetic trace's names)" },
        "work-mode": { type: "string", default: "timed", describe: `timed (emulation: work accrues while the function's process is not stopped, burns no CPU) or cpu (CPU-clock work)` },
        "mem-scale": { type: "number", default: 0.01, describe: "A function process grows to memPeakMb × this real MB" },
        k: { type: "number", default: 2, describe: "Machines sampled per power-of-k placement" },
        strict: { type: "boolean", default: false, describe: "Shards take the highest class first instead of the largest price × time waited" },
        "idle-list": { type: "boolean", default: false, describe: "Machines list themselves on shard idle lists by free memory read from the kernel (off by default, like sim:xx)" },
        warm: { type: "number", describe: "Function processes each agent starts up front (default 2 × --cores)" },
        seed: { type: "number", default: 1, describe: "Seed for placement and idle-list choices" },
        "max-work-ms": { type: "number", default: 60_000, describe: "The gateway refuses (400) invocations with more work than this" },
        "function-module": { type: "string", describe: "An ES module exporting handler(payload, {workMs, memMb}): run for each invocation instead of synthetic work; its return value is the result" },
        netns: { type: "boolean", default: false, describe: "Run each machine agent in its own network namespace, joined by a veth pair with addresses in a free 10.213.S.0/24 (root only; routes checked before any traffic; cluster down deletes them). Default: all on loopback" },
      })
      .example("sudo $0 cluster up --netns --machines 2", "placement crosses a real network stack: gateway and shards in this namespace, each agent in its own")
      .example("$0 cluster up --machines 2 --cores 2", "2 machines × 2 cores, timed work, one shard"),
  handler: async (args: UpArgs) => {
    const errors: string[] = [];
    const positiveInt = (flag: string, value: number, max: number): void => {
      if (!(Number.isInteger(value) && value >= 1 && value <= max)) errors.push(`--${flag} must be an integer in 1..${max} (got ${value})`);
    };
    positiveInt("machines", args.machines, 64);
    positiveInt("cores", args.cores, 256);
    positiveInt("shards", args.shards, 16);
    const prices = args.prices.split(",").map((p) => Number(p.trim()));
    if (!(prices.length >= 1 && prices.length <= 16 && prices.every((p, i) => Number.isFinite(p) && p > 0 && (i === 0 || p >= prices[i - 1]!)))) errors.push(`--prices must be 1 to 16 positive numbers, ascending (got ${args.prices})`);
    positiveInt("tenants", args.tenants, 1000);
    positiveInt("k", args.k, 64);
    if (!(Number.isFinite(args["memory-mb"]) && args["memory-mb"] >= 64)) errors.push(`--memory-mb must be ≥ 64 MB (got ${args["memory-mb"]})`);
    if (!(Number.isFinite(args["swap-mb"]) && args["swap-mb"] >= 0)) errors.push(`--swap-mb must be ≥ 0 MB (got ${args["swap-mb"]})`);
    else if (args["swap-mb"] > 0 && boxSwapMb() === 0) errors.push(`--swap-mb ${args["swap-mb"]} needs swap on this machine, which has none (/proc/meminfo SwapTotal 0)`);
    if (!(Number.isFinite(args["mem-scale"]) && args["mem-scale"] >= 0 && args["mem-scale"] <= 1)) errors.push(`--mem-scale must be in 0..1 (got ${args["mem-scale"]})`);
    if (!(liveWorkModes as readonly string[]).includes(args["work-mode"])) errors.push(`--work-mode must be ${liveWorkModes.join(" or ")} (got ${args["work-mode"]})`);
    const warm = args.warm ?? 2 * args.cores;
    if (!(Number.isInteger(warm) && warm >= 0 && warm <= 512)) errors.push(`--warm must be an integer in 0..512 (got ${warm})`);
    if (!(Number.isFinite(args["max-work-ms"]) && args["max-work-ms"] > 0)) errors.push(`--max-work-ms must be > 0 ms (got ${args["max-work-ms"]})`);
    const functionModule = args["function-module"] === undefined ? undefined : resolve(args["function-module"]);
    if (functionModule !== undefined && !existsSync(functionModule)) errors.push(`--function-module ${args["function-module"]} does not exist`);
    if (args.netns) {
      const unavailable = netnsUnavailableReason();
      if (unavailable !== undefined) errors.push(unavailable);
    }
    throwIfErrors(errors);
    let state;
    try {
      state = await clusterUp({
        dir: args.dir,
        machines: args.machines,
        cores: args.cores,
        memoryMb: args["memory-mb"],
        swapMb: args["swap-mb"],
        shards: args.shards,
        prices,
        tenants: Array.from({ length: args.tenants }, (_, t) => `tenant-${t}`),
        workMode: args["work-mode"] as LiveWorkMode,
        memScale: args["mem-scale"],
        k: args.k,
        strict: args.strict,
        idleList: args["idle-list"],
        warm,
        seed: args.seed,
        maxWorkMs: args["max-work-ms"],
        ...(functionModule !== undefined ? { functionModule } : {}),
        netns: args.netns,
      });
    } catch (error) {
      if (error instanceof ClusterRunningError || error instanceof NetnsRefusedError) throw new UsageError(error.message);
      throw error;
    }
    const out = process.stdout;
    out.write(`gateway ${state.gatewayUrl}\n`);
    out.write(`${args.shards} shard${args.shards === 1 ? "" : "s"}, ${args.machines} machines × ${args.cores} cores × ${args["memory-mb"]} MB, work mode ${args["work-mode"]}${args["work-mode"] === "timed" ? " (emulation)" : ""}\n`);
    out.write(`swapping: ${String(state.config.swapping)}\n`);
    for (const m of state.network?.machines ?? []) out.write(`machine ${m.machine} in network namespace ${m.namespace}: ${m.namespaceAddress} via veth ${m.rootDevice} (${m.rootAddress}); shards on ${state.network!.serviceAddress}\n`);
    for (const [tenant, key] of Object.entries(state.keys)) out.write(`key ${tenant} ${key}\n`);
    out.write(`state ${args.dir}/state.json (xxbench replay --backend live:${state.gatewayUrl} reads the keys from it; stop with xxbench cluster down)\n`);
  },
};

const downCommand = {
  command: "down",
  describe: "Stop the live plane started from --dir, by the pids in its state file",
  builder: (y: Argv) => y.options(dirOption),
  handler: async (args: { dir: string }) => {
    const stopped = await clusterDown(args.dir);
    process.stdout.write(stopped === 0 ? `no running cluster in ${args.dir}\n` : `stopped ${stopped} components\n`);
  },
};

const statusCommand = {
  command: "status",
  describe: "Show each component of the live plane: alive, its machines and queues",
  builder: (y: Argv) => y.options(dirOption),
  handler: async (args: { dir: string }) => {
    const state = readClusterState(args.dir);
    if (!state) throw new UsageError(`no cluster state in ${args.dir} (start one with xxbench cluster up)`);
    process.stdout.write(`gateway ${state.gatewayUrl} (started ${state.startedAt})\n`);
    for (const c of await clusterStatus(state)) {
      const name = c.record.role === "gateway" ? "gateway" : `${c.record.role} ${c.record.index}`;
      const s = c.status;
      let detail = c.alive ? (c.error ?? "") : "not running";
      if (s && c.record.role === "agent") detail = `running ${s.running}/${s.cores}, waiting ${s.waiting}, resident ${s.residentMb} MB, processes ${s.processes}, ok ${s.ok}, failed ${s.failed}, preemptions ${s.preemptions}`;
      if (s && c.record.role === "shard") {
        const machines = (s.machines as { machine: number; up: boolean; load: number | null; idleListed: boolean }[]).map((m) => `m${m.machine}:${m.up ? `load ${m.load}${m.idleListed ? " idle" : ""}` : "down"}`);
        detail = `queued ${s.queued}, placed ${s.placed}, registrations ${s.registrations}, idle list ${s.idleListSize} [${machines.join(" ")}]`;
      }
      if (s && c.record.role === "gateway") detail = `ok ${s.ok}, refused ${s.refused}, failed ${s.failed}, retried ${s.retried}, routed around a shard ${s.shardRetries}`;
      if (c.record.restarts) detail += ` (restarted ${c.record.restarts}×)`;
      process.stdout.write(`${name.padEnd(10)} pid ${String(c.record.pid).padEnd(8)} ${c.record.url.padEnd(26)} ${detail}\n`);
    }
  },
};

interface RestartArgs {
  dir: string;
  shard?: number;
  machine?: number;
}

const restartCommand = {
  command: "restart",
  describe: "Start a shard or machine agent that died again, with its recorded options (a shard on its old port, so the gateway and agents reach it as before)",
  builder: (y: Argv) =>
    y
      .options({
        ...dirOption,
        shard: { type: "number", describe: "The shard to start again" },
        machine: { type: "number", describe: "The machine agent to start again" },
      })
      .example("$0 cluster restart --shard 0", "the agents re-register with it within about a second (their heartbeat)"),
  handler: async (args: RestartArgs) => {
    if ((args.shard === undefined) === (args.machine === undefined)) throw new UsageError("name one component: --shard S or --machine M");
    const state = readClusterState(args.dir);
    if (!state) throw new UsageError(`no cluster state in ${args.dir} (start one with xxbench cluster up)`);
    const role = args.shard !== undefined ? "shard" : "agent";
    const index = (args.shard ?? args.machine)!;
    const flag = role === "shard" ? "--shard" : "--machine";
    const count = state.components.filter((c) => c.role === role).length;
    if (!(Number.isInteger(index) && index >= 0 && index < count)) throw new UsageError(`${flag} must be an integer in 0..${count - 1} (got ${index})`);
    let record;
    try {
      record = role === "shard" ? await restartShard(args.dir, index) : await restartAgent(args.dir, index);
    } catch (error) {
      // Still running: the operator's mistake, said in one line.
      if (error instanceof Error && / still runs /.test(error.message)) throw new UsageError(`${error.message}; stop it first`);
      throw error;
    }
    process.stdout.write(`${role === "shard" ? "shard" : "machine"} ${index} started again: pid ${record.pid}, ${record.url}\n`);
  },
};

export const clusterCommand = {
  command: "cluster",
  describe: "The live XX control plane on loopback (cluster up, down, status, restart)",
  builder: (y: Argv) => y.command(upCommand).command(downCommand).command(statusCommand).command(restartCommand).demandCommand(1, "name a cluster command: up, down, status, restart"),
  handler: () => {},
};
