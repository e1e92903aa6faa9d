import { LambdaBackend } from "../../adapters/lambda/lambda-backend.ts";
import { planLambda, type LambdaPlan } from "../../adapters/lambda/lambda-plan.ts";
import { lambdaPrice, type LambdaArchitecture } from "../../adapters/lambda/lambda-prices.ts";
import { probeTrace, type ProbeSpec } from "../../adapters/lambda/probe-trace.ts";
import type { NetworkOptions } from "../../adapters/network/network-options.ts";
import type { NetworkProgressListener } from "../../adapters/network/open-loop-driver.ts";
import { replay, type ReplayedRun } from "../replay/replay.ts";
import type { RunStore } from "../store/run-store.ts";

/** The runs of `xxbench lambda probe` are stored under this sweep: `xxbench report --preset probe` reads them. */
export const probeSweep = "lambda-probe";

export interface ProbeRequest {
  readonly store: RunStore;
  readonly region: string;
  readonly arch: LambdaArchitecture;
  readonly memoryMb: number;
  readonly functionName: string;
  readonly spec: ProbeSpec;
  readonly network: NetworkOptions;
  readonly signal: AbortSignal;
  readonly endpoint?: string;
  readonly command?: readonly string[];
  readonly onProgress?: NetworkProgressListener;
  /** Told the plan before the pre-flight check and the first send. */
  readonly onPlan?: (plan: LambdaPlan) => void;
}

/**
 * The seeds' motivating measurement: the probe trace through `lambda:REGION` in sleep mode,
 * stored as one run of the `lambda-probe` sweep. The target is checked before the run is stored.
 */
export async function runLambdaProbe(request: ProbeRequest): Promise<ReplayedRun> {
  const trace = probeTrace(request.spec);
  const params = new URLSearchParams({ arch: request.arch, mode: "sleep", memory: String(request.memoryMb), function: request.functionName });
  const backend = new LambdaBackend(
    `${request.region}?${params.toString()}`,
    { network: request.network, ...(request.endpoint !== undefined ? { endpoint: request.endpoint } : {}), ...(request.onProgress ? { onProgress: request.onProgress } : {}) },
    trace.prices,
  );
  request.onPlan?.(await planLambda(trace, { region: request.region, memoryMb: request.memoryMb, price: lambdaPrice(request.region) }));
  await backend.preflight(request.signal);
  const [run] = await replay({
    store: request.store,
    trace,
    backends: [backend],
    seed: request.spec.seed,
    signal: request.signal,
    sweep: probeSweep,
    label: `probe n=${request.spec.invocations} gaps≤${request.spec.maxGapS}s`,
    ...(request.command ? { command: request.command } : {}),
  });
  return run!;
}
