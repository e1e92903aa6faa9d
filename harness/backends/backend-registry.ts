import type { Backend } from "../../adapters/backend.ts";
import { isSimPolicyName, simPolicies } from "../../adapters/sim/policies/index.ts";
import { SimBackend } from "../../adapters/sim/sim-backend.ts";
import type { SimConfig } from "../../adapters/sim/sim-config.ts";
import { UsageError } from "../cli/usage-error.ts";

export interface BackendContext {
  readonly sim: SimConfig;
  readonly prices: readonly number[];
}

/** Every backend id the harness can build, with what it is. */
export function knownBackends(): Record<string, string> {
  return Object.fromEntries(Object.entries(simPolicies).map(([name, p]) => [`sim:${name}`, p.describe]));
}

export function createBackend(id: string, context: BackendContext): Backend {
  const [kind, rest] = splitOnce(id, ":");
  if (kind === "sim" && isSimPolicyName(rest)) return new SimBackend(rest, context.sim, context.prices);
  throw new UsageError(`unknown backend "${id}"; known: ${Object.keys(knownBackends()).join(", ")}`);
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + 1)];
}
