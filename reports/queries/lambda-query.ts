import type { RunStore } from "../../harness/store/run-store.ts";
import type { ReportRun } from "../report-runs.ts";

/** Cold: the REPORT line had an Init Duration. Warm: it did not. */
export type StartKind = "cold" | "warm";

/** One run's invocations that carry a REPORT line, split by how they started. */
export interface LambdaStartGroup {
  readonly runId: number;
  readonly start: StartKind;
  readonly invocations: number;
  readonly responseP50Ms: number;
  readonly responseP99Ms: number;
  /** Medians of the seeds' breakdown: setup = response − init − execution. */
  readonly setupP50Ms: number;
  readonly initP50Ms: number;
  readonly execP50Ms: number;
}

export interface LambdaCdfPoint {
  readonly runId: number;
  readonly start: StartKind;
  readonly p: number;
  readonly latencyMs: number;
}

/** A run's bill from its REPORT lines against the pre-flight estimate from its trace. */
export interface LambdaReconciliation {
  readonly runId: number;
  readonly invocations: number;
  readonly reported: number;
  readonly billedUsd: number;
  /** The planner's formula over the run's invocations: whole-ms work at the configured memory plus the request fee. */
  readonly estimateUsd: number;
  /** GB-s billed for init (cold starts), part of the difference. */
  readonly initGbSeconds: number;
  readonly retries: number;
}

const levels = Array.from({ length: 101 }, (_, i) => i / 100);

/** The runs that have REPORT lines (Lambda runs); the section is absent without any. */
export async function lambdaRunIds(store: RunStore, runs: readonly ReportRun[]): Promise<number[]> {
  if (runs.length === 0) return [];
  const rows = await store.query(
    `SELECT DISTINCT run_id::INTEGER AS run_id FROM invocation_rows WHERE run_id IN (${runs.map((r) => r.runId).join(",")}) AND billed_ms IS NOT NULL ORDER BY run_id`,
  );
  return rows.map((r) => Number(r.run_id));
}

export async function lambdaStartGroups(store: RunStore, runIds: readonly number[]): Promise<LambdaStartGroup[]> {
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, CASE WHEN init_ms IS NULL THEN 'warm' ELSE 'cold' END AS start, count(*)::INTEGER AS n,
            quantile_cont(response_ms, 0.5) AS p50, quantile_cont(response_ms, 0.99) AS p99,
            median(setup_ms) AS setup, median(coalesce(init_ms, 0)) AS init, median(server_exec_ms) AS exec
     FROM outcomes WHERE run_id IN (${runIds.join(",")}) AND billed_ms IS NOT NULL
     GROUP BY ALL ORDER BY run_id, start`,
  );
  return rows.map((r) => ({
    runId: Number(r.run_id),
    start: r.start as StartKind,
    invocations: Number(r.n),
    responseP50Ms: Number(r.p50),
    responseP99Ms: Number(r.p99),
    setupP50Ms: Number(r.setup),
    initP50Ms: Number(r.init),
    execP50Ms: Number(r.exec),
  }));
}

/** The response-time distribution per run and start kind, at every percent. */
export async function lambdaLatencyCdf(store: RunStore, runIds: readonly number[]): Promise<LambdaCdfPoint[]> {
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, CASE WHEN init_ms IS NULL THEN 'warm' ELSE 'cold' END AS start,
            quantile_cont(response_ms, [${levels.join(",")}])::VARCHAR AS q
     FROM outcomes WHERE run_id IN (${runIds.join(",")}) AND billed_ms IS NOT NULL
     GROUP BY ALL ORDER BY run_id, start`,
  );
  return rows.flatMap((r) => {
    const values = JSON.parse(String(r.q)) as number[];
    return values.map((latencyMs, i) => ({ runId: Number(r.run_id), start: r.start as StartKind, p: levels[i]!, latencyMs: Math.max(latencyMs, 0.001) }));
  });
}

interface StoredLambdaConfig {
  readonly arch?: "x86_64" | "arm64";
  readonly memoryMb?: number;
  readonly lambdaPrice?: { readonly usdPerGbSecond: Record<string, number>; readonly usdPerRequest: number };
}

export async function lambdaReconciliation(store: RunStore, runIds: readonly number[]): Promise<LambdaReconciliation[]> {
  const configs = await store.query(`SELECT run_id::INTEGER AS run_id, config::VARCHAR AS config FROM runs WHERE run_id IN (${runIds.join(",")}) ORDER BY run_id`);
  const out: LambdaReconciliation[] = [];
  for (const c of configs) {
    const runId = Number(c.run_id);
    const config = JSON.parse(String(c.config)) as StoredLambdaConfig;
    const gbPrice = config.lambdaPrice?.usdPerGbSecond[config.arch ?? "x86_64"] ?? 0;
    const fee = config.lambdaPrice?.usdPerRequest ?? 0;
    const memoryMb = config.memoryMb ?? 128;
    const [row] = await store.query(
      `SELECT count(*)::INTEGER AS n, count(billed_ms)::INTEGER AS reported, coalesce(sum(cost_micro_cents), 0) / 1e8 AS billed,
              sum(greatest(1, ceil(work_ms))) / 1000 * ${memoryMb} / 1024 AS est_gb_s,
              coalesce(sum(init_ms * memory_size_mb) / 1000 / 1024, 0) AS init_gb_s, coalesce(sum(retries), 0)::INTEGER AS retries
       FROM invocation_rows WHERE run_id = ${runId} AND status <> 'dropped'`,
    );
    out.push({
      runId,
      invocations: Number(row!.n),
      reported: Number(row!.reported),
      billedUsd: Number(row!.billed),
      estimateUsd: Number(row!.est_gb_s ?? 0) * gbPrice + Number(row!.n) * fee,
      initGbSeconds: Number(row!.init_gb_s),
      retries: Number(row!.retries),
    });
  }
  return out;
}
