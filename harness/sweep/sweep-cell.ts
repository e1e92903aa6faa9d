import { syntheticTrace } from "../../traces/synthetic/synthetic-trace.ts";
import { createBackend } from "../backends/backend-registry.ts";
import { simConfigFromArgs } from "../cli/options/sim-options.ts";
import { syntheticConfigFromArgs } from "../cli/options/synthetic-options.ts";
import type { ProgressListener } from "../replay/progress.ts";
import { replay } from "../replay/replay.ts";
import { RunStore } from "../store/run-store.ts";
import type { SweepCell } from "./sweep-grid.ts";
import type { SweepRunArgs } from "./sweep-protocol.ts";

/**
 * Which cell of which sweep a stored run is, kept in its manifest as `sweepCell`: how
 * `sweep collect` knows a result is already in the store (importing it again adds nothing), and
 * how a sweep's completeness is read from the store alone (`of` cells, each complete or not).
 */
export interface SweepCellIdentity {
  readonly sweepId: string;
  readonly index: number;
  /** Cells in the sweep's grid. */
  readonly of: number;
  /** One execution of the cell: a SLURM array task `JOB_TASK`, a pod, or a local worker. */
  readonly attempt: string;
  /** The engine's own record of the attempt, for failures: job id, exit code, log. */
  readonly engine?: Readonly<Record<string, string | number | null>>;
  /** A run row that stands for an attempt which left no run of its own (killed, cancelled, lost). */
  readonly placeholder?: boolean;
}

export interface CellRunRequest {
  readonly cell: SweepCell;
  readonly args: SweepRunArgs;
  /** A private DuckDB file: DuckDB lets one process hold a file, so a cell never writes the shared store. */
  readonly db: string;
  readonly sweep: string;
  readonly command: readonly string[];
  readonly identity: SweepCellIdentity;
  readonly signal: AbortSignal;
  readonly onProgress?: ProgressListener;
}

/**
 * Runs one cell of a sweep into its own store file, whichever engine started it (a local worker
 * process, a SLURM array task, a Kubernetes pod): the same code, so an engine cannot change a
 * result. A run that fails or is interrupted stays in the file with that status; the error is
 * rethrown after the run is tagged.
 */
export async function runCellIntoFile(request: CellRunRequest): Promise<{ invocations: number }> {
  const { cell } = request;
  const args = { ...request.args, ...cell.options, load: cell.load ?? undefined, phases: cell.phases ?? undefined };
  const sim = simConfigFromArgs(args, cell.seed);
  const trace = syntheticTrace(syntheticConfigFromArgs(args, cell.seed, sim.machines * sim.cores));
  const backend = createBackend(cell.backend, { sim, prices: trace.prices });
  const store = await RunStore.open(request.db);
  try {
    const [run] = await replay({
      store,
      trace,
      backends: [backend],
      seed: cell.seed,
      signal: request.signal,
      label: cell.label,
      sweep: request.sweep,
      command: request.command,
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    });
    if (run === undefined) throw new Error(`replay of sweep cell ${cell.index} returned no run for its one backend`);
    return { invocations: run.summary.invocations };
  } finally {
    try {
      await tagSweepCell(store, request.identity);
    } finally {
      store.close();
    }
  }
}

/** Adds `sweepCell` to the manifest of every run in a cell's private store (it holds one). */
export async function tagSweepCell(store: RunStore, identity: SweepCellIdentity): Promise<void> {
  await store.run(`UPDATE runs SET manifest = json_merge_patch(manifest, $patch::JSON)`, { patch: JSON.stringify({ sweepCell: identity }) });
}
