import type { Invocation, InvocationBatch, TraceSource } from "../../traces/invocation.ts";
import { SeededRandom } from "../../traces/seeded-random.ts";

/** The seeds' probe (seed 000 §2.2, seed 001 §2.2): a 20 ms sleep at random gaps of up to 10 minutes. */
export interface ProbeSpec {
  readonly invocations: number;
  /** Gaps are uniform in [0, maxGapS] s; 600 in the seeds. */
  readonly maxGapS: number;
  readonly workMs: number;
  readonly memMb: number;
  readonly seed: number;
}

export const probeDefaults = { invocations: 100, maxGapS: 600, workMs: 20, memMb: 16 } as const;

/** One problem per line in flag units, empty when the spec is sound. */
export function probeSpecErrors(spec: ProbeSpec): string[] {
  const errors: string[] = [];
  if (!Number.isInteger(spec.invocations) || spec.invocations < 1 || spec.invocations > 100_000) errors.push(`--invocations must be a whole number from 1 to 100000 (got ${spec.invocations})`);
  if (!(spec.maxGapS >= 0 && spec.maxGapS <= 86_400)) errors.push(`--max-gap-s must be from 0 to 86400 s (got ${spec.maxGapS})`);
  if (!(spec.workMs >= 0 && spec.workMs <= 900_000)) errors.push(`--work-ms must be from 0 to 900000 ms (got ${spec.workMs})`);
  return errors;
}

/**
 * The probe as a trace: the first invocation at 0, each next one a gap drawn uniformly from
 * [0, maxGapS] later (its own seeded stream, "probe-gaps"), so with the seeds' 10 minutes about
 * half the gaps outlast a typical keep-alive and find the function cold. All invocations are one
 * function in class 0; the `lambda:` backend is run with `mode=sleep` so the work is a sleep.
 */
export function probeTrace(spec: ProbeSpec): TraceSource {
  return {
    kind: "lambda-probe",
    spec: { ...spec },
    prices: [1],
    expectedInvocations: spec.invocations,
    open: () => probeStream(spec),
  };
}

async function* probeStream(spec: ProbeSpec): AsyncGenerator<InvocationBatch> {
  const gaps = SeededRandom.forPurpose(spec.seed, "probe-gaps");
  let at = 0;
  let batch: Invocation[] = [];
  for (let id = 0; id < spec.invocations; id++) {
    if (id > 0) at += gaps.next() * spec.maxGapS * 1000;
    batch.push({ id, arrivalMs: at, tenant: "probe", app: "probe", fn: "probe", priceClass: 0, workMs: spec.workMs, memStartMb: spec.memMb, memPeakMb: spec.memMb });
    if (batch.length === 1024) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
