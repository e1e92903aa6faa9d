import { lambdaArchitectures, type LambdaArchitecture } from "./lambda-prices.ts";
import type { LambdaWorkMode } from "./lambda-invoker.ts";

/** A bad `lambda:` backend id: one line naming it. */
export class LambdaTargetError extends Error {
  override readonly name = "LambdaTargetError";
}

/**
 * What `lambda:REGION[?key=value&…]` names. The options ride on the id so a replay of several
 * backends can give each its own: `arch` (x86_64 | arm64, the deployed function's, for its
 * price), `retries` (bounded retries of throttles and 5xx, default 0), `mode` (cpu | sleep, how
 * the synthetic-work function works), `function` (one function for every invocation) and
 * `memory` (the deployed function's configured MB, default 128: what the pre-flight estimate
 * and `--max-cost` bill; the rows are billed from the REPORT line's own Memory Size).
 */
export interface LambdaTarget {
  readonly region: string;
  readonly arch: LambdaArchitecture;
  readonly retries: number;
  readonly workMode: LambdaWorkMode;
  readonly functionName?: string;
  readonly memoryMb: number;
}

const regionPattern = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const keys = ["arch", "retries", "mode", "function", "memory"] as const;

export function parseLambdaTarget(spec: string): LambdaTarget {
  const [region = "", query = ""] = spec.split("?", 2);
  const where = `backend lambda:${spec}`;
  if (!regionPattern.test(region)) throw new LambdaTargetError(`${where}: "${region}" is not an AWS region (e.g. lambda:eu-west-3)`);
  const params = new URLSearchParams(query);
  for (const key of params.keys()) {
    if (!(keys as readonly string[]).includes(key)) throw new LambdaTargetError(`${where}: unknown option "${key}" (known: ${keys.join(", ")})`);
  }
  const arch = params.get("arch") ?? "x86_64";
  if (!(lambdaArchitectures as readonly string[]).includes(arch)) throw new LambdaTargetError(`${where}: arch must be ${lambdaArchitectures.join(" or ")} (got ${arch})`);
  const retriesText = params.get("retries") ?? "0";
  const retries = Number(retriesText);
  if (!/^\d+$/.test(retriesText) || retries > 10) throw new LambdaTargetError(`${where}: retries must be a whole number from 0 to 10 (got ${retriesText})`);
  const mode = params.get("mode") ?? "cpu";
  if (mode !== "cpu" && mode !== "sleep") throw new LambdaTargetError(`${where}: mode must be cpu or sleep (got ${mode})`);
  const functionName = params.get("function");
  const memoryText = params.get("memory") ?? "128";
  const memoryMb = Number(memoryText);
  if (!/^\d+$/.test(memoryText) || memoryMb < 128 || memoryMb > 10240) throw new LambdaTargetError(`${where}: memory must be whole MB from 128 to 10240 (got ${memoryText})`);
  return { region, arch: arch as LambdaArchitecture, retries, workMode: mode, memoryMb, ...(functionName ? { functionName } : {}) };
}
