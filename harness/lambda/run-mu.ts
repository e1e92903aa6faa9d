import { MuLambdaBackend, type MuLambdaOptions } from "../../adapters/lambda/mu/mu-lambda-backend.ts";
import { muTaskTrace } from "../../adapters/lambda/mu/mu-task-trace.ts";
import { replay, type ReplayedRun } from "../replay/replay.ts";
import type { RunStore } from "../store/run-store.ts";

/** `xxbench lambda mu` runs are stored under this sweep. */
export const muSweep = "lambda-mu";

export interface MuRunRequest {
  readonly store: RunStore;
  readonly tasks: number;
  readonly options: MuLambdaOptions;
  readonly signal: AbortSignal;
  readonly command?: readonly string[];
}

/** Seed 004's thumbnailer experiment through μ on a Lambda API, stored as one run of the `lambda-mu` sweep. */
export async function runMuLambda(request: MuRunRequest): Promise<ReplayedRun> {
  const { options } = request;
  const trace = muTaskTrace({ tasks: request.tasks, sourcePx: options.sourcePx, thumbPx: options.thumbPx, seed: options.seed });
  const backend = new MuLambdaBackend(options, trace.prices);
  const [run] = await replay({
    store: request.store,
    trace,
    backends: [backend],
    seed: options.seed,
    signal: request.signal,
    sweep: muSweep,
    label: `mu n=${request.tasks} ${options.memoryMb}MB cap=${options.concurrencyCap}`,
    ...(request.command ? { command: request.command } : {}),
  });
  return run!;
}
