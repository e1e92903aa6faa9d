/**
 * μ's static spawning policy (seed 004 §5, "the threshold that the coordinator uses to decide when
 * more instances are needed is not dynamic"): spawn enough workers for the tasks waiting in the
 * pool that the live and starting workers cannot take, never more than the concurrency cap.
 * Clock-free and pure.
 */
export interface SpawnState {
  /** Tasks in the request pool. */
  readonly pooledTasks: number;
  /** Task slots still free on workers that are starting or live and may still take work. */
  readonly freeSlots: number;
  /** Workers starting or live (what the platform counts against the cap). */
  readonly workers: number;
  readonly concurrencyCap: number;
  /** Task slots of one worker (vCPUs − 1). */
  readonly slotsPerWorker: number;
}

export function workersToSpawn(s: SpawnState): number {
  if (s.slotsPerWorker <= 0) return 0;
  const uncovered = s.pooledTasks - s.freeSlots;
  if (uncovered <= 0) return 0;
  return Math.max(0, Math.min(s.concurrencyCap - s.workers, Math.ceil(uncovered / s.slotsPerWorker)));
}
