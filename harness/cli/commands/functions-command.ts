import type { Argv } from "yargs";
import { FunctionServer } from "../../../adapters/http/reference-server/function-server.ts";
import { queuePerWorker, referenceServerDefaults, resolveReferenceServerOptions, workModes } from "../../../adapters/http/reference-server/server-options.ts";
import { throwIfErrors, UsageError } from "../usage-error.ts";

interface ServeArgs {
  host: string;
  port: number;
  workers?: number;
  queue?: number;
  "work-mode": string;
  "mem-scale": number;
  "max-work-ms": number;
  "max-mem-mb": number;
}

const serveCommand = {
  command: "serve",
  describe: "Run the reference function server: executes each POSTed request's workMs and memPeakMb for real",
  builder: (y: Argv) =>
    y
      .options({
        host: { type: "string", default: referenceServerDefaults.host, describe: "Address to listen on" },
        // Knative and Cloud Run tell a container its port in $PORT: deployed there, the server just works.
        port: { type: "number", default: portFromEnvironment(), describe: "Port to listen on (0 picks a free one; default $PORT when set, as Knative and Cloud Run set it)" },
        workers: { type: "number", describe: "Worker processes, each executing one request at a time (default: one per core)" },
        queue: { type: "number", describe: `Requests that may wait for a worker; one more is answered 429 (default ${queuePerWorker} × --workers)` },
        "work-mode": { type: "string", default: referenceServerDefaults.workMode, describe: `How workMs is executed: ${workModes.join(" (CPU on the process clock) or ")} (wall time held)` },
        "mem-scale": { type: "number", default: referenceServerDefaults.memScale, describe: "Grow memory towards memPeakMb × this (0: none)" },
        "max-work-ms": { type: "number", default: referenceServerDefaults.maxWorkMs, describe: "Refuse (400) requests with more work than this" },
        "max-mem-mb": { type: "number", default: referenceServerDefaults.maxMemMb, describe: "Refuse (400) requests whose scaled memory exceeds this" },
      })
      .example("$0 functions serve --port 8080 --workers 2", "two workers on http://127.0.0.1:8080/")
      .example("$0 functions serve --port 0 --work-mode sleep --mem-scale 0", "hold wall time instead of burning CPU, allocate nothing"),
  handler: async (args: ServeArgs) => {
    const resolved = resolveReferenceServerOptions({
      host: args.host,
      port: args.port,
      workers: args.workers,
      queue: args.queue,
      workMode: args["work-mode"],
      memScale: args["mem-scale"],
      maxWorkMs: args["max-work-ms"],
      maxMemMb: args["max-mem-mb"],
    });
    if (!resolved.ok) throwIfErrors(resolved.errors);
    else await serve(resolved.options);
  },
};

async function serve(options: Parameters<typeof FunctionServer.start>[0]): Promise<void> {
  let server: FunctionServer;
  try {
    server = await FunctionServer.start(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UsageError(`--port ${options.port} is already in use on ${options.host}`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new UsageError(`--host ${options.host} is not an address of this machine`);
    if (code === "EACCES") throw new UsageError(`--port ${options.port} needs privileges this process does not have`);
    throw error;
  }
  // Tests and scripts read the URL from this line; it comes only once requests can be served.
  process.stdout.write(`listening on ${server.url} (${options.workers} workers, work mode ${options.workMode})\n`);
  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      // A second signal while stopping quits at once.
      process.once("SIGINT", () => process.exit(130));
      process.once("SIGTERM", () => process.exit(143));
      server.stop().then(resolve, resolve);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
  const c = server.counters;
  process.stderr.write(`stopped: ${c.ok} executed, ${c.rejected} refused (429), ${c.invalid} invalid (400), ${c.failed} failed\n`);
}

export const functionsCommand = {
  command: "functions",
  describe: "The reference function server (functions serve)",
  builder: (y: Argv) => y.command(serveCommand).demandCommand(1, "name a functions command: serve"),
  handler: () => {},
};

function portFromEnvironment(): number {
  const fromEnv = Number(process.env.PORT);
  return process.env.PORT !== undefined && Number.isInteger(fromEnv) && fromEnv >= 0 ? fromEnv : referenceServerDefaults.port;
}
