import type { SimArgs } from "../cli/options/sim-options.ts";
import type { SyntheticArgs } from "../cli/options/synthetic-options.ts";
import type { SweepCell } from "./sweep-grid.ts";

/** The workload and cluster options every cell shares (the command line's, minus the grid). */
export type SweepRunArgs = SimArgs & SyntheticArgs;

/** Parent → worker: run this cell into this private DuckDB file. */
export interface RunCellMessage {
  readonly kind: "run";
  readonly cell: SweepCell;
  readonly args: SweepRunArgs;
  readonly db: string;
  readonly sweep: string;
  /** Tells this sweep's runs from another of the same name (kept in each run's manifest). */
  readonly sweepId: string;
  /** Cells in the grid. */
  readonly cells: number;
  /** The single `xxbench replay` command line that reproduces this cell, kept in the manifest. */
  readonly command: readonly string[];
}

/** Worker → parent. */
export type WorkerMessage =
  | { readonly kind: "progress"; readonly invocations: number; readonly fraction: number | null }
  | { readonly kind: "done"; readonly invocations: number }
  | { readonly kind: "failed"; readonly message: string };
