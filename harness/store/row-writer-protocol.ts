import type { BlockBuffers } from "./outcome-block.ts";

/** What the row-writer thread starts with (its workerData). */
export interface RowWriterInit {
  /** The store file, which the replay thread's instance has closed for the run's duration. */
  readonly storePath: string;
  /** DuckDB options the store is opened with (memory limit, spill directory). */
  readonly options: Readonly<Record<string, string>>;
  readonly runId: number;
  readonly blocks: readonly BlockBuffers[];
  /**
   * Int32 per block (0: the replay thread may fill it, 1: full, the writer thread's), then one
   * flag set to 1 when the writer thread has failed.
   */
  readonly state: SharedArrayBuffer;
  /** The failure message, UTF-8 after an Int32 byte length, for a replay thread blocked in Atomics.wait. */
  readonly failure: SharedArrayBuffer;
}

/** Replay thread → writer thread. `errors` lists (row in block, message) for the rare rows that have one. */
export type ToRowWriter =
  | { readonly kind: "block"; readonly index: number; readonly rows: number; readonly errors: readonly (readonly [number, string])[] }
  | { readonly kind: "samples"; readonly machine: readonly SampleRow[]; readonly classes: readonly SampleRow[] }
  /**
   * The last message: the new functions, then `statements` to run once every row is in (the
   * run's billing), on the writer's own warm connection rather than a freshly reopened store.
   */
  | { readonly kind: "close"; readonly functions: readonly FunctionRow[]; readonly statements: readonly string[] };

/** A machine_samples or class_samples row in its table's column order after run_id; null for NULL. */
export type SampleRow = readonly (number | null)[];

/** A new `functions` row: id, tenant, app, fn. */
export type FunctionRow = readonly [number, string, string, string];

/** Writer thread → replay thread. */
export type FromRowWriter =
  | { readonly kind: "ready" }
  | { readonly kind: "closed"; readonly rows: number }
  | { readonly kind: "failed"; readonly message: string };
