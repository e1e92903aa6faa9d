import type { RunStatus, RunStore } from "./run-store.ts";

export interface RunListing {
  readonly runId: number;
  readonly batchId: number | null;
  readonly backend: string;
  readonly traceKind: string;
  readonly seed: number;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly wallMs: number | null;
  readonly invocations: number | null;
  readonly streamDigest: string | null;
  readonly label: string | null;
  readonly error: string | null;
  readonly prices: readonly number[];
  /** Why a complete network run's pacing cannot be trusted; null when it can. */
  readonly degraded: string | null;
}

export interface RunSelection {
  /** Explicit run ids. */
  readonly runIds?: readonly number[];
  /** The runs of the most recent batch of complete runs (one replay command). */
  readonly latest?: boolean;
  /** Include runs that are not complete. */
  readonly includeIncomplete?: boolean;
  readonly limit?: number;
}

export async function listRuns(store: RunStore, selection: RunSelection = {}): Promise<RunListing[]> {
  const where: string[] = [];
  if (selection.runIds && selection.runIds.length > 0) where.push(`run_id IN (${selection.runIds.map((id) => Number(id)).join(",")})`);
  if (!selection.includeIncomplete) where.push(`status = 'complete'`);
  if (selection.latest) {
    where.push(`batch_id = (SELECT max(batch_id) FROM runs WHERE status = 'complete')`);
  }
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, batch_id::INTEGER AS batch_id, backend, trace_kind, seed::DOUBLE AS seed, status,
            strftime(started_at, '%Y-%m-%d %H:%M:%S') AS started_at, wall_ms, invocations::DOUBLE AS invocations,
            stream_digest, label, error, json_extract(config, '$.prices')::VARCHAR AS prices, degraded
     FROM runs ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY run_id ${selection.limit !== undefined ? `DESC LIMIT ${Math.floor(selection.limit)}` : ""}`,
  );
  const runs = rows.map((r) => ({
    runId: Number(r.run_id),
    batchId: r.batch_id === null ? null : Number(r.batch_id),
    backend: String(r.backend),
    traceKind: String(r.trace_kind),
    seed: Number(r.seed),
    status: r.status as RunStatus,
    startedAt: String(r.started_at),
    wallMs: r.wall_ms === null ? null : Number(r.wall_ms),
    invocations: r.invocations === null ? null : Number(r.invocations),
    streamDigest: r.stream_digest === null ? null : String(r.stream_digest),
    label: r.label === null ? null : String(r.label),
    error: r.error === null ? null : String(r.error),
    prices: r.prices === null ? [] : (JSON.parse(String(r.prices)) as number[]),
    degraded: r.degraded === null ? null : String(r.degraded),
  }));
  return runs.sort((a, b) => a.runId - b.runId);
}
