import { runSyntheticWork } from "../http/reference-server/synthetic-work.ts";

/** What the `lambda:` backend sends (see `lambdaPayload`): the trace's work and memory for one invocation. */
export interface SyntheticWorkEvent {
  readonly id?: number;
  readonly fn?: string;
  readonly workMs?: number;
  readonly memPeakMb?: number;
  readonly mode?: "cpu" | "sleep";
}

/** Largest work one invocation may ask for: Lambda's own 15-minute limit. */
const maxWorkMs = 900_000;

/**
 * The reference function server's work routine as a Lambda handler (bundled into the deployment
 * zip by `xxbench lambda deploy`): it grows memory to `memPeakMb` and works for `workMs` on the
 * CPU clock, or sleeps for it in `sleep` mode (the seeds' probe). It answers what it did, so a
 * run can compare the function's own account with the REPORT line's.
 */
export async function handler(event: SyntheticWorkEvent): Promise<{ id?: number; execMs: number; cpuMs: number; memMb: number }> {
  const workMs = Math.min(maxWorkMs, Math.max(0, Number(event.workMs ?? 0)));
  const memMb = Math.max(0, Number(event.memPeakMb ?? 0));
  if (!Number.isFinite(workMs) || !Number.isFinite(memMb)) throw new Error(`workMs and memPeakMb must be numbers (got ${String(event.workMs)}, ${String(event.memPeakMb)})`);
  const done = await runSyntheticWork({ workMs, memMb, mode: event.mode === "sleep" ? "sleep" : "cpu" });
  return { ...(event.id !== undefined ? { id: event.id } : {}), ...done };
}
