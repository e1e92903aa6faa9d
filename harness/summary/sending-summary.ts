import type { RunStore } from "../store/run-store.ts";
import { sendRatePerSecond, type SecondRate } from "./send-rate.ts";

/**
 * How faithfully a network run's driver sent the trace: what it sent and dropped, how late, and at
 * what rate against the intended one. Only network runs have one (their rows carry `sent_ms`, or
 * the `dropped` status); a simulator "sends" every invocation exactly on time by construction.
 */
export interface SendingSummary {
  readonly runId: number;
  readonly backend: string;
  /** Why the run's pacing cannot be trusted, in words (`runs.degraded`); null when it can. */
  readonly degraded: string | null;
  /** Every invocation the run was given (= intended sends). */
  readonly invocations: number;
  readonly sent: number;
  /** Never sent: the driver's in-flight bound was full. */
  readonly dropped: number;
  readonly ok: number;
  readonly failed: number;
  readonly timeout: number;
  readonly throttled: number;
  readonly killed: number;
  /** Lateness = actual − intended send time, over sent requests (≤ 0 is on time). */
  readonly latenessP50Ms: number | null;
  readonly latenessP99Ms: number | null;
  readonly latenessMaxMs: number | null;
  /** Response time = end − actual send, over completed (`ok`) requests: what the target alone took. */
  readonly responseP50Ms: number | null;
  readonly responseP99Ms: number | null;
  /** Latency = end − intended send, over completed requests: corrected for coordinated omission. */
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
  /** Intended sends per second from the first intended send to the last (see `ratePerS`). */
  readonly intendedPerS: number;
  /** Actual sends per second from the first actual send to the last. */
  readonly achievedPerS: number;
  /** The second where sent and intended differ most (the earliest such); null when every second matches. */
  readonly worstSecond: SecondRate | null;
}

/**
 * One row per network run among `runIds` (simulator runs are left out), in run-id order. Quantiles
 * are DuckDB's `quantile_cont` over the stored rows, the definition `xxbench summary` uses for
 * latency; the driver's own degraded check reads its HDR histogram (3 significant digits), so the
 * p99 in a degraded reason and the one here may differ in the fourth digit.
 */
export async function sendingSummaries(store: RunStore, runIds: readonly number[]): Promise<SendingSummary[]> {
  if (runIds.length === 0) return [];
  const rows = await store.query(
    `SELECT o.run_id::INTEGER AS run_id, r.backend, r.degraded,
            count(*)::DOUBLE AS n,
            count(o.sent_ms)::DOUBLE AS sent,
            count(*) FILTER (WHERE o.status = 'dropped')::DOUBLE AS dropped,
            count(*) FILTER (WHERE o.status = 'ok')::DOUBLE AS ok,
            count(*) FILTER (WHERE o.status = 'failed')::DOUBLE AS failed,
            count(*) FILTER (WHERE o.status = 'timeout')::DOUBLE AS timeout,
            count(*) FILTER (WHERE o.status = 'throttled')::DOUBLE AS throttled,
            count(*) FILTER (WHERE o.status = 'killed')::DOUBLE AS killed,
            quantile_cont(o.lateness_ms, 0.5) AS late_p50,
            quantile_cont(o.lateness_ms, 0.99) AS late_p99,
            max(o.lateness_ms) AS late_max,
            quantile_cont(o.response_ms, 0.5) FILTER (WHERE o.status = 'ok') AS resp_p50,
            quantile_cont(o.response_ms, 0.99) FILTER (WHERE o.status = 'ok') AS resp_p99,
            quantile_cont(o.latency_ms, 0.5) FILTER (WHERE o.status = 'ok') AS lat_p50,
            quantile_cont(o.latency_ms, 0.99) FILTER (WHERE o.status = 'ok') AS lat_p99,
            (max(o.arrival_ms) - min(o.arrival_ms))::DOUBLE AS intended_span_ms,
            (max(o.sent_ms) - min(o.sent_ms))::DOUBLE AS sent_span_ms
     FROM outcomes o JOIN runs r USING (run_id)
     WHERE o.run_id IN (SELECT unnest($ids::INTEGER[]))
     GROUP BY ALL
     HAVING count(o.sent_ms) > 0 OR count(*) FILTER (WHERE o.status = 'dropped') > 0
     ORDER BY 1`,
    { ids: `[${runIds.map((id) => Math.floor(id)).join(",")}]` },
  );
  const seconds = await sendRatePerSecond(store, rows.map((r) => Number(r.run_id)));
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => {
    const runId = Number(r.run_id);
    const sent = Number(r.sent);
    return {
      runId,
      backend: String(r.backend),
      degraded: r.degraded === null || r.degraded === undefined ? null : String(r.degraded),
      invocations: Number(r.n),
      sent,
      dropped: Number(r.dropped),
      ok: Number(r.ok),
      failed: Number(r.failed),
      timeout: Number(r.timeout),
      throttled: Number(r.throttled),
      killed: Number(r.killed),
      latenessP50Ms: num(r.late_p50),
      latenessP99Ms: num(r.late_p99),
      latenessMaxMs: num(r.late_max),
      responseP50Ms: num(r.resp_p50),
      responseP99Ms: num(r.resp_p99),
      latencyP50Ms: num(r.lat_p50),
      latencyP99Ms: num(r.lat_p99),
      intendedPerS: ratePerS(Number(r.n), num(r.intended_span_ms)),
      achievedPerS: ratePerS(sent, num(r.sent_span_ms)),
      worstSecond: worstSecond(seconds.filter((s) => s.runId === runId)),
    };
  });
}

/**
 * Events per second over the span from the first to the last: n events span n − 1 gaps, so 100
 * sends 10 ms apart are 100/s (the network driver's own definition, so the two agree). Fewer than
 * two events, or all at one instant, have no rate: 0.
 */
export function ratePerS(count: number, spanMs: number | null): number {
  if (count < 2 || spanMs === null || !(spanMs > 0)) return 0;
  return ((count - 1) * 1000) / spanMs;
}

function worstSecond(seconds: readonly SecondRate[]): SecondRate | null {
  let worst: SecondRate | null = null;
  for (const s of seconds) {
    const gap = Math.abs(s.sent - s.intended);
    if (gap > 0 && (worst === null || gap > Math.abs(worst.sent - worst.intended))) worst = s;
  }
  return worst;
}
