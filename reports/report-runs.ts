import type { RunStore } from "../harness/store/run-store.ts";

/** A load phase in trace time, as the report shades it. */
export interface ReportPhase {
  readonly startMs: number;
  readonly load: number;
}

/** What a report needs to know about one stored run, read from `runs` and its manifest. */
export interface ReportRun {
  readonly runId: number;
  readonly backend: string;
  readonly label: string | null;
  readonly sweep: string | null;
  readonly seed: number;
  readonly status: string;
  readonly streamDigest: string | null;
  /**
   * Invocation rows the store holds for the run, counted: a failed or interrupted run holds only
   * those written before it stopped, and its figures describe those alone.
   */
  readonly storedInvocations: number;
  /** The count the run recorded when it completed; null when it never did. */
  readonly recordedInvocations: number | null;
  /** Price of each class, µ¢ per cpu-second (index = class). */
  readonly prices: readonly number[];
  /** Load schedule of a synthetic trace; empty when the trace has none. */
  readonly phases: readonly ReportPhase[];
  /** The offered load when the schedule is a single constant phase, else null. */
  readonly constantLoad: number | null;
  /** Arrival time of the last invocation: samples after it only show the drain. */
  readonly lastArrivalMs: number;
  /** RAM per machine when the backend models memory (null: unbounded or not modelled). */
  readonly ramMb: number | null;
  /** A short name that tells the run apart from the others in one report. */
  readonly series: string;
  /** Why the run's pacing cannot be trusted, in words (a network run sent too late); null when it can. */
  readonly degraded: string | null;
  /**
   * A network run: its rows record when each request actually left (`sent_ms`), or that it was
   * dropped unsent. A simulator run has neither.
   */
  readonly network: boolean;
  /**
   * The run has machine samples (utilization, memory over time). Only simulators take them: a
   * network backend sees its target from outside, through responses alone.
   */
  readonly machineSamples: boolean;
}

export interface RunChoice {
  readonly runIds?: readonly number[];
  readonly latest?: boolean;
  readonly sweep?: string;
  readonly includeIncomplete?: boolean;
}

interface ManifestView {
  trace?: { spec?: { phases?: { tick: number; load: number }[]; tickMs?: number; prices?: number[] } };
  backend?: { config?: { prices?: number[]; ramMb?: number | null } };
  stream?: { lastArrivalMs?: number };
}

/** Reads the chosen runs, in run-id order; the caller decides what an empty choice means. */
export async function loadReportRuns(store: RunStore, choice: RunChoice): Promise<ReportRun[]> {
  const where: string[] = [];
  if (choice.runIds && choice.runIds.length > 0) where.push(`run_id IN (${choice.runIds.map((id) => Math.floor(Number(id))).join(",")})`);
  if (choice.sweep !== undefined) where.push(`sweep = $sweep`);
  if (!choice.includeIncomplete) where.push(`status = 'complete'`);
  // The latest batch among the runs the user asked for: with incomplete runs included, an
  // interrupted replay is the latest one, not hidden behind the last complete batch.
  if (choice.latest) where.push(`batch_id = (SELECT max(batch_id) FROM runs${choice.includeIncomplete ? "" : ` WHERE status = 'complete'`})`);
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, backend, label, sweep, seed::DOUBLE AS seed, status, stream_digest,
            invocations::DOUBLE AS invocations, manifest::VARCHAR AS manifest, degraded
     FROM runs ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY run_id`,
    choice.sweep !== undefined ? { sweep: choice.sweep } : undefined,
  );
  const stored = await storedInvocationCounts(store, rows.map((r) => Number(r.run_id)));
  const sampled = await runsWithMachineSamples(store, rows.map((r) => Number(r.run_id)));
  const runs = rows.map((r) => {
    const manifest = JSON.parse(String(r.manifest)) as ManifestView;
    const spec = manifest.trace?.spec ?? {};
    const tickMs = spec.tickMs ?? 1000;
    const phases = (spec.phases ?? []).map((p) => ({ startMs: p.tick * tickMs, load: p.load }));
    const [onlyPhase, ...laterPhases] = phases;
    return {
      runId: Number(r.run_id),
      backend: String(r.backend),
      label: r.label === null ? null : String(r.label),
      sweep: r.sweep === null ? null : String(r.sweep),
      seed: Number(r.seed),
      status: String(r.status),
      streamDigest: r.stream_digest === null ? null : String(r.stream_digest),
      storedInvocations: stored.get(Number(r.run_id))?.rows ?? 0,
      recordedInvocations: r.invocations === null ? null : Number(r.invocations),
      prices: manifest.backend?.config?.prices ?? spec.prices ?? [],
      phases,
      constantLoad: onlyPhase !== undefined && laterPhases.length === 0 ? onlyPhase.load : null,
      lastArrivalMs: manifest.stream?.lastArrivalMs ?? Number.POSITIVE_INFINITY,
      ramMb: manifest.backend?.config?.ramMb ?? null,
      series: String(r.backend),
      degraded: r.degraded === null || r.degraded === undefined ? null : String(r.degraded),
      network: stored.get(Number(r.run_id))?.network ?? false,
      machineSamples: sampled.has(Number(r.run_id)),
    };
  });
  return withSeriesNames(runs);
}

/** Rows per run as the store holds them, not as the run planned or recorded, and whether any was sent over a network. */
async function storedInvocationCounts(store: RunStore, runIds: readonly number[]): Promise<Map<number, { rows: number; network: boolean }>> {
  if (runIds.length === 0) return new Map();
  const rows = await store.query(
    `SELECT run_id::INTEGER AS run_id, count(*)::DOUBLE AS n,
            (count(sent_ms) > 0 OR count(*) FILTER (WHERE status = 'dropped') > 0) AS network
     FROM invocations WHERE run_id IN (${runIds.join(",")}) GROUP BY ALL ORDER BY 1`,
  );
  return new Map(rows.map((r) => [Number(r.run_id), { rows: Number(r.n), network: r.network === true }]));
}

async function runsWithMachineSamples(store: RunStore, runIds: readonly number[]): Promise<Set<number>> {
  if (runIds.length === 0) return new Set();
  const rows = await store.query(`SELECT DISTINCT run_id::INTEGER AS run_id FROM machine_samples WHERE run_id IN (${runIds.join(",")}) ORDER BY 1`);
  return new Set(rows.map((r) => Number(r.run_id)));
}

/**
 * Runs are named by backend; when one backend appears more than once (a sweep, or several
 * replays), the label or run id is added so every series in a chart is distinct. A degraded run's
 * name says so, so every legend, table row and pair that shows it carries the warning.
 */
function withSeriesNames(runs: ReportRun[]): ReportRun[] {
  const perBackend = new Map<string, number>();
  for (const r of runs) perBackend.set(r.backend, (perBackend.get(r.backend) ?? 0) + 1);
  return runs.map((r) => {
    const name = (perBackend.get(r.backend) ?? 0) > 1 ? `${r.backend} ${r.label ?? ""} #${r.runId}`.replace(/\s+/g, " ") : r.backend;
    return { ...r, series: r.degraded === null ? name : `${name} (DEGRADED)` };
  });
}

/** `run_id IN (…)` for the chosen runs (ids are integers from the store, never user text). */
export function runIdList(runs: readonly ReportRun[]): string {
  return runs.length === 0 ? "NULL" : runs.map((r) => r.runId).join(",");
}
