// A function process of a live machine agent: executes one invocation at a time, as told over
// the IPC channel by its agent (machine-agent.ts), which may SIGSTOP / SIGCONT it at any moment.
import { runSyntheticWork } from "../http/reference-server/synthetic-work.ts";
import { pathToFileURL } from "node:url";
import { emptyTally, FreshenCache } from "./freshen-cache.ts";
import type { FreshenHook, FromFunction, FunctionChain, FunctionHandler, ToFunction } from "./function-runtime-protocol.ts";

if (!process.send) {
  process.stderr.write("function-runtime: started by a live machine agent (xxbench cluster up), not directly\n");
  process.exit(2);
}

const send = (message: FromFunction): void => {
  process.send?.(message);
};

// The agent is gone: nothing can tell this process what to do any more.
process.on("disconnect", () => process.exit(0));
process.on("SIGINT", () => {});

/** Memory a `timed` invocation holds until the agent ends it. */
let held: Buffer[] = [];
let heldJob = -1;
let cpuAtStart: NodeJS.CpuUsage = process.cpuUsage();

const mb = 1024 * 1024;

/** The user's handler, when the agent was given a function module (argv[2]); loaded before `ready`, so a cold start includes it. */
let handler: FunctionHandler | undefined;
/** The module's optional `freshen` hook and `chain` (function-runtime-protocol.ts). */
let freshen: FreshenHook | undefined;
let chain: FunctionChain = {};
const modulePath = process.argv[2];
const refuseModule = (what: string): never => {
  process.stderr.write(`function-runtime: ${modulePath} ${what}\n`);
  process.exit(2);
};
if (modulePath !== undefined) {
  const loaded = (await import(pathToFileURL(modulePath).href)) as { handler?: unknown; default?: unknown; freshen?: unknown; chain?: unknown };
  const candidate = loaded.handler ?? loaded.default;
  if (typeof candidate !== "function") refuseModule("exports no handler function (export async function handler(payload, context))");
  handler = candidate as FunctionHandler;
  if (loaded.freshen !== undefined && typeof loaded.freshen !== "function") refuseModule("exports a freshen that is not a function (export async function freshen(context))");
  freshen = loaded.freshen as FreshenHook | undefined;
  if (loaded.chain !== undefined) {
    const c = loaded.chain;
    const valid = typeof c === "object" && c !== null && !Array.isArray(c) && Object.values(c).every((next) => Array.isArray(next) && next.every((n) => typeof n === "string"));
    if (!valid) refuseModule('exports a chain that is not { function: ["next function", ...] }');
    chain = c as FunctionChain;
  }
}

/**
 * Runtime-scoped: what freshen fetched or warmed stays here for the handler calls this process
 * runs, one cache per tenant: a pooled process serves every tenant in turn, and one tenant's
 * prefetched data or connections must never reach another's handler.
 */
const caches = new Map<string, FreshenCache>();
const cacheOf = (tenant: string): FreshenCache => {
  let cache = caches.get(tenant);
  if (cache === undefined) caches.set(tenant, (cache = new FreshenCache()));
  return cache;
};

process.on("message", (message: ToFunction) => {
  if (message.kind === "freshen") {
    const start = process.cpuUsage();
    const t0 = performance.now();
    const hook = freshen;
    const spent = (): { cpuMs: number; wallMs: number } => {
      const used = process.cpuUsage(start);
      return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - t0 };
    };
    Promise.resolve()
      .then(() => hook?.({ function: message.fn, ...cacheOf(message.tenant).helpers(true, emptyTally()) }))
      .then(
        () => send({ kind: "freshened", job: message.job, ...spent() }),
        (error: unknown) => send({ kind: "freshen-failed", job: message.job, ...spent(), error: error instanceof Error ? error.message : String(error) }),
      );
    return;
  }
  if (message.kind === "run") {
    if (handler) {
      const start = process.cpuUsage();
      const run = handler;
      const reuse = emptyTally();
      Promise.resolve()
        .then(() => run(message.payload ?? null, { workMs: message.workMs, memMb: message.memMb, ...(message.fn !== undefined ? { function: message.fn } : {}), ...cacheOf(message.tenant).helpers(false, reuse) }))
        .then(
          (result) => {
            const used = process.cpuUsage(start);
            send({ kind: "done", job: message.job, cpuMs: (used.user + used.system) / 1000, memMb: 0, result: result === undefined ? null : result, reuse });
          },
          (error: unknown) => send({ kind: "failed", job: message.job, error: error instanceof Error ? error.message : String(error) }),
        );
      return;
    }
    if (message.mode === "cpu") {
      runSyntheticWork({ workMs: message.workMs, memMb: message.memMb, mode: "cpu" }).then(
        (done) => send({ kind: "done", job: message.job, cpuMs: done.cpuMs, memMb: done.memMb }),
        (error: unknown) => send({ kind: "failed", job: message.job, error: error instanceof Error ? error.message : String(error) }),
      );
      return;
    }
    heldJob = message.job;
    cpuAtStart = process.cpuUsage();
    held = [];
    // Touch every page so the memory is resident, as the kernel then reports it to the agent.
    for (let left = Math.floor(message.memMb * mb); left > 0; left -= mb) held.push(Buffer.allocUnsafeSlow(Math.min(mb, left)).fill(held.length & 0xff));
    return;
  }
  if (message.kind === "touch") {
    let sum = 0;
    for (const b of held) for (let i = 0; i < b.length; i += 4096) sum += b[i]!;
    if (sum < 0) throw new Error("unreachable");
    send({ kind: "touched" });
    return;
  }
  if (message.kind === "finish" && message.job === heldJob) {
    const memMb = held.reduce((sum, b) => sum + b.length, 0) / mb;
    held = [];
    heldJob = -1;
    const used = process.cpuUsage(cpuAtStart);
    send({ kind: "done", job: message.job, cpuMs: (used.user + used.system) / 1000, memMb });
  }
});

send({ kind: "ready", chain: freshen ? chain : {} });
