import type { RunStore } from "../store/run-store.ts";

/** How many invocations a network run meant to send, and actually sent, in one second of the run. */
export interface SecondRate {
  readonly runId: number;
  /** Whole seconds from the run's start on the driver's clock (the second [s, s + 1)). */
  readonly second: number;
  /** Invocations whose intended send time (`arrival_ms`) fell in the second, dropped ones included. */
  readonly intended: number;
  /** Requests that actually left in the second (`sent_ms`). */
  readonly sent: number;
}

/**
 * Intended and achieved sends per second for each run, every second from the first to the last
 * that holds either, zeros included: a second in which the driver sent nothing is the finding,
 * and a chart drawn from missing rows would bridge it with a line.
 */
export async function sendRatePerSecond(store: RunStore, runIds: readonly number[]): Promise<SecondRate[]> {
  if (runIds.length === 0) return [];
  const ids = runIds.map((id) => Math.floor(id)).join(",");
  const rows = await store.query(
    `WITH marks AS (
       SELECT run_id, floor(arrival_ms / 1000)::BIGINT AS s, 1 AS intended, 0 AS sent FROM invocations WHERE run_id IN (${ids})
       UNION ALL
       SELECT run_id, floor(sent_ms / 1000)::BIGINT AS s, 0, 1 FROM invocations WHERE run_id IN (${ids}) AND sent_ms IS NOT NULL
     ), counted AS (
       SELECT run_id, s, sum(intended) AS intended, sum(sent) AS sent FROM marks GROUP BY ALL
     ), spans AS (
       SELECT run_id, min(s) AS first_s, max(s) AS last_s FROM counted GROUP BY ALL
     ), seconds AS (
       SELECT run_id, unnest(range(first_s, last_s + 1)) AS s FROM spans
     )
     SELECT run_id::INTEGER AS run_id, s::DOUBLE AS s, coalesce(c.intended, 0)::DOUBLE AS intended, coalesce(c.sent, 0)::DOUBLE AS sent
     FROM seconds LEFT JOIN counted c USING (run_id, s)
     ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ runId: Number(r.run_id), second: Number(r.s), intended: Number(r.intended), sent: Number(r.sent) }));
}
