/**
 * A sweep worker process: runs one cell of the grid into its own DuckDB file (DuckDB lets one
 * process hold a file, so workers never touch the shared store) and reports progress over IPC.
 * The parent imports the file when the worker exits.
 */
import { syntheticTrace } from "../../traces/synthetic/synthetic-trace.ts";
import { createBackend } from "../backends/backend-registry.ts";
import { simConfigFromArgs } from "../cli/options/sim-options.ts";
import { syntheticConfigFromArgs } from "../cli/options/synthetic-options.ts";
import { replay } from "../replay/replay.ts";
import { RunStore } from "../store/run-store.ts";
import type { RunCellMessage, WorkerMessage } from "./sweep-protocol.ts";

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function runCell(job: RunCellMessage): Promise<void> {
  const { cell } = job;
  const args = { ...job.args, ...cell.options, load: cell.load ?? undefined, phases: cell.phases ?? undefined };
  const sim = simConfigFromArgs(args, cell.seed);
  const trace = syntheticTrace(syntheticConfigFromArgs(args, cell.seed, sim.machines * sim.cores));
  const backend = createBackend(cell.backend, { sim, prices: trace.prices });
  const store = await RunStore.open(job.db);
  const controller = new AbortController();
  // The parent forwards Ctrl-C as SIGINT: stop and store the run as interrupted.
  process.on("SIGINT", () => controller.abort());
  process.on("SIGTERM", () => controller.abort());
  let lastSent = 0;
  try {
    const [run] = await replay({
      store,
      trace,
      backends: [backend],
      seed: cell.seed,
      signal: controller.signal,
      label: cell.label,
      sweep: job.sweep,
      command: job.command,
      onProgress: (e) => {
        if (e.elapsedMs - lastSent < 250 && !e.done) return;
        lastSent = e.elapsedMs;
        send({ kind: "progress", invocations: e.invocations, fraction: e.fraction ?? null });
      },
    });
    if (run === undefined) throw new Error(`replay of sweep cell ${cell.index} returned no run for its one backend`);
    send({ kind: "done", invocations: run.summary.invocations });
  } finally {
    store.close();
  }
}

process.once("message", (job: RunCellMessage) => {
  runCell(job).then(
    () => process.disconnect?.(),
    (error: unknown) => {
      send({ kind: "failed", message: error instanceof Error ? error.message : String(error) });
      process.exitCode = 1;
      process.disconnect?.();
    },
  );
});
