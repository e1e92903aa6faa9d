/**
 * A sweep worker process: runs one cell of the grid into its own DuckDB file (DuckDB lets one
 * process hold a file, so workers never touch the shared store) and reports progress over IPC.
 * The parent imports the file when the worker exits.
 */
import { runCellIntoFile } from "./sweep-cell.ts";
import type { RunCellMessage, WorkerMessage } from "./sweep-protocol.ts";

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function runCell(job: RunCellMessage): Promise<void> {
  const controller = new AbortController();
  // The parent forwards Ctrl-C as SIGINT: stop and store the run as interrupted.
  process.on("SIGINT", () => controller.abort());
  process.on("SIGTERM", () => controller.abort());
  let lastSent = 0;
  const { invocations } = await runCellIntoFile({
    cell: job.cell,
    args: job.args,
    db: job.db,
    sweep: job.sweep,
    command: job.command,
    identity: { sweepId: job.sweepId, index: job.cell.index, of: job.cells, attempt: `local-${process.pid}` },
    signal: controller.signal,
    onProgress: (e) => {
      if (e.elapsedMs - lastSent < 250 && !e.done) return;
      lastSent = e.elapsedMs;
      send({ kind: "progress", invocations: e.invocations, fraction: e.fraction ?? null });
    },
  });
  send({ kind: "done", invocations });
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
