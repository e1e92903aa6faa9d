import type { Outcome } from "../../../adapters/backend.ts";
import type { RunStore } from "../../../harness/store/run-store.ts";
import type { Invocation } from "../../../traces/invocation.ts";

/**
 * What a network driver would have recorded for one invocation: these tests write stand-in rows
 * for a network run by hand, since the real driver and http backend are built elsewhere.
 */
export type StandInSend =
  | { readonly kind: "sent"; readonly latenessMs: number; readonly responseMs: number; readonly status?: "ok" | "failed" | "timeout" | "throttled" }
  | { readonly kind: "dropped" };

export interface StandInRun {
  readonly backend: string;
  readonly streamDigest: string;
  readonly degraded?: string;
  readonly manifest?: unknown;
}

/**
 * Writes a complete network run through the real store API (beginRun, openRunWriter, outcome,
 * completeRun): sent_ms = arrival + lateness, end = sent + response, no machine or class samples.
 */
export async function writeStandInNetworkRun(
  store: RunStore,
  run: StandInRun,
  invocations: readonly Invocation[],
  send: (inv: Invocation, index: number) => StandInSend,
): Promise<number> {
  const manifest = run.manifest ?? {};
  const runId = await store.beginRun({ backend: run.backend, traceKind: "synthetic", seed: 1, config: {}, manifest });
  const writer = await store.openRunWriter(runId);
  invocations.forEach((inv, i) => {
    const s = send(inv, i);
    const outcome: Outcome =
      s.kind === "dropped"
        ? { status: "dropped", preemptions: 0, swappedOutMb: 0, costMicroCents: 0 }
        : {
            status: s.status ?? "ok",
            sentMs: inv.arrivalMs + s.latenessMs,
            endMs: inv.arrivalMs + s.latenessMs + s.responseMs,
            ...(s.status === undefined || s.status === "ok" ? { httpStatus: 200, serverQueueMs: 0, serverExecMs: s.responseMs / 2 } : s.status === "timeout" ? {} : { httpStatus: s.status === "throttled" ? 429 : 500 }),
            preemptions: 0,
            swappedOutMb: 0,
            costMicroCents: 0,
          };
    writer.outcome(inv, outcome);
  });
  await writer.close();
  await store.completeRun(runId, {
    invocations: invocations.length,
    streamDigest: run.streamDigest,
    wallMs: 1,
    manifest,
    ...(run.degraded !== undefined ? { degraded: run.degraded } : {}),
  });
  return runId;
}

/** The invocations a stored run replayed, read back as the stream they came from (for a second run on the identical stream). */
export async function storedStream(store: RunStore, runId: number): Promise<Invocation[]> {
  const rows = await store.query(
    `SELECT invocation_id::DOUBLE AS id, arrival_ms, tenant, app, fn, price_class::INTEGER AS price_class, work_ms, mem_start_mb, mem_peak_mb, parent_id::DOUBLE AS parent_id
     FROM invocations WHERE run_id = ${Math.floor(runId)} ORDER BY arrival_ms, invocation_id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    arrivalMs: Number(r.arrival_ms),
    tenant: String(r.tenant),
    app: String(r.app),
    fn: String(r.fn),
    priceClass: Number(r.price_class),
    workMs: Number(r.work_ms),
    memStartMb: Number(r.mem_start_mb),
    memPeakMb: Number(r.mem_peak_mb),
    ...(r.parent_id === null ? {} : { parentId: Number(r.parent_id) }),
  }));
}
