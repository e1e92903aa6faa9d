import type { Invocation, InvocationBatch, TraceSource } from "../../../traces/invocation.ts";

/** Seed 004's experiment: N thumbnailer tasks submitted at once (§4.1: 100 of them). */
export interface MuTaskTraceSpec {
  readonly tasks: number;
  readonly sourcePx: number;
  readonly thumbPx: number;
  readonly seed: number;
}

/**
 * The μ run's stream: `tasks` invocations all arriving at 0 (the paper submits a batch and
 * measures its completion), one function in class 0. The task itself (the image's size and
 * pixels) is in the spec and the backend's config, so the stored run can be rebuilt.
 */
export function muTaskTrace(spec: MuTaskTraceSpec): TraceSource {
  return {
    kind: "mu-thumbnail",
    spec: { ...spec },
    prices: [1],
    expectedInvocations: spec.tasks,
    open: () => muTaskStream(spec),
  };
}

async function* muTaskStream(spec: MuTaskTraceSpec): AsyncGenerator<InvocationBatch> {
  let batch: Invocation[] = [];
  for (let id = 0; id < spec.tasks; id++) {
    batch.push({ id, arrivalMs: 0, tenant: "mu", app: "mu", fn: "thumbnail", priceClass: 0, workMs: 0, memStartMb: 0, memPeakMb: 0 });
    if (batch.length === 1024) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
