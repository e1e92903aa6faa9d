import type { ThumbnailSpec } from "./thumbnail-task.ts";

/**
 * The JSON a μ worker and its coordinator exchange over HTTP, with a parser per request body
 * that names the first thing wrong in one line. The worker side only builds these; the
 * coordinator parses every body it is sent, since anything on loopback may post to it.
 */
export type MuTask = ThumbnailSpec;

/** POST /tasks: a client's tasks enter the request pool. */
export interface SubmitRequest {
  readonly tasks: readonly MuTask[];
}

/** POST /register: a worker instance started. */
export interface RegisterRequest {
  readonly worker: number;
  /** The instance's configured memory (context.memoryLimitInMB): its vCPUs follow from it. */
  readonly memoryMb: number;
  /** context.getRemainingTimeInMillis() when it registered: dates its start on the coordinator's clock. */
  readonly remainingMs: number;
}

export interface RegisterAnswer {
  readonly vcpus: number;
  /** Tasks it may run at once: vCPUs − 1. */
  readonly slots: number;
  readonly timeoutMs: number;
}

/** POST /poll: Algorithm 1's input. */
export interface PollRequest {
  readonly worker: number;
  readonly cpuShare: number;
  readonly memShare: number;
  /** The tasks it runs now: their count is Algorithm 1's currTasks, and each poll renews their leases. */
  readonly running: readonly number[];
}

export type PollReply = { readonly kind: "assign"; readonly task: MuTask } | { readonly kind: "continue" } | { readonly kind: "shutdown" };

/** POST /complete: a task ran to its end on a worker. */
export interface CompleteRequest {
  readonly worker: number;
  readonly task: number;
  readonly checksum: string;
  /** Worker time from its handler's start to the task's start, ms (timeout − remaining then). */
  readonly startedAtMs: number;
  readonly runMs: number;
}

export interface CompleteAnswer {
  /** False when the task had completed already (a second run after its lease ran out). */
  readonly accepted: boolean;
}

/** A body that cannot be what its route takes: the coordinator answers 400 with the message. */
export class BadRequestError extends Error {}

const maxId = 2 ** 31 - 1;

function objectOf(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new BadRequestError(`${what} must be a JSON object`);
  return body as Record<string, unknown>;
}

function idOf(o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > maxId) throw new BadRequestError(`${key} must be a whole number from 0 to ${maxId} (got ${JSON.stringify(v)})`);
  return v;
}

function numberIn(o: Record<string, unknown>, key: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) throw new BadRequestError(`${key} must be a number from ${min} to ${max} (got ${JSON.stringify(v)})`);
  return v;
}

function intIn(o: Record<string, unknown>, key: string, min: number, max: number): number {
  const v = numberIn(o, key, min, max);
  if (!Number.isInteger(v)) throw new BadRequestError(`${key} must be a whole number (got ${v})`);
  return v;
}

export function parseTask(body: unknown): MuTask {
  const o = objectOf(body, "a task");
  return { task: idOf(o, "task"), seed: intIn(o, "seed", -maxId, maxId), sourcePx: intIn(o, "sourcePx", 1, 4096), thumbPx: intIn(o, "thumbPx", 1, 4096) };
}

export function parseSubmit(body: unknown, maxTasks: number): SubmitRequest {
  const o = objectOf(body, "the body");
  const tasks = o["tasks"];
  if (!Array.isArray(tasks) || tasks.length === 0 || tasks.length > maxTasks) throw new BadRequestError(`tasks must be an array of 1 to ${maxTasks} tasks`);
  return { tasks: tasks.map(parseTask) };
}

export function parseRegister(body: unknown): RegisterRequest {
  const o = objectOf(body, "the body");
  return { worker: idOf(o, "worker"), memoryMb: intIn(o, "memoryMb", 128, 10240), remainingMs: numberIn(o, "remainingMs", 0, 900_000) };
}

export function parsePoll(body: unknown, maxRunning: number): PollRequest {
  const o = objectOf(body, "the body");
  const running = o["running"];
  if (!Array.isArray(running) || running.length > maxRunning) throw new BadRequestError(`running must be an array of at most ${maxRunning} task ids`);
  const ids = running.map((v, i) => idOf({ [`running[${i}]`]: v }, `running[${i}]`));
  return { worker: idOf(o, "worker"), cpuShare: numberIn(o, "cpuShare", 0, 1), memShare: numberIn(o, "memShare", 0, 1), running: ids };
}

export function parseComplete(body: unknown): CompleteRequest {
  const o = objectOf(body, "the body");
  const checksum = o["checksum"];
  if (typeof checksum !== "string" || !/^[0-9a-f]{8}$/.test(checksum)) throw new BadRequestError(`checksum must be 8 hex digits (got ${JSON.stringify(checksum)})`);
  return { worker: idOf(o, "worker"), task: idOf(o, "task"), checksum, startedAtMs: numberIn(o, "startedAtMs", 0, 900_000), runMs: numberIn(o, "runMs", 0, 900_000) };
}
