import { availableParallelism } from "node:os";

export const workModes = ["cpu", "sleep"] as const;
/** How a request's `workMs` is executed: CPU burned on the worker's process clock, or wall time held. */
export type WorkMode = (typeof workModes)[number];

/** The reference function server's configuration, resolved (every default filled in). */
export interface ReferenceServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Worker processes; each executes one request at a time. */
  readonly workers: number;
  /** Requests that may wait for a worker beyond the `workers` being executed; one more gets 429. */
  readonly queue: number;
  readonly workMode: WorkMode;
  /** A request grows memory towards memPeakMb × memScale; 0 allocates nothing. */
  readonly memScale: number;
  /** Requests asking for more work than this are refused with 400 (a safety cap, not a timeout). */
  readonly maxWorkMs: number;
  /** Requests whose scaled memory exceeds this are refused with 400. */
  readonly maxMemMb: number;
}

/** Waiting requests per worker when --queue is not given. */
export const queuePerWorker = 64;

/**
 * Defaults chosen so that running the server on a laptop is safe: one worker per core, a queue
 * deep enough that an open-loop replay at ρ < 1 rarely sees 429, a tenth of each request's memory
 * peak (a 256 MB trace function grows to 25.6 MB), and at most a minute of work per request.
 */
export const referenceServerDefaults = {
  host: "127.0.0.1",
  port: 8080,
  workMode: "cpu" as WorkMode,
  memScale: 0.1,
  maxWorkMs: 60_000,
  maxMemMb: 1024,
} as const;

export type ReferenceServerInput = Partial<Omit<ReferenceServerOptions, "workMode">> & { readonly workMode?: string };

/** Fills in the defaults and returns every problem, named by its command-line flag, or the options. */
export function resolveReferenceServerOptions(input: ReferenceServerInput): { ok: true; options: ReferenceServerOptions } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const workers = input.workers ?? availableParallelism();
  const options = {
    host: input.host ?? referenceServerDefaults.host,
    port: input.port ?? referenceServerDefaults.port,
    workers,
    queue: input.queue ?? queuePerWorker * (Number.isInteger(workers) && workers > 0 ? workers : 1),
    workMode: (input.workMode ?? referenceServerDefaults.workMode) as WorkMode,
    memScale: input.memScale ?? referenceServerDefaults.memScale,
    maxWorkMs: input.maxWorkMs ?? referenceServerDefaults.maxWorkMs,
    maxMemMb: input.maxMemMb ?? referenceServerDefaults.maxMemMb,
  };
  if (options.host.trim() === "") errors.push("--host must not be empty");
  if (!(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) errors.push(`--port must be an integer from 0 to 65535 (got ${options.port})`);
  if (!(Number.isInteger(options.workers) && options.workers >= 1 && options.workers <= 1024)) errors.push(`--workers must be an integer from 1 to 1024 (got ${options.workers})`);
  if (!(Number.isInteger(options.queue) && options.queue >= 0)) errors.push(`--queue must be an integer ≥ 0 (got ${options.queue})`);
  if (!(workModes as readonly string[]).includes(options.workMode)) errors.push(`--work-mode must be one of ${workModes.join(", ")} (got "${options.workMode}")`);
  if (!(Number.isFinite(options.memScale) && options.memScale >= 0)) errors.push(`--mem-scale must be a number ≥ 0 (got ${options.memScale})`);
  if (!(Number.isFinite(options.maxWorkMs) && options.maxWorkMs > 0)) errors.push(`--max-work-ms must be a number of ms > 0 (got ${options.maxWorkMs})`);
  if (!(Number.isFinite(options.maxMemMb) && options.maxMemMb >= 0)) errors.push(`--max-mem-mb must be a number of MB ≥ 0 (got ${options.maxMemMb})`);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, options };
}
