import type { BlockBuffers } from "./outcome-block.ts";

/** What the row-writer thread starts with (its workerData). */
export interface RowWriterInit {
  readonly stagingPath: string;
  readonly spillDir: string;
  readonly memoryLimitMb: number;
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
  | { readonly kind: "close" };

/** Writer thread → replay thread. */
export type FromRowWriter =
  | { readonly kind: "ready" }
  | { readonly kind: "closed"; readonly rows: number }
  | { readonly kind: "failed"; readonly message: string };
