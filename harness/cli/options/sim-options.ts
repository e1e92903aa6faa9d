import { simDefaults, validateSimConfig, type SimConfig } from "../../../adapters/sim/sim-config.ts";
import { throwIfErrors } from "../usage-error.ts";

export const simOptions = {
  machines: { type: "number", default: simDefaults.machines, describe: "Simulated machines", group: "Cluster:" },
  cores: { type: "number", default: simDefaults.cores, describe: "Cores per machine", group: "Cluster:" },
  shards: { type: "number", default: simDefaults.shards, describe: "XX global scheduler shards", group: "Cluster:" },
  k: { type: "number", default: simDefaults.k, describe: "Machines polled per power-of-k placement", group: "Cluster:" },
  "shard-cost-ms": { type: "number", default: simDefaults.shardCostMs, describe: "Virtual ms an XX shard spends per placement", group: "Cluster:" },
  strict: { type: "boolean", default: simDefaults.strict, describe: "XX shards pick the highest class, not max price × wait", group: "Cluster:" },
  "sample-ms": { type: "number", default: simDefaults.sampleIntervalMs, describe: "Machine sample interval in virtual ms (0: none)", group: "Cluster:" },
} as const;

export interface SimArgs {
  readonly machines: number;
  readonly cores: number;
  readonly shards: number;
  readonly k: number;
  readonly "shard-cost-ms": number;
  readonly strict: boolean;
  readonly "sample-ms": number;
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
    seed,
  };
  throwIfErrors(validateSimConfig(config));
  return config;
}
