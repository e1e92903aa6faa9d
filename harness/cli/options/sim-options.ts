import { simDefaults, validateSimConfig, type SimConfig } from "../../../adapters/sim/sim-config.ts";
import { throwIfErrors, UsageError } from "../usage-error.ts";

export const simOptions = {
  machines: { type: "number", default: simDefaults.machines, describe: "Simulated machines", group: "Cluster:" },
  cores: { type: "number", default: simDefaults.cores, describe: "Cores per machine", group: "Cluster:" },
  shards: { type: "number", default: simDefaults.shards, describe: "XX global scheduler shards", group: "Cluster:" },
  k: { type: "number", default: simDefaults.k, describe: "Machines polled per power-of-k placement", group: "Cluster:" },
  "shard-cost-ms": { type: "number", default: simDefaults.shardCostMs, describe: "Virtual ms an XX shard spends per placement (default: Dirigent's measured 2,500/s; 0: placed on arrival)", group: "Cluster:" },
  strict: { type: "boolean", default: simDefaults.strict, describe: "XX shards pick the highest class, not max price × wait (needs a shard cost > 0)", group: "Cluster:" },
  "sample-ms": { type: "number", default: simDefaults.sampleIntervalMs, describe: "Machine sample interval in virtual ms (0: none)", group: "Cluster:" },
  "ram-gb": { type: "number", describe: "RAM per machine in GB (default: unbounded, memory not modelled; the seeds use 32)", group: "Memory:" },
  "swap-gb": { type: "number", default: simDefaults.swapMb / 1024, describe: "Swap per machine in GB", group: "Memory:" },
  "swap-mb-per-s": { type: "number", default: 0, describe: "Swap bandwidth in MB/s (0: instant, as in the seeds)", group: "Memory:" },
  "idle-list": { type: "boolean", default: simDefaults.idleList, describe: "XX places on idle-list machines first (needs --ram-gb)", group: "Memory:" },
  "idle-free-share": { type: "number", default: simDefaults.idleFreeShare, describe: "Free share of RAM above which a machine lists itself idle (needs --idle-list)", group: "Memory:" },
  budget: { type: "string", array: true, describe: "XX monthly budget: TENANT=USD (repeatable); over its pro-rata line a tenant is demoted, then throttled", group: "Tenants:" },
} as const;

export interface SimArgs {
  readonly machines: number;
  readonly cores: number;
  readonly shards: number;
  readonly k: number;
  readonly "shard-cost-ms": number;
  readonly strict: boolean;
  readonly "sample-ms": number;
  readonly "ram-gb"?: number;
  readonly "swap-gb": number;
  readonly "swap-mb-per-s": number;
  readonly "idle-list": boolean;
  readonly "idle-free-share": number;
  readonly budget?: readonly string[];
}

export function simConfigFromArgs(args: SimArgs, seed: number): SimConfig {
  const config: SimConfig = {
    machines: args.machines,
    cores: args.cores,
    shards: args.shards,
    k: args.k,
    shardCostMs: args["shard-cost-ms"],
    strict: args.strict,
    sampleIntervalMs: args["sample-ms"],
    ramMb: args["ram-gb"] === undefined ? null : args["ram-gb"] * 1024,
    swapMb: args["swap-gb"] * 1024,
    swapMbPerMs: args["swap-mb-per-s"] / 1000,
    idleList: args["idle-list"],
    idleFreeShare: args["idle-free-share"],
    idleStepShare: simDefaults.idleStepShare,
    budgetsUsd: parseBudgets(args.budget ?? []),
    seed,
  };
  throwIfErrors(validateSimConfig(config));
  return config;
}

function parseBudgets(entries: readonly string[]): Record<string, number> {
  const budgets: Record<string, number> = {};
  for (const entry of entries) {
    const m = /^(.+)=(\d+(?:\.\d+)?)$/.exec(entry);
    if (!m) throw new UsageError(`--budget wants TENANT=USD, e.g. tenant-3=25 (got "${entry}")`);
    budgets[m[1]!] = Number(m[2]);
  }
  return budgets;
}
