// A worker process of the reference function server: executes one request's work at a time, as
// told over the IPC channel by the primary (function-server.ts).
import { runSyntheticWork } from "./synthetic-work.ts";
import type { FromWorker, ToWorker } from "./worker-protocol.ts";

if (!process.send) {
  process.stderr.write("function-worker: run by the reference function server (xxbench functions serve), not directly\n");
  process.exit(2);
}

const send = (message: FromWorker): void => {
  process.send?.(message);
};

// The primary is gone (exited, killed, or disconnected us): nothing can ask for work or read a
// result any more, so this worker must not outlive it.
process.on("disconnect", () => process.exit(0));
// Signals are the primary's to handle; a terminal's Ctrl-C reaches the whole process group.
process.on("SIGINT", () => {});

process.on("message", (message: ToWorker) => {
  if (message.kind !== "run") return;
  runSyntheticWork(message.work).then(
    (done) => send({ kind: "done", job: message.job, done }),
    (error: unknown) => send({ kind: "failed", job: message.job, error: error instanceof Error ? error.message : String(error) }),
  );
});

send({ kind: "ready" });
