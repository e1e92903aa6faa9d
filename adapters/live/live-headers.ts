/**
 * The plane's timing breakdown, as response headers of the gateway (all ms, measured on the
 * gateway's clock from when it had read the request, except where said). The live invoker reads
 * them into the outcome; `x-queue-ms` / `x-exec-ms` are also set so any HTTP client's standard
 * classification (http-response.ts) sees the plane's queue and execution time.
 */
export const liveHeaders = {
  /** The machine that ran the invocation. */
  machine: "x-xx-machine",
  /** The class it ran at (after inheritance and budget rules). */
  ranClass: "x-xx-class",
  /** From receipt until the shard's placement answer came back (shard queue + two hops). */
  placedAfter: "x-xx-placed-ms",
  /** From receipt until the function first received CPU. */
  startedAfter: "x-xx-started-ms",
  /** Waited in the shard's multi-queue (the shard's clock). */
  shardWait: "x-xx-shard-wait-ms",
  /** Waited on the machine before first CPU (the agent's clock). */
  machineQueue: "x-xx-machine-queue-ms",
  /** From first CPU to the end, preempted time included (the agent's clock). */
  exec: "x-xx-exec-ms",
  /** Time stopped by preemption (the agent's clock). */
  preempted: "x-xx-preempted-ms",
  preemptions: "x-xx-preemptions",
  /** Time to start a function process when none was idle in the pool; 0 on a warm start. */
  coldStart: "x-xx-cold-start-ms",
  /** Times its memory was pushed out to swap, MB the kernel reported in swap after that, and ms spent reading it back. */
  swapOuts: "x-xx-swap-outs",
  swappedOut: "x-xx-swapped-out-mb",
  swapIn: "x-xx-swap-in-ms",
  /** A fresh class token for calls this invocation makes (class-token.ts). */
  classToken: "x-xx-class-token",
  /** On a request: the caller's class token, whose class the call inherits. */
  parentToken: "x-xx-parent-token",
  /** The plane's placement retries of this invocation (a machine refused it before it started). */
  retries: "x-xx-retries",
} as const;

/** What an agent answers for a function it killed to free memory (507 Insufficient Storage); the gateway passes it on. */
export const killedStatus = 507;
