import type { RunStore } from "../../harness/store/run-store.ts";
import { significant } from "../significant.ts";

/** A run's freshen switch and its own accounting, as the run's manifest keeps them. */
export interface FreshenRunFacts {
  readonly runId: number;
  /** The backend's policy and cluster config without the freshen key: what a partner must share. */
  readonly configKey: string;
  /** The freshen config, or null for a run with freshen off. */
  readonly freshen: Readonly<Record<string, unknown>> | null;
  /** `freshen.*` counters and `freshenCpuMs` of the run (empty when freshen was off). */
  readonly counters: Readonly<Record<string, number>>;
}

/** Reads each run's freshen config and counters from its stored config and manifest. */
export async function freshenRunFacts(store: RunStore, runIds: readonly number[]): Promise<FreshenRunFacts[]> {
  if (runIds.length === 0) return [];
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, config::VARCHAR AS config, manifest::VARCHAR AS manifest
     FROM runs WHERE run_id IN (${runIds.map((id) => Math.floor(id)).join(",")}) ORDER BY run_id`,
  );
  return rows.map((r) => {
    const config = JSON.parse(String(r.config)) as Record<string, unknown>;
    const manifest = JSON.parse(String(r.manifest)) as { summary?: { counters?: Record<string, number> } };
    const { freshen, ...rest } = config;
    const counters: Record<string, number> = {};
    for (const [k, v] of Object.entries(manifest.summary?.counters ?? {})) if (k.startsWith("freshen")) counters[k] = v;
    return {
      runId: Number(r.run_id),
      configKey: JSON.stringify(rest),
      freshen: freshen !== null && typeof freshen === "object" ? (freshen as Record<string, unknown>) : null,
      counters,
    };
  });
}

/** The measured latency saving of one chain position: A (without freshen) − B (with), same invocations. */
export interface PositionSaving {
  readonly position: number;
  readonly invocations: number;
  readonly meanSavedMs: number;
  readonly p50SavedMs: number;
  readonly p99WithoutMs: number;
  readonly p99WithMs: number;
}

/**
 * Pairs the runs invocation by invocation (both must have replayed the same stream) and groups by
 * chain position: 0 for a top-level call, n for a call n links down (derived from `parent_id`
 * in run A, positions of 5 and more together). Only invocations both runs completed count.
 */
export async function savingByPosition(store: RunStore, runWithout: number, runWith: number, lastPosition: number): Promise<PositionSaving[]> {
  const a = Math.floor(runWithout);
  const b = Math.floor(runWith);
  const rows = await store.query(
    `WITH RECURSIVE depth(invocation_id, d) AS (
       SELECT invocation_id, 0 FROM invocations WHERE run_id = ${a} AND parent_id IS NULL
       UNION ALL
       SELECT i.invocation_id, depth.d + 1 FROM invocations i JOIN depth ON i.parent_id = depth.invocation_id WHERE i.run_id = ${a}
     )
     SELECT least(depth.d, ${Math.floor(lastPosition)})::INTEGER AS position, count(*)::DOUBLE AS n,
            avg(x.latency_ms - y.latency_ms) AS mean_saved, median(x.latency_ms - y.latency_ms) AS p50_saved,
            quantile_cont(x.latency_ms, 0.99) AS p99_a, quantile_cont(y.latency_ms, 0.99) AS p99_b
     FROM outcomes x JOIN outcomes y ON x.invocation_id = y.invocation_id JOIN depth ON depth.invocation_id = x.invocation_id
     WHERE x.run_id = ${a} AND y.run_id = ${b} AND x.status = 'ok' AND y.status = 'ok'
     GROUP BY ALL ORDER BY 1`,
  );
  return rows.map((r) => ({
    position: Number(r.position),
    invocations: Number(r.n),
    meanSavedMs: significant(Number(r.mean_saved)),
    p50SavedMs: significant(Number(r.p50_saved)),
    p99WithoutMs: significant(Number(r.p99_a)),
    p99WithMs: significant(Number(r.p99_b)),
  }));
}
