/**
 * What happens to a function that has invocations but no durations row, or no memory row
 * (functions come and go between the three files; d13 and d14 ship no memory file at all).
 * "skip" drops it and counts the functions and invocations dropped; "default" replays it with a
 * fixed work and memory and counts it. Either way the counts go to the manifest: never silent.
 */
export type MissingStatsPolicy = "skip" | "default";
export const missingStatsPolicies: readonly MissingStatsPolicy[] = ["skip", "default"];

/** What the policy did, as the manifest records it. */
export interface MissingStatsReport {
  readonly policy: MissingStatsPolicy;
  /** Work (ms) and memory (MB) given to defaulted functions. */
  readonly defaultWorkMs: number;
  readonly defaultMemoryMb: number;
  functionsWithoutDurations: number;
  functionsWithoutMemory: number;
  /** Functions (and their window invocations) left out under "skip". */
  functionsSkipped: number;
  invocationsSkipped: number;
  /** Functions replayed with a default under "default". */
  functionsDefaulted: number;
}
