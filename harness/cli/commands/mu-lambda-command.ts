import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Argv } from "yargs";
import { buildHandlerBundle } from "../../../adapters/lambda/handler-bundle.ts";
import { endpointFromEnvironment } from "../../../adapters/lambda/lambda-backend.ts";
import { maxMuTasks } from "../../../adapters/lambda/mu/mu-lambda-backend.ts";
import { thumbnailLimits } from "../../../adapters/lambda/mu/thumbnail-task.ts";
import { lambdaSize } from "../../../adapters/scheduling/mu/lambda-size-table.ts";
import { muSweep, runMuLambda } from "../../lambda/run-mu.ts";
import { RunStore } from "../../store/run-store.ts";
import { abortOnInterrupt } from "../interrupt.ts";
import { dbOption, seedOption } from "../options/common-options.ts";
import { throwIfErrors, UsageError } from "../usage-error.ts";

interface MuArgs {
  region?: string;
  tasks: number;
  "memory-mb": number;
  "concurrency-cap": number;
  "timeout-s": number;
  "function-name": string;
  "lease-ms": number;
  "poll-ms": number;
  "max-attempts": number;
  "source-px": number;
  "thumb-px": number;
  "deadline-s": number;
  "write-handler"?: string;
  seed: number;
  db: string;
}

const workerEntry = fileURLToPath(new URL("../../../adapters/lambda/mu/mu-worker-handler.ts", import.meta.url));

function wholeIn(errors: string[], flag: string, value: number, min: number, max: number, unit: string): void {
  if (!Number.isInteger(value) || value < min || value > max) errors.push(`--${flag} must be a whole number of ${unit} from ${min} to ${max} (got ${value})`);
}

/** One line per bad flag, in the flag's own units. */
export function muArgsErrors(args: MuArgs): string[] {
  const errors: string[] = [];
  wholeIn(errors, "tasks", args.tasks, 1, maxMuTasks, "tasks");
  wholeIn(errors, "memory-mb", args["memory-mb"], 128, 10240, "MB");
  if (errors.length === 0 && lambdaSize(args["memory-mb"]).vcpus < 2) errors.push(`--memory-mb must give a worker at least 2 vCPUs, i.e. 1770 MB or more: one vCPU is kept for polling (got ${args["memory-mb"]})`);
  wholeIn(errors, "concurrency-cap", args["concurrency-cap"], 1, 1000, "workers");
  wholeIn(errors, "timeout-s", args["timeout-s"], 1, 900, "seconds");
  wholeIn(errors, "lease-ms", args["lease-ms"], 10, 900_000, "ms");
  wholeIn(errors, "poll-ms", args["poll-ms"], 1, 1000, "ms");
  wholeIn(errors, "max-attempts", args["max-attempts"], 1, 10, "attempts");
  wholeIn(errors, "source-px", args["source-px"], thumbnailLimits.minSourcePx, thumbnailLimits.maxSourcePx, "pixels");
  wholeIn(errors, "thumb-px", args["thumb-px"], 1, Math.max(1, args["source-px"]), "pixels (at most --source-px)");
  wholeIn(errors, "deadline-s", args["deadline-s"], 1, 86_400, "seconds");
  if (errors.length === 0 && args["lease-ms"] <= 2 * args["poll-ms"]) errors.push(`--lease-ms must be more than twice --poll-ms, or a live worker's leases run out between its polls (got ${args["lease-ms"]} and ${args["poll-ms"]})`);
  return errors;
}

/** `xxbench lambda mu`: seed 004's thumbnailer experiment through μ (adapters/lambda/mu/). */
export const muLambdaCommand = {
  command: "mu",
  describe: "μ (seed 004): thumbnail tasks through a coordinator on loopback and worker-wrapper invocations of a Lambda API on this machine (AWS_ENDPOINT_URL_LAMBDA), stored as one run",
  builder: (y: Argv) =>
    y.options({
      region: { type: "string", default: "us-east-1", describe: "Region the SDK signs for" },
      tasks: { type: "number", default: 100, describe: "Thumbnail tasks, all submitted at once" },
      "memory-mb": { type: "number", default: 4096, describe: "The worker function's memory, MB (vCPUs = ceil(MB / 1769); a worker runs vCPUs − 1 tasks at once)" },
      "concurrency-cap": { type: "number", default: 8, describe: "Worker invocations at once" },
      "timeout-s": { type: "number", default: 30, describe: "The worker function's configured timeout, s: no task starts past 80 % of it" },
      "function-name": { type: "string", default: "xxbench-mu-worker", describe: "The deployed worker-wrapper function" },
      "lease-ms": { type: "number", default: 2000, describe: "A task's lease on its worker, renewed by each poll; a dead worker's tasks are handed out again after it" },
      "poll-ms": { type: "number", default: 20, describe: "How often an idle or busy worker polls, ms" },
      "max-attempts": { type: "number", default: 3, describe: "Times a task may be handed out before it is given up" },
      "source-px": { type: "number", default: 1536, describe: "The synthetic image's side, px" },
      "thumb-px": { type: "number", default: 100, describe: "The thumbnail's side, px" },
      "deadline-s": { type: "number", default: 600, describe: "Stop spawning workers after this long, s" },
      "write-handler": { type: "string", describe: "Only write the bundled worker wrapper (an ES module exporting `handler`) to this file, for deploying or serving it" },
      ...dbOption,
      ...seedOption,
    }),
  handler: async (args: MuArgs) => {
    if (args["write-handler"] !== undefined) {
      writeFileSync(args["write-handler"], (await buildHandlerBundle(workerEntry)).code);
      process.stdout.write(`wrote the μ worker wrapper to ${args["write-handler"]}\n`);
      return;
    }
    throwIfErrors(muArgsErrors(args));
    const endpoint = endpointFromEnvironment();
    // The coordinator listens on loopback only (the project sends nothing off this machine), so
    // workers must run here too: on AWS they could not reach it.
    if (endpoint === undefined || !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(endpoint)) {
      throw new UsageError(`lambda mu needs a Lambda API on this machine in AWS_ENDPOINT_URL_LAMBDA (e.g. http://127.0.0.1:3002): its coordinator listens on loopback only (got ${endpoint ?? "none"})`);
    }
    const interrupt = abortOnInterrupt();
    const store = await RunStore.open(args.db);
    try {
      const run = await runMuLambda({
        store,
        tasks: args.tasks,
        signal: interrupt.signal,
        command: process.argv.slice(2),
        options: {
          region: args.region ?? "us-east-1",
          endpoint,
          functionName: args["function-name"],
          memoryMb: args["memory-mb"],
          timeoutS: args["timeout-s"],
          concurrencyCap: args["concurrency-cap"],
          leaseMs: args["lease-ms"],
          pollMs: args["poll-ms"],
          maxAttempts: args["max-attempts"],
          sourcePx: args["source-px"],
          thumbPx: args["thumb-px"],
          seed: args.seed,
          deadlineMs: args["deadline-s"] * 1000,
        },
      });
      const c = run.summary.counters;
      process.stdout.write(
        `stored run ${run.runId} (sweep ${muSweep}) in ${args.db}: ${JSON.stringify(run.summary.outcomes)}; ${c["workerInvocations"]} worker invocations, ${(c["tasksPerSecond"] ?? 0).toFixed(1)} tasks/s, ${c["reassignments"]} reassigned, peak ${c["peakTasksOnAWorker"]} tasks on a worker\n`,
      );
    } finally {
      interrupt.dispose();
      store.close();
    }
  },
};
