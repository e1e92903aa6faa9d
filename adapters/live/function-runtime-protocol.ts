import type { FreshenHelpers, ReuseTally } from "./freshen-cache.ts";

/**
 * How an invocation's work is executed in its function process. `cpu`: computed until the
 * process's CPU clock has advanced by workMs (the reference server's synthetic work). `timed`:
 * the process holds its memory and the agent ends the work once workMs of time has passed while
 * the process was not stopped; a stopped process accrues none. `timed` is emulation: it lets a
 * small box host more emulated cores than it has, since a waiting-to-be-told process burns none.
 */
export const liveWorkModes = ["timed", "cpu"] as const;
export type LiveWorkMode = (typeof liveWorkModes)[number];

/**
 * A user function instead of synthetic work: an ES module exporting `handler(payload, context)`
 * (or a default export), called with the invocation's JSON `payload` and `{ workMs, memMb,
 * function }` (`function`: the payload's `fn`, else the invocation's, e.g. a replayed trace's);
 * what it returns (JSON) is the invocation's result. Its work is whatever it does, so `mode` is
 * ignored and the agent's clock does not end it.
 */
export type FunctionHandler = (payload: unknown, context: { workMs: number; memMb: number; function?: string } & FreshenHelpers) => unknown;

/**
 * A module may also export `freshen(context)` (seed 003): run by the platform in the function
 * process that will be handed the predicted call, before it arrives, with the same fetch / warm
 * helpers the handler gets (freshen-cache.ts) and no payload (seed 003 §3.3: freshen has no
 * access to the function's arguments). `context.function` names the function predicted.
 */
export type FreshenHook = (context: { function: string } & FreshenHelpers) => unknown;

/**
 * The module's function chain, `export const chain = { f: ["g"] }`: an invocation of `f` calls
 * `g` (as an orchestrator's chain definition says, seed 003 §2). One module hosts a tenant's
 * functions; an invocation names its function by its payload's `fn` (`invokedFunction`).
 */
export type FunctionChain = Readonly<Record<string, readonly string[]>>;

/** The function an invocation's payload names (`{ fn: "g", ... }`), if any. */
export function invokedFunction(payload: unknown): string | undefined {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return undefined;
  const fn = (payload as Record<string, unknown>).fn;
  return typeof fn === "string" ? fn : undefined;
}

/** Agent → function process. */
export type ToFunction =
  /**
   * `tenant`: whose call it is; the handler's fetch / warm helpers see that tenant's freshen cache
   * only. `fn`: the function invoked (the payload's `fn`, or the invocation's), as `context.function`.
   */
  | { kind: "run"; job: number; mode: LiveWorkMode; workMs: number; memMb: number; tenant: string; fn?: string; payload?: unknown }
  /** `timed` only: the agent's clock says the work is done; release memory and answer `done`. */
  | { kind: "finish"; job: number }
  /** Read one byte of every held page, so memory swapped out comes back in now; answer `touched`. */
  | { kind: "touch" }
  /** Run the module's `freshen` for `fn`; answer `freshened` (or `freshen-failed`). A `run` may arrive meanwhile. */
  | { kind: "freshen"; job: number; fn: string; tenant: string };

/** Function process → agent. */
export type FromFunction =
  /** `chain`: the module's function chain, for the agent to predict calls by (empty without one). */
  | { kind: "ready"; chain?: FunctionChain }
  /** `reuse`: how a user handler's fetches met their resources (freshen-cache.ts). */
  | { kind: "done"; job: number; cpuMs: number; memMb: number; result?: unknown; reuse?: ReuseTally }
  /** Freshen's process CPU and wall time, ms (billed to the tenant whether or not the prediction came true). */
  | { kind: "freshened"; job: number; cpuMs: number; wallMs: number }
  | { kind: "freshen-failed"; job: number; cpuMs: number; wallMs: number; error: string }
  | { kind: "failed"; job: number; error: string }
  | { kind: "touched" };
