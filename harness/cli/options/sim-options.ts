import { simDefaults, validateSimConfig, type SimConfig } from "../../../adapters/sim/sim-config.ts";
import { throwIfErrors, UsageError } from "../usage-error.ts";
import { clusterMemoryErrors, processMemoryBudget } from "./cluster-memory-bound.ts";

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
  "memory-mb": { type: "number", default: simDefaults.memoryMb, describe: "Lambda memory size in MB: vCPUs and price per ms (sim:faas, sim:mu)", group: "Lambda (sim:faas, sim:mu):" },
  "concurrency-cap": { type: "number", default: simDefaults.concurrencyCap, describe: "Most instances in flight at once (faas: invocations, mu: workers)", group: "Lambda (sim:faas, sim:mu):" },
  "timeout-s": { type: "number", default: simDefaults.timeoutMs / 1000, describe: "Function timeout in s (mu stops taking work at 80 % of it)", group: "Lambda (sim:faas, sim:mu):" },
  "cold-start-ms": { type: "number", default: simDefaults.coldStartMs, describe: "Delay before a new instance's handler starts, ms", group: "Lambda (sim:faas, sim:mu):" },
  "keep-alive-s": { type: "number", default: simDefaults.keepAliveMs / 1000, describe: "How long an idle instance stays warm, s", group: "Lambda (sim:faas, sim:mu):" },
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
  readonly "memory-mb": number;
  readonly "concurrency-cap": number;
  readonly "timeout-s": number;
  readonly "cold-start-ms": number;
  readonly "keep-alive-s": number;
}

/** The SimConfig key each cluster flag sets: what the per-backend applicability table is checked against. */
export const simFlagConfigKeys = {
  machines: "machines",
  cores: "cores",
  shards: "shards",
  k: "k",
  "shard-cost-ms": "shardCostMs",
  strict: "strict",
  "sample-ms": "sampleIntervalMs",
  "ram-gb": "ramMb",
  "swap-gb": "swapMb",
  "swap-mb-per-s": "swapMbPerMs",
  "idle-list": "idleList",
  "idle-free-share": "idleFreeShare",
  budget: "budgetsUsd",
  "memory-mb": "memoryMb",
  "concurrency-cap": "concurrencyCap",
  "timeout-s": "timeoutMs",
  "cold-start-ms": "coldStartMs",
  "keep-alive-s": "keepAliveMs",
} as const satisfies Record<keyof typeof simOptions, keyof SimConfig>;

export type SimFlag = keyof typeof simOptions;
const simFlags = Object.keys(simOptions) as SimFlag[];

/**
 * `simOptions` with each default shown in --help but not filled in by yargs, so a handler can
 * tell a flag the user gave (even at its default value) from one left out: an option that no
 * chosen backend applies is refused only when given. Handlers fill the defaults with
 * `withSimDefaults` once they have looked.
 */
export const simOptionsGivenOnly = Object.fromEntries(
  Object.entries(simOptions).map(([flag, definition]) => {
    if (!("default" in definition)) return [flag, definition];
    const { default: value, ...rest } = definition;
    return [flag, { ...rest, defaultDescription: JSON.stringify(value) }];
  }),
) as { [F in SimFlag]: Omit<(typeof simOptions)[F], "default"> & { defaultDescription?: string } };

/** The cluster flags the user gave (a value yargs did not default), each with the SimConfig key it sets. */
export function givenSimOptions(args: Readonly<Record<string, unknown>>): { flag: SimFlag; key: keyof SimConfig }[] {
  return simFlags.filter((flag) => args[flag] !== undefined).map((flag) => ({ flag, key: simFlagConfigKeys[flag] }));
}

/** A flag as the user types it: `-k`, `--machines`. */
export function flagText(flag: string): string {
  return flag.length === 1 ? `-${flag}` : `--${flag}`;
}

/** `args` with every cluster flag the user left out set to its default. */
export function withSimDefaults<T extends Readonly<Record<string, unknown>>>(args: T): T & SimArgs {
  const filled: Record<string, unknown> = { ...args };
  for (const flag of simFlags) {
    const definition = simOptions[flag];
    if (filled[flag] === undefined && "default" in definition) filled[flag] = definition.default;
  }
  return filled as T & SimArgs;
}

/**
 * The simulator's configuration from the cluster flags. Every flag is checked in its own units
 * (GB, s, ms, …) before conversion, so a message quotes what the user typed. An explicit `-k`
 * above `--machines` is refused; the default k is lowered to the machine count, so a one-machine
 * cluster needs no `-k 1`.
 */
export function simConfigFromArgs(args: SimArgs, seed: number, given: readonly SimFlag[] = []): SimConfig {
  throwIfErrors(simFlagErrors(args, given));
  const config: SimConfig = {
    machines: args.machines,
    cores: args.cores,
    shards: args.shards,
    k: Math.min(args.k, args.machines),
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
    memoryMb: args["memory-mb"],
    concurrencyCap: args["concurrency-cap"],
    timeoutMs: args["timeout-s"] * 1000,
    coldStartMs: args["cold-start-ms"],
    keepAliveMs: args["keep-alive-s"] * 1000,
    seed,
  };
  throwIfErrors(validateSimConfig(config));
  throwIfErrors(clusterMemoryErrors(config, processMemoryBudget()));
  return config;
}

/** Every problem with the cluster flags, worded in the flags' own names and units. */
export function simFlagErrors(args: SimArgs, given: readonly SimFlag[]): string[] {
  const errors: string[] = [];
  const positiveInteger = (flag: "machines" | "cores" | "shards" | "k"): void => {
    const v = args[flag];
    if (!(Number.isInteger(v) && v > 0)) errors.push(`${flag === "k" ? "-k" : `--${flag}`} must be a positive integer (got ${v})`);
  };
  positiveInteger("machines");
  positiveInteger("cores");
  positiveInteger("shards");
  positiveInteger("k");
  if (given.includes("k") && Number.isInteger(args.machines) && args.k > args.machines) {
    errors.push(`-k ${args.k} is more than --machines ${args.machines}: power-of-k placement polls k distinct machines`);
  }
  const atLeastZero = (flag: "shard-cost-ms" | "sample-ms" | "swap-gb" | "swap-mb-per-s", unit: string): void => {
    if (!(args[flag] >= 0 && Number.isFinite(args[flag]))) errors.push(`--${flag} must be >= 0${unit} (got ${args[flag]})`);
  };
  atLeastZero("shard-cost-ms", " ms");
  atLeastZero("sample-ms", " ms");
  atLeastZero("swap-gb", " GB");
  atLeastZero("swap-mb-per-s", " MB/s");
  const ram = args["ram-gb"];
  if (ram !== undefined && !(ram > 0 && Number.isFinite(ram))) errors.push(`--ram-gb must be > 0 GB (got ${ram})`);
  const memory = args["memory-mb"];
  if (!(Number.isInteger(memory) && memory >= 128 && memory <= 10240)) errors.push(`--memory-mb must be a whole number of MB in 128–10240, as Lambda allows (got ${memory})`);
  const cap = args["concurrency-cap"];
  if (!(Number.isInteger(cap) && cap > 0)) errors.push(`--concurrency-cap must be a positive integer (got ${cap})`);
  const timeout = args["timeout-s"];
  if (!(timeout > 0 && timeout <= 900)) errors.push(`--timeout-s must be in (0, 900] s, Lambda's range (got ${timeout})`);
  if (!(args["cold-start-ms"] >= 0 && Number.isFinite(args["cold-start-ms"]))) errors.push(`--cold-start-ms must be >= 0 ms (got ${args["cold-start-ms"]})`);
  if (!(args["keep-alive-s"] >= 0 && Number.isFinite(args["keep-alive-s"]))) errors.push(`--keep-alive-s must be >= 0 s (got ${args["keep-alive-s"]})`);
  const share = args["idle-free-share"];
  if (!(share >= 0 && share < 1)) errors.push(`--idle-free-share must be in [0, 1) (got ${share})`);
  return errors;
}

function parseBudgets(entries: readonly string[]): Record<string, number> {
  // No prototype: a tenant named "constructor" or "__proto__" is a tenant like any other.
  const budgets: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const entry of entries) {
    const [, tenant, usd] = /^(.+)=(\d+(?:\.\d+)?)$/.exec(entry) ?? [];
    if (tenant === undefined || usd === undefined) throw new UsageError(`--budget wants TENANT=USD, e.g. tenant-3=25 (got "${entry}")`);
    budgets[tenant] = Number(usd);
  }
  return budgets;
}
